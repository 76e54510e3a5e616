import { AppError } from '@speech/kernel';
import type { Condition, Doc, Filter, Update } from './document-store.port';

/**
 * The DocumentStore's query and update language evaluated in memory, with the semantics the
 * SQLite adapter's SQL has (sqlite-sql.ts): the embedded store evaluates a unit of work's own
 * uncommitted writes with these, so a handler reads what it wrote before it commits.
 */

type Scalar = string | number | boolean | null;

export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

function unsetPath(doc: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur && typeof cur === 'object') delete (cur as Record<string, unknown>)[parts[parts.length - 1]];
}

/** A value as SQLite's json_extract sees it: booleans are 1/0, objects have no order here. */
function sqlValue(v: unknown): Scalar | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return undefined; // an object or array: not comparable with a scalar
}

/**
 * SQLite's ordering of values (NULL < numbers < text), which ORDER BY and comparisons use:
 * negative, zero or positive; null when the comparison is unknown (NULL involved).
 */
export function compareSql(a: unknown, b: unknown): number | null {
  const x = sqlValue(a);
  const y = sqlValue(b);
  if (x === null || y === null || x === undefined || y === undefined) return null;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'number') return -1;
  if (typeof y === 'number') return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** ORDER BY order: NULLs first ascending, as SQLite sorts them. */
function orderValue(a: unknown, b: unknown): number {
  const x = sqlValue(a);
  const y = sqlValue(b);
  if (x === null && y === null) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return compareSql(x, y) ?? 0;
}

function isOperatorObject(c: Condition | Filter[] | undefined): c is Exclude<Condition, Scalar> {
  return c !== null && typeof c === 'object' && !Array.isArray(c);
}

const inList = (value: unknown, list: Scalar[]): boolean => list.some((a) => matchesCondition(value, a));

function matchesCondition(value: unknown, cond: Condition): boolean {
  if (!isOperatorObject(cond)) {
    if (cond === null) return value === null || value === undefined;
    return compareSql(value, cond) === 0;
  }
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$in':
        // As MongoDB: an array field matches when one of its elements is in the list.
        if (Array.isArray(value) ? !value.some((v) => inList(v, arg as Scalar[])) : !inList(value, arg as Scalar[]))
          return false;
        break;
      case '$nin':
        if ((arg as Scalar[]).some((a) => matchesCondition(value, a))) return false;
        break;
      case '$ne':
        if (matchesCondition(value, arg as Scalar)) return false;
        break;
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte': {
        const c = compareSql(value, arg);
        if (c === null) return false;
        if (op === '$lt' && !(c < 0)) return false;
        if (op === '$lte' && !(c <= 0)) return false;
        if (op === '$gt' && !(c > 0)) return false;
        if (op === '$gte' && !(c >= 0)) return false;
        break;
      }
      case '$exists':
        if ((value !== undefined) !== arg) return false;
        break;
      default:
        throw new AppError('PERSISTENCE.BAD_QUERY', `unsupported operator ${op}`);
    }
  }
  return true;
}

export function matches(doc: Doc, filter: Filter): boolean {
  for (const [key, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (key === '$or') {
      if (!(cond as Filter[]).some((f) => matches(doc, f))) return false;
      continue;
    }
    if (!matchesCondition(getPath(doc, key), cond as Condition)) return false;
  }
  return true;
}

/** A comparator for a sort spec, ties broken by _id in the direction of the last key (as the SQL does). */
export function sortComparator(sort: Record<string, 1 | -1> | undefined): (a: Doc, b: Doc) => number {
  const keys = Object.entries(sort ?? {});
  const last = keys.at(-1)?.[1] ?? 1;
  if (!keys.some(([k]) => k === '_id')) keys.push(['_id', last]);
  return (a, b) => {
    for (const [k, dir] of keys) {
      const c = orderValue(getPath(a, k), getPath(b, k));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Applies update operators to a copy of doc; `inserting` adds $setOnInsert. */
export function applyUpdate<T extends Doc>(doc: T, update: Update, inserting: boolean): T {
  const out = clone(doc) as unknown as Record<string, unknown>;
  const id = out._id;
  const set = (fields: Record<string, unknown> | undefined) => {
    for (const [k, v] of Object.entries(fields ?? {})) setPath(out, k, clone(v));
  };
  if (inserting) set(update.$setOnInsert);
  set(update.$set);
  for (const k of Object.keys(update.$unset ?? {})) unsetPath(out, k);
  for (const [k, n] of Object.entries(update.$inc ?? {})) {
    const cur = getPath(out, k);
    setPath(out, k, (typeof cur === 'number' ? cur : 0) + n);
  }
  for (const [k, n] of Object.entries(update.$max ?? {})) {
    const cur = getPath(out, k);
    if (typeof cur !== 'number' || n > cur) setPath(out, k, n);
  }
  for (const [k, n] of Object.entries(update.$min ?? {})) {
    const cur = getPath(out, k);
    if (typeof cur !== 'number' || n < cur) setPath(out, k, n);
  }
  for (const [k, v] of Object.entries(update.$addToSet ?? {})) {
    const cur = getPath(out, k);
    const list = Array.isArray(cur) ? cur : [];
    if (!list.includes(v)) setPath(out, k, [...list, v]);
  }
  for (const [k, v] of Object.entries(update.$pull ?? {})) {
    const cur = getPath(out, k);
    if (Array.isArray(cur))
      setPath(
        out,
        k,
        cur.filter((x) => x !== v),
      );
  }
  out._id = id; // an update never changes the identity
  return out as unknown as T;
}
