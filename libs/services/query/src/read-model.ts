import { EventEmitter } from 'node:events';
import {
  audioIdOfKey,
  canAnalyze,
  canCancelTranscription,
  canTranscribe,
  NO_DETAILS,
  type RecordingDetails,
  deriveState,
  type AnalysisHeadline,
  type AnalysisVersion,
  type AnalysisVersionPage,
  type AnyEvent,
  type CorrectionsView,
  NO_CORRECTIONS,
  NO_HEADLINE,
  type TranscriptCorrections,
  type EventOf,
  type Failure,
  type RecordingFacts,
  type RecordingReader,
  type RecordingView,
} from '@speech/contracts';
import type { DeadLetter } from '@speech/messaging';
import {
  immediateTransactor,
  type Collection,
  type DocumentStore,
  type Filter,
  type Transactor,
  type Update,
} from '@speech/persistence';
import { canRead, readScope, type Viewer } from '@speech/platform';
import { msPerChunk, queuePlace, type Queued } from './queue-estimate';

/** Who reads: a viewer from the token, or a bare user id (the owner's own recordings only). */
export type Reader = Viewer | string;
const viewerOf = (r: Reader): Viewer => (typeof r === 'string' ? { id: r, role: 'agent', teams: [] } : r);

/**
 * `filter` within the reader's scope. Both may hold an `$or` (a manager's scope, a cursor): the
 * store has no `$and`, so the two are multiplied out.
 */
export function scoped(reader: Reader, filter: Filter): Filter {
  const scope: Filter = readScope(viewerOf(reader));
  const { $or: scopeOr, ...scopeRest } = scope;
  const { $or: filterOr, ...filterRest } = filter;
  const base: Filter = { ...filterRest, ...scopeRest };
  if (!scopeOr) return filterOr ? { ...base, $or: filterOr } : base;
  if (!filterOr) return { ...base, $or: scopeOr };
  return { ...base, $or: scopeOr.flatMap((a) => filterOr.map((b) => ({ ...a, ...b }))) };
}

/** One recording in the read model: the facts learnt from events, and what follows from them. */
export interface RecordingDoc extends RecordingFacts {
  _id: string; // audioId
  rev: number;
  userId: string | null;
  /** The uploader's teams at upload (audio.uploaded v3): a manager of one of them may read it. */
  teamIds?: string[];
  filename: string;
  contentType: string;
  sizeBytes: number;
  createdAt: number;
  updatedAt: number;
  lastProgressAt: number;
  metadata: Record<string, unknown> | null;
  durationMs: number | null;
  /** From the upload (ffprobe); durationMs is the chunker's exact figure. */
  estimatedDurationMs: number | null;
  channels: number | null;
  /** Sum of the chunks' lengths so far, over every channel. */
  chunkedMs: number;
  wordCount: number | null;
  transcriptKey: string | null;
  analysisKey: string | null;
  latestAnalysisId: string | null;
  /** From the newest analysis (analysis.completed v2): what search filters by. */
  callType?: string | null;
  issueTypes?: string[];
  status: RecordingView['status'];
  failure: Failure | null;
  progress: RecordingView['progress'];
  /** The gateway's details, at the highest revision seen (audio.details.changed). */
  details?: (RecordingDetails & { revision: number }) | null;
  /**
   * The same user's earlier recording of the same bytes, as the gateway found it at upload
   * (audio.uploaded v2). Shown only while that recording is in the read model (resolved at read
   * time, see firstCopies), so a deleted first copy is never linked to, in whatever order the
   * deletion and this upload's event arrive; and cleared when that recording is deleted.
   */
  duplicateOf?: string | null;
  /** The owner's transcript corrections, at the highest revision seen (transcript.corrected). */
  corrections?: TranscriptCorrections | null;
}

/**
 * One revision of a recording's transcript corrections (collection `dashboard_corrections`, one
 * document per audioId and revision, indexed by audioId): what the versions list shows.
 */
export interface CorrectionVersionDoc {
  _id: string; // `${audioId}:${revision}`
  audioId: string;
  revision: number;
  changedAt: number;
  changes: string[];
}

interface ChunkFact {
  _id: string; // `${kind}:${chunkId}`
  audioId: string;
  kind: 'created' | 'transcribed';
  /** Length of the chunk (created facts). */
  ms?: number;
  /** When it was transcribed (transcribed facts): the measured speed of the platform. */
  at?: number;
}

/**
 * One finished analysis of a recording (collection `dashboard_analyses`, one document per
 * analysisId, indexed by audioId): the query service's own record of what analysis.completed
 * said, so the versions are listed without reading the analyzer's collection, and a recording
 * analysed many times grows the collection, never one document.
 */
export interface AnalysisVersionDoc extends AnalysisHeadline {
  _id: string; // analysisId
  audioId: string;
  analysisKey: string;
  /** The earliest announcement seen (a redelivered request announces it again, later). */
  completedAt: number;
  /** The issue types it found (search filters on the latest analysis's). */
  issueTypes?: string[];
}

/** One analysis of a recording and where it is stored. */
export interface StoredAnalysis {
  version: AnalysisVersion;
  analysisKey: string;
}

/** What every transcribing recording's queue place is computed from, read once per request. */
export interface QueueSnapshot {
  queued: Queued[];
  perChunkMs: number | null;
  /** How long a transcribing recording may go without progress before it counts as stalled. */
  stallMs: number;
}

/** Recent completions the speed is measured over. */
const SPEED_SAMPLE = 21;

const EMPTY: Omit<RecordingDoc, '_id'> = {
  rev: 0,
  userId: null,
  filename: '',
  contentType: '',
  sizeBytes: 0,
  createdAt: 0,
  updatedAt: 0,
  lastProgressAt: 0,
  metadata: null,
  durationMs: null,
  estimatedDurationMs: null,
  channels: null,
  chunkedMs: 0,
  wordCount: null,
  transcriptKey: null,
  analysisKey: null,
  latestAnalysisId: null,
  chunksCreated: 0,
  chunksTranscribed: 0,
  failedChunks: [],
  status: 'uploading',
  failure: null,
  progress: null,
};

export interface Page {
  items: RecordingView[];
  nextCursor: string | null;
}

/**
 * A transcription with no progress for this long (counted from its request, from the moment its
 * chunks exist, or from its latest transcribed chunk) is stalled and may be resumed, plus one
 * round of the queue: the workers serve every queued recording a chunk in turn, so a call that is
 * merely waiting behind others is not offered Resume (see stallAllowance).
 */
export const STALL_MS = 10 * 60_000;

/**
 * The stall allowance while `waiting` recordings share the queue at `perChunkMs` each: STALL_MS
 * plus the time a round-robin round takes, so one waiting its turn never looks stalled.
 */
export function stallAllowance(waiting: number, perChunkMs: number | null): number {
  return STALL_MS + Math.max(0, waiting) * (perChunkMs ?? 0);
}

/**
 * The dashboard read model. Every event only adds facts with atomic operators ($set of its
 * own fields, $max, set inserts), so events may come twice or in any order across topics;
 * the status is then derived from the facts and written under a revision check.
 */
export class ReadModel implements RecordingReader {
  /**
   * `change` (ownerId, view, teamIds) and `deleted` (ownerId, audioId, teamIds), once committed:
   * the SSE route tells each connection whose viewer may read the recording (canRead).
   */
  readonly changes = new EventEmitter();
  private readonly docs: Collection<RecordingDoc>;
  private readonly chunkFacts: Collection<ChunkFact>;
  private readonly analyses: Collection<AnalysisVersionDoc>;
  private readonly correctionVersions: Collection<CorrectionVersionDoc>;

  constructor(
    store: DocumentStore,
    private readonly now: () => number = Date.now,
    /** Live updates go out once the change has committed, never for one that rolls back. */
    private readonly tx: Transactor = immediateTransactor,
  ) {
    this.docs = store.collection<RecordingDoc>('dashboard');
    this.chunkFacts = store.collection<ChunkFact>('dashboard_chunks');
    this.analyses = store.collection<AnalysisVersionDoc>('dashboard_analyses');
    this.correctionVersions = store.collection<CorrectionVersionDoc>('dashboard_corrections');
    this.changes.setMaxListeners(0);
  }

  async init(): Promise<void> {
    await this.docs.ensureIndex({ userId: 1 });
    // GET /all: one user's recordings, newest first, by cursor. MongoDB serves it from this
    // index; the embedded store filters by userId and sorts in memory.
    await this.docs.ensureIndex({ userId: 1, createdAt: -1, _id: -1 });
    // A manager's GET /all: the recordings of their teams (a multikey index on MongoDB). SQLite
    // cannot index an array's elements: it walks the recordings newest first (this index) and
    // stops at the page, as it does for an admin's list of everyone's.
    await this.docs.ensureIndex({ teamIds: 1, createdAt: -1, _id: -1 });
    await this.docs.ensureIndex({ createdAt: -1, _id: -1 });
    await this.chunkFacts.ensureIndex({ audioId: 1 });
    // The queue estimate: the recordings being transcribed, and the latest chunk completions.
    await this.docs.ensureIndex({ status: 1 });
    await this.chunkFacts.ensureIndex({ kind: 1, at: -1 });
    // GET /audios/:id/analyses: one recording's versions, newest first (and a deletion by audioId).
    await this.analyses.ensureIndex({ audioId: 1, completedAt: -1, _id: -1 });
    // A deleted recording's re-uploads: their rows are shown again without the link.
    await this.docs.ensureIndex({ duplicateOf: 1 });
    // GET /audios/:id/transcript/corrections: one recording's revisions (and a deletion by audioId).
    await this.correctionVersions.ensureIndex({ audioId: 1, revision: -1 });
  }

  /** One lifecycle event (work-queue topics are not lifecycle facts: query does not subscribe to them). */
  async apply(e: AnyEvent): Promise<void> {
    const at = e.occurredAt;
    const set = (fields: Record<string, unknown>, extra: Update = {}) =>
      this.patch(e.audioId, { ...extra, $set: fields });
    switch (e.type) {
      case 'audio.uploaded': {
        const p = e.payload;
        let metadata: Record<string, unknown> | null;
        try {
          metadata = p.metadataJson ? (JSON.parse(p.metadataJson) as Record<string, unknown>) : null;
        } catch {
          metadata = null;
        }
        await set({
          userId: p.userId,
          teamIds: [...new Set(p.teamIds ?? [])].sort(),
          filename: p.filename,
          contentType: p.contentType,
          sizeBytes: p.sizeBytes,
          createdAt: at,
          uploadedAt: at,
          metadata,
          estimatedDurationMs: p.durationMs,
          channels: p.channels,
          duplicateOf: p.duplicateOf ?? null,
        });
        break;
      }
      case 'chunk.created': {
        const p = e.payload;
        await this.countChunk(e.audioId, p.chunkId, 'created', 'chunksCreated', p.endMs - p.startMs);
        break;
      }
      case 'audio.chunked': {
        const p = e.payload;
        // The chunks exist from now: nothing could be transcribed before, so a transcription
        // requested at upload starts its stall clock here, not during a long chunking.
        await set({ chunkCount: p.chunkCount, durationMs: p.durationMs }, { $max: { lastProgressAt: at } });
        break;
      }
      case 'audio.chunking.failed': {
        const p = e.payload;
        await set({ chunkingFailed: { code: p.code, reason: p.reason, at } });
        break;
      }
      case 'transcription.requested':
        await this.patch(e.audioId, { $max: { transcriptionRequestedAt: at, lastProgressAt: at } });
        break;
      case 'transcription.cancelled':
        // The request it cancels, by that request's time: a later request supersedes it (recording-status.ts).
        await this.patch(e.audioId, {
          $max: { transcriptionCancelledFor: e.payload.requestedAt, transcriptionCancelledAt: at },
        });
        break;
      case 'chunk.transcribed': {
        const p = e.payload;
        await this.patch(e.audioId, { $max: { lastProgressAt: at }, $pull: { failedChunks: p.chunkId } });
        await this.countChunk(e.audioId, p.chunkId, 'transcribed', 'chunksTranscribed', undefined, at);
        break;
      }
      case 'chunk.transcription.failed':
        await this.patch(e.audioId, {
          $addToSet: { failedChunks: e.payload.chunkId },
        });
        break;
      case 'transcript.completed': {
        const p = e.payload;
        await this.patch(e.audioId, {
          $set: { transcriptKey: p.transcriptKey, wordCount: p.wordCount, durationMs: p.durationMs },
          $min: { transcriptCompletedAt: at },
        });
        break;
      }
      case 'analysis.requested':
        await this.patch(e.audioId, { $max: { analysisRequestedAt: at } });
        break;
      case 'analysis.completed':
        await this.addAnalysis(e);
        break;
      case 'transcription.failed':
      case 'analysis.failed': {
        // The latest failure of each stage is shown.
        const { code, reason } = e.payload;
        const field = e.type === 'analysis.failed' ? 'analysisFailed' : 'transcriptionFailed';
        await this.keepNewest(e.audioId, field, 'at', { code, reason, at });
        break;
      }
      case 'audio.details.changed': {
        // The gateway's record is the truth; its revision orders edits that arrive out of order.
        const { revision, title, tags, agent, customer, notes } = e.payload;
        await this.keepNewest(e.audioId, 'details', 'revision', { revision, title, tags, agent, customer, notes });
        break;
      }
      case 'transcript.corrected': {
        const p = e.payload;
        // Every revision is listed (a set insert: a redelivery adds nothing); the recording shows
        // the highest, whatever order they arrive in.
        await this.correctionVersions.insert({
          _id: `${e.audioId}:${p.revision}`,
          audioId: e.audioId,
          revision: p.revision,
          changedAt: e.occurredAt,
          changes: p.changes,
        });
        const { revision, speakers, swapChannels, segments } = p;
        await this.keepNewest(e.audioId, 'corrections', 'revision', { revision, speakers, swapChannels, segments });
        break;
      }
      case 'audio.deleted':
        await this.remove(e.audioId, e.payload.userId);
        return;
      case 'chunk.range.requested':
      case 'stt.chunk.requested':
        return; // work items, not facts about the recording
      case 'recording.changed':
        return; // this model's own notification to live clients
      case 'tracker.changed':
        return; // not a fact of a recording: the trackers (trackers.ts) follow it
      default: {
        const unhandled: never = e; // a new topic must be handled here: the compiler says so
        return unhandled;
      }
    }
    await this.refresh(e.audioId);
  }

  /** A dead letter about a recording (work queues are keyed by chunk or range ids that start with the audioId). */
  async applyDeadLetter(dl: DeadLetter, at = this.now()): Promise<void> {
    const audioId = audioIdOfKey(dl.topic, dl.key);
    if (!audioId) return;
    const reason = `a ${dl.topic} message could not be processed: ${dl.headers['dlq-error'] ?? 'unknown error'}`;
    await this.patch(audioId, {
      $set: { deadLettered: { code: dl.headers['dlq-error-code'] ?? 'MESSAGING.DEAD_LETTER', reason, at } },
    });
    await this.refresh(audioId);
  }

  /**
   * A deleted recording leaves the read model: its row and its chunk facts. Live clients are
   * told (`deleted`, userId, audioId) once the removal has committed.
   */
  async remove(audioId: string, userId?: string): Promise<void> {
    const before = await this.docs.get(audioId);
    const owner = userId ?? before?.userId ?? null;
    const teamIds = before?.teamIds ?? [];
    await this.docs.delete({ _id: audioId });
    await this.chunkFacts.delete({ audioId });
    await this.analyses.delete({ audioId });
    await this.correctionVersions.delete({ audioId });
    if (owner) this.tx.afterCommit(() => this.changes.emit('deleted', owner, audioId, teamIds));
    // Its re-uploads no longer link to it (nothing keeps a deleted recording's id): live clients
    // get their rows again, without the link.
    const copies = await this.docs.find({ duplicateOf: audioId });
    if (!copies.length) return;
    await this.docs.updateMany(
      { duplicateOf: audioId },
      { $set: { duplicateOf: null, updatedAt: this.now() }, $inc: { rev: 1 } },
    );
    for (const copy of copies) {
      const view = this.view({ ...copy, duplicateOf: null });
      if (copy.userId) this.tx.afterCommit(() => this.changes.emit('change', copy.userId, view, copy.teamIds ?? []));
    }
  }

  async get(reader: Reader, audioId: string): Promise<RecordingView | null> {
    const doc = await this.doc(reader, audioId);
    if (!doc) return null;
    return this.view(
      doc,
      doc.status === 'transcribing' ? await this.queueSnapshot() : null,
      await this.firstCopies([doc]),
    );
  }

  /**
   * The first copies these recordings are re-uploads of, by audioId: one look-up for a page.
   * A first copy deleted (gone from the read model) or not yet seen is absent, so not linked.
   */
  async firstCopies(docs: RecordingDoc[]): Promise<Map<string, RecordingDoc>> {
    return this.docsByIds([...new Set(docs.map((d) => d.duplicateOf).filter((id): id is string => Boolean(id)))]);
  }

  /** Recordings by id, whoever owns them: for the read model's own consumers (a page's titles). */
  async docsByIds(ids: string[]): Promise<Map<string, RecordingDoc>> {
    if (!ids.length) return new Map();
    const found = await this.docs.find({ _id: { $in: ids } });
    return new Map(found.map((f) => [f._id, f]));
  }

  /** The document whoever owns it: for the read model's own consumers (the search indexer), never a route. */
  async docById(audioId: string): Promise<RecordingDoc | null> {
    return this.docs.get(audioId);
  }

  /** Every recording, in pages of `size` by id: for the read model's own consumers (the search backfill). */
  async *allDocs(size = 200): AsyncGenerator<RecordingDoc> {
    let after = '';
    for (;;) {
      const page = await this.docs.find({ _id: { $gt: after } }, { sort: { _id: 1 }, limit: size });
      yield* page;
      const last = page.at(-1);
      if (page.length < size || !last) return;
      after = last._id;
    }
  }

  /**
   * The user's recordings oldest first, `limit` after (createdAt, id): the pages a tracker's job
   * walks (the (userId, createdAt, _id) index serves it).
   */
  async userDocsAfter(
    userId: string,
    after: { createdAt: number; id: string } | null,
    limit: number,
  ): Promise<RecordingDoc[]> {
    const filter: Filter = after
      ? {
          userId,
          $or: [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, _id: { $gt: after.id } }],
        }
      : { userId };
    return this.docs.find(filter, { sort: { createdAt: 1, _id: 1 }, limit });
  }

  async countOf(userId: string): Promise<number> {
    return this.docs.count({ userId });
  }

  /** The recording if the reader may read it (canRead): null for one outside their scope, as for none. */
  async doc(reader: Reader, audioId: string): Promise<RecordingDoc | null> {
    const doc = await this.docs.get(audioId);
    return doc && canRead(viewerOf(reader), { ownerId: doc.userId, teamIds: doc.teamIds }) ? doc : null;
  }

  /** The recordings in the reader's scope, filtered: for the team view's aggregation. */
  async docsIn(reader: Reader, filter: Filter, limit: number): Promise<RecordingDoc[]> {
    return this.docs.find(scoped(reader, filter), { sort: { createdAt: -1, _id: -1 }, limit });
  }

  /** The user's recording's corrections and every revision of them, newest first (null: no such recording of theirs). */
  async corrections(reader: Reader, audioId: string): Promise<CorrectionsView | null> {
    const doc = await this.doc(reader, audioId);
    if (!doc) return null;
    const corrections = doc.corrections ?? NO_CORRECTIONS;
    const versions = await this.correctionVersions.find({ audioId }, { sort: { revision: -1 }, limit: 1000 });
    return {
      audioId,
      revision: corrections.revision,
      corrections,
      versions: versions.map((v) => ({ revision: v.revision, changedAt: v.changedAt, changes: v.changes })),
    };
  }

  /**
   * The user's recording's analyses, newest first (null: no such recording of theirs); the
   * cursor is the (completedAt, analysisId) of the last item. A recording analysed before
   * versions were kept lists its latest analysis from the recording's own facts.
   */
  async analysisVersions(
    reader: Reader,
    audioId: string,
    opts: { limit: number; cursor?: string },
  ): Promise<AnalysisVersionPage | null> {
    const doc = await this.doc(reader, audioId);
    if (!doc) return null;
    const after = opts.cursor ? decodeCursor(opts.cursor) : null;
    const filter: Filter = { audioId };
    if (after) filter.$or = [{ completedAt: { $lt: after[0] } }, { completedAt: after[0], _id: { $lt: after[1] } }];
    const stored = await this.analyses.find(filter, { sort: { completedAt: -1, _id: -1 }, limit: opts.limit + 1 });
    const found: StoredAnalysis[] = stored.map((v) => this.storedAnalysis(doc, v));
    const legacy = await this.legacyAnalysis(doc);
    const key = (a: StoredAnalysis): [number, string] => [a.version.completedAt ?? 0, a.version.analysisId];
    if (legacy && (!after || compareKeys(key(legacy), after) < 0)) found.push(legacy);
    found.sort((a, b) => compareKeys(key(b), key(a)));
    const page = found.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      items: page.map((a) => a.version),
      nextCursor: found.length > opts.limit && last ? encodeCursor(...key(last)) : null,
    };
  }

  /** One analysis of a recording (`doc`, from doc(): the user's own), or null if it has no such analysis. */
  async analysis(doc: RecordingDoc, analysisId: string): Promise<StoredAnalysis | null> {
    const v = await this.analyses.get(analysisId);
    if (v && v.audioId === doc._id) return this.storedAnalysis(doc, v);
    const legacy = await this.legacyAnalysis(doc);
    return legacy && legacy.version.analysisId === analysisId ? legacy : null;
  }

  /** Newest first; the cursor is the (createdAt, audioId) of the last item. */
  async list(reader: Reader, opts: { limit: number; cursor?: string; status?: string }): Promise<Page> {
    const filter: Filter = {};
    if (opts.status) filter.status = opts.status;
    if (opts.cursor) {
      const [createdAt, id] = decodeCursor(opts.cursor);
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const docs = await this.docs.find(scoped(reader, filter), {
      sort: { createdAt: -1, _id: -1 },
      limit: opts.limit + 1,
    });
    const page = docs.slice(0, opts.limit);
    const last = page.at(-1);
    const queue = page.some((d) => d.status === 'transcribing') ? await this.queueSnapshot() : null;
    const firsts = await this.firstCopies(page);
    return {
      items: page.map((d) => this.view(d, queue, firsts)),
      nextCursor: docs.length > opts.limit && last ? encodeCursor(last.createdAt, last._id) : null,
    };
  }

  /**
   * The recordings being transcribed (with progress within the stall allowance: a stalled one holds no
   * worker) and the platform's time per chunk, from the latest completions.
   */
  async queueSnapshot(): Promise<QueueSnapshot> {
    const now = this.now();
    const transcribing = await this.docs.find({ status: 'transcribing' });
    const recent = await this.chunkFacts.find(
      { kind: 'transcribed', at: { $gt: 0 } },
      { sort: { at: -1 }, limit: SPEED_SAMPLE },
    );
    const perChunkMs = msPerChunk(recent.map((f) => f.at ?? 0));
    const remaining = (d: RecordingDoc) =>
      Math.max(0, (d.chunkCount ?? 0) - d.chunksTranscribed - (d.failedChunks ?? []).length);
    const stallMs = stallAllowance(transcribing.filter((d) => remaining(d) > 0).length, perChunkMs);
    const queued = transcribing
      .filter((d) => now - d.lastProgressAt < stallMs)
      .map((d) => ({
        audioId: d._id,
        requestedAt: d.transcriptionRequestedAt ?? d.createdAt,
        remaining: remaining(d),
      }));
    return { queued, perChunkMs, stallMs };
  }

  /** `firsts`: from firstCopies; without it the recording is shown as no re-upload. */
  view(d: RecordingDoc, queue: QueueSnapshot | null = null, firsts?: Map<string, RecordingDoc>): RecordingView {
    const first = d.duplicateOf ? firsts?.get(d.duplicateOf) : undefined;
    // Only the owner's own recording is ever linked (the gateway looks at theirs only; checked again).
    const linked = first && first.userId !== null && first.userId === d.userId ? first : null;
    return {
      audioId: d._id,
      filename: d.filename,
      contentType: d.contentType,
      sizeBytes: d.sizeBytes,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      status: d.status,
      failure: d.failure,
      progress: d.progress,
      chunking: chunkingProgress(d),
      chunkCount: d.chunkCount ?? null,
      durationMs: d.durationMs ?? d.estimatedDurationMs ?? null,
      failedChunks: d.failedChunks ?? [],
      wordCount: d.wordCount,
      transcriptReady: d.transcriptCompletedAt !== undefined && d.transcriptCompletedAt !== null,
      analysisReady: Boolean(d.analysisKey),
      canTranscribe: canTranscribe(d, d.lastProgressAt, this.now(), queue?.stallMs ?? STALL_MS),
      canAnalyze: canAnalyze(d),
      canCancelTranscription: canCancelTranscription(d),
      metadata: d.metadata,
      details: d.details ? detailsOf(d.details) : NO_DETAILS,
      queue: d.status === 'transcribing' && queue ? queuePlace(d._id, queue.queued, queue.perChunkMs) : null,
      duplicateOf: linked ? linked._id : null,
      duplicateOfTitle: linked ? titleOf(linked) : null,
    };
  }

  /**
   * Records one finished analysis (a set insert keyed by analysisId: a redelivery changes
   * nothing but may lower its time to the first announcement), then shows the newest of them:
   * the one with the latest first announcement, whatever order they arrived in.
   */
  private async addAnalysis(e: EventOf<'analysis.completed'>): Promise<void> {
    const p = e.payload;
    // A recording analysed before versions were kept has its latest on the document only:
    // recorded first, so that it stays listed once a newer one is shown.
    const before = await this.docs.get(e.audioId);
    const legacy = before && (await this.legacyAnalysis(before));
    if (legacy) {
      const v = legacy.version;
      await this.analyses.insert({
        _id: v.analysisId,
        audioId: e.audioId,
        analysisKey: legacy.analysisKey,
        completedAt: v.completedAt ?? 0,
        ...NO_HEADLINE,
      });
    }
    await this.analyses.update(
      { _id: p.analysisId },
      {
        $set: {
          audioId: e.audioId,
          analysisKey: p.analysisKey,
          analyst: p.analyst,
          model: p.model,
          issueCount: p.issueCount,
          quizCount: p.quizCount,
          callType: p.callType,
          overallSentiment: p.overallSentiment,
          issueTypes: p.issueTypes ?? [],
        },
        $min: { completedAt: e.occurredAt },
      },
      { upsert: true },
    );
    const [newest] = await this.analyses.find({ audioId: e.audioId }, { sort: { completedAt: -1, _id: -1 }, limit: 1 });
    const doc = await this.patch(e.audioId, { $max: { analysisCompletedAt: e.occurredAt } });
    if (!newest || !doc || doc.latestAnalysisId === newest._id) return;
    // The newest finished analysis is the one shown, and the one search filters on.
    await this.patch(e.audioId, {
      $set: {
        analysisKey: newest.analysisKey,
        latestAnalysisId: newest._id,
        callType: newest.callType ?? null,
        issueTypes: newest.issueTypes ?? [],
      },
    });
  }

  private storedAnalysis(doc: RecordingDoc, v: AnalysisVersionDoc): StoredAnalysis {
    return {
      analysisKey: v.analysisKey,
      version: {
        analysisId: v._id,
        completedAt: v.completedAt,
        analyst: v.analyst,
        model: v.model,
        issueCount: v.issueCount,
        quizCount: v.quizCount,
        callType: v.callType,
        overallSentiment: v.overallSentiment,
        latest: v._id === doc.latestAnalysisId,
        path: versionPath(doc._id, v._id),
      },
    };
  }

  /** The recording's shown analysis when it has no record of its own (analysed before versions were kept). */
  private async legacyAnalysis(doc: RecordingDoc): Promise<StoredAnalysis | null> {
    if (!doc.analysisKey) return null;
    const analysisId = doc.latestAnalysisId ?? analysisIdOfKey(doc.analysisKey);
    if (!analysisId || (await this.analyses.get(analysisId))) return null;
    return {
      analysisKey: doc.analysisKey,
      version: {
        analysisId,
        completedAt: doc.analysisCompletedAt ?? null,
        ...NO_HEADLINE,
        latest: true,
        path: versionPath(doc._id, analysisId),
      },
    };
  }

  private async patch(audioId: string, update: Update): Promise<RecordingDoc | null> {
    const { $set = {}, $inc = {}, ...rest } = update;
    return this.docs.update(
      { _id: audioId },
      {
        ...rest,
        $set: { ...$set, updatedAt: this.now() },
        $inc: { ...$inc, rev: 1 },
        $setOnInsert: withoutKeys(EMPTY, update),
      },
      { upsert: true },
    );
  }

  /**
   * Sets `field` to `value` unless it holds one at least as new (by `value[order]`, a revision or
   * a time): an older event arriving late (a failure, an edit) must not replace a newer one.
   */
  private async keepNewest<K extends string, V extends Record<K, number>>(
    audioId: string,
    field: 'details' | 'corrections' | 'transcriptionFailed' | 'analysisFailed',
    order: K,
    value: V,
  ) {
    await this.patch(audioId, {});
    await this.docs.update(
      {
        _id: audioId,
        $or: [{ [`${field}.${order}`]: { $lt: value[order] } }, { [field]: { $exists: false } }, { [field]: null }],
      },
      { $set: { [field]: value, updatedAt: this.now() }, $inc: { rev: 1 } },
    );
  }

  private async countChunk(
    audioId: string,
    chunkId: string,
    kind: ChunkFact['kind'],
    field: 'chunksCreated' | 'chunksTranscribed',
    ms?: number,
    at?: number,
  ) {
    const fresh = await this.chunkFacts.insert({
      _id: `${kind}:${chunkId}`,
      audioId,
      kind,
      ...(ms !== undefined && { ms }),
      ...(at !== undefined && { at }),
    });
    if (fresh) {
      await this.patch(audioId, { $inc: { [field]: 1, ...(ms !== undefined && { chunkedMs: ms }) } });
    } else {
      // A redelivery, or a crash between the insert and the count: recount (never lower).
      const n = await this.chunkFacts.count({ audioId, kind });
      if (ms === undefined) {
        await this.patch(audioId, { $max: { [field]: n } });
      } else {
        const total = (await this.chunkFacts.find({ audioId, kind })).reduce((sum, f) => sum + (f.ms ?? 0), 0);
        await this.patch(audioId, { $max: { [field]: n, chunkedMs: total } });
      }
    }
  }

  /** Writes the derived status under a revision check, retrying if a fact changed meanwhile. */
  private async refresh(audioId: string): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const doc = await this.docs.get(audioId);
      if (!doc) return;
      const derived = deriveState(doc);
      const saved = await this.docs.update(
        { _id: audioId, rev: doc.rev },
        { $set: { status: derived.status, failure: derived.failure, progress: derived.progress }, $inc: { rev: 1 } },
      );
      if (saved) {
        const userId = saved.userId;
        if (userId) {
          const view = this.view(
            saved,
            saved.status === 'transcribing' ? await this.queueSnapshot() : null,
            await this.firstCopies([saved]),
          );
          const teamIds = saved.teamIds ?? [];
          this.tx.afterCommit(() => this.changes.emit('change', userId, view, teamIds));
        }
        return;
      }
    }
  }
}

function withoutKeys(defaults: Record<string, unknown>, update: Update): Record<string, unknown> {
  const used = new Set<string>(['rev', 'updatedAt']);
  for (const op of Object.values(update))
    if (op && typeof op === 'object') for (const k of Object.keys(op)) used.add(k.split('.')[0]);
  return Object.fromEntries(Object.entries(defaults).filter(([k]) => !used.has(k)));
}

const versionPath = (audioId: string, analysisId: string) =>
  `/audios/${encodeURIComponent(audioId)}/analyses/${encodeURIComponent(analysisId)}`;

/** The analysisId in an analysis's object key (`audio/<audioId>/analysis/<analysisId>.json`). */
function analysisIdOfKey(key: string): string | null {
  const m = /\/analysis\/([^/]+)\.json$/.exec(key);
  return m?.[1] ?? null;
}

function compareKeys(a: [number, string], b: [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw Object.assign(new Error('invalid cursor'), { code: 'QUERY.BAD_REQUEST', retriable: false });
}

/** How far the chunker got: each channel is cut separately, so the chunks' total is per channel. */
function chunkingProgress(d: RecordingDoc): RecordingView['chunking'] {
  if (d.status !== 'chunking' && d.status !== 'uploaded') return null;
  const totalMs = d.estimatedDurationMs;
  if (!totalMs) return null;
  const channels = d.channels === 2 ? 2 : 1;
  return { doneMs: Math.min(totalMs, Math.round((d.chunkedMs ?? 0) / channels)), totalMs };
}

function detailsOf(d: RecordingDetails): RecordingDetails {
  return { title: d.title, tags: d.tags, agent: d.agent, customer: d.customer, notes: d.notes };
}

/**
 * What a recording is called where another links to it: its edited title, else the upload's
 * metadata title, else the file name (as search names it, search-indexer.ts).
 */
export function titleOf(d: Pick<RecordingDoc, 'details' | 'metadata' | 'filename'>): string {
  const meta = d.metadata?.title;
  return d.details?.title ?? (typeof meta === 'string' && meta.trim() ? meta : null) ?? d.filename;
}
