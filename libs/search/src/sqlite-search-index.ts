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
  normaliseWord,
  parseSearchText,
  RELEVANCE_WINDOW,
  relevanceScores,
  snippetOf,
} from './search-text';

/**
 * Row ids say where a row sorts: (upload second << 30 | slot << 22 | 2^22 - 1 - place). A
 * recording's `key` is its upload second and a slot (256 recordings per second, then the next
 * seconds'), so ORDER BY rowid DESC is newest first and FTS5 walks its postings in that order,
 * stopping at the page's end: no sort of every match. Within a recording the title row (place
 * 0) comes first, then the segments in transcript order. A recording holds 2^22 - 1 segments
 * (4 million turns, thousands of hours of speech); segments past that are not indexed.
 */
const PLACE_BITS = 22n;
const SLOT_BITS = 8n;
const PLACES = 1n << PLACE_BITS;
const TITLE_PLACE = 0n;
export const MAX_SEGMENTS = Number(PLACES) - 2;

const rowidOf = (key: bigint, place: bigint) => (key << PLACE_BITS) | (PLACES - 1n - place);
const secondKey = (createdAt: number) => BigInt(Math.max(0, Math.floor(createdAt / 1000))) << SLOT_BITS;

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
  body: string;
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
      CREATE INDEX IF NOT EXISTS search_recordings_user_created ON search_recordings (user_id, created_at);
      CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        body, seg UNINDEXED, speaker UNINDEXED, start_ms UNINDEXED, end_ms UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
    // Teams (issue #15): a database from before them gets the column, every row of no team, as
    // the read model has them (a recording uploaded before teams belongs to none).
    const columns = this.database.db.prepare('PRAGMA table_info(search_recordings)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'team_ids')) {
      this.database.db.exec(`ALTER TABLE search_recordings ADD COLUMN team_ids TEXT NOT NULL DEFAULT '||'`);
    }
  }

  /** The caller's scope (inScope) as SQL over the recordings table `r`. */
  private scope(q: SearchQuery, params: (string | number | bigint)[]): string {
    if (q.everyone) return '1';
    params.push(q.userId);
    const teams = q.teamIds ?? [];
    if (!teams.length) return 'r.user_id = ?';
    params.push(...teams);
    return `(r.user_id = ? OR ${teams.map(() => `instr(r.team_ids, '|' || ? || '|') > 0`).join(' OR ')})`;
  }

  async putRecording(r: SearchRecording): Promise<void> {
    this.write(() => {
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
        teamsColumn(r.teamIds ?? []),
      ];
      const old = this.recordingRow(r.audioId);
      if (old) {
        this.stmt(
          `UPDATE search_recordings SET user_id = ?, created_at = ?, title = ?, title_text = ?, tags = ?,
             agent = ?, call_type = ?, status = ?, issue_types = ?, team_ids = ? WHERE key = ?`,
        ).run(...cols, old.key);
        if (old.title_text === titleText) return;
        this.stmt('DELETE FROM search_fts WHERE rowid = ?').run(rowidOf(old.key, TITLE_PLACE));
        this.insertRow(rowidOf(old.key, TITLE_PLACE), titleText, null);
        return;
      }
      const key = this.freeKey(r.createdAt);
      this.stmt(
        `INSERT INTO search_recordings (key, audio_id, user_id, created_at, title, title_text, tags, agent,
           call_type, status, issue_types, team_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(key, r.audioId, ...cols);
      this.insertRow(rowidOf(key, TITLE_PLACE), titleText, null);
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
        for (const s of rows) this.insertRow(rowidOf(rec.key, BigInt(s.index + 1)), s.text, s);
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

  async indexed(audioId: string): Promise<'none' | 'recording' | 'transcript'> {
    const rec = this.recordingRow(audioId);
    if (!rec) return 'none';
    const row = this.stmt('SELECT rowid FROM search_fts WHERE rowid >= ? AND rowid < ? LIMIT 1').get(
      rec.key << PLACE_BITS,
      rowidOf(rec.key, TITLE_PLACE),
    );
    return row ? 'transcript' : 'recording';
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    const clauses = parseSearchText(q.text);
    const match = `body : (${clauses
      .map((c) => (c.length === 1 ? quote(c[0] as string) : quote(c.join(' '))))
      .join(' AND ')})`;
    const params: (string | number | bigint)[] = [match];
    const where = ['search_fts MATCH ?', this.scope(q, params)];
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
    // The date range as the rowids FTS5 walks: from the smallest key of a recording in it to the
    // largest (both found through the created_at index), then the exact times.
    if (q.from !== undefined || q.to !== undefined) {
      const scoped: (string | number | bigint)[] = [];
      const scope = this.scope(q, scoped);
      const range = this.stmt(
        `SELECT min(key) AS lo, max(key) AS hi FROM search_recordings r WHERE ${scope} AND created_at >= ? AND created_at <= ?`,
        true,
      ).get(...scoped, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER) as { lo: bigint | null; hi: bigint | null };
      if (range.lo === null || range.hi === null) return { hits: [], nextCursor: null };
      where.push('f.rowid >= ?', 'f.rowid < ?', 'r.created_at >= ?', 'r.created_at <= ?');
      params.push(range.lo << PLACE_BITS, (range.hi + 1n) << PLACE_BITS, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER);
    }
    const cursor = q.cursor ? readCursor(q.cursor, q.sort) : null;
    if (q.sort !== 'relevance' && cursor?.after !== undefined) {
      where.push(q.sort === 'newest' ? 'f.rowid < ?' : 'f.rowid > ?');
      params.push(cursor.after);
    }
    // Relevance ranks the newest RELEVANCE_WINDOW matches: FTS5's own bm25() and snippet() cost
    // tens of microseconds a match, and a frequent word matches most of 100,000 recordings.
    params.push(q.sort === 'relevance' ? RELEVANCE_WINDOW : q.limit + 1);
    // CROSS JOIN keeps FTS5 the outer loop: its postings, in rowid order, drive the query and
    // stop at the LIMIT (no sort of every match). Relevance reads the window's text only, then the
    // page's other columns by rowid.
    const columns =
      q.sort === 'relevance'
        ? 'f.rowid AS rid, f.body'
        : 'f.rowid AS rid, f.body, f.seg, f.speaker, f.start_ms, f.end_ms, r.audio_id, r.title, r.created_at';
    const sql = `SELECT ${columns}
      FROM search_fts f CROSS JOIN search_recordings r ON r.key = (f.rowid >> ${PLACE_BITS})
      WHERE ${where.join(' AND ')} ORDER BY f.rowid ${q.sort === 'oldest' ? 'ASC' : 'DESC'} LIMIT ?`;
    let rows = this.stmt(sql, true).all(...params) as HitRow[];
    const terms = clauses.flat();
    let nextCursor: string | null = null;
    if (q.sort === 'relevance') {
      const scores = relevanceScores(
        rows.map((r) => r.body),
        terms,
      );
      const offset = cursor?.offset ?? 0;
      const ranked = rows.map((r, i) => ({ r, score: scores[i] ?? 0 })).sort((a, b) => b.score - a.score);
      const byRowid = this.stmt(
        `SELECT f.rowid AS rid, f.body, f.seg, f.speaker, f.start_ms, f.end_ms, r.audio_id, r.title, r.created_at
          FROM search_fts f CROSS JOIN search_recordings r ON r.key = (f.rowid >> ${PLACE_BITS}) WHERE f.rowid = ?`,
        true,
      );
      rows = ranked
        .slice(offset, offset + q.limit)
        .map((x) => byRowid.get(x.r.rid) as HitRow | undefined)
        .filter((r): r is HitRow => r !== undefined);
      if (ranked.length > offset + q.limit) nextCursor = encodeSearchCursor({ s: q.sort, o: offset + q.limit });
    } else {
      const last = rows[q.limit - 1];
      if (rows.length > q.limit && last) nextCursor = encodeSearchCursor({ s: q.sort, k: last.rid.toString() });
      rows = rows.slice(0, q.limit);
    }
    const marked = new Set(terms);
    return { hits: rows.map((r) => toHit(r, snippetOf(r.body, marked))), nextCursor };
  }

  // --- internals ---------------------------------------------------------------------------

  /** A write: part of the running unit of work (committed with it), or committed at once. */
  private write(step: () => void): void {
    const unit = this.database.current();
    if (unit) unit.addStep(step);
    else this.database.autocommit((u) => u.addStep(step));
  }

  private insertRow(rowid: bigint, body: string, s: SearchSegment | null): void {
    this.stmt('INSERT INTO search_fts (rowid, body, seg, speaker, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
      rowid,
      body,
      s?.index ?? null,
      s?.speaker ?? null,
      s?.startMs ?? null,
      s?.endMs ?? null,
    );
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

  /** The first free slot of the upload's second (then of the seconds after it). */
  private freeKey(createdAt: number): bigint {
    for (let base = secondKey(createdAt); ; base += 1n << SLOT_BITS) {
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
/** Team ids as `|red|blue|`, kept as they are (ids, not words). */
function teamsColumn(values: string[]): string {
  return `|${values.map((v) => v.replaceAll('|', ' ')).join('|')}|`;
}

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

function toHit(r: HitRow, snippet: string): SearchHit {
  const isTitle = r.seg === null;
  return {
    audioId: r.audio_id,
    title: r.title,
    createdAt: Number(r.created_at),
    segment: isTitle ? null : Number(r.seg),
    speaker: isTitle ? null : r.speaker,
    startMs: r.start_ms === null ? 0 : Number(r.start_ms),
    endMs: r.end_ms === null ? 0 : Number(r.end_ms),
    snippet,
  };
}
