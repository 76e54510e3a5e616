import { z } from 'zod';
import { configNeeds, openAiEnvShape, parseConfig, refineWith, throwConfigProblems } from './config';

describe('provider configuration helpers', () => {
  const schema = z.object({ PROVIDER: z.enum(['local', 'remote']).default('local'), ...openAiEnvShape }).superRefine(
    refineWith((cfg: { PROVIDER: string; OPENAI_API_KEY?: string }) => {
      const { problems, need } = configNeeds(cfg, 'PROVIDER');
      if (cfg.PROVIDER === 'remote') need('OPENAI_API_KEY', 'bearer key');
      return problems;
    }),
  );

  it('takes the shared OpenAI keys with their defaults', () => {
    const cfg = parseConfig(schema, {});
    expect(cfg.OPENAI_BASE_URL).toBe('https://api.openai.com/v1');
    expect(cfg.AZURE_OPENAI_API_VERSION).toBe('2024-10-21');
    expect(cfg.OPENAI_API_KEY).toBeUndefined();
  });

  it('names a key the chosen provider needs, at that key, in one CONFIG.INVALID', () => {
    expect(() => parseConfig(schema, { PROVIDER: 'remote' })).toThrow(
      'invalid configuration:\n  OPENAI_API_KEY: required when PROVIDER=remote (bearer key)',
    );
    expect(parseConfig(schema, { PROVIDER: 'remote', OPENAI_API_KEY: 'k' }).OPENAI_API_KEY).toBe('k');
  });

  it('throws every problem one a line, and nothing for none', () => {
    expect(() => throwConfigProblems([])).not.toThrow();
    expect(() =>
      throwConfigProblems([
        { key: 'A', message: 'one' },
        { key: 'B', message: 'two' },
      ]),
    ).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: 'invalid configuration:\n  A: one\n  B: two' }),
    );
  });
});
