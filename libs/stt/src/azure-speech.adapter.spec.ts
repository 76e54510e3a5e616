/**
 * AzureSpeechToText through the SDK's own seams, without a key: the real SpeechConfig,
 * push stream and AudioConfig; recognizers replaced by fakes that read the pushed audio back
 * through the SDK's stream and raise the SDK's own result and event objects, shaped like
 * recorded Detailed-format results.
 */
import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import {
  AzureSpeechToText,
  createAzureRecognizer,
  phraseFromResult,
  type AzureConversationTranscriber,
  type AzureRecognizerRequest,
  type AzureSpeechOptions,
  type AzureSpeechRecognizer,
} from './azure-speech.adapter';
import { SttProviderError } from './resilience';
import { writeTestWav } from './testing/wav-fixture';

const TICKS = 10_000; // 100 ns ticks per ms

interface PhraseSpec {
  offsetMs: number;
  words: Array<[string, number, number, number?]>; // word, startMs, endMs, confidence
  display: string;
  speaker?: string;
}

/** A Detailed-format speech.phrase as the service sends it (recorded shape, trimmed). */
function detailedJson(p: PhraseSpec): string {
  const first = p.words[0]?.[1] ?? p.offsetMs;
  const last = p.words[p.words.length - 1]?.[2] ?? p.offsetMs;
  return JSON.stringify({
    Id: 'b4a1c0de5f6a4b0e9a3f2c1d0e9f8a7b',
    RecognitionStatus: 'Success',
    Offset: first * TICKS,
    Duration: (last - first) * TICKS,
    Channel: 0,
    ...(p.speaker ? { SpeakerId: p.speaker } : {}),
    NBest: [
      {
        Confidence: 0.9312,
        Lexical: p.words.map((w) => w[0]).join(' '),
        ITN: p.words.map((w) => w[0]).join(' '),
        MaskedITN: p.words.map((w) => w[0]).join(' '),
        Display: p.display,
        Words: p.words.map(([Word, s, e, c]) => ({
          Word,
          Offset: s * TICKS,
          Duration: (e - s) * TICKS,
          ...(c === undefined ? {} : { Confidence: c }),
        })),
      },
    ],
  });
}

const PHRASES: PhraseSpec[] = [
  {
    offsetMs: 620,
    display: 'Hi, this is Laura from Stormvault.',
    words: [
      ['hi', 620, 940, 0.98],
      ['this', 960, 1120, 0.97],
      ['is', 1120, 1230, 0.99],
      ['laura', 1230, 1610, 0.91],
      ['from', 1610, 1800, 0.96],
      ['stormvault', 1800, 2460, 0.72],
    ],
  },
  {
    offsetMs: 3100,
    display: 'Is now a good time?',
    words: [
      ['is', 3100, 3220],
      ['now', 3220, 3420],
      ['a', 3420, 3480],
      ['good', 3480, 3700],
      ['time', 3700, 4050],
    ],
  },
];

async function drain(audioConfig: sdk.AudioConfig): Promise<Buffer> {
  const node = await (
    audioConfig as unknown as {
      attach(id: string): Promise<{ read(): Promise<{ buffer: ArrayBuffer; isEnd: boolean }> }>;
    }
  ).attach('test');
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await node.read();
    if (chunk.isEnd) break;
    parts.push(Buffer.from(chunk.buffer));
  }
  return Buffer.concat(parts);
}

type Script = (emit: Emitter) => Promise<void>;
interface Emitter {
  phrase(p: PhraseSpec): void;
  noMatch(): void;
  cancel(reason: sdk.CancellationReason, code: sdk.CancellationErrorCode, details?: string): void;
  stop(): void;
}

/** SpeechRecognizer stand-in: reads the audio through the SDK stream, then raises SDK events. */
class FakeSpeechRecognizer implements AzureSpeechRecognizer {
  recognized: AzureSpeechRecognizer['recognized'] = () => undefined;
  canceled: AzureSpeechRecognizer['canceled'] = () => undefined;
  sessionStopped: AzureSpeechRecognizer['sessionStopped'] = () => undefined;
  stopped = false;
  closed = false;
  audio: Promise<Buffer> | null = null;
  constructor(
    private readonly req: AzureRecognizerRequest,
    private readonly script: Script,
  ) {}

  private get self(): sdk.Recognizer {
    return this as unknown as sdk.Recognizer;
  }

  startContinuousRecognitionAsync(cb?: () => void): void {
    cb?.();
    this.audio = drain(this.req.audioConfig);
    void this.audio.then(() =>
      this.script({
        phrase: (p) => {
          const r = new sdk.SpeechRecognitionResult(
            'req-1',
            sdk.ResultReason.RecognizedSpeech,
            p.display,
            0,
            p.offsetMs * TICKS,
            'en-US',
            undefined,
            undefined,
            undefined,
            detailedJson(p),
          );
          this.recognized(this.self, new sdk.SpeechRecognitionEventArgs(r, r.offset, 'session-1'));
        },
        noMatch: () => {
          const r = new sdk.SpeechRecognitionResult(
            'req-1',
            sdk.ResultReason.NoMatch,
            '',
            0,
            0,
            'en-US',
            undefined,
            undefined,
            undefined,
            '{"RecognitionStatus":"NoMatch"}',
          );
          this.recognized(this.self, new sdk.SpeechRecognitionEventArgs(r, 0, 'session-1'));
        },
        cancel: (reason, code, details = '') =>
          this.canceled(
            this.self,
            new sdk.SpeechRecognitionCanceledEventArgs(reason, details, code, undefined, 'session-1'),
          ),
        stop: () => this.sessionStopped(this.self, new sdk.SessionEventArgs('session-1')),
      }),
    );
  }
  stopContinuousRecognitionAsync(cb?: () => void): void {
    this.stopped = true;
    cb?.();
  }
  close(cb?: () => void): void {
    this.closed = true;
    cb?.();
  }
}

class FakeTranscriber implements AzureConversationTranscriber {
  transcribed: AzureConversationTranscriber['transcribed'] = () => undefined;
  canceled: AzureConversationTranscriber['canceled'] = () => undefined;
  sessionStopped: AzureConversationTranscriber['sessionStopped'] = () => undefined;
  constructor(
    private readonly req: AzureRecognizerRequest,
    private readonly phrases: PhraseSpec[],
  ) {}
  startTranscribingAsync(cb?: () => void): void {
    cb?.();
    const self = this as unknown as sdk.Recognizer;
    void drain(this.req.audioConfig).then(() => {
      for (const p of this.phrases) {
        const r = new sdk.ConversationTranscriptionResult(
          'req-1',
          sdk.ResultReason.RecognizedSpeech,
          p.display,
          0,
          p.offsetMs * TICKS,
          'en-US',
          undefined,
          p.speaker,
          undefined,
          detailedJson(p),
        );
        this.transcribed(self, new sdk.ConversationTranscriptionEventArgs(r, r.offset, 'session-1'));
      }
      this.canceled(
        self,
        new sdk.ConversationTranscriptionCanceledEventArgs(
          sdk.CancellationReason.EndOfStream,
          '',
          sdk.CancellationErrorCode.NoError,
        ),
      );
      this.sessionStopped(self, new sdk.SessionEventArgs('session-1'));
    });
  }
  stopTranscribingAsync(cb?: () => void): void {
    cb?.();
  }
  close(cb?: () => void): void {
    cb?.();
  }
}

const endOfStream: Script = async (emit) => {
  for (const p of PHRASES) emit.phrase(p);
  emit.noMatch();
  emit.cancel(sdk.CancellationReason.EndOfStream, sdk.CancellationErrorCode.NoError);
  emit.stop();
};

describe('AzureSpeechToText', () => {
  let wav: Awaited<ReturnType<typeof writeTestWav>>;
  beforeAll(async () => {
    wav = await writeTestWav(4200);
  });

  function setup(scripts: Script[], over: Partial<AzureSpeechOptions> = {}) {
    const requests: AzureRecognizerRequest[] = [];
    const recognizers: FakeSpeechRecognizer[] = [];
    const waits: number[] = [];
    const stt = new AzureSpeechToText({
      key: 'fake-key',
      region: 'westeurope',
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      createRecognizer: (req) => {
        requests.push(req);
        const r = new FakeSpeechRecognizer(req, scripts[Math.min(recognizers.length, scripts.length - 1)] as Script);
        recognizers.push(r);
        return { kind: 'speech', recognizer: r };
      },
      ...over,
    });
    return { stt, requests, recognizers, waits };
  }

  it('configures the SDK for detailed output with word timestamps, in the upload language', async () => {
    const { stt, requests } = setup([endOfStream]);
    await stt.transcribe({ wavPath: wav.path, language: 'en-GB', phrases: ['Stormvault'] });
    const cfg = requests[0]!.speechConfig;
    expect(cfg.speechRecognitionLanguage).toBe('en-GB');
    expect(cfg.outputFormat).toBe(sdk.OutputFormat.Detailed);
    expect(cfg.getProperty(sdk.PropertyId[sdk.PropertyId.SpeechServiceResponse_RequestWordLevelTimestamps])).toBe(
      'true',
    );
    expect(cfg.getProperty(sdk.PropertyId[sdk.PropertyId.SpeechServiceResponse_ProfanityOption])).toBe('Raw');
    expect(cfg.getProperty(sdk.PropertyId[sdk.PropertyId.SpeechServiceConnection_Region])).toBe('westeurope');
    expect(requests[0]?.phrases).toEqual(['Stormvault']);
    expect(requests[0]?.diarize).toBe(false);
  });

  it('defaults the language to en-US, or to the configured one', async () => {
    const a = setup([endOfStream]);
    await a.stt.transcribe({ wavPath: wav.path });
    expect(a.requests[0]!.speechConfig.speechRecognitionLanguage).toBe('en-US');
    const b = setup([endOfStream], { defaultLanguage: 'de-DE' });
    const r = await b.stt.transcribe({ wavPath: wav.path });
    expect(b.requests[0]!.speechConfig.speechRecognitionLanguage).toBe('de-DE');
    expect(r.language).toBe('de-DE');
  });

  it('pushes exactly the WAV samples into the SDK push stream and closes it', async () => {
    const { stt, recognizers } = setup([endOfStream]);
    await stt.transcribe({ wavPath: wav.path });
    const pushed = await recognizers[0]!.audio!;
    expect(pushed.length).toBe(wav.pcm.length);
    expect(pushed.equals(wav.pcm)).toBe(true);
  });

  it('turns recognized results into chunk-relative integer-ms words with confidences', async () => {
    const { stt, recognizers } = setup([endOfStream]);
    const r = await stt.transcribe({ wavPath: wav.path });
    expect(r.engine).toBe('azure-speech/en-US');
    expect(r.words).toHaveLength(11);
    expect(r.words.slice(0, 2)).toEqual([
      { text: 'hi', startMs: 620, endMs: 940, confidence: 0.98 },
      { text: 'this', startMs: 960, endMs: 1120, confidence: 0.97 },
    ]);
    // No word confidence in the result: the phrase's NBest confidence.
    expect(r.words.find((w) => w.text === 'time')).toEqual({
      text: 'time',
      startMs: 3700,
      endMs: 4050,
      confidence: 0.9312,
    });
    expect(r.segments).toEqual([
      { startMs: 620, endMs: 2460, text: 'Hi, this is Laura from Stormvault.', speaker: null },
      { startMs: 3100, endMs: 4050, text: 'Is now a good time?', speaker: null },
    ]);
    expect(recognizers[0]).toMatchObject({ stopped: true, closed: true });
  });

  it('diarizes with a ConversationTranscriber and returns the speakers it heard', async () => {
    const kinds: boolean[] = [];
    const stt = new AzureSpeechToText({
      key: 'k',
      region: 'westeurope',
      createRecognizer: (req) => {
        kinds.push(req.diarize);
        return {
          kind: 'conversation',
          recognizer: new FakeTranscriber(req, [
            { ...PHRASES[0]!, speaker: 'Guest-1' },
            { ...PHRASES[1]!, speaker: 'Guest-2' },
          ]),
        };
      },
    });
    const r = await stt.transcribe({ wavPath: wav.path, diarize: true });
    expect(kinds).toEqual([true]);
    expect(r.engine).toBe('azure-speech/en-US/diarized');
    expect(r.segments?.map((s) => s.speaker)).toEqual(['Guest-1', 'Guest-2']);
    expect(r.words).toHaveLength(11);
  });

  it('builds real SDK recognizers with the phrase list (no network until started)', () => {
    const stt = new AzureSpeechToText({ key: 'k', region: 'westeurope' });
    for (const diarize of [false, true]) {
      const stream = sdk.AudioInputStream.createPushStream();
      const rec = createAzureRecognizer({
        diarize,
        speechConfig: stt.speechConfig('en-US'),
        audioConfig: sdk.AudioConfig.fromStreamInput(stream),
        phrases: ['Stormvault', 'Acme Cloud'],
      });
      expect(rec.kind).toBe(diarize ? 'conversation' : 'speech');
      expect(rec.recognizer).toBeInstanceOf(diarize ? sdk.ConversationTranscriber : sdk.SpeechRecognizer);
      rec.recognizer.close();
    }
  });

  it('retries a throttled session with backoff, in a fresh session', async () => {
    const throttled: Script = async (emit) =>
      emit.cancel(sdk.CancellationReason.Error, sdk.CancellationErrorCode.TooManyRequests, 'Too many requests');
    const { stt, recognizers, waits } = setup([throttled, endOfStream]);
    const r = await stt.transcribe({ wavPath: wav.path });
    expect(recognizers).toHaveLength(2);
    expect(waits).toEqual([375]);
    expect(r.words).toHaveLength(11);
    expect(recognizers[0]).toMatchObject({ stopped: true, closed: true });
  });

  it.each([
    [
      sdk.CancellationErrorCode.AuthenticationFailure,
      'WebSocket upgrade failed: Authentication error (401)',
      'STT.ENGINE_FAILED',
      false,
    ],
    [sdk.CancellationErrorCode.Forbidden, 'Forbidden (403)', 'STT.ENGINE_FAILED', false],
    [sdk.CancellationErrorCode.BadRequestParameters, 'Unsupported language xx-XX', 'STT.UNSUPPORTED_LANGUAGE', false],
    [sdk.CancellationErrorCode.ConnectionFailure, 'Unable to contact server', 'STT.ENGINE_FAILED', true],
    [
      sdk.CancellationErrorCode.ServiceTimeout,
      'Timeout while waiting for service response',
      'STT.ENGINE_TIMEOUT',
      true,
    ],
  ])('maps cancellation code %i ("%s") to %s, retriable %s', async (errorCode, details, code, retriable) => {
    const failing: Script = async (emit) => emit.cancel(sdk.CancellationReason.Error, errorCode, details);
    const { stt, recognizers } = setup([failing], { retry: { maxAttempts: 2 } });
    const err = await stt.transcribe({ wavPath: wav.path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SttProviderError);
    expect(err).toMatchObject({ code, retriable });
    expect((err as Error).message).toContain(details);
    expect(recognizers).toHaveLength(retriable ? 2 : 1);
  });

  it('times out a session that never ends, and closes the recognizer', async () => {
    const { stt, recognizers } = setup([async () => undefined], { timeoutMs: 50, retry: { maxAttempts: 1 } });
    await expect(stt.transcribe({ wavPath: wav.path })).rejects.toMatchObject({
      code: 'STT.ENGINE_TIMEOUT',
      retriable: true,
    });
    expect(recognizers[0]).toMatchObject({ stopped: true, closed: true });
  });

  it('needs a key and a region or endpoint', () => {
    expect(() => new AzureSpeechToText({ key: '', region: 'x' })).toThrow(/AZURE_SPEECH_KEY/);
    expect(() => new AzureSpeechToText({ key: 'k' })).toThrow(/AZURE_SPEECH_REGION/);
  });

  it('reads a result without word timings by spreading its lexical form', () => {
    const phrase = phraseFromResult({
      json: JSON.stringify({
        Offset: 10_000_000,
        Duration: 10_000_000,
        NBest: [{ Confidence: 0.8, Lexical: 'ok then', Display: 'OK then.' }],
      }),
      offset: 10_000_000,
      duration: 10_000_000,
      text: 'OK then.',
    });
    expect(phrase?.words).toEqual([
      { text: 'ok', startMs: 1000, endMs: 1500, confidence: 0.8 },
      { text: 'then', startMs: 1500, endMs: 2000, confidence: 0.8 },
    ]);
    expect(phrase?.segment).toEqual({ startMs: 1000, endMs: 2000, text: 'OK then.', speaker: null });
  });
});
