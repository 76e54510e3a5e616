/**
 * Speech to text through the OpenAI transcription API (`POST /audio/transcriptions`), for
 * OpenAI itself, OpenAI-compatible servers (OPENAI_BASE_URL) and Azure OpenAI Whisper
 * deployments, which take the same multipart request at another URL with another header.
 *
 * Why plain fetch + FormData (undici, built into Node 20) and not the `openai` SDK here:
 * - one retry policy for every STT provider (backoff + jitter, Retry-After capped so a long
 *   wait goes back to the stt-worker's bus retry) and one error mapping to SttError with
 *   `retriable`; the SDK retries on its own terms and throws its own error classes, so we would
 *   switch its retries off and translate its errors anyway;
 * - the multipart form is ours to the byte: `timestamp_granularities[]` twice, the file streamed
 *   from disk with `fs.openAsBlob` (re-readable for each retry, never buffered whole);
 * - the Azure form differs only in URL and header, a few lines instead of a second client.
 * The LLM analyst, whose requests are JSON and whose schema handling the SDK types well, does
 * use the SDK (libs/llm-analyst).
 */
import { openAsBlob } from 'node:fs';
import type { Word } from '@speech/contracts';
import type { ClientRetryOptions } from '@speech/kernel';
import { z } from 'zod';
import {
  DEFAULT_RETRY_POLICY,
  Semaphore,
  SttProviderError,
  abortedError,
  sttErrorFromHttp,
  withRetries,
  type RetryPolicy,
} from './resilience';
import type { SpeechToText } from './speech-to-text.port';
import { SttError } from './stt-error';
import { timeoutMessage } from './stt-timeout';
import { normaliseWords, type CloudTranscribeInput, type CloudTranscribeResult, type SttSegment } from './stt-result';
import { readWavInfo } from './wav';

export type OpenAiTranscriptionTarget =
  | {
      kind: 'openai';
      /** e.g. https://api.openai.com/v1 (requests go to `${baseUrl}/audio/transcriptions`). */
      baseUrl: string;
      apiKey: string;
    }
  | {
      kind: 'azure';
      /** e.g. https://my-resource.openai.azure.com */
      endpoint: string;
      deployment: string;
      apiVersion: string;
      apiKey: string;
    };

export interface OpenAiTranscriptionOptions extends ClientRetryOptions {
  target: OpenAiTranscriptionTarget;
  /** The provider's name in errors and logs. Default 'openai' or 'azure-openai'. */
  name?: string;
  /** Sent as the `model` field, e.g. 'whisper-1'. Azure routes by deployment and ignores it. */
  model: string;
  /** BCP-47 tag used when an upload names no language; unset lets the service detect it. */
  defaultLanguage?: string;
  /** Per HTTP attempt. Default max(60 s, 2 × the audio's length). */
  timeoutMs?: number | ((audioMs: number) => number);
  /** Requests in flight at once from this adapter. Default 4. */
  concurrency?: number;
  /** At most this many characters of vocabulary hints go into the `prompt` field. Default 800. */
  maxPromptChars?: number;
  fetch?: typeof fetch;
}

/** The verbose_json response; lenient, because compatible servers leave fields out. */
const VerboseJsonSchema = z.object({
  text: z.string().optional(),
  /** Extras of our Whisper engine (engines/whisper), for provenance; other servers leave them out. */
  engine: z.string().optional(),
  model: z.string().optional(),
  model_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  language: z.string().optional(),
  duration: z.number().optional(),
  words: z
    .array(z.object({ word: z.string(), start: z.number(), end: z.number(), probability: z.number().optional() }))
    .nullish(),
  segments: z
    .array(
      z.object({
        start: z.number(),
        end: z.number(),
        text: z.string(),
        avg_logprob: z.number().optional(),
        no_speech_prob: z.number().optional(),
      }),
    )
    .nullish(),
});
type VerboseJson = z.infer<typeof VerboseJsonSchema>;

/**
 * Whisper's own silence test (no_speech_threshold 0.6 with logprob_threshold -1): such a segment
 * is a hallucination over silence ("Thank you."), common on the quiet channel of a stereo call.
 */
const NO_SPEECH_PROB = 0.6;
const NO_SPEECH_LOGPROB = -1;

export class OpenAiTranscriptionSpeechToText implements SpeechToText {
  readonly name: string;
  private readonly semaphore: Semaphore;
  private readonly policy: RetryPolicy;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: OpenAiTranscriptionOptions) {
    this.name = opts.name ?? (opts.target.kind === 'azure' ? 'azure-openai' : 'openai');
    this.semaphore = new Semaphore(opts.concurrency ?? 4);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** The engine id recorded with each chunk transcript. */
  get engine(): string {
    const t = this.opts.target;
    return t.kind === 'azure' ? `azure-openai/${t.deployment}` : `openai/${this.opts.model}`;
  }

  /** Where the request goes, and its auth header. */
  get url(): string {
    const t = this.opts.target;
    if (t.kind === 'openai') return `${t.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
    const endpoint = t.endpoint.replace(/\/+$/, '');
    return `${endpoint}/openai/deployments/${encodeURIComponent(t.deployment)}/audio/transcriptions?api-version=${encodeURIComponent(t.apiVersion)}`;
  }

  async transcribe(input: CloudTranscribeInput): Promise<CloudTranscribeResult> {
    const wav = await readWavInfo(input.wavPath);
    const language = input.language ?? this.opts.defaultLanguage;
    const t = this.opts.timeoutMs;
    const timeoutMs = typeof t === 'function' ? t(wav.durationMs) : (t ?? Math.max(60_000, 2 * wav.durationMs));
    const body = await withRetries(
      () => this.semaphore.run(() => this.post(input, language, timeoutMs, wav.durationMs), input.signal),
      { policy: this.policy, signal: input.signal, sleep: this.opts.sleep, random: this.opts.random },
    );
    const { words, segments } = toWordsAndSegments(body);
    return {
      words,
      segments,
      language: language ?? isoLanguage(body.language) ?? 'und',
      engine: engineOf(body) ?? this.engine,
    };
  }

  private async post(
    input: CloudTranscribeInput,
    language: string | undefined,
    timeoutMs: number,
    audioMs: number,
  ): Promise<VerboseJson> {
    const form = new FormData();
    form.append('file', await openAsBlob(input.wavPath, { type: 'audio/wav' }), 'chunk.wav');
    form.append('model', this.opts.model);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    form.append('temperature', '0');
    // The API takes ISO-639-1 ("en"), not a BCP-47 region tag.
    if (language) form.append('language', language.split(/[-_]/)[0]?.toLowerCase() ?? language);
    const prompt = vocabularyPrompt(input.phrases ?? [], this.opts.maxPromptChars ?? 800);
    if (prompt) form.append('prompt', prompt);

    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.target.kind === 'azure') headers['api-key'] = this.opts.target.apiKey;
    else headers['authorization'] = `Bearer ${this.opts.target.apiKey}`;

    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const onAbort = (): void => ctrl.abort();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.fetchImpl(this.url, { method: 'POST', headers, body: form, signal: ctrl.signal });
      const text = await res.text();
      if (!res.ok) throw sttErrorFromHttp(this.name, res.status, text, res.headers);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        // A proxy's HTML error page with a 200, or a cut-off body: another attempt may do better.
        throw new SttProviderError(
          'STT.ENGINE_FAILED',
          `${this.name} answered with a body that is not JSON: ${text.slice(0, 120)}`,
          {
            provider: this.name,
            status: res.status,
            retriable: true,
            cause: err,
          },
        );
      }
      const parsed = VerboseJsonSchema.safeParse(json);
      if (!parsed.success) {
        throw new SttProviderError(
          'STT.ENGINE_FAILED',
          `${this.name} answered without verbose_json timings (is STT_MODEL a model that supports response_format=verbose_json?): ${parsed.error.issues[0]?.message ?? ''}`,
          { provider: this.name, status: res.status, retriable: false },
        );
      }
      return parsed.data;
    } catch (err) {
      if (err instanceof SttError) throw err;
      if (input.signal?.aborted) throw abortedError(input.signal);
      if (timedOut) {
        throw new SttProviderError('STT.ENGINE_TIMEOUT', timeoutMessage(this.name, timeoutMs, audioMs), {
          provider: this.name,
          retriable: true,
          cause: err,
        });
      }
      // DNS, refused or reset connections: the network, not the request. An engine restarting
      // is this too, so the chunk waits on the bus's long budget instead of failing.
      throw new SttProviderError('STT.ENGINE_FAILED', unreachableMessage(this.name, err), {
        provider: this.name,
        retriable: true,
        kind: 'infrastructure',
        cause: err,
      });
    } finally {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** A connection that failed, said for people: the engine is down or unreachable, plus the cause. */
function unreachableMessage(name: string, err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const why = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return `the speech engine (${name}) could not be reached (${why}); it may be starting, restarting or down`;
}

/**
 * The engine id recorded with a chunk transcript when the server says what it ran (our Whisper
 * engine does): `faster-whisper/tiny.en@sha256:<model.bin's sha256>`, so a transcript names the
 * exact weights behind it.
 */
export function engineOf(body: { engine?: string; model?: string; model_sha256?: string }): string | null {
  if (!body.model || !body.model_sha256) return null;
  return `${body.engine ?? 'whisper'}/${body.model}@sha256:${body.model_sha256}`;
}

/**
 * Vocabulary hints as a transcription prompt. Whisper continues the prompt's style and spelling,
 * so a plain glossary ("Stormvault, Acme Cloud.") biases it towards those spellings; its prompt
 * holds 224 tokens, hence the cap.
 */
export function vocabularyPrompt(phrases: readonly string[], maxChars = 800): string {
  const out: string[] = [];
  let len = 0;
  for (const raw of phrases) {
    const p = raw.replace(/\s+/g, ' ').trim();
    if (!p || out.includes(p)) continue;
    if (len + p.length + 2 > maxChars) break;
    out.push(p);
    len += p.length + 2;
  }
  return out.length ? `${out.join(', ')}.` : '';
}

/**
 * verbose_json → chunk-relative words (integer ms) and segments. Word confidence is the
 * containing segment's mean token probability (exp avg_logprob): the API gives no per-word
 * score. Without word timings (some compatible servers), a segment's time is spread over its
 * words by length.
 */
export function toWordsAndSegments(body: VerboseJson): { words: Word[]; segments: SttSegment[] } {
  const segs = (body.segments ?? []).map((s) => ({
    startMs: Math.round(s.start * 1000),
    endMs: Math.round(s.end * 1000),
    text: s.text.trim(),
    confidence: s.avg_logprob === undefined ? 1 : Math.exp(Math.min(0, s.avg_logprob)),
    silent: (s.no_speech_prob ?? 0) > NO_SPEECH_PROB && (s.avg_logprob ?? 0) < NO_SPEECH_LOGPROB,
  }));
  const segmentAt = (ms: number): (typeof segs)[number] | undefined =>
    segs.find((s) => ms >= s.startMs && ms <= s.endMs) ??
    segs.reduce<(typeof segs)[number] | undefined>(
      (best, s) => (!best || Math.abs(s.startMs - ms) < Math.abs(best.startMs - ms) ? s : best),
      undefined,
    );

  let words: Word[];
  if (body.words && body.words.length > 0) {
    words = [];
    for (const w of body.words) {
      const startMs = Math.round(w.start * 1000);
      const endMs = Math.round(w.end * 1000);
      const seg = segmentAt(Math.round((startMs + endMs) / 2));
      if (seg?.silent) continue;
      words.push({ text: w.word, startMs, endMs, confidence: w.probability ?? seg?.confidence ?? 1 });
    }
  } else {
    words = segs.filter((s) => !s.silent).flatMap((s) => spreadWords(s.text, s.startMs, s.endMs, s.confidence));
  }
  const segments = segs
    .filter((s) => !s.silent && s.text !== '')
    .map((s) => ({
      startMs: Math.max(0, s.startMs),
      endMs: Math.max(s.startMs, s.endMs),
      text: s.text,
      speaker: null,
    }));
  return { words: normaliseWords(words), segments };
}

function spreadWords(text: string, startMs: number, endMs: number, confidence: number): Word[] {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const total = tokens.reduce((n, t) => n + t.length, 0) || 1;
  const span = Math.max(0, endMs - startMs);
  let at = startMs;
  return tokens.map((t) => {
    const len = (span * t.length) / total;
    const w = { text: t, startMs: at, endMs: at + len, confidence };
    at += len;
    return w;
  });
}

/** Whisper reports the language by name ("english"); the contract wants a tag. */
const LANGUAGE_CODES: Readonly<Record<string, string>> = {
  english: 'en',
  german: 'de',
  french: 'fr',
  spanish: 'es',
  italian: 'it',
  portuguese: 'pt',
  dutch: 'nl',
  polish: 'pl',
  swedish: 'sv',
  danish: 'da',
  norwegian: 'no',
  finnish: 'fi',
  russian: 'ru',
  ukrainian: 'uk',
  turkish: 'tr',
  arabic: 'ar',
  hebrew: 'he',
  hindi: 'hi',
  chinese: 'zh',
  japanese: 'ja',
  korean: 'ko',
  vietnamese: 'vi',
  thai: 'th',
  indonesian: 'id',
  greek: 'el',
  czech: 'cs',
  romanian: 'ro',
  hungarian: 'hu',
};

function isoLanguage(name: string | undefined): string | null {
  if (!name) return null;
  const n = name.trim().toLowerCase();
  return LANGUAGE_CODES[n] ?? (n === '' ? null : n);
}
