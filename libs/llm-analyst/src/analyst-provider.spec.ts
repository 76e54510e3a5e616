import { z } from 'zod';
import { OfflineAnalyst } from '@speech/analysis';
import { transcriptFromDialogue } from '@speech/analysis/testing';
import { analystProviderEnvSchema, createAnalyst, refineAnalystProviderEnv } from './analyst-provider';
import { LlmAnalyst } from './llm-analyst';

const parse = (env: Record<string, string>) => analystProviderEnvSchema.parse(env);

describe('analystProviderEnvSchema', () => {
  it('defaults to the local analyst', () => {
    expect(parse({})).toMatchObject({
      LLM_PROVIDER: 'local',
      LLM_MODEL: 'gpt-4o-mini',
      LLM_WINDOW_TOKENS: 8000,
      LLM_CONCURRENCY: 4,
      LLM_MAX_REPAIRS: 1,
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
      AZURE_OPENAI_API_VERSION: '2024-10-21',
    });
  });

  it('merges into a service schema and reports missing credentials', () => {
    const service = z
      .object({ PORT: z.coerce.number().default(8080) })
      .extend(analystProviderEnvSchema.shape)
      .superRefine(refineAnalystProviderEnv);
    const bad = service.safeParse({
      LLM_PROVIDER: 'azure-openai',
      AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com',
    });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'AZURE_OPENAI_API_KEY',
      'AZURE_OPENAI_DEPLOYMENT',
    ]);
    expect(service.safeParse({ LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk' }).success).toBe(true);
    expect(service.safeParse({ LLM_PROVIDER: 'anthropic' }).success).toBe(false);
    expect(service.safeParse({ LLM_WINDOW_TOKENS: '10' }).success).toBe(false);
  });
});

describe('createAnalyst', () => {
  it('builds the offline analyst by default, which records its provenance as local', async () => {
    const analyst = createAnalyst(parse({}));
    expect(analyst).toBeInstanceOf(OfflineAnalyst);
    const r = await analyst.analyze(transcriptFromDialogue('A|hello there how can i help\nC|the price is too high'));
    expect(r.provenance).toMatchObject({
      provider: 'local',
      model: null,
      promptVersion: null,
      usage: null,
      llmRequests: 0,
      rejectedEvidence: [],
    });
    expect(r.provenance?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [{ LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk', LLM_MODEL: 'gpt-4.1-mini' }, 'openai', 'gpt-4.1-mini'],
    [
      {
        LLM_PROVIDER: 'azure-openai',
        AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_DEPLOYMENT: 'coach',
      },
      'azure-openai',
      'coach',
    ],
  ])('builds an LLM analyst for %j', (env, name, model) => {
    const analyst = createAnalyst(parse(env as Record<string, string>));
    expect(analyst).toBeInstanceOf(LlmAnalyst);
    expect(analyst).toMatchObject({ name, model });
  });

  it('refuses an incomplete configuration with CONFIG.INVALID naming the keys', () => {
    expect(() => createAnalyst(parse({ LLM_PROVIDER: 'openai' }))).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('OPENAI_API_KEY') }),
    );
  });

  it('ignores OPENAI_BASE_URL in the environment when Azure is configured', async () => {
    const before = process.env['OPENAI_BASE_URL'];
    process.env['OPENAI_BASE_URL'] = 'http://127.0.0.1:9/v1';
    try {
      const analyst = createAnalyst(
        parse({
          LLM_PROVIDER: 'azure-openai',
          AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
          AZURE_OPENAI_API_KEY: 'k',
          AZURE_OPENAI_DEPLOYMENT: 'coach',
        }),
      );
      expect(analyst.name).toBe('azure-openai');
    } finally {
      if (before === undefined) delete process.env['OPENAI_BASE_URL'];
      else process.env['OPENAI_BASE_URL'] = before;
    }
  });
});
