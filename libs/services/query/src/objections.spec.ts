import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { callObjections, OfflineAnalyst, type AnalysisResult } from '@speech/analysis';
import { PRICE_OBJECTION_DIALOGUE, transcriptFromDialogue } from '@speech/analysis/testing';
import { SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import type { Viewer } from '@speech/platform';
import { FsObjectStore, type ObjectStore } from '@speech/storage';
import { anEvent } from '@speech/testing';
import { ObjectionQueryError, Objections } from './objections';
import { ReadModel } from './read-model';

const PRICE_CALL = PRICE_OBJECTION_DIALOGUE;

const agent = (id: string, teams: string[] = []): Viewer => ({ id, role: 'agent', teams });
const manager = (id: string, teams: string[]): Viewer => ({ id, role: 'manager', teams });

/** The objection library's read side on the single process's store, with real offline analyses. */
describe('Objections', () => {
  let dir: string;
  let analysis: AnalysisResult;
  beforeAll(async () => {
    analysis = await new OfflineAnalyst().analyze(transcriptFromDialogue(PRICE_CALL));
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'objections-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Counts the analysis JSONs read, to show a redelivery reads none. */
  function counting(store: ObjectStore): { store: ObjectStore; reads: () => number } {
    let n = 0;
    const wrapped = Object.create(store) as ObjectStore;
    wrapped.get = (key, range) => {
      n++;
      return store.get(key, range);
    };
    return { store: wrapped, reads: () => n };
  }

  async function setup() {
    const db = new SqliteDatabase(':memory:');
    const docs = new SqliteDocumentStore(db);
    const model = new ReadModel(docs);
    await model.init();
    const fs = new FsObjectStore(dir);
    const { store, reads } = counting(fs);
    const objections = new Objections({ docs, store, model });
    await objections.init();
    const apply = (e: Parameters<ReadModel['apply']>[0]) =>
      db.run(async () => {
        await model.apply(e);
        if (e.type === 'analysis.completed' || e.type === 'audio.uploaded') await objections.sync(e.audioId);
      });
    const analysed = async (id: string, analysisId: string, result: AnalysisResult, at: number) => {
      const key = `audio/${id}/analysis/${analysisId}.json`;
      await fs.put(key, Readable.from([Buffer.from(JSON.stringify(result))]));
      const e = anEvent('analysis.completed', id, { analysisId, analysisKey: key }, at);
      await apply(e);
      return e;
    };
    const upload = (id: string, userId: string, at: number, teamIds: string[] = []) =>
      apply(anEvent('audio.uploaded', id, { userId, teamIds, filename: `${id}.wav` }, at));
    return { db, model, objections, apply, analysed, upload, reads };
  }

  it('lists every objection of the latest analysis with its time, quote, handling and a playable link', async () => {
    const { objections, analysed, upload } = await setup();
    const expected = callObjections(analysis);
    expect(expected.length).toBeGreaterThan(0);
    await upload('a1', 'u1', 1000);
    await analysed('a1', 'an1', analysis, 2000);
    const type = expected[0].type;
    const page = await objections.page(agent('u1'), type, { limit: 50 });
    const ofType = expected.filter((o) => o.type === type);
    expect(page.items.map((i) => [i.quote, i.startMs, i.endMs, i.speaker, i.handled])).toEqual(
      ofType.map((o) => [o.quote, o.startMs, o.endMs, o.speaker, o.handled]),
    );
    expect(page.items[0]).toMatchObject({ audioId: 'a1', analysisId: 'an1', title: 'a1.wav', recordedAt: 1000 });
    const start = (ofType[0].startMs / 1000).toFixed(3);
    expect(page.items[0].audioUrl).toBe(`/audios/a1/audio#t=${start},${(ofType[0].endMs / 1000).toFixed(3)}`);
    const counts = await objections.counts(agent('u1'));
    for (const c of counts) expect(c.count).toBe(expected.filter((o) => o.type === c.type).length);
  });

  it("keeps to the reader's scope: the owner, their team's manager, an admin; not another agent", async () => {
    const { objections, analysed, upload } = await setup();
    const type = callObjections(analysis)[0].type;
    await upload('a1', 'u1', 1000, ['red']);
    await analysed('a1', 'an1', analysis, 2000);
    const n = async (v: Viewer) => (await objections.page(v, type, { limit: 50 })).items.length;
    expect(await n(agent('u1'))).toBeGreaterThan(0);
    expect(await n(manager('m1', ['red']))).toBe(await n(agent('u1')));
    expect(await n({ id: 'root', role: 'admin', teams: [] })).toBe(await n(agent('u1')));
    expect(await n(agent('u2', ['red']))).toBe(0);
    expect(await n(manager('m2', ['blue']))).toBe(0);
    expect((await objections.counts(agent('u2'))).every((c) => c.count === 0)).toBe(true);
  });

  it('pages newest recording first by an opaque cursor, and refuses a cursor of another type', async () => {
    const { objections, analysed, upload } = await setup();
    const type = callObjections(analysis)[0].type;
    for (let i = 0; i < 3; i++) {
      await upload(`a${i}`, 'u1', 1000 + i);
      await analysed(`a${i}`, `an${i}`, analysis, 2000 + i);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await objections.page(agent('u1'), type, { limit: 1, cursor });
      seen.push(...page.items.map((i) => i.audioId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const perCall = callObjections(analysis).filter((o) => o.type === type).length;
    expect([...new Set(seen)]).toEqual(['a2', 'a1', 'a0']);
    expect(seen).toHaveLength(3 * perCall);
    const first = await objections.page(agent('u1'), type, { limit: 1 });
    const other = callObjections(analysis).find((o) => o.type !== type)?.type ?? 'trust';
    await expect(
      objections.page(agent('u1'), other, { limit: 1, cursor: first.nextCursor ?? 'x' }),
    ).rejects.toBeInstanceOf(ObjectionQueryError);
    await expect(objections.page(agent('u1'), type, { limit: 1, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      ObjectionQueryError,
    );
  });

  it('is idempotent on redelivery, a re-analysis replaces the entries, a deletion removes them', async () => {
    const { objections, analysed, upload, apply, reads } = await setup();
    const type = callObjections(analysis)[0].type;
    await upload('a1', 'u1', 1000);
    const first = await analysed('a1', 'an1', analysis, 2000);
    const before = await objections.entries.count({ audioId: 'a1' });
    const readsBefore = reads();
    await apply(first); // redelivered
    expect(reads()).toBe(readsBefore);
    expect(await objections.entries.count({ audioId: 'a1' })).toBe(before);
    // A re-analysis that finds one objection fewer: only its entries are listed.
    const fewer: AnalysisResult = { ...analysis, issues: analysis.issues.filter((i) => i !== analysis.issues[0]) };
    await analysed('a1', 'an2', fewer, 3000);
    const rows = await objections.entries.find({ audioId: 'a1' });
    expect(rows.every((r) => r.analysisId === 'an2')).toBe(true);
    expect(rows).toHaveLength(callObjections(fewer).length);
    await apply(anEvent('audio.deleted', 'a1', { userId: 'u1' }, 4000));
    await objections.removeRecording('a1');
    expect(await objections.entries.count({ audioId: 'a1' })).toBe(0);
    expect((await objections.page(agent('u1'), type, { limit: 50 })).items).toEqual([]);
  });

  it('fills in the owner when the upload arrives after the analysis', async () => {
    const { objections, analysed, upload } = await setup();
    const type = callObjections(analysis)[0].type;
    await analysed('a1', 'an1', analysis, 2000);
    expect((await objections.page(agent('u1'), type, { limit: 50 })).items).toEqual([]);
    await upload('a1', 'u1', 1000);
    expect((await objections.page(agent('u1'), type, { limit: 50 })).items.length).toBeGreaterThan(0);
  });
});
