import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * What a DATA_DIR still holds of a string (a deleted recording's id, or text its owner typed):
 * the no-trace checks of the deletion specs.
 */

/** Every file under `dir` whose bytes contain `needle` (the SQLite files are queried instead). */
export function filesWith(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const s = statSync(path);
      if (name.includes(needle)) found.push(path);
      if (s.isDirectory()) walk(path);
      else if (!/^speech\.db(-wal|-shm)?$/.test(name) && readFileSync(path).includes(needle)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Every table of the SQLite database with a row that mentions `needle` anywhere (documents, event log). */
export function tablesWith(file: string, needle: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    const hits: string[] = [];
    for (const { name } of tables) {
      const cols = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
      const where = cols.map((c) => `instr(CAST("${c}" AS BLOB), CAST(? AS BLOB)) > 0`).join(' OR ');
      const n = db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE ${where}`).get(...cols.map(() => needle)) as {
        n: number;
      };
      if (n.n > 0) hits.push(`${name} (${n.n} rows)`);
    }
    return hits;
  } finally {
    db.close();
  }
}
