/**
 * Live smoke tests against the real OpenAI / Azure OpenAI transcription APIs. They run only
 * with credentials in the environment and are skipped otherwise (with a note on stderr):
 *   OPENAI_API_KEY [OPENAI_BASE_URL] [STT_MODEL]                                   → openai
 *   AZURE_OPENAI_API_KEY AZURE_OPENAI_ENDPOINT AZURE_OPENAI_STT_DEPLOYMENT [AZURE_OPENAI_API_VERSION] → azure-openai
 */
import type { SpeechToText } from './speech-to-text.port';
import { createSpeechToText, sttProviderEnvSchema } from './stt-provider';
import { sampleSpeechWav } from './testing/live-audio';

const env = process.env;
const targets = [
  { provider: 'openai', ready: Boolean(env['OPENAI_API_KEY']), needs: 'OPENAI_API_KEY' },
  {
    provider: 'azure-openai',
    ready: Boolean(env['AZURE_OPENAI_API_KEY'] && env['AZURE_OPENAI_ENDPOINT'] && env['AZURE_OPENAI_STT_DEPLOYMENT']),
    needs: 'AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_STT_DEPLOYMENT',
  },
] as const;

for (const target of targets) {
  if (!target.ready)
    process.stderr.write(`[live] ${target.provider} transcription smoke test skipped: set ${target.needs} to run it\n`);
  (target.ready ? describe : describe.skip)(`live ${target.provider} transcription`, () => {
    let stt: SpeechToText;
    let wav: string | null;
    beforeAll(() => {
      stt = createSpeechToText(sttProviderEnvSchema.parse({ ...env, STT_PROVIDER: target.provider }));
      wav = sampleSpeechWav();
      if (!wav) process.stderr.write('[live] ffmpeg not found: cannot cut the sample chunk\n');
    });

    it('transcribes a real chunk with word timings relative to it', async () => {
      expect(wav).not.toBeNull();
      const r = await stt.transcribe({
        wavPath: wav as string,
        language: 'en-US',
        phrases: ['Cedar Cloud', 'Stormvault'],
      });
      expect(r.words.length).toBeGreaterThan(5);
      expect(r.words.map((w) => w.text.toLowerCase()).join(' ')).toMatch(/laura/);
      let last = -1;
      for (const w of r.words) {
        expect(Number.isInteger(w.startMs) && Number.isInteger(w.endMs)).toBe(true);
        expect(w.startMs).toBeGreaterThanOrEqual(last);
        expect(w.endMs).toBeLessThanOrEqual(13_000);
        expect(w.confidence).toBeGreaterThan(0);
        last = w.startMs;
      }
    }, 120_000);
  });
}
