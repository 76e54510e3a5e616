import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Datastore from '@seald-io/nedb';
import type { Collection, Doc, DocumentStore, Filter, FindOptions, Update } from './document-store.port';
import { equalityFields, isDuplicateKeyError } from './document-store.port';

class NedbCollection<T extends Doc> implements Collection<T> {
  private readonly ready: Promise<void>;

  constructor(private readonly db: Datastore<T>) {
    this.ready = db.loadDatabaseAsync();
  }

  async get(id: string): Promise<T | null> {
    await this.ready;
    return this.db.findOneAsync({ _id: id } as never);
  }

  async findOne(filter: Filter): Promise<T | null> {
    await this.ready;
    return this.db.findOneAsync(filter as never);
  }

  async find(filter: Filter, opts: FindOptions = {}): Promise<T[]> {
    await this.ready;
    let cursor = this.db.findAsync(filter as never);
    if (opts.sort) cursor = cursor.sort(opts.sort);
    if (opts.limit !== undefined) cursor = cursor.limit(opts.limit);
    return cursor;
  }

  async count(filter: Filter): Promise<number> {
    await this.ready;
    return this.db.countAsync(filter as never);
  }

  async insert(doc: T): Promise<boolean> {
    await this.ready;
    try {
      await this.db.insertAsync(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async replace(doc: T): Promise<void> {
    await this.ready;
    await this.db.updateAsync({ _id: doc._id } as never, doc as never, { upsert: true });
  }

  async update(filter: Filter, update: Update, opts: { upsert?: boolean } = {}): Promise<T | null> {
    await this.ready;
    const { $setOnInsert, ...rest } = update;
    if ($setOnInsert) {
      // NeDB has no $setOnInsert: insert the defaults first when nothing matches.
      const existing = await this.db.findOneAsync(filter as never);
      if (!existing && opts.upsert) {
        const seed = { ...equalityFields(filter), ...$setOnInsert } as unknown as T;
        try {
          await this.db.insertAsync(seed);
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
    }
    if (!Object.keys(rest).length) return this.db.findOneAsync(filter as never);
    const res = await this.db.updateAsync(filter as never, rest as never, {
      upsert: opts.upsert ?? false,
      returnUpdatedDocs: true,
      multi: false,
    });
    return (res.affectedDocuments as T | null) ?? null;
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    await this.ready;
    const res = await this.db.updateAsync(filter as never, update as never, { multi: true });
    return res.numAffected;
  }

  async delete(filter: Filter): Promise<number> {
    await this.ready;
    return this.db.removeAsync(filter as never, { multi: true });
  }

  async ensureIndex(fields: Record<string, 1 | -1>, opts: { unique?: boolean } = {}): Promise<void> {
    await this.ready;
    const names = Object.keys(fields);
    await this.db.ensureIndexAsync({ fieldName: names.length === 1 ? names[0] : names, unique: opts.unique ?? false });
  }
}

/**
 * The embedded DocumentStore for the single-process mode: @seald-io/nedb, one append-only
 * file per collection under dataDir, compacted periodically. It keeps each collection in
 * memory, which suits a laptop's scale (100,000 recordings is tens of MB).
 */
export class NedbDocumentStore implements DocumentStore {
  private readonly collections = new Map<string, NedbCollection<Doc>>();
  private readonly stores: Datastore<Doc>[] = [];

  constructor(
    private readonly dir: string | null,
    private readonly compactEveryMs = 10 * 60_000,
  ) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  collection<T extends Doc>(name: string): Collection<T> {
    let c = this.collections.get(name);
    if (!c) {
      const db = new Datastore<Doc>(this.dir ? { filename: join(this.dir, `${name}.db`) } : { inMemoryOnly: true });
      if (this.dir) db.setAutocompactionInterval(this.compactEveryMs);
      this.stores.push(db);
      c = new NedbCollection<Doc>(db);
      this.collections.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  async close(): Promise<void> {
    for (const db of this.stores) {
      db.stopAutocompaction();
      if (this.dir) await db.compactDatafileAsync();
    }
  }
}
