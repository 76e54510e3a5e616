import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import {
  compileTracker,
  matchSegment,
  matchTranscript,
  partMatches,
  trackerDefinitionView,
  trackerIndexTerms,
  type CompiledTracker,
  type TrackerDefinition,
  type TrackerDefinitionView,
  type TrackerMatch,
  type TrackerSpeaker,
} from '@speech/analysis';
import type { EventOf } from '@speech/contracts';
import type { Collection, DocumentStore, Transactor } from '@speech/persistence';
import type { Logger } from '@speech/platform';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  SearchQueryError,
  transcriptSegments,
  type SearchIndex,
} from '@speech/search';
import type { Deletions } from '@speech/service-kit';
import type { ObjectStore } from '@speech/storage';
import type { ReadModel, RecordingDoc } from './read-model';
import { searchRecordingOf } from './search-indexer';

/**
 * Trackers (issue #15), the read side. The query service holds every tracker's definition (from
 * `tracker.changed`, the highest revision kept) and owns its hits:
 *
 * - **On a new revision** a retroactive job over the owner's library starts (or starts again). It
 *   walks the user's recordings oldest first in pages (the read model's (userId, createdAt, _id)
 *   index); for each page it asks the search index which of them have a segment holding the
 *   tracker's words (trackerIndexTerms, bounded by the page's upload times), and only those
 *   transcripts are read (streamed) and matched. Its cursor (the last recording done), done and
 *   total are stored on the tracker after every page, under a lease, so a restart or a kill -9
 *   resumes after the last page stored, and two query replicas never run one job at once.
 * - **On every transcript.completed** the owner's trackers run on that transcript, in the read
 *   model's handler (so in the single process the hits commit with the event's offset).
 * - **Hits are keyed** by (tracker, recording, segment, token) and written whole, so a redelivery,
 *   a page run twice after a crash, or the job meeting a recording the handler already did,
 *   writes the same documents. A hit carries its tracker's revision; reads show the current one,
 *   and the job's end removes older ones.
 * - **Deletion:** audio.deleted removes the recording's hits (a page that raced it looks at the
 *   tombstone after writing); a deleted tracker keeps its revision (a late older event cannot
 *   bring it back) and loses its hits.
 */

export type JobState = 'running' | 'done' | 'deleted';

export interface TrackerViewDoc extends TrackerDefinition {
  userId: string;
  deleted: boolean;
  jobState: JobState;
  jobAfterCreatedAt: number | null;
  jobAfterId: string | null;
  jobDone: number;
  jobTotal: number;
  jobStartedAt: number;
  jobFinishedAt: number | null;
  jobOwner: string | null;
  jobLeaseUntil: number;
}

export interface TrackerHitDoc extends TrackerMatch {
  _id: string;
  trackerId: string;
  revision: number;
  userId: string;
  audioId: string;
  /** Newest recording first, then by time in it: the hits' page order, and their cursor. */
  order: string;
}

/** What GET /trackers and GET /trackers/:id answer. */
export interface TrackerView extends TrackerDefinitionView {
  job: { state: 'running' | 'done'; done: number; total: number; startedAt: number; finishedAt: number | null };
}

export interface TrackerHitView extends Omit<TrackerMatch, 'token'> {
  trackerId: string;
  audioId: string;
  title: string;
  recordedAt: number;
  /** The recording's audio at the hit's time (a media fragment: a player starts there). */
  audioUrl: string;
}

export interface TrackersDeps {
  docs: DocumentStore;
  store: ObjectStore;
  model: ReadModel;
  deletions: Deletions;
  log: Logger;
  /** Candidate recordings come from it; none: every transcript of a page is read. */
  search?: SearchIndex;
  tx?: Transactor;
  now?: () => number;
  /** Recordings per page of a job. */
  pageSize?: number;
  leaseMs?: number;
  /** How often an idle runner looks for jobs (another replica's, a lease run out). */
  pollMs?: number;
  /** This runner's name in a lease (a process and start). */
  owner?: string;
}

export const TRACKER_VIEWS = 'tracker_views';
export const TRACKER_HITS = 'tracker_hits';
const SEARCH_PAGE = 100;
const MAX_TIME = 9_999_999_999_999;

export function hitIdOf(trackerId: string, audioId: string, m: Pick<TrackerMatch, 'segment' | 'token'>): string {
  return `${trackerId}:${audioId}:${m.segment}:${m.token}`;
}

export class Trackers {
  readonly views: Collection<TrackerViewDoc>;
  readonly hits: Collection<TrackerHitDoc>;
  private readonly now: () => number;
  private readonly pageSize: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly owner: string;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly deps: TrackersDeps) {
    this.views = deps.docs.collection<TrackerViewDoc>(TRACKER_VIEWS);
    this.hits = deps.docs.collection<TrackerHitDoc>(TRACKER_HITS);
    this.now = deps.now ?? Date.now;
    this.pageSize = deps.pageSize ?? 200;
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.pollMs = deps.pollMs ?? 1000;
    this.owner = deps.owner ?? `query-${randomUUID()}`;
  }

  async init(): Promise<void> {
    await this.views.ensureIndex({ userId: 1, createdAt: -1 });
    await this.views.ensureIndex({ jobState: 1 });
    await this.hits.ensureIndex({ trackerId: 1, revision: 1, order: 1 });
    await this.hits.ensureIndex({ audioId: 1 });
  }

  // ---- events ----

  /** tracker.changed: the highest revision is kept; a new one (re)starts the job, a deletion removes the hits. */
  async onChanged(e: EventOf<'tracker.changed'>): Promise<void> {
    const p = e.payload;
    const current = await this.views.get(p.trackerId);
    if (current && current.revision >= p.revision) return; // late or redelivered
    const now = this.now();
    const view: TrackerViewDoc = {
      _id: p.trackerId,
      userId: p.userId,
      name: p.name,
      phrases: p.phrases,
      speaker: (['agent', 'customer'].includes(p.speaker) ? p.speaker : 'any') as TrackerSpeaker,
      fromPct: p.fromPct,
      toPct: p.toPct,
      revision: p.revision,
      createdAt: p.createdAt,
      updatedAt: e.occurredAt,
      deleted: p.deleted,
      jobState: p.deleted ? 'deleted' : 'running',
      jobAfterCreatedAt: null,
      jobAfterId: null,
      jobDone: 0,
      jobTotal: p.deleted ? 0 : await this.deps.model.countOf(p.userId),
      jobStartedAt: now,
      jobFinishedAt: null,
      jobOwner: null,
      jobLeaseUntil: 0,
    };
    await this.views.replace(view);
    if (p.deleted) await this.hits.delete({ trackerId: p.trackerId });
    else await this.hits.delete({ trackerId: p.trackerId, revision: { $lt: p.revision } });
    const wake = () => this.wake?.();
    if (this.deps.tx) this.deps.tx.afterCommit(wake);
    else wake();
  }

  /** transcript.completed (in the read model's handler, after it applied the event): the owner's trackers on it. */
  async onTranscript(audioId: string): Promise<void> {
    const doc = await this.deps.model.docById(audioId);
    if (!doc?.userId || !doc.transcriptKey) return;
    const trackers = await this.views.find({ userId: doc.userId, deleted: false }, { limit: 1000 });
    if (!trackers.length) return;
    const compiled = trackers.map((t) => ({ view: t, tracker: compileTracker(t) }));
    const found = new Map<string, TrackerMatch[]>(trackers.map((t) => [t._id, []]));
    let end = 0;
    for await (const seg of transcriptSegments(await this.deps.store.get(doc.transcriptKey))) {
      end = Math.max(end, seg.endMs);
      for (const c of compiled) found.get(c.view._id)?.push(...matchSegment(c.tracker, seg));
    }
    const duration = doc.durationMs && doc.durationMs > 0 ? doc.durationMs : end;
    // A transcript replaced (a redelivery, a new transcription): its hits are this one's.
    await this.hits.delete({ audioId });
    for (const c of compiled) {
      const matches = (found.get(c.view._id) ?? []).filter((m) => partMatches(c.view, m.startMs, duration));
      await this.writeHits(c.view, doc, matches);
    }
  }

  /** audio.deleted (or a late write that raced it): the recording's hits go. */
  async removeRecording(audioId: string): Promise<void> {
    await this.hits.delete({ audioId });
  }

  private async writeHits(t: TrackerViewDoc, doc: RecordingDoc, matches: TrackerMatch[]): Promise<void> {
    const recent = String(MAX_TIME - doc.createdAt).padStart(13, '0');
    for (const m of matches) {
      await this.hits.replace({
        _id: hitIdOf(t._id, doc._id, m),
        trackerId: t._id,
        revision: t.revision,
        userId: t.userId,
        audioId: doc._id,
        segment: m.segment,
        token: m.token,
        speaker: m.speaker,
        startMs: m.startMs,
        endMs: m.endMs,
        quote: m.quote,
        phrase: m.phrase,
        order: `${recent}|${doc._id}|${String(m.startMs).padStart(12, '0')}|${String(m.segment).padStart(8, '0')}|${String(m.token).padStart(6, '0')}`,
      });
    }
  }

  // ---- the retroactive job ----

  /** Runs jobs in the background until stop(): those stored as running, whoever started them. */
  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        const jobs = await this.views.find({ jobState: 'running' }, { limit: 50 });
        for (const job of jobs) {
          if (this.stopped) break;
          if (await this.step(job)) worked = true;
        }
      } catch (err) {
        this.deps.log.warn({ err }, 'tracker job: a page failed; it is tried again');
        await sleep(this.pollMs);
      }
      if (!worked && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.pollMs);
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.wake = done;
        });
        this.wake = null;
      }
    }
  }

  /**
   * One page of a job: claimed under the lease, matched, the hits written, then the cursor stored
   * (conditional on the revision and the lease: a new revision or another runner wins). Returns
   * whether it ran a page.
   */
  async step(job: TrackerViewDoc): Promise<boolean> {
    const now = this.now();
    const claimed = await this.views.update(
      {
        _id: job._id,
        revision: job.revision,
        jobState: 'running',
        $or: [{ jobOwner: this.owner }, { jobOwner: null }, { jobLeaseUntil: { $lt: now } }],
      },
      { $set: { jobOwner: this.owner, jobLeaseUntil: now + this.leaseMs } },
    );
    if (!claimed) return false;
    const after =
      claimed.jobAfterId !== null && claimed.jobAfterCreatedAt !== null
        ? { createdAt: claimed.jobAfterCreatedAt, id: claimed.jobAfterId }
        : null;
    const page = await this.deps.model.userDocsAfter(claimed.userId, after, this.pageSize);
    const tracker = compileTracker(claimed);
    const candidates = await this.candidates(claimed, tracker, page);
    for (const doc of page) {
      if (!doc.transcriptKey || !candidates.has(doc._id)) continue;
      const matches = await matchTranscript(
        tracker,
        transcriptSegments(await this.deps.store.get(doc.transcriptKey)),
        doc.durationMs,
      );
      await this.hits.delete({ trackerId: claimed._id, audioId: doc._id });
      await this.writeHits(claimed, doc, matches);
      // Deleted meanwhile: its hits must not stay (the deletion's removal may have run before these writes).
      if (await this.deps.deletions.isDeleted(doc._id)) await this.removeRecording(doc._id);
    }
    const last = page.at(-1);
    const finished = page.length < this.pageSize;
    const done = claimed.jobDone + page.length;
    const saved = await this.views.update(
      { _id: claimed._id, revision: claimed.revision, jobOwner: this.owner },
      {
        $set: {
          jobAfterCreatedAt: last?.createdAt ?? claimed.jobAfterCreatedAt,
          jobAfterId: last?._id ?? claimed.jobAfterId,
          jobDone: done,
          // Recordings uploaded (or deleted) while it ran: the total is what it walked, once done.
          jobTotal: finished ? done : Math.max(claimed.jobTotal, done),
          jobLeaseUntil: finished ? 0 : this.now() + this.leaseMs,
          ...(finished ? { jobState: 'done', jobFinishedAt: this.now(), jobOwner: null } : {}),
        },
      },
    );
    if (saved && finished) await this.hits.delete({ trackerId: claimed._id, revision: { $lt: claimed.revision } });
    return true;
  }

  /**
   * The page's recordings that may hold a match: those with a segment holding one of the
   * tracker's word sets, by the search index, within the page's upload times. Without an index,
   * or for a phrase it cannot narrow, every transcribed recording of the page.
   */
  private async candidates(t: TrackerViewDoc, tracker: CompiledTracker, page: RecordingDoc[]): Promise<Set<string>> {
    const transcribed = new Set(page.filter((d) => d.transcriptKey).map((d) => d._id));
    const terms = trackerIndexTerms(tracker);
    const first = page[0];
    const last = page.at(-1);
    if (!this.deps.search || !terms || !first || !last || !transcribed.size) return transcribed;
    const out = new Set<string>();
    for (const words of terms) {
      let cursor: string | undefined;
      do {
        const res = await this.deps.search.search({
          userId: t.userId,
          text: words.join(' '),
          from: first.createdAt,
          to: last.createdAt,
          sort: 'oldest',
          limit: SEARCH_PAGE,
          cursor,
        });
        for (const h of res.hits) if (h.segment !== null && transcribed.has(h.audioId)) out.add(h.audioId);
        cursor = res.nextCursor ?? undefined;
      } while (cursor);
    }
    return out;
  }

  // ---- reads ----

  async list(userId: string): Promise<TrackerView[]> {
    const all = await this.views.find({ userId, deleted: false }, { sort: { createdAt: -1 }, limit: 500 });
    return all.map(viewOf);
  }

  async get(userId: string, trackerId: string): Promise<(TrackerView & { hitCount: number }) | null> {
    const t = await this.mine(userId, trackerId);
    if (!t) return null;
    return { ...viewOf(t), hitCount: await this.hits.count({ trackerId, revision: t.revision }) };
  }

  /** The tracker's hits, newest recording first, by time within one; null: no such tracker of the user's. */
  async hitsOf(
    userId: string,
    trackerId: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ hits: TrackerHitView[]; nextCursor: string | null } | null> {
    const t = await this.mine(userId, trackerId);
    if (!t) return null;
    let after = '';
    if (opts.cursor) {
      const c = decodeSearchCursor(opts.cursor) as { t?: unknown; r?: unknown; o?: unknown };
      if (c?.t !== trackerId || c.r !== t.revision || typeof c.o !== 'string')
        throw new SearchQueryError('cursor is not one this tracker’s hits gave (or the tracker changed since)');
      after = c.o;
    }
    const rows = await this.hits.find(
      { trackerId, revision: t.revision, ...(after ? { order: { $gt: after } } : {}) },
      { sort: { order: 1 }, limit: opts.limit + 1 },
    );
    const page = rows.slice(0, opts.limit);
    const docs = new Map<string, RecordingDoc | null>();
    const hits: TrackerHitView[] = [];
    for (const h of page) {
      if (!docs.has(h.audioId)) docs.set(h.audioId, await this.deps.model.doc(userId, h.audioId));
      const doc = docs.get(h.audioId);
      if (!doc) continue; // being deleted
      hits.push({
        trackerId,
        audioId: h.audioId,
        title: searchRecordingOf(doc, userId).title,
        recordedAt: doc.createdAt,
        segment: h.segment,
        speaker: h.speaker,
        startMs: h.startMs,
        endMs: h.endMs,
        quote: h.quote,
        phrase: h.phrase,
        audioUrl: `/audios/${encodeURIComponent(h.audioId)}/audio#t=${(h.startMs / 1000).toFixed(3)}`,
      });
    }
    const lastRow = page.at(-1);
    const nextCursor =
      rows.length > opts.limit && lastRow
        ? encodeSearchCursor({ t: trackerId, r: t.revision, o: lastRow.order })
        : null;
    return { hits, nextCursor };
  }

  private async mine(userId: string, trackerId: string): Promise<TrackerViewDoc | null> {
    const t = await this.views.get(trackerId);
    return t && t.userId === userId && !t.deleted ? t : null;
  }
}

function viewOf(t: TrackerViewDoc): TrackerView {
  return {
    ...trackerDefinitionView(t),
    job: {
      state: t.jobState === 'done' ? 'done' : 'running',
      done: t.jobDone,
      total: t.jobTotal,
      startedAt: t.jobStartedAt,
      finishedAt: t.jobFinishedAt,
    },
  };
}
