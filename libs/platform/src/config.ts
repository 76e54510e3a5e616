import { z } from 'zod';
import { AppError } from '@speech/kernel';

/**
 * Parses process.env once at start-up against a schema, reporting every bad key in one
 * error, and returns a typed object (docs/ARCHITECTURE.md, "Config and logs").
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success)
    throwConfigProblems(result.error.issues.map((i) => ({ key: i.path.join('.') || '(env)', message: i.message })));
  return result.data as z.infer<S>;
}

/** Helpers for env values, which are always strings. */
export const env = {
  int: (def: number) => z.coerce.number().int().nonnegative().default(def),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  str: (def: string) => z.string().min(1).default(def),
  optional: () => z.string().min(1).optional(),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

const key = () => z.string().trim().min(1);

/**
 * The OpenAI and Azure OpenAI keys that the STT providers (libs/stt) and the LLM analyst
 * (libs/llm-analyst) share: defined once, so a service that merges both schemas gets one
 * definition of each. Spread into a provider schema's `z.object({...})`.
 */
export const openAiEnvShape = {
  /** OpenAI-compatible API root (STT_PROVIDER=openai and LLM_PROVIDER=openai). */
  OPENAI_BASE_URL: z.url().default('https://api.openai.com/v1'),
  /** Bearer key for OPENAI_BASE_URL. */
  OPENAI_API_KEY: key().optional(),
  /** Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com. */
  AZURE_OPENAI_ENDPOINT: z.url().optional(),
  /** Azure OpenAI key, sent as `api-key`. */
  AZURE_OPENAI_API_KEY: key().optional(),
  /** Azure OpenAI REST api-version; the analyst's structured outputs need 2024-08-01-preview or later. */
  AZURE_OPENAI_API_VERSION: key().default('2024-10-21'),
};

/** A configuration key that is missing or wrong, and why. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/**
 * What a provider's configuration still lacks: `need(key, why)` records the key when it is
 * unset, as "required when <selector>=<its value> (why)"; `problems` is the list so far.
 */
export function configNeeds<C extends object>(cfg: C, selector: keyof C & string) {
  const problems: ConfigProblem[] = [];
  const need = (key: keyof C & string, why: string): void => {
    if (cfg[key] === undefined)
      problems.push({ key, message: `required when ${selector}=${String(cfg[selector])} (${why})` });
  };
  return { problems, need };
}

/** For `schema.superRefine(…)`: reports what `problemsOf` finds as issues, each at its key. */
export function refineWith<C>(problemsOf: (cfg: C) => ConfigProblem[]): (cfg: C, ctx: z.RefinementCtx) => void {
  return (cfg, ctx) => {
    for (const p of problemsOf(cfg)) ctx.addIssue({ code: 'custom', path: [p.key], message: p.message });
  };
}

/** Throws CONFIG.INVALID naming every problem, one a line; does nothing when there are none. */
export function throwConfigProblems(problems: readonly ConfigProblem[]): void {
  if (!problems.length) return;
  const lines = problems.map((p) => `  ${p.key}: ${p.message}`);
  throw new AppError('CONFIG.INVALID', `invalid configuration:\n${lines.join('\n')}`);
}
