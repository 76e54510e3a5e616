import { z } from 'zod';
import { AzureSpeechToText } from './azure-speech.adapter';
import { OpenAiTranscriptionSpeechToText } from './openai-transcription.adapter';
import { PocketsphinxSpeechToText } from './pocketsphinx.adapter';
import { createSpeechToText, refineSttProviderEnv, sttProviderEnvSchema } from './stt-provider';

const parse = (env: Record<string, string>) => sttProviderEnvSchema.parse(env);

describe('sttProviderEnvSchema', () => {
  it('defaults to offline pocketsphinx', () => {
    expect(parse({})).toMatchObject({
      STT_PROVIDER: 'pocketsphinx',
      STT_MODEL: 'whisper-1',
      STT_REQUEST_ATTEMPTS: 4,
      STT_REQUEST_CONCURRENCY: 4,
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
      AZURE_OPENAI_API_VERSION: '2024-10-21',
      AZURE_SPEECH_DIARIZE: false,
      POCKETSPHINX_MODEL_DIR: '/usr/share/pocketsphinx/model/en-us',
    });
  });

  it('merges into a service schema and reports missing credentials per provider', () => {
    const service = z
      .object({ PORT: z.coerce.number().default(8080) })
      .extend(sttProviderEnvSchema.shape)
      .superRefine(refineSttProviderEnv);
    const bad = service.safeParse({ STT_PROVIDER: 'azure' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['AZURE_SPEECH_KEY', 'AZURE_SPEECH_REGION']);
    expect(
      service.safeParse({ STT_PROVIDER: 'azure', AZURE_SPEECH_KEY: 'k', AZURE_SPEECH_ENDPOINT: 'https://x.example' })
        .success,
    ).toBe(true);
    expect(service.safeParse({ STT_PROVIDER: 'speechmatics' }).success).toBe(false);
  });
});

describe('createSpeechToText', () => {
  it.each([
    [{}, PocketsphinxSpeechToText, 'pocketsphinx'],
    [{ STT_PROVIDER: 'azure', AZURE_SPEECH_KEY: 'k', AZURE_SPEECH_REGION: 'westeurope' }, AzureSpeechToText, 'azure'],
    [{ STT_PROVIDER: 'openai', OPENAI_API_KEY: 'sk' }, OpenAiTranscriptionSpeechToText, 'openai'],
    [
      {
        STT_PROVIDER: 'azure-openai',
        AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com',
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_STT_DEPLOYMENT: 'whisper',
      },
      OpenAiTranscriptionSpeechToText,
      'azure-openai',
    ],
  ])('builds the engine for %j', (env, type, name) => {
    const stt = createSpeechToText(parse(env as Record<string, string>), { workDir: '/tmp' });
    expect(stt).toBeInstanceOf(type);
    expect(stt.name).toBe(name);
  });

  it('targets the configured URLs', () => {
    const openai = createSpeechToText(
      parse({ STT_PROVIDER: 'openai', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' }),
    );
    expect((openai as OpenAiTranscriptionSpeechToText).url).toBe('http://127.0.0.1:9/v1/audio/transcriptions');
    const azure = createSpeechToText(
      parse({
        STT_PROVIDER: 'azure-openai',
        AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/',
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_STT_DEPLOYMENT: 'whisper',
        AZURE_OPENAI_API_VERSION: '2024-06-01',
      }),
    );
    expect((azure as OpenAiTranscriptionSpeechToText).url).toBe(
      'https://res.openai.azure.com/openai/deployments/whisper/audio/transcriptions?api-version=2024-06-01',
    );
  });

  it('refuses an incomplete configuration with CONFIG.INVALID naming the keys', () => {
    expect(() => createSpeechToText(parse({ STT_PROVIDER: 'azure-openai' }))).toThrow(
      expect.objectContaining({
        code: 'CONFIG.INVALID',
        retriable: false,
        message: expect.stringMatching(
          /AZURE_OPENAI_ENDPOINT[\s\S]*AZURE_OPENAI_API_KEY[\s\S]*AZURE_OPENAI_STT_DEPLOYMENT/,
        ),
      }),
    );
    expect(() => createSpeechToText(parse({ STT_PROVIDER: 'openai' }))).toThrow(/OPENAI_API_KEY/);
  });
});

describe('keys shared with the LLM analyst', () => {
  it('are defined identically in both schemas, so services can merge them', async () => {
    const { analystProviderEnvSchema } = await import('@speech/llm-analyst');
    const stt = sttProviderEnvSchema.shape as Record<string, z.ZodType>;
    const llm = analystProviderEnvSchema.shape as Record<string, z.ZodType>;
    const shared = Object.keys(stt).filter((k) => k in llm);
    expect(shared.sort()).toEqual([
      'AZURE_OPENAI_API_KEY',
      'AZURE_OPENAI_API_VERSION',
      'AZURE_OPENAI_ENDPOINT',
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
    ]);
    for (const k of shared)
      expect({ k, schema: z.toJSONSchema(stt[k] as z.ZodType) }).toEqual({
        k,
        schema: z.toJSONSchema(llm[k] as z.ZodType),
      });
    const merged = z.object({}).extend(sttProviderEnvSchema.shape).extend(analystProviderEnvSchema.shape);
    expect(merged.parse({ STT_PROVIDER: 'openai', LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk' })).toMatchObject({
      OPENAI_API_KEY: 'sk',
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
    });
  });
});
