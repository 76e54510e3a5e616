import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '@speech/persistence';
import {
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
  MARK_CLOSE,
  MARK_OPEN,
  markedSnippet,
  normaliseWord,
  parseSearchText,
} from './search-text';

/**
 * Row ids say where a row sorts: (upload second << 30 | slot << 22 | 2^22 - 1 - place). A
 * recording's `key` is its upload second and a slot (256 recordings per second, then the next
 * second, then the next seconds, at most SPILL_SECONDS on), so ORDER BY rowid DESC is newest first and FTS5 walks its postings in that order,
 * stopping at the page's end: no sort of every match. Within a recording the title row (place
 * 0) comes first, then the segments in transcript order. A recording holds 2^22 - 1 segments
 * (4 million turns, thousands of hours of speech); segments past that are not indexed.
 */
const PLACE_BITS = 22n;
const SLOT_BITS = 8n;
const PLACES = 1n << PLACE_BITS;
const TITLE_PLACE = 0n;
export const MAX_SEGMENTS = Number(PLACES) - 2;
/** How many seconds past its upload second a recording's key may spill (more than 256 in one second). */
const SPILL_SECONDS = 3600n;

const rowidOf = (key: bigint, place: bigint) => (key << PLACE_BITS) | (PLACES - 1n - place);
const secondKey = (createdAt: number) => BigInt(Math.max(0, Math.floor(createdAt / 1000))) << SLOT_BITS;

/** The owner as one FTS token (the index answers a user's words only, without reading others'). */
export function ownerToken(userId: string): string {
  return `u${createHash('sha256').update(userId).digest('hex').slice(0, 24)}`;
}

interface RecordingRow {
  key: bigint;
  audio_id: string;
  title: string;
  title_text: string;
}

interface HitRow {
  rid: bigint;
  seg: bigint | null;
  speaker: string | null;
  start_ms: bigint | null;
  end_ms: bigint | null;
  snip: string;
  score: number;
  audio_id: string;
  title: string;
  created_at: bigint;
}

/** FTS5 string literal: a word in double quotes (our words never hold one, but escape anyway). */
const quote = (w: string) => `"${w.replaceAll('"', '""')}"`;

/**
 * The single process's SearchIndex: SQLite FTS5 in the platform's database (speech.db). Writes
 * join the running unit of work, so they commit with the handler's offset (at least once: a
 * redelivery replaces the rows), and run at once outside one.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly database: SqliteDatabase) {}

  async init(): Promise<void> {
    this.database.db.exec(`
      CREATE TABLE IF NOT EXISTS search_recordings (
        key INTEGER PRIMARY KEY,
        audio_id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        title TEXT NOT NULL,
        title_text TEXT NOT NULL,
        tags TEXT NOT NULL,
        agent TEXT,
        call_type TEXT,
        status TEXT NOT NULL,
        issue_types TEXT NOT NULL
      );
      CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        body, owner, seg UNINDEXED, speaker UNINDEXED, start_ms UNINDEXED, end_ms UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
  }

  async putRecording(r: SearchRecording): Promise<void> {
    this.write(() => {
      const owner = ownerToken(r.userId);
      const titleText = [r.title, ...r.tags].join(' \u00b7 ');
      const cols = [
        r.userId,
        r.createdAt,
        r.title,
        titleText,
        listColumn(r.tags),
        r.agent ? normaliseWord(r.agent) : null,
        r.callType,
        r.status,
        listColumn(r.issueTypes),
      ];
      const old = this.recordingRow(r.audioId);
      if (old) {
        this.stmt(
          `UPDATE search_recordings SET user_id = ?, created_at = ?, title = ?, title_text = ?, tags = ?,
             agent = ?, call_type = ?, status = ?, issue_types = ? WHERE key = ?`,
        ).run(...cols, old.key);
        if (old.title_text === titleText) return;
        this.stmt('DELETE FROM search_fts WHERE rowid = ?').run(rowidOf(old.key, TITLE_PLACE));
        this.insertRow(rowidOf(old.key, TITLE_PLACE), titleText, owner, null);
        return;
      }
      const key = this.freeKey(r.createdAt);
      this.stmt(
        `INSERT INTO search_recordings (key, audio_id, user_id, created_at, title, title_text, tags, agent,
           call_type, status, issue_types) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(key, r.audioId, ...cols);
      this.insertRow(rowidOf(key, TITLE_PLACE), titleText, owner, null);
    });
  }

  async replaceTranscript(
    audioId: string,
    segments: AsyncIterable<SearchSegment>,
    progress?: () => Promise<void>,
  ): Promise<{ segments: number }> {
    this.write(() => {
      const rec = this.mustRecording(audioId);
      this.stmt('DELETE FROM search_fts WHERE rowid >= ? AND rowid < ?').run(
        rec.key << PLACE_BITS,
        rowidOf(rec.key, TITLE_PLACE),
      );
    });
    let n = 0;
    let batch: SearchSegment[] = [];
    const flush = () => {
      const rows = batch;
      batch = [];
      this.write(() => {
        const rec = this.mustRecording(audioId);
        const owner = ownerToken(this.ownerOf(rec.key));
        for (const s of rows) this.insertRow(rowidOf(rec.key, BigInt(s.index + 1)), s.text, owner, s);
      });
    };
    for await (const s of segments) {
      if (s.index >= MAX_SEGMENTS) break;
      batch.push(s);
      n++;
      if (batch.length >= PROGRESS_EVERY) {
        flush();
        await progress?.();
      }
    }
    if (batch.length) flush();
    return { segments: n };
  }

  async remove(audioId: string): Promise<void> {
    this.write(() => {
      const rec = this.recordingRow(audioId);
      if (!rec) return;
      this.stmt('DELETE FROM search_fts WHERE rowid >= ? AND rowid <= ?').run(
        rec.key << PLACE_BITS,
        rowidOf(rec.key, TITLE_PLACE),
      );
      this.stmt('DELETE FROM search_recordings WHERE key = ?').run(rec.key);
    });
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    const clauses = parseSearchText(q.text);
    const match = `owner : ${quote(ownerToken(q.userId))} AND body : (${clauses
      .map((c) => (c.length === 1 ? quote(c[0] as string) : quote(c.join(' '))))
      .join(' AND ')})`;
    const where = ['search_fts MATCH ?', 'r.user_id = ?'];
    const params: (string | number | bigint)[] = [match, q.userId];
    const filter = (sql: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(sql);
      params.push(v);
    };
    filter('r.status = ?', q.status);
    filter(`instr(r.tags, '|' || ? || '|') > 0`, q.tag?.toLowerCase());
    filter('r.agent = ?', q.agent === undefined ? undefined : normaliseWord(q.agent));
    filter('r.call_type = ?', q.callType);
    filter(`instr(r.issue_types, '|' || ? || '|') > 0`, q.issueType?.toLowerCase());
    // The date range narrows the rowids FTS5 walks (whole seconds), then the exact times.
    if (q.from !== undefined) {
      where.push('f.rowid >= ?', 'r.created_at >= ?');
      params.push(secondKey(q.from) << PLACE_BITS, q.from);
    }
    if (q.to !== undefined) {
      where.push('f.rowid < ?', 'r.created_at <= ?');
      params.push((secondKey(q.to) + ((SPILL_SECONDS + 1n) << SLOT_BITS)) << PLACE_BITS, q.to);
    }
    const cursor = q.cursor ? readCursor(q.cursor, q.sort) : null;
    let order: string;
    if (q.sort === 'relevance') {
      order = 'ORDER BY score, f.rowid DESC LIMIT ? OFFSET ?';
      params.push(q.limit + 1, cursor?.offset ?? 0);
    } else {
      if (cursor?.after !== undefined) {
        where.push(q.sort === 'newest' ? 'f.rowid < ?' : 'f.rowid > ?');
        params.push(cursor.after);
      }
      order = `ORDER BY f.rowid ${q.sort === 'newest' ? 'DESC' : 'ASC'} LIMIT ?`;
      params.push(q.limit + 1);
    }
    // CROSS JOIN keeps FTS5 the outer loop: its postings, in rowid order, drive the query.
    const sql = `SELECT f.rowid AS rid, f.seg, f.speaker, f.start_ms, f.end_ms,
        snippet(search_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 16) AS snip, bm25(search_fts) AS score,
        r.audio_id, r.title, r.created_at
      FROM search_fts f CROSS JOIN search_recordings r ON r.key = (f.rowid >> ${PLACE_BITS})
      WHERE ${where.join(' AND ')} ${order}`;
    const rows = this.stmt(sql, true).all(...params) as HitRow[];
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    let nextCursor: string | null = null;
    if (rows.length > q.limit && last) {
      nextCursor =
        q.sort === 'relevance'
          ? encodeSearchCursor({ s: q.sort, o: (cursor?.offset ?? 0) + q.limit })
          : encodeSearchCursor({ s: q.sort, k: last.rid.toString() });
    }
    return { hits: page.map(toHit), nextCursor };
  }

  // --- internals ---------------------------------------------------------------------------

  /** A write: part of the running unit of work (committed with it), or committed at once. */
  private write(step: () => void): void {
    const unit = this.database.current();
    if (unit) unit.addStep(step);
    else this.database.autocommit((u) => u.addStep(step));
  }

  private insertRow(rowid: bigint, body: string, owner: string, s: SearchSegment | null): void {
    this.stmt(
      'INSERT INTO search_fts (rowid, body, owner, seg, speaker, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(rowid, body, owner, s?.index ?? null, s?.speaker ?? null, s?.startMs ?? null, s?.endMs ?? null);
  }

  private recordingRow(audioId: string): RecordingRow | undefined {
    return this.stmt('SELECT key, audio_id, title, title_text FROM search_recordings WHERE audio_id = ?', true).get(
      audioId,
    ) as RecordingRow | undefined;
  }

  private mustRecording(audioId: string): RecordingRow {
    const rec = this.recordingRow(audioId);
    if (!rec) throw new Error(`search: recording ${audioId} has not been put before its transcript`);
    return rec;
  }

  private ownerOf(key: bigint): string {
    return (this.stmt('SELECT user_id FROM search_recordings WHERE key = ?').get(key) as { user_id: string }).user_id;
  }

  /** The first free slot of the upload's second (then of the seconds after it). */
  private freeKey(createdAt: number): bigint {
    const first = secondKey(createdAt);
    for (let base = first; base <= first + (SPILL_SECONDS << SLOT_BITS); base += 1n << SLOT_BITS) {
      const used = this.stmt('SELECT key FROM search_recordings WHERE key >= ? AND key < ? ORDER BY key', true)
        .all(base, base + (1n << SLOT_BITS))
        .map((r) => (r as { key: bigint }).key);
      if (used.length < 256) {
        let k = base;
        for (const u of used) {
          if (u !== k) break;
          k++;
        }
        return k;
      }
    }
    throw new Error(`search: no free key within an hour of ${new Date(createdAt).toISOString()}`);
  }

  private stmt(sql: string, bigints = false): Statement {
    const id = `${bigints ? 'b' : 'n'}:${sql}`;
    let s = this.stmts.get(id);
    if (!s) {
      s = this.database.db.prepare(sql);
      if (bigints) s.safeIntegers(true);
      this.stmts.set(id, s);
    }
    return s;
  }
}

/** A list as one column that `instr(col, '|x|')` matches exactly, case-insensitively. */
function listColumn(values: string[]): string {
  return `|${values.map((v) => v.toLowerCase().replaceAll('|', ' ')).join('|')}|`;
}

function readCursor(cursor: string, sort: SearchQuery['sort']): { offset?: number; after?: bigint } {
  const v = decodeSearchCursor(cursor) as { s?: unknown; o?: unknown; k?: unknown } | null;
  if (v && v.s === sort) {
    if (sort === 'relevance' && Number.isInteger(v.o) && (v.o as number) >= 0) return { offset: v.o as number };
    if (sort !== 'relevance' && typeof v.k === 'string' && /^\d{1,19}$/.test(v.k)) return { after: BigInt(v.k) };
  }
  throw new SearchQueryError('cursor is not one this search gave (with this sort)');
}

function toHit(r: HitRow): SearchHit {
  const isTitle = r.seg === null;
  return {
    audioId: r.audio_id,
    title: r.title,
    createdAt: Number(r.created_at),
    segment: isTitle ? null : Number(r.seg),
    speaker: isTitle ? null : r.speaker,
    startMs: r.start_ms === null ? 0 : Number(r.start_ms),
    endMs: r.end_ms === null ? 0 : Number(r.end_ms),
    snippet: markedSnippet(r.snip),
  };
}
