import type { EventOf } from '@speech/contracts';
import type { MessageContext } from '@speech/messaging';
import { inMemoryPlatform, anEvent } from '@speech/testing';
import { deletionsOf, purgeOf, RecordingDeleted, tombstoneId, TOMBSTONES, withDeletion } from './deletion';

const ctx: MessageContext = { topic: 't', partition: 0, offset: '0', key: 'a1', headers: {}, attempt: 1 };

/** The deletion protocol every service follows (deletion.ts), on the single process's store. */
describe('withDeletion', () => {
  function setup() {
    const { docs, database } = inMemoryPlatform();
    const deletions = deletionsOf(docs);
    const written = new Set<string>();
    const purged: string[] = [];
    const purge = async (audioId: string) => {
      purged.push(audioId);
      written.delete(audioId);
    };
    return { docs, database, deletions, written, purged, purge };
  }

  it('keeps a tombstone that holds a hash of the id, never the id', async () => {
    const s = setup();
    expect(await s.deletions.mark('rec-123')).toBe(true);
    expect(await s.deletions.mark('rec-123')).toBe(false); // a redelivery
    const all = await s.docs.collection(TOMBSTONES).find({});
    expect(all).toHaveLength(1);
    expect(JSON.stringify(all)).not.toContain('rec-123');
    expect(all[0]?._id).toBe(tombstoneId('rec-123'));
    expect(await s.deletions.isDeleted('rec-123')).toBe(true);
    expect(await s.deletions.isDeleted('rec-124')).toBe(false);
  });

  it('runs handlers for live recordings, skips deleted ones, and purges on audio.deleted (twice: harmless)', async () => {
    const s = setup();
    const handlers = withDeletion(s.deletions, s.purge, {
      'chunk.created': async (e) => void s.written.add(e.audioId),
    });
    await handlers['chunk.created']?.(anEvent('chunk.created', 'a1'), ctx);
    expect(s.written.has('a1')).toBe(true);
    const deleted = anEvent('audio.deleted', 'a1');
    await handlers['audio.deleted']?.(deleted, ctx);
    await handlers['audio.deleted']?.(deleted, ctx); // redelivered
    expect(s.written.has('a1')).toBe(false);
    expect(s.purged).toEqual(['a1', 'a1']);
    // A late event for it is dropped: nothing is written again.
    await handlers['chunk.created']?.(anEvent('chunk.created', 'a1'), ctx);
    expect(s.written.has('a1')).toBe(false);
    expect(s.purged).toEqual(['a1', 'a1']);
  });

  it('removes what a handler wrote when the recording was deleted while it ran', async () => {
    const s = setup();
    const handlers = withDeletion(s.deletions, s.purge, {
      'chunk.transcribed': async (e: EventOf<'chunk.transcribed'>) => {
        s.written.add(e.audioId);
        await s.deletions.mark(e.audioId); // the deletion lands meanwhile (another replica, another topic)
      },
    });
    await handlers['chunk.transcribed']?.(anEvent('chunk.transcribed', 'a2'), ctx);
    expect(s.written.has('a2')).toBe(false);
    expect(s.purged).toEqual(['a2']);
  });

  it('acknowledges long work that stopped because its recording was deleted, and cleans up after it', async () => {
    const s = setup();
    const handlers = withDeletion(s.deletions, s.purge, {
      'audio.uploaded': async (e) => {
        s.written.add(e.audioId);
        await s.deletions.mark(e.audioId);
        throw new RecordingDeleted(e.audioId);
      },
    });
    await expect(handlers['audio.uploaded']?.(anEvent('audio.uploaded', 'a3'), ctx)).resolves.toBeUndefined();
    expect(s.written.has('a3')).toBe(false);
  });

  it('lets other failures through to the bus (retried, then dead-lettered)', async () => {
    const s = setup();
    const handlers = withDeletion(s.deletions, s.purge, {
      'audio.uploaded': async () => {
        throw new Error('store down');
      },
    });
    await expect(handlers['audio.uploaded']?.(anEvent('audio.uploaded', 'a4'), ctx)).rejects.toThrow('store down');
  });
});

describe('purgeOf', () => {
  it("removes one recording's documents by audioId and by _id, then its objects, and nothing of another", async () => {
    const { docs } = inMemoryPlatform();
    const parts = docs.collection<{ _id: string; audioId: string }>('parts');
    const heads = docs.collection<{ _id: string }>('heads');
    await parts.insert({ _id: 'p1', audioId: 'a1' });
    await parts.insert({ _id: 'p2', audioId: 'a1' });
    await parts.insert({ _id: 'p3', audioId: 'a2' });
    await heads.insert({ _id: 'a1' });
    await heads.insert({ _id: 'a2' });
    const objects: string[] = [];
    const purge = purgeOf({ byAudioId: [parts], byId: [heads] }, async (audioId) => void objects.push(audioId));
    await purge('a1');
    await purge('a1'); // idempotent
    expect((await parts.find({})).map((p) => p._id)).toEqual(['p3']);
    expect((await heads.find({})).map((h) => h._id)).toEqual(['a2']);
    expect(objects).toEqual(['a1', 'a1']);
  });
});
