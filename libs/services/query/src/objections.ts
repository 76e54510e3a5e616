import {
  callObjections,
  OBJECTION_ISSUE_TYPES,
  type AnalysisResult,
  type CallObjection,
  type IssueType,
} from '@speech/analysis';
import type { Collection, DocumentStore } from '@speech/persistence';
import { decodeSearchCursor, encodeSearchCursor, SearchQueryError } from '@speech/search';
import { getJson, type ObjectStore } from '@speech/storage';
import { scoped, titleOf, type ReadModel, type Reader } from './read-model';

/**
 * The objection library (issue #15): every sales objection of a type across the recordings a
 * viewer may read, playable. The query service keeps one document per objection of each
 * recording's latest analysis (collection `objections`), written when analysis.completed is
 * applied (the analysis JSON is read then, once, never per request):
 *
 * - **Latest only:** the entries carry the analysisId they came from; a re-analysis writes the
 *   new analysis's entries and removes the older ones of that recording.
 * - **At least once:** an entry's id is (recording, analysis, index in the analysis), written
 *   whole, so a redelivery writes the same documents; one already in step is not read again.
 * - **Scope:** each entry holds the recording's owner and teams, so the read rule every other
 *   read applies (readScope, through `scoped`) is a filter on the indexed collection.
 * - **Deletion:** audio.deleted removes the recording's entries (removeRecording).
 */
export interface ObjectionDoc extends CallObjection {
  _id: string;
  audioId: string;
  analysisId: string;
  userId: string | null;
  teamIds: string[];
  /** Newest recording first, then by time in it: the page order, and the cursor. */
  order: string;
}

export interface ObjectionView extends CallObjection {
  audioId: string;
  analysisId: string;
  title: string;
  filename: string;
  recordedAt: number;
  /** The recording's audio at the objection (a media fragment: a player plays that span). */
  audioUrl: string;
}

export interface ObjectionPage {
  type: IssueType;
  items: ObjectionView[];
  nextCursor: string | null;
}

export interface ObjectionTypeCount {
  type: IssueType;
  count: number;
}

export const OBJECTIONS = 'objections';
const MAX_TIME = 9_999_999_999_999;
const OBJECTION_TYPE_SET = new Set<string>(OBJECTION_ISSUE_TYPES);

/** A query the library cannot answer (an unknown type, a cursor of another query): a 400. */
export class ObjectionQueryError extends Error {}

export function isObjectionType(t: unknown): t is IssueType {
  return typeof t === 'string' && OBJECTION_TYPE_SET.has(t);
}

export function objectionIdOf(audioId: string, analysisId: string, index: number): string {
  return `${audioId}:${analysisId}:${index}`;
}

/** The page order: newest recording first (by upload), then by time in the call. */
export function objectionOrder(createdAt: number, audioId: string, startMs: number, index: number): string {
  const recent = String(MAX_TIME - createdAt).padStart(13, '0');
  return `${recent}|${audioId}|${String(startMs).padStart(12, '0')}|${String(index).padStart(6, '0')}`;
}

export const mediaFragment = (startMs: number, endMs: number) =>
  `#t=${(startMs / 1000).toFixed(3)},${(Math.max(endMs, startMs) / 1000).toFixed(3)}`;

export class Objections {
  readonly entries: Collection<ObjectionDoc>;
  private readonly synced: Collection<SyncedDoc>;

  constructor(private readonly deps: { docs: DocumentStore; store: ObjectStore; model: ReadModel }) {
    this.entries = deps.docs.collection<ObjectionDoc>(OBJECTIONS);
    this.synced = deps.docs.collection<SyncedDoc>(SYNCED);
  }

  async init(): Promise<void> {
    // An admin's page of a type; an owner's; a manager's teams' (multikey on MongoDB).
    await this.entries.ensureIndex({ type: 1, order: 1 });
    await this.entries.ensureIndex({ userId: 1, type: 1, order: 1 });
    await this.entries.ensureIndex({ teamIds: 1, type: 1, order: 1 });
    // A re-analysis or a deletion: the recording's entries.
    await this.entries.ensureIndex({ audioId: 1, analysisId: 1 });
  }

  /**
   * After the read model applied analysis.completed (or the upload, which brings the owner and
   * teams): the recording's entries follow its latest analysis.
   */
  async sync(audioId: string): Promise<void> {
    const doc = await this.deps.model.docById(audioId);
    const analysisId = doc?.latestAnalysisId;
    if (!doc || !analysisId || !doc.analysisKey) return;
    const userId = doc.userId;
    const teamIds = doc.teamIds ?? [];
    const stamp = { _id: audioId, analysisId, userId, teamIds: teamIds.join(','), createdAt: doc.createdAt };
    const synced = await this.synced.get(audioId);
    const inStep =
      synced?.analysisId === analysisId &&
      synced.userId === userId &&
      synced.teamIds === stamp.teamIds &&
      synced.createdAt === stamp.createdAt;
    if (inStep) return; // a redelivery: the entries are those of this analysis already
    const analysis = await getJson<AnalysisResult>(this.deps.store, doc.analysisKey);
    const found = callObjections(analysis);
    for (const [i, o] of found.entries()) {
      await this.entries.replace({
        ...o,
        _id: objectionIdOf(audioId, analysisId, i),
        audioId,
        analysisId,
        userId,
        teamIds,
        order: objectionOrder(doc.createdAt, audioId, o.startMs, i),
      });
    }
    await this.entries.delete({ audioId, analysisId: { $ne: analysisId } });
    // Entries past the end of this analysis's list (none unless the stored JSON changed).
    const ids = found.map((_, i) => objectionIdOf(audioId, analysisId, i));
    await this.entries.delete({ audioId, analysisId, _id: { $nin: ids } });
    await this.synced.replace(stamp);
  }

  /** audio.deleted (or a late event that raced it): the recording's entries go. */
  async removeRecording(audioId: string): Promise<void> {
    await this.entries.delete({ audioId });
    await this.synced.delete({ _id: audioId });
  }

  /** How many objections of each type the reader may read (every objection type, 0 included). */
  async counts(reader: Reader): Promise<ObjectionTypeCount[]> {
    const out: ObjectionTypeCount[] = [];
    for (const type of OBJECTION_ISSUE_TYPES)
      out.push({ type, count: await this.entries.count(scoped(reader, { type })) });
    return out;
  }

  /** One page of the objections of `type` the reader may read, newest recording first. */
  async page(reader: Reader, type: IssueType, opts: { limit: number; cursor?: string }): Promise<ObjectionPage> {
    if (!isObjectionType(type)) throw new ObjectionQueryError(`${JSON.stringify(type)} is not an objection type`);
    let after: string | null = null;
    if (opts.cursor !== undefined) {
      const v = cursorOf(opts.cursor);
      if (!v || v.k !== 'objections' || v.t !== type || typeof v.o !== 'string')
        throw new ObjectionQueryError('cursor must be the nextCursor of a previous page of this type');
      after = v.o;
    }
    const rows = await this.entries.find(scoped(reader, { type, ...(after ? { order: { $gt: after } } : {}) }), {
      sort: { order: 1 },
      limit: opts.limit + 1,
    });
    const page = rows.slice(0, opts.limit);
    const recordings = await this.deps.model.docsByIds([...new Set(page.map((r) => r.audioId))]);
    const items: ObjectionView[] = [];
    for (const r of page) {
      const doc = recordings.get(r.audioId);
      if (!doc) continue; // deleted meanwhile: its entries are on their way out
      items.push({
        audioId: r.audioId,
        analysisId: r.analysisId,
        title: titleOf(doc),
        filename: doc.filename,
        recordedAt: doc.createdAt,
        type: r.type,
        quote: r.quote,
        speaker: r.speaker,
        startMs: r.startMs,
        endMs: r.endMs,
        handled: r.handled,
        audioUrl: `/audios/${encodeURIComponent(r.audioId)}/audio${mediaFragment(r.startMs, r.endMs)}`,
      });
    }
    const last = page.at(-1);
    return {
      type,
      items,
      nextCursor:
        rows.length > opts.limit && last ? encodeSearchCursor({ k: 'objections', t: type, o: last.order }) : null,
    };
  }
}

/**
 * What each recording's entries were last written from (collection `objections_synced`): a
 * redelivery finds it in step and reads nothing.
 */
interface SyncedDoc {
  _id: string; // audioId
  analysisId: string;
  userId: string | null;
  teamIds: string;
  createdAt: number;
}
const SYNCED = 'objections_synced';

/** A cursor's contents, or null for one that is no cursor at all. */
function cursorOf(cursor: string): { k?: unknown; t?: unknown; o?: unknown } | null {
  try {
    return decodeSearchCursor(cursor) as { k?: unknown; t?: unknown; o?: unknown } | null;
  } catch (err) {
    if (err instanceof SearchQueryError) return null;
    throw err;
  }
}
