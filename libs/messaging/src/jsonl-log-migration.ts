import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SqliteDatabase } from '@speech/persistence';

/**
 * Reads the single process's earlier event log (a JSONL file per topic partition, a JSON array
 * of positions per group and topic) into the SQLite event log, which must exist already
 * (construct the SqliteEventBus first).
 *
 * That layout counted a partition's offsets from the messages left in its file, so after a
 * compaction emptied the file, new messages got offsets under the groups' committed positions
 * and were skipped. A position beyond its file's end is the mark of that: the group starts
 * again from the earliest message kept. Consumers are idempotent, so a message handled twice
 * is harmless; one never handled would be lost.
 */
export async function migrateJsonlEventLog(
  dir: string,
  database: SqliteDatabase,
): Promise<{ messages: number; rewound: number }> {
  const topicsDir = join(dir, 'topics');
  if (!existsSync(topicsDir)) return { messages: 0, rewound: 0 };
  const db = database.db;
  const insert = db.prepare(
    'INSERT OR IGNORE INTO bus_log (topic, partition, offset, key, headers, value) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const head = db.prepare(
    'INSERT INTO bus_heads (topic, partition, next) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next = max(next, excluded.next)',
  );
  const commit = db.prepare(
    'INSERT INTO bus_commits (group_id, topic, partition, next) VALUES (?, ?, ?, ?) ON CONFLICT (group_id, topic, partition) DO UPDATE SET next = excluded.next',
  );
  const extent = new Map<string, { first: number | null; next: number }>();
  let messages = 0;
  db.exec('BEGIN');
  try {
    for (const topic of readdirSync(topicsDir)) {
      for (const file of readdirSync(join(topicsDir, topic)).filter((f) => /^\d+\.log$/.test(f))) {
        const partition = Number(file.slice(0, -4));
        let first: number | null = null;
        let next = 0;
        const lines = createInterface({ input: createReadStream(join(topicsDir, topic, file)), crlfDelay: Infinity });
        for await (const line of lines) {
          let m: { o: number; k: string; h: Record<string, string>; v: string };
          try {
            m = JSON.parse(line) as typeof m;
          } catch {
            continue; // a torn line: its producer never got an acknowledgement
          }
          insert.run(topic, partition, m.o, m.k, JSON.stringify(m.h), Buffer.from(m.v, 'base64'));
          first ??= m.o;
          next = Math.max(next, m.o + 1);
          messages++;
        }
        extent.set(`${topic}/${partition}`, { first, next });
      }
    }
    let rewound = 0;
    const offsetsDir = join(dir, 'offsets');
    for (const file of existsSync(offsetsDir) ? readdirSync(offsetsDir).filter((f) => f.endsWith('.json')) : []) {
      const [group, topic] = file.slice(0, -5).split('__');
      const saved = JSON.parse(readFileSync(join(offsetsDir, file), 'utf8')) as number[];
      saved.forEach((position, partition) => {
        const e = extent.get(`${topic}/${partition}`) ?? { first: null, next: 0 };
        let at = position;
        if (e.first !== null && position > e.next) {
          at = e.first;
          rewound++;
        }
        commit.run(group, topic, partition, at);
        head.run(topic, partition, Math.max(e.next, e.first === null ? position : 0));
      });
    }
    for (const [k, e] of extent) {
      const [topic, partition] = k.split('/');
      head.run(topic, Number(partition), e.next);
    }
    db.exec('COMMIT');
    return { messages, rewound };
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
