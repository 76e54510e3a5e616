import { createHash, randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Collection, Doc, DocumentStore, Filter, FindOptions, Update } from '../document-store.port';
import { equalityFields } from '../document-store.port';
import { applyUpdate, getPath, matches, sortComparator } from '../document-query';
import { SqliteDatabase, WriteConflict, type UnitOfWork, type UnitParticipant } from './sqlite-database';
import { compileFilter, indexColumns, orderBy, tableName, type Param } from './sqlite-sql';

interface Row {
  id: string;
  version: number;
  doc: string;
}

/**
 * A write of a unit, kept as the operation it is (as MongoDB applies it on the server) and
 * applied again to the row as it is at commit: two units that $inc or $max one document both
 * count, where writing back a read copy would lose one.
 */
type Op =
  | { kind: 'put'; doc: Doc }
  | { kind: 'delete' }
  /** Inserted only if absent: at commit the row must still be absent. */
  | { kind: 'insert'; doc: Doc }
  /** An update that matched: at commit the row must still match `filter`. */
  | { kind: 'update'; filter: Filter; update: Update }
  /** An upsert that inserted: at commit the row may have appeared (then it must match, and is updated). */
  | { kind: 'upsert'; filter: Filter; update: Update; seed: Doc };

/** What a unit read, to check at commit that it still holds. */
type Read =
  | { kind: 'point'; table: string; seq: number; id: string; version: number | null }
  | { kind: 'query'; table: string; seq: number; sql: string; params: Param[]; hash: string };

function hashRows(rows: Pick<Row, 'id' | 'version'>[]): string {
  const h = createHash('sha1');
  for (const r of rows) h.update(`${r.id}:${r.version};`);
  return h.digest('hex');
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** A duplicate _id or unique key, reported the way MongoDB does (isDuplicateKeyError). */
function duplicateKey(message: string): Error {
  return Object.assign(new Error(message), { code: 11000 });
}

/** Folds a unit's operations over a row; `strict` (at commit) throws when one no longer applies. */
function fold(base: Doc | null, ops: Op[], strict: boolean): Doc | null {
  let doc = base;
  for (const op of ops) {
    switch (op.kind) {
      case 'put':
        doc = clone(op.doc);
        break;
      case 'delete':
        doc = null;
        break;
      case 'insert':
        if (doc && strict) throw new WriteConflict();
        doc = doc ?? clone(op.doc);
        break;
      case 'update':
        if (!doc || !matches(doc, op.filter)) {
          if (strict) throw new WriteConflict();
          break;
        }
        doc = applyUpdate(doc, op.update, false);
        break;
      case 'upsert':
        if (doc && !matches(doc, op.filter)) {
          if (strict) throw new WriteConflict();
          break;
        }
        doc = doc ? applyUpdate(doc, op.update, false) : applyUpdate(op.seed, op.update, true);
        break;
    }
  }
  return doc;
}

/** One unit's writes to this store, and its reads (UnitParticipant). */
class Overlay implements UnitParticipant {
  /** Per table, per document id, the unit's operations in order. */
  readonly ops = new Map<string, Map<string, Op[]>>();
  readonly reads: Read[] = [];

  constructor(private readonly store: SqliteDocumentStore) {}

  opsOf(table: string): Map<string, Op[]> | undefined {
    return this.ops.get(table);
  }

  add(table: string, id: string, op: Op): void {
    let byId = this.ops.get(table);
    if (!byId) {
      byId = new Map();
      this.ops.set(table, byId);
    }
    const list = byId.get(id) ?? [];
    list.push(op);
    byId.set(id, list);
  }

  validate(): boolean {
    const db = this.store.database;
    return this.reads.every((r) => {
      if (db.seqOf(r.table) === r.seq) return true;
      if (r.kind === 'point') return (this.store.row(r.table, r.id)?.version ?? null) === r.version;
      return hashRows(this.store.stmt(r.sql).all(...r.params) as Row[]) === r.hash;
    });
  }

  flush(): void {
    for (const [table, byId] of this.ops) {
      for (const [id, ops] of byId) {
        const row = this.store.row(table, id);
        const doc = fold(row ? (JSON.parse(row.doc) as Doc) : null, ops, true);
        try {
          if (doc) this.store.stmt(upsertSql(table)).run(id, JSON.stringify(doc));
          else if (row) this.store.stmt(`DELETE FROM ${table} WHERE id = ?`).run(id);
        } catch (err) {
          // A unique key taken meanwhile: the work runs again and sees who has it.
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new WriteConflict();
          throw err;
        }
      }
      this.store.database.wrote(table);
    }
  }
}

const upsertSql = (table: string) =>
  `INSERT INTO ${table} (id, version, doc) VALUES (?, 1, ?) ` +
  `ON CONFLICT (id) DO UPDATE SET version = version + 1, doc = excluded.doc`;

class SqliteCollection<T extends Doc> implements Collection<T> {
  readonly table: string;
  private readonly uniques: string[][] = [];

  constructor(
    private readonly store: SqliteDocumentStore,
    name: string,
  ) {
    this.table = tableName(name);
    store.database.db.exec(
      `CREATE TABLE IF NOT EXISTS ${this.table} (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL)`,
    );
  }

  // --- reads: recorded, so the unit runs again if what it saw changes before it commits ---

  async get(id: string): Promise<T | null> {
    return this.view(this.store.overlay(), id, true);
  }

  async findOne(filter: Filter): Promise<T | null> {
    return this.findIn(this.store.overlay(), filter, { limit: 1 }, true)[0] ?? null;
  }

  async find(filter: Filter, opts: FindOptions = {}): Promise<T[]> {
    return this.findIn(this.store.overlay(), filter, opts, true);
  }

  async count(filter: Filter): Promise<number> {
    const o = this.store.overlay();
    if (!o?.opsOf(this.table)?.size) {
      const { sql, params } = this.select('count(*) AS n', filter, undefined);
      const n = (this.store.stmt(sql).get(...params) as { n: number }).n;
      if (o) this.recordQuery(o, filter);
      return n;
    }
    return this.findIn(o, filter, {}, true).length;
  }

  // --- writes: operations, applied again at commit ------------------------------------------

  async insert(doc: T): Promise<boolean> {
    return this.write((o) => {
      if (this.view(o, doc._id, false) || this.violatesUnique(o, doc)) {
        this.recordPoint(o, doc._id); // "it exists" is what the caller learns: that is a read
        return false;
      }
      o.add(this.table, doc._id, { kind: 'insert', doc: clone(doc) });
      return true;
    });
  }

  async replace(doc: T): Promise<void> {
    this.write((o) => o.add(this.table, doc._id, { kind: 'put', doc: clone(doc) }));
  }

  async update(filter: Filter, update: Update, opts: { upsert?: boolean } = {}): Promise<T | null> {
    return this.write((o) => {
      const target = this.targetOf(o, filter);
      if (target) {
        o.add(this.table, target._id, { kind: 'update', filter, update });
        return applyUpdate(target, update, false);
      }
      if (!opts.upsert) return null;
      const id = typeof filter._id === 'string' ? filter._id : randomUUID();
      if (this.view(o, id, false)) throw duplicateKey(`duplicate _id ${id}`);
      const seed = { ...equalityFields(filter), _id: id } as T;
      const next = applyUpdate(seed, update, true);
      if (this.violatesUnique(o, next)) throw duplicateKey(`duplicate key in ${this.table}`);
      o.add(this.table, id, { kind: 'upsert', filter, update, seed });
      return next;
    });
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    return this.write((o) => {
      const docs = this.findIn(o, filter, {}, true);
      for (const d of docs) o.add(this.table, d._id, { kind: 'update', filter, update });
      return docs.length;
    });
  }

  async delete(filter: Filter): Promise<number> {
    return this.write((o) => {
      const docs = this.findIn(o, filter, {}, true);
      for (const d of docs) o.add(this.table, d._id, { kind: 'delete' });
      return docs.length;
    });
  }

  async ensureIndex(fields: Record<string, 1 | -1>, opts: { unique?: boolean } = {}): Promise<void> {
    const name = `${this.table}__${Object.entries(fields)
      .map(([k, d]) => `${k.replace(/[^A-Za-z0-9]/g, '_')}_${d === -1 ? 'd' : 'a'}`)
      .join('__')}${opts.unique ? '__u' : ''}`;
    this.store.database.db.exec(
      `CREATE ${opts.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${this.table} (${indexColumns(fields)})`,
    );
    if (opts.unique) this.uniques.push(Object.keys(fields));
  }

  // --- internals --------------------------------------------------------------------------

  /** Runs a write in the current unit, or in one of its own committed at once. */
  private write<R>(fn: (o: Overlay) => R): R {
    const o = this.store.overlay();
    return o ? fn(o) : this.store.database.autocommit((unit) => fn(this.store.overlayOf(unit)));
  }

  /**
   * The document an update applies to. By _id it is a point look-up, whatever the unit holds (a
   * work updating thousands of documents one by one must not pay for all it wrote on every
   * update). Otherwise the first match, a recorded read: which document matched is a decision.
   */
  private targetOf(o: Overlay, filter: Filter): T | null {
    if (typeof filter._id === 'string') {
      const doc = this.view(o, filter._id, false);
      if (!doc || !matches(doc, filter)) {
        this.recordPoint(o, filter._id); // "no match" is what the caller learns
        return null;
      }
      return doc;
    }
    return this.findIn(o, filter, { limit: 1 }, true)[0] ?? null;
  }

  /** The document as the unit sees it: the row now, with the unit's operations on it. */
  private view(o: Overlay | null, id: string, record: boolean): T | null {
    const row = this.store.row(this.table, id);
    if (o && record) this.pushPoint(o, id, row);
    const base = row ? (JSON.parse(row.doc) as T) : null;
    const ops = o?.opsOf(this.table)?.get(id);
    return ops ? (fold(base, ops, false) as T | null) : base;
  }

  private findIn(o: Overlay | null, filter: Filter, opts: FindOptions, record: boolean): T[] {
    if (typeof filter._id === 'string') {
      const doc = this.view(o, filter._id, record);
      return doc && matches(doc, filter) && opts.limit !== 0 ? [doc] : [];
    }
    const mine = o?.opsOf(this.table);
    const { sql, params } = this.select('id, version, doc', filter, mine, opts);
    const rows = this.store.stmt(sql).all(...params) as Row[];
    if (o && record) o.reads.push(this.queryRead(sql, params, rows));
    const base = rows.map((r) => JSON.parse(r.doc) as T);
    if (!mine?.size) return base;
    const own: T[] = [];
    for (const id of mine.keys()) {
      const d = this.view(o, id, record);
      if (d && matches(d, filter)) own.push(d);
    }
    if (!own.length) return base;
    const all = [...base, ...own].sort(sortComparator(opts.sort));
    return opts.limit === undefined ? all : all.slice(0, opts.limit);
  }

  /** SELECT over the committed rows, leaving out those the unit wrote (it reads its own instead). */
  private select(
    columns: string,
    filter: Filter,
    mine: Map<string, Op[]> | undefined,
    opts: FindOptions = {},
  ): { sql: string; params: Param[] } {
    const where = compileFilter(filter);
    let sql = `SELECT ${columns} FROM ${this.table} WHERE ${where.sql}`;
    const params = where.params;
    if (mine?.size) {
      sql += ' AND id NOT IN (SELECT value FROM json_each(?))';
      params.push(JSON.stringify([...mine.keys()]));
    }
    if (!columns.startsWith('count')) sql += ` ORDER BY ${orderBy(opts.sort)}`;
    if (opts.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(opts.limit);
    }
    return { sql, params };
  }

  private queryRead(sql: string, params: Param[], rows: Pick<Row, 'id' | 'version'>[]): Read {
    return {
      kind: 'query',
      table: this.table,
      seq: this.store.database.seqOf(this.table),
      sql: sql.replace(/^SELECT id, version, doc /, 'SELECT id, version '),
      params,
      hash: hashRows(rows),
    };
  }

  private recordQuery(o: Overlay, filter: Filter): void {
    const { sql, params } = this.select('id, version', filter, o.opsOf(this.table));
    o.reads.push(this.queryRead(sql, params, this.store.stmt(sql).all(...params) as Row[]));
  }

  private recordPoint(o: Overlay, id: string): void {
    this.pushPoint(o, id, this.store.row(this.table, id));
  }

  private pushPoint(o: Overlay, id: string, row: Row | undefined): void {
    o.reads.push({
      kind: 'point',
      table: this.table,
      seq: this.store.database.seqOf(this.table),
      id,
      version: row?.version ?? null,
    });
  }

  private violatesUnique(o: Overlay, doc: T): boolean {
    return this.uniques.some((fields) => {
      const values = fields.map((f) => getPath(doc, f));
      if (values.some((v) => v === undefined || v === null)) return false;
      const filter: Filter = Object.fromEntries(fields.map((f, i) => [f, values[i] as string | number | boolean]));
      return this.findIn(o, { ...filter, _id: { $ne: doc._id } }, { limit: 1 }, true).length > 0;
    });
  }
}

/**
 * The embedded DocumentStore on SQLite: one table per collection, documents as JSON, indexes
 * as expression indexes, so a sorted, limited query reads only the rows it returns.
 *
 * Inside a unit of work (SqliteDatabase.run) writes are held as operations until the work
 * commits, and the work's reads see them. At commit, what the work read must still hold
 * (else it runs again), and its operations apply to the rows as they are then, with the
 * per-document atomicity MongoDB gives, so the services behave alike in both modes.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly database: SqliteDatabase,
    private readonly ownsDatabase = false,
  ) {}

  /** A store of its own in memory: unit tests. */
  static inMemory(): SqliteDocumentStore {
    return new SqliteDocumentStore(new SqliteDatabase(':memory:'), true);
  }

  collection<T extends Doc>(name: string): Collection<T> {
    let c = this.collections.get(name);
    if (!c) {
      c = new SqliteCollection<Doc>(this, name);
      this.collections.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) this.database.close();
  }

  /** @internal the current unit's overlay, or null outside any unit */
  overlay(): Overlay | null {
    const unit = this.database.current();
    return unit ? this.overlayOf(unit) : null;
  }

  /** @internal */
  overlayOf(unit: UnitOfWork): Overlay {
    return unit.join(this, () => new Overlay(this));
  }

  /** @internal */
  row(table: string, id: string): Row | undefined {
    return this.stmt(`SELECT id, version, doc FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  }

  /** @internal prepared statements, cached by their text (queries repeat with new parameters) */
  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > 1000) this.statements.clear();
      s = this.database.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
