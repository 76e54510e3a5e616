import { createHash } from 'node:crypto';
import type { TopicName } from '@speech/contracts';
import type { Handler, MessageContext } from '@speech/messaging';
import type { Collection, Doc, DocumentStore } from '@speech/persistence';
import type { HandlerMap } from './service-definition';

/**
 * Deleted recordings (DELETE /audios/:id, `audio.deleted`), as every service keeps them.
 *
 * Each service holds a tombstone per deleted recording in its own `deleted_audios` collection
 * (the single process: one collection all share). A tombstone holds no data of the recording,
 * not even its id: its `_id` is the SHA-256 of the audioId (with a fixed label), and its only
 * other field is when. A scan of every collection for a deleted audioId finds nothing, yet a
 * late or redelivered event for it (a chunk.transcribed after the delete, a chunker still
 * cutting) is recognised and dropped instead of bringing the recording back.
 *
 * The protocol, per service, which makes a write that races the deletion harmless:
 * - the deletion writes the tombstone first (durable, `ctx.commitProgress()` in the single
 *   process), then removes the service's documents and objects of the recording;
 * - every other handler skips a tombstoned recording, and checks again after its writes: if
 *   the tombstone appeared meanwhile, it removes what the service holds of it itself. Either
 *   the check saw the tombstone, or the tombstone (and so the removal after it) came after the
 *   writes. Long work (a chunker cutting, a transcription) checks after each piece it stores.
 */
export const TOMBSTONES = 'deleted_audios';

export interface Tombstone {
  _id: string; // tombstoneId(audioId): a hash, never the id itself
  deletedAt: number;
}

export function tombstoneId(audioId: string): string {
  return createHash('sha256').update(`speech-coach:deleted-audio:${audioId}`).digest('hex');
}

export interface Deletions {
  isDeleted(audioId: string): Promise<boolean>;
  /** Writes the tombstone; returns whether it is new (false on a redelivery). */
  mark(audioId: string, now?: number): Promise<boolean>;
  /** The service's Purge of one recording (see `purgeOf`). */
  purgeOf: typeof purgeOf;
}

export function deletionsOf(docs: DocumentStore): Deletions {
  const tombstones = docs.collection<Tombstone>(TOMBSTONES);
  return {
    isDeleted: async (audioId) => (await tombstones.get(tombstoneId(audioId))) !== null,
    mark: (audioId, now = Date.now()) => tombstones.insert({ _id: tombstoneId(audioId), deletedAt: now }),
    purgeOf,
  };
}

/** What a service removes of one recording: its documents and its objects. Idempotent. */
export type Purge = (audioId: string) => Promise<void>;

type Deletable = Pick<Collection<Doc>, 'delete'>;

/**
 * The Purge of a service's documents of one recording: those that name it in `audioId`, then
 * those whose `_id` it is; then `objects` removes what the service stored of it.
 */
export function purgeOf(
  docs: { byAudioId?: readonly Deletable[]; byId?: readonly Deletable[] },
  objects?: Purge,
): Purge {
  return async (audioId) => {
    for (const c of docs.byAudioId ?? []) await c.delete({ audioId });
    for (const c of docs.byId ?? []) await c.delete({ _id: audioId });
    await objects?.(audioId);
  };
}

/**
 * The `audio.deleted` handler of a service: the tombstone, made durable, then the removal. A
 * redelivery finds the tombstone there and removes again, which finds nothing left.
 */
export function onAudioDeleted(deletions: Deletions, purge: Purge): Handler<'audio.deleted'> {
  return async (e, ctx) => {
    await deletions.mark(e.audioId);
    // Writers check the tombstone after their writes: it must be visible before anything goes.
    await ctx?.commitProgress?.();
    await purge(e.audioId);
  };
}

/**
 * A service's handlers, each skipping deleted recordings, plus its `audio.deleted` handler.
 * After a handler ran, the tombstone is looked at again: if the recording was deleted
 * meanwhile (on another topic, by another replica), what the handler wrote is removed.
 */
export function withDeletion(deletions: Deletions, purge: Purge, handlers: HandlerMap): HandlerMap {
  const guarded: HandlerMap = {};
  for (const topic of Object.keys(handlers) as TopicName[]) {
    const handler = handlers[topic];
    if (handler) setHandler(guarded, topic, skipDeleted(deletions, purge, handler as Handler<typeof topic>));
  }
  guarded['audio.deleted'] = onAudioDeleted(deletions, purge);
  return guarded;
}

export function skipDeleted<T extends TopicName>(deletions: Deletions, purge: Purge, handler: Handler<T>): Handler<T> {
  return async (e, ctx: MessageContext) => {
    if (await deletions.isDeleted(e.audioId)) return;
    try {
      await handler(e, ctx);
    } catch (err) {
      if (!(err instanceof RecordingDeleted)) throw err;
    }
    if (await deletions.isDeleted(e.audioId)) await purge(e.audioId);
  };
}

function setHandler<T extends TopicName>(map: HandlerMap, topic: T, handler: Handler<T>): void {
  (map as Record<T, Handler<T>>)[topic] = handler;
}

/** Thrown by long work that finds its recording deleted: the guard acknowledges the message. */
export class RecordingDeleted extends Error {
  constructor(readonly audioId: string) {
    super(`recording ${audioId} was deleted`);
  }
}
