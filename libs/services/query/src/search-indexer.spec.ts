import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import { SqliteSearchIndex } from '@speech/search';
import { FsObjectStore } from '@speech/storage';
import { anEvent } from '@speech/testing';
import { ReadModel, type RecordingDoc } from './read-model';
import { SearchIndexer, searchRecordingOf } from './search-indexer';

describe('SearchIndexer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'search-indexer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const db = new SqliteDatabase(':memory:');
    const model = new ReadModel(new SqliteDocumentStore(db));
    await model.init();
    const index = new SqliteSearchIndex(db);
    await index.init();
    const store = new FsObjectStore(dir);
    const key = 'audio/a1/transcript.json';
    const transcript = {
      audioId: 'a1',
      segments: [
        { startMs: 0, endMs: 4000, speaker: 'agent', text: 'Welcome to Cedar Cloud', words: [] },
        { startMs: 4000, endMs: 9000, speaker: 'customer', text: 'My invoice doubled', words: [] },
      ],
      text: '',
    };
    await store.put(key, Readable.from([Buffer.from(JSON.stringify(transcript))]));
    const indexer = new SearchIndexer(index, model, store);
    const apply = (e: Parameters<ReadModel['apply']>[0]) =>
      db.run(async () => {
        await model.apply(e);
        await indexer.apply(e);
      });
    const find = (text: string, userId = 'user-1', filters: { callType?: string; issueType?: string } = {}) =>
      index.search({ userId, text, sort: 'relevance', limit: 10, ...filters }).then((p) => p.hits);
    return { apply, find, key, model, indexer, db };
  }

  it('indexes the corrected text: again on a correction, and as corrected when the transcript comes after', async () => {
    const { apply, find, key } = await setup();
    await apply(anEvent('audio.uploaded', 'a1', {}, 1_000));
    await apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
    expect(await find('invoice')).toHaveLength(1);
    await apply(
      anEvent(
        'transcript.corrected',
        'a1',
        { revision: 1, swapChannels: true, segments: [{ index: 1, text: 'My statement doubled' }] },
        3_000,
      ),
    );
    expect(await find('invoice')).toEqual([]);
    expect(await find('statement')).toEqual([expect.objectContaining({ segment: 1, speaker: 'agent' })]);
    // A redelivered transcript.completed indexes the corrected text too.
    await apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
    expect(await find('invoice')).toEqual([]);
    expect(await find('statement')).toHaveLength(1);
  });

  it('indexes the transcript when it completes, and title, tags and filters from the events', async () => {
    const { apply, find, key } = await setup();
    const metadataJson = JSON.stringify({ title: 'Renewal with Acme', tags: ['vip'], agent: 'Laura' });
    await apply(anEvent('audio.uploaded', 'a1', { metadataJson }, 1_000));
    expect(await find('acme')).toEqual([expect.objectContaining({ audioId: 'a1', segment: null })]);
    await apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
    expect(await find('invoice')).toEqual([
      expect.objectContaining({
        audioId: 'a1',
        title: 'Renewal with Acme',
        segment: 1,
        speaker: 'customer',
        startMs: 4000,
      }),
    ]);
    // Redelivered: the same rows, once.
    await apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
    expect(await find('invoice')).toHaveLength(1);
    expect(await find('invoice', 'user-2')).toEqual([]);
  });

  it('indexes a transcript that arrived before its upload once the upload arrives', async () => {
    const { apply, find, key } = await setup();
    await apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
    expect(await find('invoice')).toEqual([]);
    await apply(anEvent('audio.uploaded', 'a1', {}, 1_000));
    expect(await find('invoice')).toEqual([expect.objectContaining({ segment: 1 })]);
  });

  it('takes call type and issue types from the newest analysis', async () => {
    const { apply, find, key } = await setup();
    await apply(anEvent('audio.uploaded', 'a1', {}, 1_000));
    await apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
    expect(await find('invoice', 'user-1', { callType: 'churn' })).toEqual([]);
    await apply(anEvent('analysis.completed', 'a1', { callType: 'churn', issueTypes: ['billing'] }, 3_000));
    expect(await find('invoice', 'user-1', { callType: 'churn' })).toHaveLength(1);
    expect(await find('invoice', 'user-1', { issueType: 'billing' })).toHaveLength(1);
    expect(await find('invoice', 'user-1', { issueType: 'pricing' })).toEqual([]);
  });

  it('backfills the recordings the index has never seen, once', async () => {
    const { find, key, model, indexer, db } = await setup();
    // A database from before search: the read model has the recordings, the index nothing.
    await db.run(async () => {
      await model.apply(anEvent('audio.uploaded', 'a1', {}, 1_000));
      await model.apply(anEvent('transcript.completed', 'a1', { transcriptKey: key }, 2_000));
      await model.apply(anEvent('audio.uploaded', 'a2', { filename: 'no-transcript-yet.mp3' }, 3_000));
    });
    expect(await find('invoice')).toEqual([]);
    expect(await indexer.backfill()).toBe(2);
    expect(await find('invoice')).toEqual([expect.objectContaining({ audioId: 'a1', segment: 1 })]);
    expect(await find('transcript')).toEqual([expect.objectContaining({ audioId: 'a2', segment: null })]);
    expect(await indexer.backfill()).toBe(0);
  });

  it('takes the edited details over the upload metadata', () => {
    const doc = {
      _id: 'a1',
      userId: 'user-1',
      createdAt: 1_000,
      filename: 'call.mp3',
      status: 'transcribed',
      metadata: { title: 'Old name', tags: ['meta'], agent: 'Laura' },
    } as unknown as RecordingDoc;
    expect(searchRecordingOf(doc, 'user-1')).toMatchObject({ title: 'Old name', tags: ['meta'], agent: 'Laura' });
    const edited = { ...doc, details: { title: 'New name', tags: ['edited'], agent: 'Sam' } } as RecordingDoc;
    expect(searchRecordingOf(edited, 'user-1')).toMatchObject({ title: 'New name', tags: ['edited'], agent: 'Sam' });
    expect(searchRecordingOf({ ...doc, metadata: null }, 'user-1').title).toBe('call.mp3');
  });
});
