import type { DocumentStore } from './document-store.port';
import { setWithDefaults } from './document-store.port';

interface Item {
  _id: string;
  owner: string;
  n: number;
  tags?: string[];
  note?: string | null;
}

/**
 * One behaviour for every DocumentStore adapter: the embedded store and MongoDB run the
 * same suite, so the single-process mode and the distributed mode cannot drift apart.
 */
export function documentStoreContract(name: string, open: () => Promise<DocumentStore>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    let n = 0;
    const col = () => store.collection<Item>(`items_${n}`);

    beforeEach(async () => {
      store = await open();
      n++;
    });
    afterEach(async () => {
      await store.close();
    });

    it('inserts once per _id, so redelivered inserts are harmless', async () => {
      const c = col();
      expect(await c.insert({ _id: 'a', owner: 'u', n: 1 })).toBe(true);
      expect(await c.insert({ _id: 'a', owner: 'u', n: 2 })).toBe(false);
      expect(await c.get('a')).toMatchObject({ n: 1 });
    });

    it('finds with filters, sort and limit', async () => {
      const c = col();
      for (let i = 0; i < 5; i++) await c.insert({ _id: `i${i}`, owner: i % 2 ? 'odd' : 'even', n: i });
      const evens = await c.find({ owner: 'even' }, { sort: { n: -1 } });
      expect(evens.map((d) => d.n)).toEqual([4, 2, 0]);
      expect((await c.find({ n: { $gte: 3 } }, { sort: { n: 1 }, limit: 1 })).map((d) => d._id)).toEqual(['i3']);
      expect(await c.count({ owner: 'odd' })).toBe(2);
      expect((await c.find({ $or: [{ n: { $lt: 1 } }, { n: 4 }] }, { sort: { n: 1 } })).map((d) => d.n)).toEqual([
        0, 4,
      ]);
      expect((await c.find({ _id: { $in: ['i1', 'i9'] } })).map((d) => d._id)).toEqual(['i1']);
    });

    it('matches an array field with $in when one of its elements is in the list, as MongoDB does', async () => {
      const c = col();
      await c.insert({ _id: 'r1', owner: 'a', n: 1, tags: ['red', 'green'] });
      await c.insert({ _id: 'b1', owner: 'b', n: 2, tags: ['blue'] });
      await c.insert({ _id: 'none', owner: 'c', n: 3 });
      const ids = async (f: Parameters<typeof c.find>[0]) => (await c.find(f, { sort: { n: 1 } })).map((d) => d._id);
      expect(await ids({ tags: { $in: ['green', 'x'] } })).toEqual(['r1']);
      expect(await ids({ tags: { $in: ['blue', 'red'] } })).toEqual(['r1', 'b1']);
      expect(await ids({ $or: [{ owner: 'c' }, { tags: { $in: ['blue'] } }] })).toEqual(['b1', 'none']);
      expect(await ids({ owner: { $in: ['a', 'c'] } })).toEqual(['r1', 'none']);
    });

    it('updates with operators and returns the document after the update', async () => {
      const c = col();
      await c.insert({ _id: 'a', owner: 'u', n: 5, tags: [] });
      expect(await c.update({ _id: 'a' }, { $inc: { n: 2 } })).toMatchObject({ n: 7 });
      expect(await c.update({ _id: 'a' }, { $max: { n: 3 } })).toMatchObject({ n: 7 });
      expect(await c.update({ _id: 'a' }, { $min: { n: 3 } })).toMatchObject({ n: 3 });
      await c.update({ _id: 'a' }, { $addToSet: { tags: 'x' } });
      expect(await c.update({ _id: 'a' }, { $addToSet: { tags: 'x' } })).toMatchObject({ tags: ['x'] });
      expect(await c.update({ _id: 'a' }, { $pull: { tags: 'x' } })).toMatchObject({ tags: [] });
      expect(await c.update({ _id: 'missing' }, { $set: { n: 1 } })).toBeNull();
    });

    it('applies a conditional update only when the filter still matches (optimistic concurrency)', async () => {
      const c = col();
      await c.insert({ _id: 'a', owner: 'u', n: 1 });
      expect(await c.update({ _id: 'a', n: 1 }, { $set: { n: 2 } })).toMatchObject({ n: 2 });
      expect(await c.update({ _id: 'a', n: 1 }, { $set: { n: 3 } })).toBeNull();
      expect(await c.update({ _id: 'a', owner: { $ne: 'u' } }, { $set: { n: 9 } })).toBeNull();
    });

    it('upserts with defaults filled only on insert', async () => {
      const c = col();
      const first = await c.update({ _id: 'a' }, setWithDefaults({ n: 1 }, { owner: 'default', n: 0, note: null }), {
        upsert: true,
      });
      expect(first).toMatchObject({ _id: 'a', owner: 'default', n: 1, note: null });
      await c.update({ _id: 'a' }, { $set: { owner: 'changed' } });
      const second = await c.update({ _id: 'a' }, setWithDefaults({ n: 2 }, { owner: 'default', n: 0 }), {
        upsert: true,
      });
      expect(second).toMatchObject({ owner: 'changed', n: 2 });
    });

    it('replaces, updates many and deletes', async () => {
      const c = col();
      await c.replace({ _id: 'a', owner: 'u', n: 1 });
      await c.replace({ _id: 'a', owner: 'v', n: 2 });
      await c.replace({ _id: 'b', owner: 'v', n: 3 });
      expect(await c.get('a')).toEqual({ _id: 'a', owner: 'v', n: 2 });
      expect(await c.updateMany({ owner: 'v' }, { $set: { note: 'x' } })).toBe(2);
      expect(await c.findOne({ note: 'x', n: 3 })).toMatchObject({ _id: 'b' });
      expect(await c.delete({ owner: 'v' })).toBe(2);
      expect(await c.count({})).toBe(0);
    });

    it('enforces unique indexes', async () => {
      const c = col();
      await c.ensureIndex({ owner: 1 }, { unique: true });
      await c.insert({ _id: 'a', owner: 'u', n: 1 });
      expect(await c.insert({ _id: 'b', owner: 'u', n: 1 })).toBe(false);
    });
  });
}
