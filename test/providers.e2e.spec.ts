import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import type { Transcript } from '@speech/contracts';
import type { AnalysisResult } from '@speech/analysis';
import { PocketsphinxSpeechToText } from '@speech/stt';
import {
  scriptedModel,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../libs/llm-analyst/src/testing/fake-openai-server';
import { eventually } from '@speech/testing';
import { Api, FIXTURES, PlatformProcess } from './support/platform';

jest.setTimeout(10 * 60_000);

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  fields: Record<string, string[]>;
}

/**
 * An OpenAI-compatible endpoint on this machine, as a self-hoster runs one beside the
 * platform: `/v1/audio/transcriptions` is a real local Whisper stand-in (pocketsphinx
 * behind the verbose_json wire format), chat completions go to a scripted model that answers
 * within the requested json_schema.
 */
async function startOpenAiCompatible(chat: FakeOpenAiServer, workDir: string) {
  const engine = new PocketsphinxSpeechToText({ workDir });
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v1/audio/transcriptions') {
      const fields: Record<string, string[]> = {};
      const wav = join(workDir, `${randomBytes(6).toString('hex')}.wav`);
      const parts: Buffer[] = [];
      const bb = busboy({ headers: req.headers });
      bb.on('field', (k, v) => (fields[k] = [...(fields[k] ?? []), v]));
      bb.on('file', (_n, f) => f.on('data', (d: Buffer) => parts.push(d)));
      bb.on('close', () => {
        seen.push({ path, headers: req.headers, fields });
        writeFileSync(wav, Buffer.concat(parts));
        engine.transcribe({ wavPath: wav }).then(
          (r) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                task: 'transcribe',
                language: 'english',
                duration: (r.words.at(-1)?.endMs ?? 0) / 1000,
                text: r.words.map((w) => w.text).join(' '),
                words: r.words.map((w) => ({ word: w.text, start: w.startMs / 1000, end: w.endMs / 1000 })),
                segments: [],
              }),
            );
          },
          (err: Error) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { message: err.message } }));
          },
        );
      });
      req.pipe(bb);
      return;
    }
    // Everything else (chat completions) goes to the scripted model.
    const body: Buffer[] = [];
    req.on('data', (d: Buffer) => body.push(d));
    req.on('end', () => {
      fetch(`${chat.url}${req.url}`, {
        method: req.method,
        headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization ?? '') },
        body: Buffer.concat(body),
      })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch((err: Error) => {
          res.writeHead(502);
          res.end(err.message);
        });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, seen, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('model providers, end to end (OpenAI-compatible and Azure OpenAI endpoints on this machine)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'speech-providers-'));
  let chat: FakeOpenAiServer;
  let azureChat: FakeOpenAiServer;
  let openai: Awaited<ReturnType<typeof startOpenAiCompatible>>;
  let platform: PlatformProcess;

  beforeAll(async () => {
    chat = await startFakeOpenAiServer(scriptedModel, { model: 'local-llm' });
    azureChat = await startFakeOpenAiServer(scriptedModel, { azure: true });
    openai = await startOpenAiCompatible(chat, scratch);
  });
  afterAll(async () => {
    await platform?.cleanup();
    await openai?.close();
    await chat?.close();
    await azureChat?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('transcribes through /audio/transcriptions and analyses through json_schema chat completions, then re-analyses on Azure OpenAI', async () => {
    const common = {
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'sk-local-test',
      STT_MODEL: 'whisper-local',
      LLM_MODEL: 'local-llm',
    };
    platform = new PlatformProcess(undefined, { ...common, STT_PROVIDER: 'openai', LLM_PROVIDER: 'openai' });
    await platform.start();
    let api = new Api(platform.url, await platform.token('provider-user'));
    const res = await api.upload(join(FIXTURES, 'sales-discovery.stereo.mp3'), {
      autoTranscribe: 'true',
      autoAnalyze: 'true',
    });
    const { audioId } = (await res.json()) as { audioId: string };
    const done = await api.waitFor(audioId, 'analyzed', 400_000);

    // Chunk by chunk, with model and key.
    expect(openai.seen.length).toBe(done.chunkCount);
    for (const s of openai.seen) {
      expect(s.headers.authorization).toBe('Bearer sk-local-test');
      expect(s.fields.model).toEqual(['whisper-local']);
      expect(s.fields.response_format).toEqual(['verbose_json']);
    }
    // Shifted by each chunk's offset: segments span the whole call, for both speakers.
    const transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
    expect(transcript.segments.at(-1)?.startMs).toBeGreaterThan(60_000);
    expect(new Set(transcript.segments.map((s) => s.speaker))).toEqual(new Set(['agent', 'customer']));

    // Analysed through chat completions with a strict json_schema response format.
    expect(chat.requests.length).toBeGreaterThan(0);
    for (const r of chat.requests) {
      expect(r.url).toMatch(/\/chat\/completions$/);
      expect(r.body.model).toBe('local-llm');
      expect(r.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
    }
    const first = await api.json<AnalysisResult & { provenance?: { provider: string } }>(`/audios/${audioId}/analysis`);
    expect(first.provenance?.provider).toBe('openai');
    const text = transcript.segments.map((s) => s.text).join(' ');
    for (const issue of first.issues) expect(text).toContain(issue.quote); // no invented evidence

    // Same data, LLM_PROVIDER=azure-openai: Analyze again goes to the deployment's URL.
    await platform.stop();
    const { dataDir, secret } = platform;
    platform = new PlatformProcess(dataDir, {
      ...common,
      STT_PROVIDER: 'openai',
      LLM_PROVIDER: 'azure-openai',
      AZURE_OPENAI_ENDPOINT: azureChat.url,
      AZURE_OPENAI_API_KEY: 'azure-key',
      AZURE_OPENAI_DEPLOYMENT: 'coach-gpt',
      AZURE_OPENAI_API_VERSION: '2024-10-21',
    });
    Object.assign(platform, { secret }); // same users, same tokens
    await platform.start();
    api = new Api(platform.url, await platform.token('provider-user'));
    expect((await api.post(`/analyze/${audioId}`)).status).toBe(202);
    // It was `analyzed` already: wait for the new analysis itself, not the status.
    const second = await eventually(
      'the Azure OpenAI analysis',
      async () => {
        const a = await api.json<AnalysisResult & { provenance?: { provider: string } }>(`/audios/${audioId}/analysis`);
        return a.provenance?.provider === 'azure-openai' ? a : undefined;
      },
      120_000,
      500,
    );
    expect(azureChat.requests.length).toBeGreaterThan(0);
    for (const r of azureChat.requests) {
      expect(r.url).toMatch(/^\/openai\/deployments\/coach-gpt\/chat\/completions\?api-version=2024-10-21$/);
      expect(r.headers['api-key']).toBe('azure-key');
    }
    expect(second.issues.length + second.coaching.length).toBeGreaterThan(0);
  });
});
