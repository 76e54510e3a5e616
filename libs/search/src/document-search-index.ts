import type { Collection, DocumentStore, Filter } from '@speech/persistence';
import {
  inScope,
  PROGRESS_EVERY,
  SearchQueryError,
  type SearchHit,
  type SearchIndex,
  type SearchPage,
  type SearchQuery,
  type SearchRecording,
  type SearchSegment,
} from './search-index.port';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  normaliseWord,
  parseSearchText,
  RELEVANCE_WINDOW,
  relevanceScores,
  snippetOf,
  wordsOf,
} from './search-text';

/** The title and tags' row of a recording, beside its segments (0, 1, …). */
const TITLE = -1;

interface RecordingDoc {
  _id: string; // audioId
  userId: string;
  teamIds?: string[];
  createdAt: number;
  title: string;
  titleText: string;
  tags: string[];
  agent: string | null;
  callType: string | null;
  status: string;
  issueTypes: string[];
}

interface RowDoc {
  _id: string; // `${audioId}:${seg}`
  audioId: string;
  seg: number;
  speaker: string | null;
  startMs: number;
  endMs: number;
  text: string;
}

/** Which rows of one recording hold a term: one document per term and block of segments. */
interface PostingDoc {
  _id: string; // `${term} ${audioId} ${block}`
  term: string;
  userId: string;
  /** The recording's teams: a manager's query finds its postings by them. */
  teamIds?: string[];
  audioId: string;
  /** The title's posting, kept when the transcript is replaced. */
  title: boolean;
  rows: number[];
}

interface Candidate {
  rec: RecordingDoc;
  seg: number;
}

/** Candidates checked against the stored text (phrases) per round trip. */
const VERIFY_BATCH = 200;

/**
 * The distributed mode's SearchIndex, on the DocumentStore port (a MongoDB-wire database):
 * FerretDB 1.x has no `$text` index and sorts nothing but $natural on the server, so the index
 * is postings: per normalised term, per recording and block of PROGRESS_EVERY segments, the
 * segments that hold it, found through an index on (term, userId). A query intersects its
 * terms' postings, keeps the recordings its filters allow, orders them here, and reads the
 * candidate segments' text to check phrases and build snippets. Cost grows with how many of the
 * user's segments hold the query's terms (the SQLite adapter stops at the page's end instead).
 */
export class DocumentSearchIndex implements SearchIndex {
  private readonly recordings: Collection<RecordingDoc>;
  private readonly rows: Collection<RowDoc>;
  private readonly postings: Collection<PostingDoc>;

  constructor(docs: DocumentStore) {
    this.recordings = docs.collection<RecordingDoc>('search_recordings');
    this.rows = docs.collection<RowDoc>('search_rows');
    this.postings = docs.collection<PostingDoc>('search_postings');
  }

  async init(): Promise<void> {
    await this.postings.ensureIndex({ term: 1, userId: 1 });
    // A manager's query: the postings of their teams (multikey on MongoDB).
    await this.postings.ensureIndex({ term: 1, teamIds: 1 });
    await this.postings.ensureIndex({ audioId: 1 });
    await this.rows.ensureIndex({ audioId: 1 });
  }

  async putRecording(r: SearchRecording): Promise<void> {
    const titleText = [r.title, ...r.tags].join(' \u00b7 ');
    const old = await this.recordings.get(r.audioId);
    await this.recordings.replace({
      _id: r.audioId,
      userId: r.userId,
      teamIds: r.teamIds ?? [],
      createdAt: r.createdAt,
      title: r.title,
      titleText,
      tags: r.tags.map((t) => t.toLowerCase()),
      agent: r.agent ? normaliseWord(r.agent) : null,
      callType: r.callType,
      status: r.status,
      issueTypes: r.issueTypes.map((t) => t.toLowerCase()),
    });
    const sameTeams = (old?.teamIds ?? []).join('|') === (r.teamIds ?? []).join('|');
    if (old && old.titleText === titleText && old.userId === r.userId && sameTeams) return;
    await this.postings.delete({ audioId: r.audioId, title: true });
    await this.rows.replace({
      _id: `${r.audioId}:${TITLE}`,
      audioId: r.audioId,
      seg: TITLE,
      speaker: null,
      startMs: 0,
      endMs: 0,
      text: titleText,
    });
    await this.writePostings(r.audioId, r, 'title', [{ seg: TITLE, text: titleText }], true);
  }

  async replaceTranscript(
    audioId: string,
    segments: AsyncIterable<SearchSegment>,
    progress?: () => Promise<void>,
  ): Promise<{ segments: number }> {
    const rec = await this.recordings.get(audioId);
    if (!rec) throw new Error(`search: recording ${audioId} has not been put before its transcript`);
    await this.postings.delete({ audioId, title: false });
    await this.rows.delete({ audioId, seg: { $gte: 0 } });
    let n = 0;
    let batch: SearchSegment[] = [];
    const flush = async () => {
      const block = Math.floor((batch[0]?.index ?? 0) / PROGRESS_EVERY);
      for (const s of batch) {
        await this.rows.replace({
          _id: `${audioId}:${s.index}`,
          audioId,
          seg: s.index,
          speaker: s.speaker,
          startMs: s.startMs,
          endMs: s.endMs,
          text: s.text,
        });
      }
      await this.writePostings(
        audioId,
        rec,
        `b${block}`,
        batch.map((s) => ({ seg: s.index, text: s.text })),
        false,
      );
      batch = [];
    };
    for await (const s of segments) {
      // A block is one posting document per term: segments of two blocks never share one.
      if (
        batch.length &&
        Math.floor(s.index / PROGRESS_EVERY) !== Math.floor((batch[0]?.index ?? 0) / PROGRESS_EVERY)
      ) {
        await flush();
        await progress?.();
      }
      batch.push(s);
      n++;
    }
    if (batch.length) await flush();
    return { segments: n };
  }

  async remove(audioId: string): Promise<void> {
    await this.postings.delete({ audioId });
    await this.rows.delete({ audioId });
    await this.recordings.delete({ _id: audioId });
  }

  async indexed(audioId: string): Promise<'none' | 'recording' | 'transcript'> {
    if (!(await this.recordings.get(audioId))) return 'none';
    return (await this.rows.findOne({ audioId, seg: { $gte: 0 } })) ? 'transcript' : 'recording';
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    const clauses = parseSearchText(q.text);
    const terms = [...new Set(clauses.flat())];
    const cursor = q.cursor ? readCursor(q.cursor, q.sort) : null;

    // Rows that hold every term, per recording.
    let hits: Map<string, Set<number>> | null = null;
    for (const term of terms) {
      const found = new Map<string, Set<number>>();
      for (const p of await this.postings.find({ term, ...postingScope(q) })) {
        if (hits && !hits.has(p.audioId)) continue;
        const set = found.get(p.audioId) ?? new Set<number>();
        for (const r of p.rows) if (!hits || hits.get(p.audioId)?.has(r)) set.add(r);
        if (set.size) found.set(p.audioId, set);
      }
      hits = found;
      if (!hits.size) return { hits: [], nextCursor: null };
    }
    if (!hits) return { hits: [], nextCursor: null };

    const recs = await this.recordings.find({ _id: { $in: [...hits.keys()] } });
    const allowed = recs.filter((r) => inScope(q, r) && this.passes(r, q));
    // Newest first: recording by upload time (then id), within it the title, then the segments in order.
    allowed.sort((a, b) => b.createdAt - a.createdAt || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
    let candidates: Candidate[] = [];
    for (const rec of allowed) {
      const segs = [...(hits.get(rec._id) ?? [])].sort((x, y) => x - y);
      for (const seg of segs) candidates.push({ rec, seg });
    }
    if (q.sort === 'oldest') candidates.reverse();
    if (cursor?.after) {
      const at = candidates.findIndex((c) => c.rec._id === cursor.after?.[0] && c.seg === cursor.after?.[1]);
      candidates = at < 0 ? [] : candidates.slice(at + 1);
    }

    const phrases = clauses.filter((c) => c.length > 1);
    const want = q.sort === 'relevance' ? RELEVANCE_WINDOW : q.limit + 1;
    const found: { c: Candidate; row: RowDoc }[] = [];
    for (let i = 0; i < candidates.length && found.length < want; i += VERIFY_BATCH) {
      const slice = candidates.slice(i, i + VERIFY_BATCH);
      const rows = new Map(
        (await this.rows.find({ _id: { $in: slice.map((c) => `${c.rec._id}:${c.seg}`) } })).map((r) => [r._id, r]),
      );
      for (const c of slice) {
        const row = rows.get(`${c.rec._id}:${c.seg}`);
        if (!row || !phrases.every((p) => holdsPhrase(wordsOf(row.text), p))) continue;
        found.push({ c, row });
        if (found.length >= want) break;
      }
    }

    let page: { c: Candidate; row: RowDoc }[];
    let nextCursor: string | null = null;
    if (q.sort === 'relevance') {
      const scores = relevanceScores(
        found.map((f) => f.row.text),
        terms,
      );
      const ranked = found.map((f, i) => ({ f, s: scores[i] ?? 0 })).sort((a, b) => b.s - a.s);
      const offset = cursor?.offset ?? 0;
      page = ranked.slice(offset, offset + q.limit).map((x) => x.f);
      if (ranked.length > offset + q.limit) nextCursor = encodeSearchCursor({ s: q.sort, o: offset + q.limit });
    } else {
      page = found.slice(0, q.limit);
      const last = page.at(-1);
      if (found.length > q.limit && last)
        nextCursor = encodeSearchCursor({ s: q.sort, a: [last.c.rec._id, last.c.seg] });
    }
    const marked = new Set(terms);
    return { hits: page.map(({ c, row }) => toHit(c, row, snippetOf(row.text, marked))), nextCursor };
  }

  private passes(r: RecordingDoc, q: SearchQuery): boolean {
    if (q.status !== undefined && r.status !== q.status) return false;
    if (q.tag !== undefined && !r.tags.includes(q.tag.toLowerCase())) return false;
    if (q.agent !== undefined && r.agent !== normaliseWord(q.agent)) return false;
    if (q.callType !== undefined && r.callType !== q.callType) return false;
    if (q.issueType !== undefined && !r.issueTypes.includes(q.issueType.toLowerCase())) return false;
    if (q.from !== undefined && r.createdAt < q.from) return false;
    if (q.to !== undefined && r.createdAt > q.to) return false;
    return true;
  }

  private async writePostings(
    audioId: string,
    owner: { userId: string; teamIds?: string[] },
    block: string,
    rows: { seg: number; text: string }[],
    title: boolean,
  ): Promise<void> {
    const byTerm = new Map<string, Set<number>>();
    for (const r of rows) {
      for (const w of wordsOf(r.text)) {
        const set = byTerm.get(w) ?? new Set<number>();
        set.add(r.seg);
        byTerm.set(w, set);
      }
    }
    for (const [term, segs] of byTerm) {
      await this.postings.replace({
        _id: `${term} ${audioId} ${block}`,
        term,
        userId: owner.userId,
        teamIds: owner.teamIds ?? [],
        audioId,
        title,
        rows: [...segs],
      });
    }
  }
}

/** The postings a query may read (inScope as a filter): its user's, its teams', or every one. */
function postingScope(q: SearchQuery): Filter {
  if (q.everyone) return {};
  if (!q.teamIds?.length) return { userId: q.userId };
  return { $or: [{ userId: q.userId }, { teamIds: { $in: q.teamIds } }] };
}

function holdsPhrase(words: string[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((w, j) => words[i + j] === w)) return true;
  }
  return false;
}

function readCursor(cursor: string, sort: SearchQuery['sort']): { offset?: number; after?: [string, number] } {
  const v = decodeSearchCursor(cursor) as { s?: unknown; o?: unknown; a?: unknown } | null;
  if (v && v.s === sort) {
    if (sort === 'relevance' && Number.isInteger(v.o) && (v.o as number) >= 0) return { offset: v.o as number };
    const a = v.a;
    if (sort !== 'relevance' && Array.isArray(a) && typeof a[0] === 'string' && Number.isInteger(a[1])) {
      return { after: [a[0], a[1] as number] };
    }
  }
  throw new SearchQueryError('cursor is not one this search gave (with this sort)');
}

function toHit(c: Candidate, row: RowDoc, snippet: string): SearchHit {
  const isTitle = c.seg === TITLE;
  return {
    audioId: c.rec._id,
    title: c.rec.title,
    createdAt: c.rec.createdAt,
    segment: isTitle ? null : c.seg,
    speaker: isTitle ? null : row.speaker,
    startMs: isTitle ? 0 : row.startMs,
    endMs: isTitle ? 0 : row.endMs,
    snippet,
  };
}
