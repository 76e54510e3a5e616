import { AppError } from '@speech/kernel';
import type { Condition, Filter, FindOptions } from '../document-store.port';

/**
 * The DocumentStore's filters and sorts as SQLite SQL over a table `(id, version, doc)`, where
 * `doc` is the document's JSON text. A field is `json_extract(doc, '$.path')`, written the
 * same way in CREATE INDEX and in queries, so SQLite's expression indexes serve them.
 * In-memory twin: document-query.ts.
 */

export type Param = string | number | null;

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function tableName(collection: string): string {
  if (!SIMPLE.test(collection)) throw new AppError('PERSISTENCE.BAD_NAME', `bad collection name ${collection}`);
  return `c_${collection}`;
}

/** A field path as a quoted SQL JSON-path literal: `'$.a.b'`. */
function jsonPath(path: string): string {
  const json = path
    .split('.')
    .map((p) => {
      if (!p || p.startsWith('$')) throw new AppError('PERSISTENCE.BAD_QUERY', `bad field path ${path}`);
      return SIMPLE.test(p) ? p : `"${p.replaceAll('"', '\\"')}"`;
    })
    .join('.');
  return `'$.${json.replaceAll("'", "''")}'`;
}

/** The SQL expression of a field path. */
export function fieldExpr(path: string): string {
  return path === '_id' ? 'id' : `json_extract(doc, ${jsonPath(path)})`;
}

function param(v: unknown): Param {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  throw new AppError('PERSISTENCE.BAD_QUERY', `unsupported value in a filter: ${JSON.stringify(v)}`);
}

interface Compiled {
  sql: string;
  params: Param[];
}

function isOperatorObject(c: unknown): c is Record<string, unknown> {
  return c !== null && typeof c === 'object' && !Array.isArray(c);
}

function equality(expr: string, v: unknown, params: Param[]): string {
  if (v === null) return `${expr} IS NULL`;
  params.push(param(v));
  return `${expr} = ?`;
}

function condition(path: string, cond: Condition, params: Param[]): string {
  const expr = fieldExpr(path);
  if (!isOperatorObject(cond)) return equality(expr, cond, params);
  const parts: string[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$in':
      case '$nin': {
        const list = arg as unknown[];
        const values = list.filter((v) => v !== null);
        const hasNull = values.length !== list.length;
        const inList = values.length ? `${expr} IN (${values.map(() => '?').join(', ')})` : '0';
        params.push(...values.map(param));
        if (op === '$in' && path !== '_id' && values.length) {
          // As MongoDB: an array field matches when one of its elements is in the list.
          const elements = `EXISTS (SELECT 1 FROM json_each(doc, ${jsonPath(path)}) AS e WHERE json_type(doc, ${jsonPath(path)}) = 'array' AND e.value IN (${values.map(() => '?').join(', ')}))`;
          params.push(...values.map(param));
          parts.push(hasNull ? `(${inList} OR ${expr} IS NULL OR ${elements})` : `(${inList} OR ${elements})`);
        } else if (op === '$in') parts.push(hasNull ? `(${inList} OR ${expr} IS NULL)` : inList);
        else if (hasNull) parts.push(`(${expr} IS NOT NULL AND NOT ${inList})`);
        else parts.push(`(${expr} IS NULL OR NOT ${inList})`);
        break;
      }
      case '$ne':
        if (arg === null) parts.push(`${expr} IS NOT NULL`);
        else {
          params.push(param(arg));
          parts.push(`(${expr} IS NULL OR ${expr} != ?)`);
        }
        break;
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        params.push(param(arg));
        parts.push(`${expr} ${{ $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' }[op]} ?`);
        break;
      case '$exists': {
        const present = path === '_id' ? '1' : `json_type(doc, ${jsonPath(path)}) IS NOT NULL`;
        parts.push(arg ? present : `NOT (${present})`);
        break;
      }
      default:
        throw new AppError('PERSISTENCE.BAD_QUERY', `unsupported operator ${op}`);
    }
  }
  return parts.length ? parts.join(' AND ') : '1';
}

/**
 * A keyset cursor, `[{a: {$lt: x}}, {a: x, b: {$lt: y}}]`, implies `a <= x`. Said outright,
 * that bound lets SQLite start an (a, b) index scan at the cursor: with bound parameters it
 * cannot derive the bound from the OR itself, and would walk every row before the cursor.
 */
function keysetRange(or: Filter[], params: Param[]): string | null {
  if (or.length !== 2) return null;
  const [first, second] = or;
  const keys = Object.keys(first);
  if (keys.length !== 1) return null;
  const a = keys[0];
  const range = first[a];
  if (!isOperatorObject(range) || Object.keys(range).length !== 1) return null;
  const op = Object.keys(range)[0];
  if ((op !== '$lt' && op !== '$gt') || range[op] === null || second[a] !== range[op]) return null;
  params.push(param(range[op]));
  return `${fieldExpr(a)} ${op === '$lt' ? '<=' : '>='} ?`;
}

export function compileFilter(filter: Filter, params: Param[] = []): Compiled {
  const parts: string[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (key === '$or') {
      const or = cond as Filter[];
      const range = keysetRange(or, params);
      if (range) parts.push(range);
      parts.push(or.length ? `(${or.map((f) => `(${compileFilter(f, params).sql})`).join(' OR ')})` : '0');
      continue;
    }
    if (key.startsWith('$')) throw new AppError('PERSISTENCE.BAD_QUERY', `unsupported operator ${key}`);
    parts.push(condition(key, cond as Condition, params));
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

/** ORDER BY for a sort spec, with the id as the last tie-breaker (document-query.ts sorts the same way). */
export function orderBy(sort: FindOptions['sort']): string {
  const keys = Object.entries(sort ?? {});
  const last = keys.at(-1)?.[1] ?? 1;
  if (!keys.some(([k]) => k === '_id')) keys.push(['_id', last]);
  return keys.map(([k, dir]) => `${fieldExpr(k)} ${dir === -1 ? 'DESC' : 'ASC'}`).join(', ');
}

/** The expressions of an index, in CREATE INDEX form. */
export function indexColumns(fields: Record<string, 1 | -1>): string {
  return Object.entries(fields)
    .map(([k, dir]) => `${fieldExpr(k)}${dir === -1 ? ' DESC' : ''}`)
    .join(', ');
}
