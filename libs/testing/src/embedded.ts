import { SqliteEventBus, type RetryPolicy } from '@speech/messaging';
import { SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';

/**
 * The single process's database, event log and document store, in memory: what a unit test of
 * a service runs on. Handlers run in units of work exactly as in the platform.
 */
export function inMemoryPlatform(opts: { retry?: RetryPolicy } = {}) {
  const database = new SqliteDatabase(':memory:');
  const bus = new SqliteEventBus({ database, log: silentLogger(), retry: opts.retry });
  const docs = new SqliteDocumentStore(database);
  return {
    database,
    bus,
    docs,
    async close(): Promise<void> {
      await bus.stop();
      database.close();
    },
  };
}
