import { MongoClient, type Collection as MongoCollection, type Db, type Document } from 'mongodb';
import type { Collection, Doc, DocumentStore, Filter, FindOptions, Update } from './document-store.port';
import { equalityFields, isDuplicateKeyError } from './document-store.port';

class MongoCol<T extends Doc> implements Collection<T> {
  constructor(private readonly c: MongoCollection<Document>) {}

  async get(id: string): Promise<T | null> {
    return (await this.c.findOne({ _id: id as never })) as T | null;
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.c.findOne(filter as Document)) as T | null;
  }

  async find(filter: Filter, opts: FindOptions = {}): Promise<T[]> {
    let cursor = this.c.find(filter as Document);
    if (opts.sort) cursor = cursor.sort(opts.sort);
    if (opts.limit !== undefined) cursor = cursor.limit(opts.limit);
    return (await cursor.toArray()) as unknown as T[];
  }

  count(filter: Filter): Promise<number> {
    return this.c.countDocuments(filter as Document);
  }

  async insert(doc: T): Promise<boolean> {
    try {
      await this.c.insertOne(doc as unknown as Document);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async replace(doc: T): Promise<void> {
    await this.c.replaceOne({ _id: doc._id as never }, doc as unknown as Document, { upsert: true });
  }

  async update(filter: Filter, update: Update, opts: { upsert?: boolean } = {}): Promise<T | null> {
    if (opts.upsert && update.$setOnInsert) {
      // Insert the defaults first, then update. FerretDB 1.24 drops null values given in
      // $setOnInsert (seen in the contract suite); a plain insert keeps them everywhere.
      const { $setOnInsert, ...rest } = update;
      await this.insert({ ...equalityFields(filter), ...$setOnInsert } as unknown as T);
      if (!Object.keys(rest).length) return this.findOne(filter);
      update = rest;
    }
    try {
      return (await this.c.findOneAndUpdate(filter as Document, update as Document, {
        upsert: opts.upsert ?? false,
        returnDocument: 'after',
      })) as T | null;
    } catch (err) {
      // Two upserts racing on one _id: the loser retries as a plain update (MongoDB docs,
      // "Upsert with Duplicate Values").
      if (opts.upsert && isDuplicateKeyError(err)) {
        return (await this.c.findOneAndUpdate(filter as Document, update as Document, {
          returnDocument: 'after',
        })) as T | null;
      }
      throw err;
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    return (await this.c.updateMany(filter as Document, update as Document)).modifiedCount;
  }

  async delete(filter: Filter): Promise<number> {
    return (await this.c.deleteMany(filter as Document)).deletedCount;
  }

  async ensureIndex(fields: Record<string, 1 | -1>, opts: { unique?: boolean } = {}): Promise<void> {
    await this.c.createIndex(fields, { unique: opts.unique ?? false });
  }
}

/**
 * The DocumentStore on MongoDB or any MongoDB-wire database (FerretDB). Writes use
 * majority write concern so an acknowledged fact survives a primary fail-over.
 */
export class MongoDocumentStore implements DocumentStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async connect(url: string, dbName?: string): Promise<MongoDocumentStore> {
    const client = new MongoClient(url, { writeConcern: { w: 'majority' }, serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    return new MongoDocumentStore(client, client.db(dbName));
  }

  collection<T extends Doc>(name: string): Collection<T> {
    return new MongoCol<T>(this.db.collection(name));
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
