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

describe('SqliteSearchIndex on a database from before teams', () => {
  it('adds the team_ids column, the old rows of no team, and finds them for their owner', async () => {
    const db = new SqliteDatabase(':memory:');
    db.db.exec(`CREATE TABLE search_recordings (
      key INTEGER PRIMARY KEY, audio_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
      title TEXT NOT NULL, title_text TEXT NOT NULL, tags TEXT NOT NULL, agent TEXT, call_type TEXT,
      status TEXT NOT NULL, issue_types TEXT NOT NULL)`);
    db.db
      .prepare(
        `INSERT INTO search_recordings (key, audio_id, user_id, created_at, title, title_text, tags, agent, call_type,
           status, issue_types) VALUES (1, 'old', 'u', 1000, 'old call', 'old call', '||', NULL, NULL, 'transcribed', '||')`,
      )
      .run();
    const index = new SqliteSearchIndex(db);
    await index.init();
    await index.init(); // twice: the migration runs once
    const columns = db.db.prepare('PRAGMA table_info(search_recordings)').all() as { name: string }[];
    expect(columns.map((c) => c.name)).toContain('team_ids');
    expect(db.db.prepare(`SELECT team_ids FROM search_recordings WHERE audio_id = 'old'`).get()).toEqual({
      team_ids: '||',
    });
    const q = { text: 'old', sort: 'newest' as const, limit: 5 };
    await index.putRecording({
      audioId: 'new',
      userId: 'a1',
      teamIds: ['red'],
      createdAt: 2_000,
      title: 'old habits',
      tags: [],
      agent: null,
      callType: null,
      status: 'transcribed',
      issueTypes: [],
    });
    expect((await index.search({ ...q, userId: 'm', teamIds: ['red'] })).hits.map((h) => h.audioId)).toEqual(['new']);
    db.close();
  });
});
