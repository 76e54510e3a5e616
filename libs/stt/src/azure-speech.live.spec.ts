/**
 * Live smoke test against Azure AI Speech. Runs only with AZURE_SPEECH_KEY and
 * AZURE_SPEECH_REGION (or AZURE_SPEECH_ENDPOINT) set; skipped otherwise, with a note on stderr.
 */
import type { SpeechToText } from './speech-to-text.port';
import { createSpeechToText, sttProviderEnvSchema } from './stt-provider';
import type { CloudTranscribeResult } from './stt-result';
import { sampleSpeechWav } from './testing/live-audio';

const env = process.env;
const ready = Boolean(env['AZURE_SPEECH_KEY'] && (env['AZURE_SPEECH_REGION'] || env['AZURE_SPEECH_ENDPOINT']));
if (!ready)
  process.stderr.write(
    '[live] azure speech smoke test skipped: set AZURE_SPEECH_KEY and AZURE_SPEECH_REGION (or AZURE_SPEECH_ENDPOINT) to run it\n',
  );

(ready ? describe : describe.skip)('live Azure AI Speech', () => {
  let stt: SpeechToText;
  let wav: string | null;
  beforeAll(() => {
    stt = createSpeechToText(sttProviderEnvSchema.parse({ ...env, STT_PROVIDER: 'azure' }));
    wav = sampleSpeechWav();
    if (!wav) process.stderr.write('[live] ffmpeg not found: cannot cut the sample chunk\n');
  });

  it('transcribes a real chunk with word timestamps and the phrase list', async () => {
    expect(wav).not.toBeNull();
    const r = await stt.transcribe({
      wavPath: wav as string,
      language: 'en-US',
      phrases: ['Cedar Cloud', 'Stormvault'],
    });
    expect(r.words.length).toBeGreaterThan(5);
    expect(r.words.map((w) => w.text).join(' ')).toMatch(/laura/i);
    for (const w of r.words) expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
  }, 120_000);

  it('diarizes a mono chunk', async () => {
    expect(wav).not.toBeNull();
    const r: CloudTranscribeResult = await stt.transcribe({
      wavPath: wav as string,
      language: 'en-US',
      diarize: true,
    } as Parameters<SpeechToText['transcribe']>[0]);
    expect(r.segments?.length).toBeGreaterThan(0);
    expect(r.segments?.every((s) => s.speaker !== null)).toBe(true);
  }, 120_000);
});
