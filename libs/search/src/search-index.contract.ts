import type { SearchIndex, SearchQuery, SearchRecording, SearchSegment } from './search-index.port';
import { SearchQueryError } from './search-index.port';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

function rec(audioId: string, over: Partial<SearchRecording> = {}): SearchRecording {
  return {
    audioId,
    userId: 'alice',
    createdAt: T0,
    title: `${audioId}.mp3`,
    tags: [],
    agent: null,
    callType: null,
    status: 'transcribed',
    issueTypes: [],
    ...over,
  };
}

async function* segs(...texts: [string, string][]): AsyncGenerator<SearchSegment> {
  let i = 0;
  for (const [speaker, text] of texts) {
    yield { index: i, speaker, startMs: i * 10_000, endMs: i * 10_000 + 9_000, text };
    i++;
  }
}

/**
 * One behaviour for every SearchIndex adapter: SQLite FTS5 (the single process) and the postings
 * over a DocumentStore (MongoDB-wire in the distributed mode) run the same suite.
 */
export function searchIndexContract(name: string, open: () => Promise<{ index: SearchIndex; close(): Promise<void> }>) {
  describe(`SearchIndex contract: ${name}`, () => {
    let index: SearchIndex;
    let close: () => Promise<void>;
    const search = (text: string, over: Partial<SearchQuery> = {}) =>
      index.search({ userId: 'alice', text, sort: 'relevance', limit: 20, ...over });

    beforeEach(async () => {
      ({ index, close } = await open());
      await index.init();
    });
    afterEach(async () => {
      await close();
    });

    it('finds a phrase in a transcript: the recording, the segment, the speaker and its time', async () => {
      await index.putRecording(rec('a1', { title: 'Renewal call' }));
      await index.replaceTranscript(
        'a1',
        segs(
          ['agent', 'Good morning, thanks for calling Cedar Cloud.'],
          ['customer', 'Our invoice doubled after the upgrade & I want a refund.'],
          ['agent', 'I understand. Let me look at the invoice.'],
        ),
      );
      const page = await search('"invoice doubled"');
      expect(page.hits).toEqual([
        {
          audioId: 'a1',
          title: 'Renewal call',
          createdAt: T0,
          segment: 1,
          speaker: 'customer',
          startMs: 10_000,
          endMs: 19_000,
          snippet: expect.any(String),
        },
      ]);
      // A phrase is marked as one span or word by word, as the adapter does it.
      const snippet = page.hits[0]?.snippet.replaceAll('</mark> <mark>', ' ');
      expect(snippet).toBe('Our <mark>invoice doubled</mark> after the upgrade &amp; I want a refund.');
      expect(page.nextCursor).toBeNull();
    });

    it('needs every word in one segment, a phrase in its order, and ignores case and diacritics', async () => {
      await index.putRecording(rec('a1'));
      await index.replaceTranscript('a1', segs(['agent', 'The price is fine'], ['customer', 'Café prices are high']));
      expect((await search('price fine')).hits.map((h) => h.segment)).toEqual([0]);
      expect((await search('PRICE high')).hits).toEqual([]);
      expect((await search('"fine price"')).hits).toEqual([]);
      expect((await search('cafe')).hits.map((h) => h.segment)).toEqual([1]);
    });

    it('finds titles and tags, as a hit without a segment', async () => {
      await index.putRecording(rec('a1', { title: 'Quarterly review with Stormvault', tags: ['vip', 'Escalated'] }));
      expect((await search('stormvault')).hits).toEqual([
        expect.objectContaining({ audioId: 'a1', segment: null, speaker: null, startMs: 0 }),
      ]);
      expect((await search('escalated')).hits).toHaveLength(1);
    });

    it('re-indexing replaces the rows: a redelivered transcript is not found twice, a new title replaces the old', async () => {
      await index.putRecording(rec('a1', { title: 'First title' }));
      await index.replaceTranscript('a1', segs(['agent', 'cancel the contract']));
      await index.putRecording(rec('a1', { title: 'First title' }));
      await index.replaceTranscript('a1', segs(['agent', 'cancel the contract']));
      expect((await search('cancel')).hits).toHaveLength(1);
      await index.replaceTranscript('a1', segs(['agent', 'renew the contract']));
      expect((await search('cancel')).hits).toEqual([]);
      expect((await search('renew')).hits).toHaveLength(1);
      await index.putRecording(rec('a1', { title: 'Second title' }));
      expect((await search('first')).hits).toEqual([]);
      expect((await search('second')).hits).toHaveLength(1);
      expect((await search('renew')).hits).toHaveLength(1); // the transcript stays
    });

    it('finds only the asking user’s recordings', async () => {
      await index.putRecording(rec('a1'));
      await index.replaceTranscript('a1', segs(['agent', 'the secret roadmap']));
      await index.putRecording(rec('b1', { userId: 'bob' }));
      await index.replaceTranscript('b1', segs(['agent', 'the secret plan']));
      expect((await search('secret')).hits.map((h) => h.audioId)).toEqual(['a1']);
      expect((await search('secret', { userId: 'bob' })).hits.map((h) => h.audioId)).toEqual(['b1']);
      expect((await search('secret', { userId: 'carol' })).hits).toEqual([]);
    });

    it('finds a team’s recordings for its manager, every one for an admin, and no other team’s', async () => {
      await index.putRecording(rec('r1', { userId: 'a1', teamIds: ['red'] }));
      await index.replaceTranscript('r1', segs(['agent', 'the secret roadmap']));
      await index.putRecording(rec('r2', { userId: 'a2', teamIds: ['red', 'green'], createdAt: T0 + 10_000 }));
      await index.replaceTranscript('r2', segs(['agent', 'the secret plan']));
      await index.putRecording(rec('b1', { userId: 'b1', teamIds: ['blue'] }));
      await index.replaceTranscript('b1', segs(['agent', 'the secret list']));
      const ids = async (over: Partial<SearchQuery>) =>
        (await search('secret', over)).hits.map((h) => h.audioId).sort();
      expect(await ids({ userId: 'm', teamIds: ['red'] })).toEqual(['r1', 'r2']);
      expect(await ids({ userId: 'm', teamIds: ['green'] })).toEqual(['r2']);
      expect(await ids({ userId: 'b1', teamIds: [] })).toEqual(['b1']);
      expect(await ids({ userId: 'a1' })).toEqual(['r1']);
      expect(await ids({ userId: 'root', everyone: true })).toEqual(['b1', 'r1', 'r2']);
      expect(await ids({ userId: 'm', teamIds: ['red'], from: T0 + 5_000 })).toEqual(['r2']);
    });

    it('filters by status, tag, agent, call type, issue type and date range', async () => {
      const day = 86_400_000;
      await index.putRecording(
        rec('a1', { status: 'analyzed', tags: ['VIP'], agent: 'Laura', callType: 'renewal', issueTypes: ['pricing'] }),
      );
      await index.putRecording(
        rec('a2', { createdAt: T0 + day, agent: 'Sam', callType: 'churn', issueTypes: ['billing', 'pricing'] }),
      );
      await index.putRecording(rec('a3', { createdAt: T0 + 2 * day }));
      for (const id of ['a1', 'a2', 'a3']) await index.replaceTranscript(id, segs(['agent', 'about the discount']));
      const ids = async (over: Partial<SearchQuery>) =>
        (await search('discount', { sort: 'oldest', ...over })).hits.map((h) => h.audioId);
      expect(await ids({})).toEqual(['a1', 'a2', 'a3']);
      expect(await ids({ status: 'analyzed' })).toEqual(['a1']);
      expect(await ids({ tag: 'vip' })).toEqual(['a1']);
      expect(await ids({ tag: 'vi' })).toEqual([]);
      expect(await ids({ agent: 'laura' })).toEqual(['a1']);
      expect(await ids({ callType: 'churn' })).toEqual(['a2']);
      expect(await ids({ issueType: 'pricing' })).toEqual(['a1', 'a2']);
      expect(await ids({ from: T0 + day })).toEqual(['a2', 'a3']);
      expect(await ids({ to: T0 + day })).toEqual(['a1', 'a2']);
      expect(await ids({ from: T0 + 1, to: T0 + day + 1 })).toEqual(['a2']);
    });

    it('sorts newest or oldest first (segments in transcript order), and pages with a cursor', async () => {
      for (let i = 0; i < 5; i++) {
        await index.putRecording(rec(`r${i}`, { createdAt: T0 + i * 60_000 }));
        await index.replaceTranscript(`r${i}`, segs(['agent', 'the refund'], ['customer', 'a refund please']));
      }
      const all = async (sort: SearchQuery['sort']) => {
        const out: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await search('refund', { sort, limit: 3, cursor });
          expect(page.hits.length).toBeLessThanOrEqual(3);
          out.push(...page.hits.map((h) => `${h.audioId}:${h.segment}`));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return out;
      };
      const newest = await all('newest');
      expect(newest).toEqual(['r4:0', 'r4:1', 'r3:0', 'r3:1', 'r2:0', 'r2:1', 'r1:0', 'r1:1', 'r0:0', 'r0:1']);
      const oldest = await all('oldest');
      expect(oldest.map((h) => h.split(':')[0])).toEqual(['r0', 'r0', 'r1', 'r1', 'r2', 'r2', 'r3', 'r3', 'r4', 'r4']);
      const relevance = await all('relevance');
      expect([...relevance].sort()).toEqual([...newest].sort()); // every hit once
    });

    it('ranks by relevance: a segment that says it more often comes first', async () => {
      await index.putRecording(rec('a1'));
      await index.replaceTranscript(
        'a1',
        segs(
          ['agent', 'we could talk about many things today, including the weather and the contract'],
          ['customer', 'contract contract contract'],
        ),
      );
      expect((await search('contract')).hits.map((h) => h.segment)).toEqual([1, 0]);
    });

    it('remove(audioId) deletes every row of the recording', async () => {
      await index.putRecording(rec('a1', { title: 'Gone soon' }));
      await index.replaceTranscript('a1', segs(['agent', 'vanishing words']));
      await index.putRecording(rec('a2'));
      await index.replaceTranscript('a2', segs(['agent', 'vanishing too']));
      expect(await index.indexed('a1')).toBe('transcript');
      await index.remove('a1');
      await index.remove('a1'); // twice: harmless
      expect(await index.indexed('a1')).toBe('none');
      await index.putRecording(rec('a3'));
      expect(await index.indexed('a3')).toBe('recording');
      expect((await search('vanishing')).hits.map((h) => h.audioId)).toEqual(['a2']);
      expect((await search('gone')).hits).toEqual([]);
    });

    it('rejects a text without words and a cursor it did not give', async () => {
      await expect(search('  "" ?!')).rejects.toBeInstanceOf(SearchQueryError);
      await expect(search('refund', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(SearchQueryError);
      await index.putRecording(rec('a1'));
      await index.replaceTranscript('a1', segs(['agent', 'refund'], ['agent', 'refund']));
      const page = await search('refund', { sort: 'newest', limit: 1 });
      expect(page.nextCursor).not.toBeNull();
      await expect(search('refund', { sort: 'relevance', cursor: page.nextCursor ?? '' })).rejects.toBeInstanceOf(
        SearchQueryError,
      );
    });

    it('indexes a long transcript through progress calls, every segment findable', async () => {
      await index.putRecording(rec('long'));
      let calls = 0;
      async function* many(): AsyncGenerator<SearchSegment> {
        for (let i = 0; i < 1200; i++)
          yield { index: i, speaker: 'agent', startMs: i * 1000, endMs: i * 1000 + 900, text: `turn number w${i}` };
      }
      const res = await index.replaceTranscript('long', many(), async () => void calls++);
      expect(res.segments).toBe(1200);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect((await search('w1199')).hits).toEqual([expect.objectContaining({ segment: 1199, startMs: 1_199_000 })]);
    }, 120_000); // 1,200 rows and their postings, one write each on a MongoDB-wire server
  });
}
