/**
 * Contract tests of the OpenAI / Azure OpenAI transcription adapter against a local server
 * that speaks the wire format, with responses shaped like recorded whisper-1 answers.
 */
import type { ChunkTranscript, Segment } from '@speech/contracts';
import { mergeTranscript } from '@speech/transcript';
import { OpenAiTranscriptionSpeechToText, type OpenAiTranscriptionOptions } from './openai-transcription.adapter';
import { SttProviderError } from './resilience';
import { SttError } from './stt-error';
import { startRecordingServer, type Handler, type RecordingServer, type Reply } from './testing/recording-server';
import { writeTestWav } from './testing/wav-fixture';

/** Shaped like a whisper-1 verbose_json answer with both timestamp granularities. */
function verboseJson(opts: { shiftS?: number; text?: string } = {}) {
  const s = opts.shiftS ?? 0;
  return {
    task: 'transcribe',
    language: 'english',
    duration: 4.2,
    text: 'Hi, this is Laura from Stormvault. Is now a good time?',
    words: [
      { word: 'Hi', start: s + 0.0, end: s + 0.36 },
      { word: 'this', start: s + 0.52, end: s + 0.7 },
      { word: 'is', start: s + 0.7, end: s + 0.84 },
      { word: 'Laura', start: s + 0.84, end: s + 1.22 },
      { word: 'from', start: s + 1.22, end: s + 1.4 },
      { word: 'Stormvault', start: s + 1.4, end: s + 2.06 },
      { word: 'Is', start: s + 2.62, end: s + 2.74 },
      { word: 'now', start: s + 2.74, end: s + 2.9 },
      { word: 'a', start: s + 2.9, end: s + 2.98 },
      { word: 'good', start: s + 2.98, end: s + 3.2 },
      { word: 'time', start: s + 3.2, end: s + 3.64 },
    ],
    segments: [
      {
        id: 0,
        seek: 0,
        start: s + 0.0,
        end: s + 2.1,
        text: ' Hi, this is Laura from Stormvault.',
        tokens: [50364, 2421, 11, 341, 307, 17206, 490, 8202, 85, 1906, 13, 50469],
        temperature: 0.0,
        avg_logprob: -0.2231,
        compression_ratio: 0.9,
        no_speech_prob: 0.011,
      },
      {
        id: 1,
        seek: 0,
        start: s + 2.6,
        end: s + 3.7,
        text: ' Is now a good time?',
        tokens: [50494, 1119, 586, 257, 665, 565, 30, 50549],
        temperature: 0.0,
        avg_logprob: -0.1054,
        compression_ratio: 0.9,
        no_speech_prob: 0.004,
      },
    ],
  };
}

const noSleep = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

describe('OpenAiTranscriptionSpeechToText against an OpenAI-compatible server', () => {
  let server: RecordingServer;
  let handler: Handler;
  let wav: Awaited<ReturnType<typeof writeTestWav>>;

  beforeAll(async () => {
    server = await startRecordingServer((req, i) => handler(req, i));
    wav = await writeTestWav(4200);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    handler = () => ({ body: verboseJson() });
  });

  const adapter = (over: Partial<OpenAiTranscriptionOptions> = {}) =>
    new OpenAiTranscriptionSpeechToText({
      target: { kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'sk-test-123' },
      model: 'whisper-1',
      sleep: noSleep().sleep,
      ...over,
    });

  it('posts the multipart request OpenAI documents: file, model, verbose_json, word and segment granularities', async () => {
    await adapter().transcribe({ wavPath: wav.path, language: 'en-US', phrases: ['Stormvault', 'Acme Cloud'] });

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v1/audio/transcriptions');
    expect(req?.headers['authorization']).toBe('Bearer sk-test-123');
    expect(req?.headers['api-key']).toBeUndefined();
    expect(req?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await req!.form();
    expect(form.get('model')).toBe('whisper-1');
    expect(form.get('response_format')).toBe('verbose_json');
    expect(form.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    expect(form.get('language')).toBe('en');
    expect(form.get('prompt')).toBe('Stormvault, Acme Cloud.');
    const file = form.get('file') as File;
    expect(file.name).toBe('chunk.wav');
    expect(file.type).toBe('audio/wav');
    expect(Buffer.from(await file.arrayBuffer()).equals(wav.wav)).toBe(true);
  });

  it('returns chunk-relative integer-ms words with a confidence, the language and the engine', async () => {
    const r = await adapter().transcribe({ wavPath: wav.path, language: 'en-US' });
    expect(r.engine).toBe('openai/whisper-1');
    expect(r.language).toBe('en-US');
    expect(r.words.slice(0, 3)).toEqual([
      { text: 'Hi', startMs: 0, endMs: 360, confidence: 0.8 },
      { text: 'this', startMs: 520, endMs: 700, confidence: 0.8 },
      { text: 'is', startMs: 700, endMs: 840, confidence: 0.8 },
    ]);
    expect(r.words.find((w) => w.text === 'time')).toEqual({
      text: 'time',
      startMs: 3200,
      endMs: 3640,
      confidence: 0.9,
    });
    for (const w of r.words) {
      expect(Number.isInteger(w.startMs) && Number.isInteger(w.endMs)).toBe(true);
      expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
    }
    expect(r.segments).toEqual([
      { startMs: 0, endMs: 2100, text: 'Hi, this is Laura from Stormvault.', speaker: null },
      { startMs: 2600, endMs: 3700, text: 'Is now a good time?', speaker: null },
    ]);
  });

  it('reports the detected language as a tag when the upload names none', async () => {
    const r = await adapter().transcribe({ wavPath: wav.path });
    expect(r.language).toBe('en');
    expect((await server.requests[0]!.form()).get('language')).toBeNull();
  });

  it('yields absolute times once the merger shifts two chunks by their offsets', async () => {
    const stt = adapter();
    const first = await stt.transcribe({ wavPath: wav.path });
    handler = () => ({ body: verboseJson({ shiftS: 0.25 }) });
    const second = await stt.transcribe({ wavPath: wav.path });
    const chunk = (index: number, offsetMs: number, words: typeof first.words): ChunkTranscript => ({
      audioId: 'a1',
      chunkId: `a1-0-${index}`,
      index,
      channel: 0,
      speaker: 'agent',
      offsetMs,
      durationMs: 30_000,
      engine: first.engine,
      language: first.language,
      words,
    });
    async function* channel(): AsyncGenerator<ChunkTranscript> {
      yield chunk(0, 0, first.words);
      yield chunk(1, 30_000, second.words);
    }
    const segments: Segment[] = [];
    for await (const s of mergeTranscript([channel()])) segments.push(s);

    const words = segments.flatMap((s) => s.words);
    expect(words).toHaveLength(first.words.length + second.words.length);
    expect(words[0]).toMatchObject({ text: 'Hi', startMs: 0, endMs: 360 });
    const secondHi = words[first.words.length];
    // 30 000 ms chunk offset + 250 ms inside the chunk.
    expect(secondHi).toMatchObject({ text: 'Hi', startMs: 30_250, endMs: 30_610 });
    expect(words[words.length - 1]).toMatchObject({ text: 'time', startMs: 33_450, endMs: 33_890 });
  });

  it('talks to an Azure OpenAI Whisper deployment with its URL and api-key header', async () => {
    const stt = adapter({
      target: {
        kind: 'azure',
        endpoint: `${server.url}/`,
        deployment: 'whisper',
        apiVersion: '2024-10-21',
        apiKey: 'azure-key',
      },
    });
    const r = await stt.transcribe({ wavPath: wav.path, language: 'de-DE' });
    const req = server.requests[0];
    expect(req?.url).toBe('/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21');
    expect(req?.headers['api-key']).toBe('azure-key');
    expect(req?.headers['authorization']).toBeUndefined();
    expect((await req!.form()).get('language')).toBe('de');
    expect(r.engine).toBe('azure-openai/whisper');
    expect(stt.name).toBe('azure-openai');
  });

  it('drops words of a segment Whisper flags as no speech (a hallucination over silence)', async () => {
    handler = () => ({
      body: {
        language: 'english',
        text: 'Thank you.',
        words: [
          { word: 'Thank', start: 0.5, end: 0.8 },
          { word: 'you', start: 0.8, end: 1.0 },
        ],
        segments: [{ start: 0, end: 1.2, text: ' Thank you.', avg_logprob: -1.3, no_speech_prob: 0.93 }],
      },
    });
    const r = await adapter().transcribe({ wavPath: wav.path });
    expect(r.words).toEqual([]);
    expect(r.segments).toEqual([]);
  });

  it('spreads segment times over the words when the server gives segments only', async () => {
    handler = () => ({
      body: {
        language: 'english',
        text: 'okay fine',
        segments: [{ start: 1, end: 2, text: ' okay fine', avg_logprob: 0 }],
      },
    });
    const r = await adapter().transcribe({ wavPath: wav.path });
    expect(r.words).toEqual([
      { text: 'okay', startMs: 1000, endMs: 1500, confidence: 1 },
      { text: 'fine', startMs: 1500, endMs: 2000, confidence: 1 },
    ]);
  });

  describe('retries and errors', () => {
    it('waits as long as Retry-After says on a 429, then succeeds', async () => {
      handler = (_req, i) =>
        i === 0
          ? {
              status: 429,
              headers: { 'retry-after': '2' },
              body: {
                error: { message: 'Rate limit reached for whisper-1', type: 'requests', code: 'rate_limit_exceeded' },
              },
            }
          : { body: verboseJson() };
      const s = noSleep();
      const r = await adapter({ sleep: s.sleep }).transcribe({ wavPath: wav.path });
      expect(server.requests).toHaveLength(2);
      expect(s.waits).toEqual([2000]);
      expect(r.words).toHaveLength(11);
    });

    it('prefers retry-after-ms, and reads an HTTP-date Retry-After', async () => {
      handler = (_req, i): Reply =>
        i === 0
          ? { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' }, body: {} }
          : i === 1
            ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 5000).toUTCString() }, body: {} }
            : { body: verboseJson() };
      const s = noSleep();
      await adapter({ sleep: s.sleep }).transcribe({ wavPath: wav.path });
      expect(s.waits[0]).toBe(1500);
      expect(s.waits[1]).toBeGreaterThan(3000);
      expect(s.waits[1]).toBeLessThanOrEqual(5000);
    });

    it('backs off exponentially with jitter on 5xx without Retry-After', async () => {
      handler = (_req, i) =>
        i < 3 ? { status: i === 1 ? 500 : 503, body: { error: { message: 'upstream' } } } : { body: verboseJson() };
      const s = noSleep();
      await adapter({ sleep: s.sleep, random: () => 0.5, retry: { baseDelayMs: 400 } }).transcribe({
        wavPath: wav.path,
      });
      // 400, 800, 1600 ms halves kept, other halves × 0.5
      expect(s.waits).toEqual([300, 600, 1200]);
      expect(server.requests).toHaveLength(4);
    });

    it('gives up after the attempts with a retriable error that carries the status', async () => {
      handler = () => ({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } });
      const err = await adapter({ retry: { maxAttempts: 3 } })
        .transcribe({ wavPath: wav.path })
        .catch((e: unknown) => e);
      expect(server.requests).toHaveLength(3);
      expect(err).toBeInstanceOf(SttError);
      expect(err).toMatchObject({ code: 'STT.ENGINE_FAILED', retriable: true, status: 429, retryAfterMs: 1000 });
      expect((err as Error).message).toContain('slow down');
    });

    it('does not sleep through a Retry-After beyond its cap: the bus retries later', async () => {
      handler = () => ({ status: 429, headers: { 'retry-after': '600' }, body: {} });
      const s = noSleep();
      const err = await adapter({ sleep: s.sleep })
        .transcribe({ wavPath: wav.path })
        .catch((e: unknown) => e);
      expect(server.requests).toHaveLength(1);
      expect(s.waits).toEqual([]);
      expect(err).toMatchObject({ retriable: true, retryAfterMs: 600_000 });
    });

    it.each([
      [
        401,
        { error: { message: 'Incorrect API key provided: sk-test***', code: 'invalid_api_key' } },
        'STT.ENGINE_FAILED',
      ],
      [403, { error: { message: 'You are not allowed to sample from this model' } }, 'STT.ENGINE_FAILED'],
      [400, { error: { message: 'Invalid file format. Supported formats: flac, m4a, mp3, wav' } }, 'STT.BAD_AUDIO'],
      [400, { error: { message: 'Language "xx" is not supported' } }, 'STT.UNSUPPORTED_LANGUAGE'],
      [
        404,
        { error: { message: 'The model `whisper-9` does not exist', code: 'model_not_found' } },
        'STT.MODEL_MISSING',
      ],
    ])('fails at once, not retriable, on HTTP %i', async (status, body, code) => {
      handler = () => ({ status, body });
      const err = await adapter()
        .transcribe({ wavPath: wav.path })
        .catch((e: unknown) => e);
      expect(server.requests).toHaveLength(1);
      expect(err).toBeInstanceOf(SttProviderError);
      expect(err).toMatchObject({ code, retriable: false, status });
    });

    it('times out a hanging request with a retriable STT.ENGINE_TIMEOUT', async () => {
      handler = () => ({ delayMs: 400, body: verboseJson() });
      const err = await adapter({ timeoutMs: 50, retry: { maxAttempts: 1 } })
        .transcribe({ wavPath: wav.path })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'STT.ENGINE_TIMEOUT', retriable: true });
    });

    it('stops on abort with STT.ABORTED', async () => {
      handler = () => ({ delayMs: 400, body: verboseJson() });
      const ctrl = new AbortController();
      const p = adapter().transcribe({ wavPath: wav.path, signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 30);
      await expect(p).rejects.toMatchObject({ code: 'STT.ABORTED', retriable: false });
    });

    it('treats a refused connection as retriable', async () => {
      const err = await adapter({
        target: { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k' },
        retry: { maxAttempts: 1 },
      })
        .transcribe({ wavPath: wav.path })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'STT.ENGINE_FAILED', retriable: true, status: null });
    });

    it('fails clearly, not retriable, when the model answers without verbose_json timings', async () => {
      handler = () => ({ body: { text: 'hello', words: 'n/a' } });
      const err = await adapter()
        .transcribe({ wavPath: wav.path })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'STT.ENGINE_FAILED', retriable: false });
      expect((err as Error).message).toContain('verbose_json');
    });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const own = await startRecordingServer(() => ({ delayMs: 60, body: verboseJson() }));
    try {
      const stt = adapter({ concurrency: 2, target: { kind: 'openai', baseUrl: own.url, apiKey: 'k' } });
      const results = await Promise.all(Array.from({ length: 6 }, () => stt.transcribe({ wavPath: wav.path })));
      expect(results).toHaveLength(6);
      expect(own.requests).toHaveLength(6);
      expect(own.maxInFlight).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('rejects a file that is not a PCM WAV before calling the API', async () => {
    const { path } = await writeTestWav(100);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, 'ID3 not a wav');
    await expect(adapter().transcribe({ wavPath: path })).rejects.toMatchObject({
      code: 'STT.BAD_AUDIO',
      retriable: false,
    });
    expect(server.requests).toHaveLength(0);
  });
});
