import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SqliteDocumentStore } from './sqlite-document-store';
import { tableName } from './sqlite-sql';

/**
 * Reads the collections of the embedded store's earlier layout (NeDB: one file per collection,
 * a JSON document per line, later lines replacing earlier ones, `$$deleted` tombstones) into
 * the SQLite store. Streams line by line; runs before the platform takes work.
 */
export async function migrateNedbCollections(
  dir: string,
  store: SqliteDocumentStore,
): Promise<{ collections: number; documents: number }> {
  if (!existsSync(dir)) return { collections: 0, documents: 0 };
  const db = store.database.db;
  let collections = 0;
  let documents = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.db'))) {
    const name = file.slice(0, -3);
    store.collection(name); // creates the table
    const table = tableName(name);
    const upsert = db.prepare(
      `INSERT INTO ${table} (id, version, doc) VALUES (?, 1, ?) ON CONFLICT (id) DO UPDATE SET version = version + 1, doc = excluded.doc`,
    );
    const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
    db.exec('BEGIN');
    try {
      const lines = createInterface({ input: createReadStream(join(dir, file)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line.trim()) continue;
        let doc: Record<string, unknown>;
        try {
          doc = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue; // a torn last line: NeDB itself skips it
        }
        if ('$$indexCreated' in doc || '$$indexRemoved' in doc || typeof doc._id !== 'string') continue;
        if (doc.$$deleted === true) remove.run(doc._id);
        else upsert.run(doc._id, JSON.stringify(doc));
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    collections++;
    documents += (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return { collections, documents };
}
