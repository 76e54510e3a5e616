/**
 * A local server speaking the OpenAI and Azure OpenAI chat-completions wire format, for
 * contract tests: it records every request and answers with chat.completion envelopes shaped
 * like recorded ones (ids, usage with token details, system_fingerprint; Azure adds
 * prompt_filter_results and content_filter_results). What the "model" says comes from the
 * test's responder, by default `scriptedModel`, a deterministic stand-in that reads the
 * request (transcript lines, findings JSON) and answers within the requested schema.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestRecord {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: {
      type: string;
      json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> };
    };
    temperature?: number;
    max_completion_tokens?: number;
  };
  /** response_format.json_schema.name */
  schemaName: string;
}

export type ModelAnswer =
  | { content: unknown; finishReason?: string; refusal?: string | null }
  | {
      status: number;
      headers?: Record<string, string>;
      error: { message: string; type?: string; code?: string | null };
    };

export type Responder = (req: ChatRequestRecord, index: number) => ModelAnswer | Promise<ModelAnswer>;

export interface FakeOpenAiServer {
  url: string;
  requests: ChatRequestRecord[];
  close(): Promise<void>;
}

export async function startFakeOpenAiServer(
  responder: Responder,
  opts: { model?: string; azure?: boolean } = {},
): Promise<FakeOpenAiServer> {
  const requests: ChatRequestRecord[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-request-id': `req_${requests.length}`,
          ...headers,
        });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || !/\/chat\/completions$/.test(path)) {
        send(404, {
          error: {
            message: `Unknown request URL: ${req.method} ${req.url}`,
            type: 'invalid_request_error',
            code: 'unknown_url',
          },
        });
        return;
      }
      let body: ChatRequestRecord['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestRecord['body'];
      } catch {
        send(400, {
          error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' },
        });
        return;
      }
      const record: ChatRequestRecord = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        schemaName: body.response_format?.json_schema?.name ?? '',
      };
      const index = requests.push(record) - 1;
      void Promise.resolve(responder(record, index)).then(
        (answer) => {
          if ('status' in answer) {
            send(
              answer.status,
              { error: { type: 'invalid_request_error', code: null, param: null, ...answer.error } },
              answer.headers,
            );
            return;
          }
          const content = typeof answer.content === 'string' ? answer.content : JSON.stringify(answer.content);
          const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4);
          const completionTokens = Math.ceil(content.length / 4);
          const choice: Record<string, unknown> = {
            index: 0,
            message: {
              role: 'assistant',
              content: answer.refusal ? null : content,
              refusal: answer.refusal ?? null,
              annotations: [],
            },
            logprobs: null,
            finish_reason: answer.finishReason ?? 'stop',
          };
          const filter = { filtered: false, severity: 'safe' };
          if (opts.azure)
            choice['content_filter_results'] = { hate: filter, self_harm: filter, sexual: filter, violence: filter };
          send(200, {
            id: `chatcmpl-${index.toString(36).padStart(8, 'x')}AbCdEf`,
            object: 'chat.completion',
            created: 1_735_689_600 + index,
            model: opts.model ?? 'gpt-4o-mini-2024-07-18',
            choices: [choice],
            usage: {
              prompt_tokens: promptTokens,
              completion_tokens: completionTokens,
              total_tokens: promptTokens + completionTokens,
              prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
              completion_tokens_details: {
                reasoning_tokens: 0,
                audio_tokens: 0,
                accepted_prediction_tokens: 0,
                rejected_prediction_tokens: 0,
              },
            },
            system_fingerprint: 'fp_0ba0d124f1',
            ...(opts.azure
              ? {
                  prompt_filter_results: [
                    {
                      prompt_index: 0,
                      content_filter_results: { hate: filter, self_harm: filter, sexual: filter, violence: filter },
                    },
                  ],
                }
              : { service_tier: 'default' }),
          });
        },
        (err: unknown) => send(500, { error: { message: String(err), type: 'server_error' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const LINE = /^\[(\d+)-(\d+)\] (\S+): (.*)$/;

export interface ParsedLine {
  startMs: number;
  endMs: number;
  speaker: string;
  text: string;
}

/** The transcript lines of a map request. */
export function linesOf(req: ChatRequestRecord): ParsedLine[] {
  const user = req.body.messages.find((m) => m.role === 'user')?.content ?? '';
  return user
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ startMs: Number(m[1]), endMs: Number(m[2]), speaker: m[3] as string, text: m[4] as string }));
}

const firstWords = (text: string, n: number): string => text.split(' ').slice(0, n).join(' ');

/** Window findings a careful model would give: only quotes copied from the lines it got. */
export function scriptedFindings(req: ChatRequestRecord): Record<string, unknown> {
  const lines = linesOf(req);
  const issues: unknown[] = [];
  const actionItems: unknown[] = [];
  const coachingMoments: unknown[] = [];
  const sentimentShifts: unknown[] = [];
  for (const l of lines) {
    if (/\b(price|expensive|budget)\b/.test(l.text)) {
      issues.push({
        type: 'price',
        quote: firstWords(l.text, 12),
        startMs: l.startMs,
        endMs: l.endMs,
        speaker: l.speaker,
        confidence: 0.9,
      });
    }
    if (/\bstormvault\b/.test(l.text)) {
      issues.push({
        type: 'competitor',
        quote: firstWords(l.text, 10),
        startMs: l.startMs,
        endMs: l.endMs,
        speaker: l.speaker,
        confidence: 0.8,
      });
    }
    if (/\b(i can send|i will send|send me)\b/.test(l.text)) {
      actionItems.push({
        text: 'Send the follow-up',
        owner: l.speaker,
        dueText: /wednesday/.test(l.text) ? 'next wednesday' : null,
        quote: firstWords(l.text, 12),
        startMs: l.startMs,
        endMs: l.endMs,
      });
    }
    if (l.speaker === 'agent' && /\b(understand|i hear you)\b/.test(l.text)) {
      coachingMoments.push({
        speaker: 'agent',
        kind: 'strength',
        observation: 'Acknowledged the concern before answering.',
        quote: firstWords(l.text, 8),
        startMs: l.startMs,
        endMs: l.endMs,
      });
    }
    if (/\bfrustrat/.test(l.text)) {
      sentimentShifts.push({
        speaker: l.speaker,
        from: 'neutral',
        to: 'negative',
        quote: firstWords(l.text, 8),
        startMs: l.startMs,
        endMs: l.endMs,
      });
    }
  }
  const speakers = [...new Set(lines.map((l) => l.speaker))];
  const start = lines[0]?.startMs ?? 0;
  const end = lines.reduce((m, l) => Math.max(m, l.endMs), start);
  return {
    notes: `Lines ${start}-${end}: ${lines.length} turns; ${issues.length} issue(s) raised.`,
    issues,
    sentiment: speakers.map((speaker) => ({ speaker, startMs: start, endMs: end, score: issues.length ? -0.3 : 0.2 })),
    sentimentShifts,
    actionItems,
    coachingMoments,
  };
}

/** The user message of a reduce request, parsed. */
export function callContextOf(req: ChatRequestRecord): {
  notes: string[];
  metrics: Array<{ name: string; value: number }>;
  issues: Array<{ type: string; quote: string; startMs: number; endMs: number }>;
  coachingMoments: Array<{ quote: string; startMs: number; endMs: number }>;
  actionItems: unknown[];
} {
  const user = req.body.messages.find((m) => m.role === 'user')?.content ?? '';
  return JSON.parse(user.slice(user.indexOf('{'))) as ReturnType<typeof callContextOf>;
}

export function scriptedCallAnalysis(req: ChatRequestRecord): Record<string, unknown> {
  const ctx = callContextOf(req);
  const moment = ctx.coachingMoments[0] ?? ctx.issues[0] ?? null;
  const talk = ctx.metrics.find((m) => m.name === 'agent.talkRatio');
  const question = (q: string, atMs: number | null) => ({
    question: q,
    options: ['Price', 'Timing', 'Authority'],
    answerIndex: 0,
    explanation: 'The customer raised the price first.',
    atMs,
  });
  return {
    callType: 'sales',
    callKind: 'discovery',
    summary: `Sales call. ${ctx.notes.length} note(s); ${ctx.issues.length} issue(s) cited.`,
    sentiment: {
      overall: { score: 0.1, label: 'positive' },
      bySpeaker: [{ speaker: 'customer', score: -0.2, label: 'negative' }],
    },
    closing: { score: 0.3, label: 'positive' },
    coaching: [
      ...(talk
        ? [
            {
              id: 'talk-ratio',
              title: 'Listen more',
              recommendation: 'Ask an open question and let the customer talk.',
              severity: 'suggestion',
              basis: {
                metric: 'agent.talkRatio',
                value: 0.99,
                benchmark: 'Gong Labs 43:57 talk-to-listen ratio of top sales reps',
                benchmarkValue: 0.43,
              },
              evidence: null,
            },
          ]
        : []),
      ...(moment
        ? [
            {
              id: 'objection-handling',
              title: 'Acknowledge, then explore',
              recommendation: 'Keep acknowledging concerns before answering them.',
              severity: 'info',
              basis: {
                metric: null,
                value: null,
                benchmark: 'LAER objection handling (Listen, Acknowledge, Explore, Respond)',
                benchmarkValue: null,
              },
              evidence: { quote: moment.quote, startMs: moment.startMs, endMs: moment.endMs },
            },
          ]
        : []),
    ],
    quiz: [
      question('What did the customer object to first?', moment?.startMs ?? null),
      question('Which objection came up?', null),
      question('What should come next?', null),
    ],
  };
}

/** A deterministic model: answers each request within its schema. */
export const scriptedModel = (req: ChatRequestRecord, _index?: number): ModelAnswer => {
  if (req.schemaName === 'call_window_findings') return { content: scriptedFindings(req) };
  if (req.schemaName === 'call_notes_digest') {
    const user = req.body.messages.find((m) => m.role === 'user')?.content ?? '';
    return { content: { notes: `Digest of ${user.split('\n').length} notes.` } };
  }
  if (req.schemaName === 'call_analysis') return { content: scriptedCallAnalysis(req) };
  return { status: 400, error: { message: `unexpected schema ${req.schemaName}` } };
};
