import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentStoreContract } from '../document-store.contract';
import { SqliteDatabase } from './sqlite-database';
import { SqliteDocumentStore } from './sqlite-document-store';
import { compileFilter, orderBy } from './sqlite-sql';

documentStoreContract('embedded (SQLite, in memory)', async () => SqliteDocumentStore.inMemory());

interface Item {
  _id: string;
  owner: string;
  n: number;
  createdAt?: number;
}

describe('SqliteDocumentStore', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteDocumentStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-docs-'));
    db = new SqliteDatabase(join(dir, 'test.db'));
    store = new SqliteDocumentStore(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps documents across a restart', async () => {
    await store.collection<Item>('things').insert({ _id: 'x', owner: 'u', n: 1 });
    await store.collection<Item>('things').update({ _id: 'x' }, { $inc: { n: 1 } });
    db.close();
    db = new SqliteDatabase(join(dir, 'test.db'));
    store = new SqliteDocumentStore(db);
    expect(await store.collection<Item>('things').get('x')).toEqual({ _id: 'x', owner: 'u', n: 2 });
  });

  it('serves a sorted, limited query from an index, first page and deep cursor alike', async () => {
    const c = store.collection<Item>('recs');
    await c.ensureIndex({ owner: 1, createdAt: -1, _id: -1 });
    for (let i = 0; i < 50; i++)
      await c.insert({ _id: `r${String(i).padStart(2, '0')}`, owner: 'u', n: i, createdAt: i });
    const filter = { owner: 'u', $or: [{ createdAt: { $lt: 10 } }, { createdAt: 10, _id: { $lt: 'r10' } }] };
    const sort = { createdAt: -1, _id: -1 } as const;
    const page = await c.find(filter, { sort, limit: 3 });
    expect(page.map((d) => d._id)).toEqual(['r09', 'r08', 'r07']);
    // The plan of the SQL the store runs for that query.
    const where = compileFilter(filter);
    const detail = (
      db.db
        .prepare(`EXPLAIN QUERY PLAN SELECT id FROM c_recs WHERE ${where.sql} ORDER BY ${orderBy(sort)} LIMIT 3`)
        .all(...where.params) as { detail: string }[]
    )
      .map((r) => r.detail)
      .join('; ');
    expect(detail).toMatch(/USING (COVERING )?INDEX c_recs__owner_a__createdAt_d___id_d \(<expr>=\? AND <expr><\?\)/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });

  describe('units of work', () => {
    it('commits writes only when the work ends, and reads see the work’s own writes', async () => {
      const c = store.collection<Item>('items');
      await db.run(async () => {
        await c.insert({ _id: 'a', owner: 'u', n: 1 });
        await c.update({ _id: 'a' }, { $inc: { n: 1 } });
        expect(await c.get('a')).toMatchObject({ n: 2 });
        expect(await c.count({ owner: 'u' })).toBe(1);
        expect((await c.find({ n: { $gte: 2 } })).map((d) => d._id)).toEqual(['a']);
        // Outside the unit (another piece of work), nothing is visible yet.
        expect(db.db.prepare('SELECT count(*) AS n FROM c_items').get()).toEqual({ n: 0 });
      });
      expect(await c.get('a')).toMatchObject({ n: 2 });
    });

    it('rolls back every write of work that throws', async () => {
      const c = store.collection<Item>('items');
      await c.insert({ _id: 'keep', owner: 'u', n: 1 });
      await expect(
        db.run(async () => {
          await c.insert({ _id: 'b', owner: 'u', n: 1 });
          await c.update({ _id: 'keep' }, { $set: { n: 99 } });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await c.get('b')).toBeNull();
      expect(await c.get('keep')).toMatchObject({ n: 1 });
    });

    it('runs work again when another commit changed what it read, so no update is lost', async () => {
      const c = store.collection<Item>('counters');
      await c.insert({ _id: 'k', owner: 'u', n: 0 });
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      // Read-modify-write across an await, twice at once: the classic lost update.
      const slow = db.run(async () => {
        runs++;
        const doc = await c.get('k');
        await gate;
        await c.replace({ ...doc!, n: doc!.n + 1 });
      });
      await db.run(async () => {
        const doc = await c.get('k');
        await c.replace({ ...doc!, n: doc!.n + 1 });
      });
      release();
      await slow;
      expect(runs).toBe(2);
      expect(await c.get('k')).toMatchObject({ n: 2 });
    });

    it('sees a phantom: a query whose result changed makes the work run again', async () => {
      const c = store.collection<Item>('tasks');
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      const seen: number[] = [];
      const counting = db.run(async () => {
        runs++;
        const n = await c.count({ owner: 'u' });
        seen.push(n);
        await gate;
        await c.replace({ _id: 'summary', owner: 'summary', n });
      });
      await c.insert({ _id: 't1', owner: 'u', n: 1 });
      release();
      await counting;
      expect(runs).toBe(2);
      expect(seen).toEqual([0, 1]);
      expect(await c.get('summary')).toMatchObject({ n: 1 });
    });

    it('refuses work that outlives its unit', async () => {
      const c = store.collection<Item>('items');
      let late: Promise<unknown> = Promise.resolve();
      await db.run(async () => {
        late = new Promise((ok) => setTimeout(ok, 10)).then(() => c.get('x'));
      });
      await expect(late).rejects.toMatchObject({ code: 'PERSISTENCE.UNIT_CLOSED' });
    });

    it('runs after-commit hooks only for work that committed', async () => {
      const hooks: string[] = [];
      await db.run(async () => db.afterCommit(() => hooks.push('committed')));
      await db
        .run(async () => {
          db.afterCommit(() => hooks.push('rolled back'));
          throw new Error('no');
        })
        .catch(() => undefined);
      expect(hooks).toEqual(['committed']);
    });
  });
});
