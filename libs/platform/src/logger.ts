import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { name: string; level?: string }): Logger {
  return pino({
    name: opts.name,
    level: opts.level ?? 'info',
    base: { service: opts.name },
    // Errors under `err` keep their stack, code and cause in the JSON line.
    serializers: { err: pino.stdSerializers.err },
  });
}

/** A logger that drops everything: for unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
