import { AppError } from '@speech/kernel';

/**
 * The SearchIndex port: full-text search over a recording's title, tags and transcript, scoped to
 * its owner, with the dashboard's filters. Two adapters run one contract suite
 * (search-index.contract.ts): SQLite FTS5 in the single process (SqliteSearchIndex), and term
 * postings in a MongoDB-wire database for the distributed mode (DocumentSearchIndex).
 *
 * Writes are idempotent: putRecording upserts, replaceTranscript replaces every transcript row of
 * the recording, remove deletes them all. So a redelivered event re-indexes to the same rows.
 */

/** What a recording is found by, besides its transcript, and what it is filtered by. */
export interface SearchRecording {
  audioId: string;
  userId: string;
  /** The uploader's teams at upload: their managers find the recording too. */
  teamIds?: string[];
  /** Upload time, ms since the epoch: the newest/oldest order and the date range. */
  createdAt: number;
  title: string;
  tags: string[];
  agent: string | null;
  callType: string | null;
  status: string;
  issueTypes: string[];
}

/** One transcript segment (a speaker's turn), as the merger stored it. */
export interface SearchSegment {
  /** Its place in the transcript's `segments`, from 0. */
  index: number;
  speaker: string;
  startMs: number;
  endMs: number;
  text: string;
}

export const SEARCH_SORTS = ['relevance', 'newest', 'oldest'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export interface SearchQuery {
  /** Only this user's recordings are searched … */
  userId: string;
  /** … and those of these teams (a manager's; libs/platform visibility.ts) … */
  teamIds?: string[];
  /** … or everyone's (an admin). */
  everyone?: boolean;
  /** Words (all must occur in one segment, or in the title and tags) and "quoted phrases". */
  text: string;
  status?: string;
  /** Exact tag, case-insensitive. */
  tag?: string;
  agent?: string;
  callType?: string;
  issueType?: string;
  /** createdAt range, ms, both inclusive. */
  from?: number;
  to?: number;
  sort: SearchSort;
  /** From the previous page's nextCursor, with the same query. */
  cursor?: string;
  limit: number;
}

export interface SearchHit {
  audioId: string;
  title: string;
  createdAt: number;
  /** The segment's index in the transcript; null when the title or the tags matched. */
  segment: number | null;
  speaker: string | null;
  startMs: number;
  endMs: number;
  /** HTML-escaped text around the match, each matched word in <mark>…</mark>. */
  snippet: string;
}

export interface SearchPage {
  hits: SearchHit[];
  nextCursor: string | null;
}

export interface SearchIndex {
  init(): Promise<void>;
  /** Adds the recording or updates its title, tags and filter fields; its transcript rows stay. */
  putRecording(r: SearchRecording): Promise<void>;
  /**
   * Replaces the recording's transcript rows with these segments. The recording must have been
   * put first (it gives the owner). `progress` is called every few hundred segments: the single
   * process commits what was indexed so far there, so a long transcript is never held in memory.
   */
  replaceTranscript(
    audioId: string,
    segments: AsyncIterable<SearchSegment>,
    progress?: () => Promise<void>,
  ): Promise<{ segments: number }>;
  /** Every row of the recording: it is found no more. */
  remove(audioId: string): Promise<void>;
  /** How far the recording is indexed: not at all, put, or put with transcript rows (the start-up backfill). */
  indexed(audioId: string): Promise<'none' | 'recording' | 'transcript'>;
  search(q: SearchQuery): Promise<SearchPage>;
}

/** Whether the query's caller may find this recording: the read rule of every route. */
export function inScope(
  q: Pick<SearchQuery, 'userId' | 'teamIds' | 'everyone'>,
  r: { userId: string; teamIds?: string[] },
) {
  if (q.everyone || r.userId === q.userId) return true;
  const teams = new Set(q.teamIds ?? []);
  return (r.teamIds ?? []).some((t) => teams.has(t));
}

/** A bad query (an unusable text, a cursor of another query): a 400 at the edge, not a 500. */
export class SearchQueryError extends AppError {
  constructor(message: string) {
    super('SEARCH.BAD_REQUEST', message, { kind: 'input' });
  }
}

/** Segments indexed between two progress calls. */
export const PROGRESS_EVERY = 500;
