import type { ObjectInfo, ObjectStore } from './object-store.port';

/** A small JSON document (a chunk transcript, an analysis) stored whole. */
export function putJson(store: ObjectStore, key: string, value: unknown): Promise<ObjectInfo> {
  return store.putBuffer(key, JSON.stringify(value), { contentType: 'application/json' });
}

/** A small JSON document read whole; the caller names what it holds. */
export async function getJson<T>(store: ObjectStore, key: string): Promise<T> {
  return JSON.parse((await store.getBuffer(key)).toString('utf8')) as T;
}
