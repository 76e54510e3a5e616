/**
 * AzureSpeechToText with the real Speech SDK end to end, against a local stand-in for the
 * Speech service's WebSocket endpoint (AZURE_SPEECH_ENDPOINT): what the SDK sends (URL query,
 * key, speech.context with the phrase list and word timings, the pushed PCM) and what the
 * adapter makes of the service's Detailed-format phrases.
 */
import { AzureSpeechToText } from './azure-speech.adapter';
import {
  detailedPhrase,
  startFakeSpeechService,
  type FakeSpeechService,
  type SpeechScript,
} from './testing/fake-azure-speech-service';
import { writeTestWav } from './testing/wav-fixture';

describe('AzureSpeechToText with the real SDK against a fake Speech endpoint', () => {
  let service: FakeSpeechService;
  let script: SpeechScript;
  let wav: Awaited<ReturnType<typeof writeTestWav>>;

  beforeAll(async () => {
    service = await startFakeSpeechService((c) => script(c));
    wav = await writeTestWav(2600);
  });
  afterAll(() => service.close());
  beforeEach(() => {
    service.connections.length = 0;
    service.rejectWith = null;
    script = () => [
      detailedPhrase(
        [
          ['hi', 500, 820, 0.97],
          ['this', 840, 1000, 0.95],
          ['is', 1000, 1110, 0.99],
          ['stormvault', 1110, 1800, 0.74],
        ],
        'Hi, this is Stormvault.',
      ),
      detailedPhrase([['thanks', 2000, 2450, 0.9]], 'Thanks.'),
    ];
  });

  const adapter = () =>
    new AzureSpeechToText({ key: 'fake-speech-key', endpoint: service.endpoint, retry: { maxAttempts: 1 } });

  it('sends the language, detailed format, word timings, key, phrase list and the PCM', async () => {
    await adapter().transcribe({ wavPath: wav.path, language: 'en-US', phrases: ['Stormvault', 'Acme Cloud'] });

    expect(service.connections).toHaveLength(1);
    const conn = service.connections[0]!;
    expect(conn.url.searchParams.get('language')).toBe('en-US');
    expect(conn.url.searchParams.get('format')).toBe('detailed');
    expect(conn.url.searchParams.get('wordLevelTimestamps')).toBe('true');
    expect(conn.headers['ocp-apim-subscription-key']).toBe('fake-speech-key');
    const context = conn.messages.find((m) => m.path === 'speech.context')?.body as {
      phraseDetection: { language: string };
      phraseOutput: { format: string; detailed: { options: string[] } };
      dgi: { groups: Array<{ type: string; items: Array<{ text: string }> }> };
    };
    expect(context.phraseDetection.language).toBe('en-US');
    expect(context.phraseOutput.format).toBe('Detailed');
    expect(context.phraseOutput.detailed.options).toContain('WordTimings');
    expect(context.dgi.groups[0]?.items.map((i) => i.text)).toEqual(['Stormvault', 'Acme Cloud']);
    expect(conn.wavHeader?.readUInt32LE(24)).toBe(16_000);
    expect(conn.audio.equals(wav.pcm)).toBe(true);
  });

  it('returns chunk-relative integer-ms words and the phrases as segments', async () => {
    const r = await adapter().transcribe({ wavPath: wav.path });
    expect(r.language).toBe('en-US');
    expect(r.engine).toBe('azure-speech/en-US');
    expect(r.words).toEqual([
      { text: 'hi', startMs: 500, endMs: 820, confidence: 0.97 },
      { text: 'this', startMs: 840, endMs: 1000, confidence: 0.95 },
      { text: 'is', startMs: 1000, endMs: 1110, confidence: 0.99 },
      { text: 'stormvault', startMs: 1110, endMs: 1800, confidence: 0.74 },
      { text: 'thanks', startMs: 2000, endMs: 2450, confidence: 0.9 },
    ]);
    expect(r.segments).toEqual([
      { startMs: 500, endMs: 1800, text: 'Hi, this is Stormvault.', speaker: null },
      { startMs: 2000, endMs: 2450, text: 'Thanks.', speaker: null },
    ]);
  });

  it('diarizes mono audio through ConversationTranscriber', async () => {
    script = () => [
      detailedPhrase([['hello', 300, 700, 0.9]], 'Hello.', { SpeakerId: 'Guest-1' }),
      detailedPhrase([['hi', 1200, 1500, 0.9]], 'Hi.', { SpeakerId: 'Guest-2' }),
    ];
    const r = await adapter().transcribe({ wavPath: wav.path, diarize: true });
    const context = service.connections[0]!.messages.find((m) => m.path === 'speech.context')?.body as {
      phraseDetection: { speakerDiarization?: { mode: string } };
    };
    expect(context.phraseDetection.speakerDiarization?.mode).toBe('Anonymous');
    expect(r.segments?.map((s) => [s.speaker, s.text])).toEqual([
      ['Guest-1', 'Hello.'],
      ['Guest-2', 'Hi.'],
    ]);
    expect(r.engine).toBe('azure-speech/en-US/diarized');
  });

  it.each([
    [401, 'STT.ENGINE_FAILED', false],
    [403, 'STT.ENGINE_FAILED', false],
    [429, 'STT.ENGINE_FAILED', true],
    [503, 'STT.ENGINE_FAILED', true],
  ])('maps a handshake refused with HTTP %i to %s, retriable %s', async (status, code, retriable) => {
    service.rejectWith = status;
    const err = await adapter()
      .transcribe({ wavPath: wav.path })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code, retriable });
    expect((err as Error).message).toContain(String(status));
  });

  it('retries a throttled handshake in a new session', async () => {
    service.rejectWith = 429;
    const stt = new AzureSpeechToText({
      key: 'k',
      endpoint: service.endpoint,
      sleep: async () => {
        service.rejectWith = null; // the throttling has passed by the next attempt
      },
    });
    const r = await stt.transcribe({ wavPath: wav.path });
    expect(r.words).toHaveLength(5);
  });
});
