import { z } from 'zod';
import { AppError } from '@speech/kernel';

/**
 * Parses process.env once at start-up against a schema, reporting every bad key in one
 * error, and returns a typed object (docs/ARCHITECTURE.md, "Config and logs").
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new AppError('CONFIG.INVALID', `invalid configuration:\n${lines.join('\n')}`);
  }
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
