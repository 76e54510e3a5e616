import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@speech/kernel';
import { migrateJsonlEventLog, SqliteEventBus } from '@speech/messaging';
import { migrateNedbCollections, SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import type { Logger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';

export interface EmbeddedInfrastructure {
  database: SqliteDatabase;
  docs: SqliteDocumentStore;
  bus: SqliteEventBus;
  store: FsObjectStore;
  close(): Promise<void>;
}

/**
 * The single process's infrastructure, all under DATA_DIR: one SQLite database (documents and
 * the event log, so a handler's effects commit together) and a folder of objects. A DATA_DIR
 * from the earlier layout (NeDB files under db/, JSONL logs under bus/) is migrated on first
 * start; the old files are kept beside, renamed, until someone deletes them.
 */
export async function openEmbeddedInfrastructure(
  dataDir: string,
  log: Logger,
  opts: { compactEvery?: number } = {},
): Promise<EmbeddedInfrastructure> {
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = lockDataDir(dataDir);
  try {
    const database = new SqliteDatabase(join(dataDir, 'speech.db'));
    const docs = new SqliteDocumentStore(database);
    const bus = new SqliteEventBus({
      database,
      log: log.child({ component: 'bus' }),
      compactEvery: opts.compactEvery,
      // A deleted recording's messages go from the log as soon as every group has read them.
      compactAfter: ['audio.deleted'],
    });
    await migrateLegacyLayout(dataDir, docs, log);
    const store = new FsObjectStore(join(dataDir, 'objects'));
    return {
      database,
      docs,
      bus,
      store,
      close: async () => {
        database.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

async function migrateLegacyLayout(dataDir: string, docs: SqliteDocumentStore, log: Logger): Promise<void> {
  const legacy = ['db', 'bus'].filter((d) => existsSync(join(dataDir, d)));
  if (!legacy.length) return;
  const started = Date.now();
  const collections = await migrateNedbCollections(join(dataDir, 'db'), docs);
  const events = await migrateJsonlEventLog(join(dataDir, 'bus'), docs.database);
  const keep = join(dataDir, `legacy-${new Date(started).toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(keep, { recursive: true });
  for (const d of legacy) renameSync(join(dataDir, d), join(keep, d));
  log.info(
    {
      documents: collections.documents,
      collections: collections.collections,
      messages: events.messages,
      rewoundGroups: events.rewound,
      keptIn: keep,
      ms: Date.now() - started,
    },
    `migrated DATA_DIR from the NeDB layout to SQLite: ${collections.documents} documents in ` +
      `${collections.collections} collections and ${events.messages} queued events; the old files are kept in ${keep}`,
  );
}

/** One process per DATA_DIR: two would deliver every event twice. A lock of a dead process is taken over. */
function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, '.lock');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new AppError(
        'CONFIG.DATA_DIR_IN_USE',
        `DATA_DIR ${dataDir} is in use by process ${pid}; stop it first or set another DATA_DIR`,
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
