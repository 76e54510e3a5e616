import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { EventOf } from '@speech/contracts';
import { SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';
import { SqliteSearchIndex, type SearchIndex } from '@speech/search';
import { deletionsOf } from '@speech/service-kit';
import { FsObjectStore, type ObjectStore } from '@speech/storage';
import { anEvent } from '@speech/testing';
import { ReadModel } from './read-model';
import { SearchIndexer } from './search-indexer';
import { Trackers, type TrackerViewDoc } from './trackers';

const USER = 'user-1';

/** The read side of trackers on the single process's store: the retroactive job, the handler, the hits. */
describe('Trackers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trackers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const says = (i: number) =>
    i % 2 === 0
      ? ['Hello, thanks for calling.', 'Honestly the price is too high for us.', 'Let me see what I can do.']
      : ['Hello, thanks for calling.', 'We are happy with the service.', 'Great to hear.'];

  async function setup(opts: { recordings?: number; store?: (s: ObjectStore) => ObjectStore; search?: boolean } = {}) {
    const db = new SqliteDatabase(':memory:');
    const docs = new SqliteDocumentStore(db);
    const model = new ReadModel(docs);
    await model.init();
    const index = new SqliteSearchIndex(db);
    await index.init();
    const fs = new FsObjectStore(dir);
    const indexer = new SearchIndexer(index, model, fs);
    const deletions = deletionsOf(docs);
    let clock = 1_000_000;
    const make = (owner: string, store: ObjectStore = fs, search: SearchIndex | null = index) =>
      new Trackers({
        docs,
        store,
        model,
        deletions,
        log: silentLogger(),
        search: search ?? undefined,
        pageSize: 2,
        owner,
        now: () => clock,
      });
    const trackers = make('runner-a', opts.store ? opts.store(fs) : fs, opts.search === false ? null : index);
    await trackers.init();
    const apply = (e: Parameters<ReadModel['apply']>[0]) =>
      db.run(async () => {
        await model.apply(e);
        await indexer.apply(e);
        if (e.type === 'transcript.completed') await trackers.onTranscript(e.audioId);
      });
    const addCall = async (id: string, i: number, at: number) => {
      const key = `audio/${id}/transcript.json`;
      const segments = says(i).map((text, s) => ({
        startMs: s * 10_000,
        endMs: s * 10_000 + 9_000,
        speaker: s === 1 ? 'customer' : 'agent',
        text,
        words: [],
      }));
      await fs.put(key, Readable.from([Buffer.from(JSON.stringify({ audioId: id, durationMs: 30_000, segments }))]));
      await apply(anEvent('audio.uploaded', id, { userId: USER }, at));
      await apply(anEvent('transcript.completed', id, { transcriptKey: key }, at + 1));
    };
    for (let i = 0; i < (opts.recordings ?? 0); i++) await addCall(`a${i}`, i, 10_000 + i * 100);
    const changed = (p: Partial<EventOf<'tracker.changed'>['payload']>) =>
      db.run(() =>
        trackers.onChanged(
          anEvent('tracker.changed', p.trackerId ?? 't1', {
            userId: USER,
            trackerId: 't1',
            name: 'Price',
            phrases: ['(price|pricing) is (too|very)? (high|steep)'],
            ...p,
          }),
        ),
      );
    const view = async (id = 't1') => (await trackers.views.get(id)) as TrackerViewDoc;
    const allHits = () => trackers.hits.find({}, { sort: { _id: 1 } });
    return {
      db,
      model,
      trackers,
      make,
      apply,
      addCall,
      changed,
      view,
      allHits,
      advance: (ms: number) => (clock += ms),
      deletions,
    };
  }

  async function runToEnd(t: Trackers, s: { view: () => Promise<TrackerViewDoc> }) {
    for (let n = 0; n < 100 && (await s.view()).jobState === 'running'; n++) await t.step(await s.view());
  }

  it('finds the phrase in recordings analysed before the tracker existed, with progress done = total', async () => {
    const s = await setup({ recordings: 5 });
    await s.changed({ revision: 1 });
    expect(await s.view()).toMatchObject({ jobState: 'running', jobDone: 0, jobTotal: 5 });
    await runToEnd(s.trackers, s);
    expect(await s.view()).toMatchObject({ jobState: 'done', jobDone: 5, jobTotal: 5 });
    const page = await s.trackers.hitsOf(USER, 't1', { limit: 10 });
    // a0, a2, a4 (the even calls) say it, segment 1, the customer; newest recording first.
    expect(page?.hits.map((h) => [h.audioId, h.segment, h.speaker, h.startMs, h.endMs])).toEqual([
      ['a4', 1, 'customer', 10_000, 19_000],
      ['a2', 1, 'customer', 10_000, 19_000],
      ['a0', 1, 'customer', 10_000, 19_000],
    ]);
    expect(page?.hits[0]).toMatchObject({
      quote: 'Honestly the price is too high for us.',
      title: 'call.mp3',
      audioUrl: '/audios/a4/audio#t=10.000',
    });
  });

  it('resumes after a crash from the stored cursor, without duplicate hits', async () => {
    // The store fails on the second transcript the job reads: the page stops half-way ("crash").
    let reads = 0;
    let crash = true;
    const s = await setup({
      recordings: 5,
      store: (fs) =>
        Object.assign(Object.create(fs) as ObjectStore, {
          get: (key: string, range?: { start: number; end: number }) => {
            if (crash && ++reads === 2) return Promise.reject(new Error('killed'));
            return fs.get(key, range);
          },
        }),
    });
    // The handler's own hits for these recordings came before the tracker: none yet.
    await s.trackers.hits.delete({});
    await s.changed({ revision: 1 });
    await s.trackers.step(await s.view()); // page 1: a0, a1 (a1 is no candidate: one read)
    expect(await s.view()).toMatchObject({ jobDone: 2, jobAfterId: 'a1' });
    await expect(s.trackers.step(await s.view())).rejects.toThrow('killed'); // page 2 half done
    expect(await s.view()).toMatchObject({ jobDone: 2, jobAfterId: 'a1', jobOwner: 'runner-a' });
    crash = false;
    // Another process after the restart: the lease of the dead one runs out first.
    const b = s.make('runner-b');
    expect(await b.step(await s.view())).toBe(false);
    s.advance(61_000);
    await runToEnd(b, s);
    expect(await s.view()).toMatchObject({ jobState: 'done', jobDone: 5, jobTotal: 5 });
    const hits = await s.allHits();
    expect(hits.map((h) => h._id)).toEqual(['t1:a0:1:2', 't1:a2:1:2', 't1:a4:1:2']);
  });

  it('reads only the candidates the search index names; without an index, every transcript', async () => {
    let reads = 0;
    const counting = (fs: ObjectStore) =>
      Object.assign(Object.create(fs) as ObjectStore, {
        get: (key: string, range?: { start: number; end: number }) => {
          reads++;
          return fs.get(key, range);
        },
      });
    const s = await setup({ recordings: 6, store: counting });
    reads = 0;
    await s.changed({ revision: 1 });
    await runToEnd(s.trackers, s);
    expect(reads).toBe(3);
    const plain = await setup({ recordings: 6, store: counting, search: false });
    reads = 0;
    await plain.changed({ revision: 1 });
    await runToEnd(plain.trackers, plain);
    expect(reads).toBe(6);
    expect((await plain.allHits()).length).toBe(3);
  });

  it('runs on every new transcript, idempotently, with the speaker condition', async () => {
    const s = await setup();
    await s.changed({ revision: 1, speaker: 'customer' });
    await s.changed({ trackerId: 't2', revision: 1, phrases: ['thanks for calling'], speaker: 'customer' });
    await runToEnd(s.trackers, s);
    await s.addCall('new', 0, 50_000);
    await s.apply(anEvent('transcript.completed', 'new', { transcriptKey: 'audio/new/transcript.json' })); // again
    expect((await s.allHits()).map((h) => h._id)).toEqual(['t1:new:1:2']); // t2's phrase is the agent's
  });

  it('a new revision replaces the hits; older events are ignored; deletions remove hits', async () => {
    const s = await setup({ recordings: 3 });
    await s.changed({ revision: 1 });
    await runToEnd(s.trackers, s);
    expect(await s.allHits()).toHaveLength(2);
    await s.changed({ revision: 2, phrases: ['happy with'] });
    await runToEnd(s.trackers, s);
    expect((await s.allHits()).map((h) => [h.audioId, h.revision])).toEqual([['a1', 2]]);
    await s.changed({ revision: 1 }); // late
    expect((await s.view()).phrases).toEqual(['happy with']);
    // The recording deleted: its hits go.
    await s.trackers.removeRecording('a1');
    expect(await s.allHits()).toEqual([]);
    await s.changed({ revision: 3, phrases: ['thanks for calling'] });
    await runToEnd(s.trackers, s);
    expect(await s.allHits()).toHaveLength(3);
    await s.changed({ revision: 4, deleted: true });
    expect(await s.allHits()).toEqual([]);
    expect(await s.trackers.get(USER, 't1')).toBeNull();
    expect(await s.trackers.list(USER)).toEqual([]);
  });

  it('pages the hits with a cursor, and only for the owner', async () => {
    const s = await setup({ recordings: 5 });
    await s.changed({ revision: 1 });
    await runToEnd(s.trackers, s);
    const first = await s.trackers.hitsOf(USER, 't1', { limit: 2 });
    expect(first?.hits.map((h) => h.audioId)).toEqual(['a4', 'a2']);
    const next = await s.trackers.hitsOf(USER, 't1', { limit: 2, cursor: first?.nextCursor ?? '' });
    expect(next).toMatchObject({ hits: [expect.objectContaining({ audioId: 'a0' })], nextCursor: null });
    expect(await s.trackers.hitsOf('someone-else', 't1', { limit: 2 })).toBeNull();
    await expect(s.trackers.hitsOf(USER, 't1', { limit: 2, cursor: 'abc' })).rejects.toThrow(/cursor/);
  });
});
