/**
 * The DocumentStore port: a small MongoDB-shaped subset that both the embedded store
 * (SQLite) and MongoDB (or any MongoDB-wire database) implement, so one
 * contract suite (document-store.contract.ts) runs against both.
 */
export interface Doc {
  _id: string;
}

type Scalar = string | number | boolean | null;
export type Condition =
  | Scalar
  | {
      $in?: Scalar[];
      $nin?: Scalar[];
      $ne?: Scalar;
      $lt?: Scalar;
      $lte?: Scalar;
      $gt?: Scalar;
      $gte?: Scalar;
      $exists?: boolean;
    };
export type Filter = { [field: string]: Condition | Filter[] | undefined; $or?: Filter[] };

export interface Update {
  $set?: Record<string, unknown>;
  $setOnInsert?: Record<string, unknown>;
  $unset?: Record<string, ''>;
  $inc?: Record<string, number>;
  $max?: Record<string, number>;
  $min?: Record<string, number>;
  $addToSet?: Record<string, Scalar>;
  $pull?: Record<string, Scalar>;
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
}

export interface Collection<T extends Doc> {
  get(id: string): Promise<T | null>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, opts?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Inserts unless a document with that _id exists; returns whether it inserted. */
  insert(doc: T): Promise<boolean>;
  /** Replaces the whole document (or inserts it). */
  replace(doc: T): Promise<void>;
  /** Applies operators to one matching document; returns it after the update, or null. */
  update(filter: Filter, update: Update, opts?: { upsert?: boolean }): Promise<T | null>;
  updateMany(filter: Filter, update: Update): Promise<number>;
  delete(filter: Filter): Promise<number>;
  ensureIndex(fields: Record<string, 1 | -1>, opts?: { unique?: boolean }): Promise<void>;
}

export interface DocumentStore {
  collection<T extends Doc>(name: string): Collection<T>;
  close(): Promise<void>;
}

export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: unknown };
  // 11000: MongoDB's duplicate key (the SQLite store reports it the same way).
  return e?.code === 11000;
}

/**
 * An upsert that sets `set` and fills the other fields from `defaults` only on insert.
 * MongoDB rejects a field named in both $set and $setOnInsert, so those are left out.
 */
export function setWithDefaults(set: Record<string, unknown>, defaults: Record<string, unknown>): Update {
  const onInsert = Object.fromEntries(Object.entries(defaults).filter(([k]) => !(k in set) && k !== '_id'));
  return { $set: set, $setOnInsert: onInsert };
}

/** The fields a filter pins to one value: what an upsert's new document starts from. */
export function equalityFields(filter: Filter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter).filter(([k, v]) => !k.startsWith('$') && (v === null || typeof v !== 'object')),
  );
}
