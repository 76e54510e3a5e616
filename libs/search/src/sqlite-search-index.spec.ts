import { SqliteDatabase } from '@speech/persistence';
import { searchIndexContract } from './search-index.contract';
import { SqliteSearchIndex } from './sqlite-search-index';

searchIndexContract('SQLite FTS5', async () => {
  const db = new SqliteDatabase(':memory:');
  return { index: new SqliteSearchIndex(db), close: async () => db.close() };
});

describe('SqliteSearchIndex in a unit of work', () => {
  it('writes with the unit: nothing is found when the work fails, everything once it commits', async () => {
    const db = new SqliteDatabase(':memory:');
    const index = new SqliteSearchIndex(db);
    await index.init();
    const rec = {
      audioId: 'a1',
      userId: 'u',
      createdAt: 1_000,
      title: 'call',
      tags: [],
      agent: null,
      callType: null,
      status: 'transcribed',
      issueTypes: [],
    };
    async function* one() {
      yield { index: 0, speaker: 'agent', startMs: 0, endMs: 1, text: 'hello world' };
    }
    await expect(
      db.run(async () => {
        await index.putRecording(rec);
        await index.replaceTranscript('a1', one());
        throw new Error('the handler failed');
      }),
    ).rejects.toThrow('the handler failed');
    const q = { userId: 'u', text: 'hello', sort: 'newest' as const, limit: 5 };
    expect((await index.search(q)).hits).toEqual([]);
    await db.run(async () => {
      await index.putRecording(rec);
      await index.replaceTranscript('a1', one());
    });
    expect((await index.search(q)).hits).toHaveLength(1);
    db.close();
  });
});
