/** The named fields of `o`, in the order named: a projection that copies fields as they are. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/** The keys of a table, in its order, typed as its keys. */
export function keysOf<T extends object>(o: T): (keyof T & string)[] {
  return Object.keys(o) as (keyof T & string)[];
}

/** Whether an unknown value is one of a closed set of names (a format, a kind). */
export function isOneOf<T extends string>(names: readonly T[], s: unknown): s is T {
  return typeof s === 'string' && (names as readonly string[]).includes(s);
}
