import type { Logger } from './logger';

type Closer = () => Promise<void>;

/**
 * Graceful shutdown: on SIGINT/SIGTERM, closers run in reverse order of registration
 * (stop taking work first, then close stores), bounded by a deadline so nothing hangs.
 */
export class Lifecycle {
  private readonly closers: { name: string; close: Closer }[] = [];
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly log: Logger,
    private readonly deadlineMs = 15_000,
  ) {}

  onStop(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
        } catch (err) {
          this.log.error({ err, closer: name }, 'error while stopping');
        }
      }
    })();
    return this.stopping;
  }

  installSignalHandlers(): void {
    const handle = (signal: string) => {
      this.log.info({ signal }, 'stopping');
      const timer = setTimeout(() => {
        this.log.error('graceful shutdown timed out; exiting');
        process.exit(1);
      }, this.deadlineMs);
      timer.unref();
      this.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', handle);
    process.once('SIGTERM', handle);
  }
}
