import { randomUUID } from 'node:crypto';
import type { Collection, Filter } from '@speech/service-kit';
import type { SttAudio, SttTask } from './stt-task';

/**
 * The stt-worker's own work queue, fair by design (docs/ARCHITECTURE.md, "Fair scheduling"):
 * the next chunk is taken round-robin across recordings, whatever the bus's partitioning, so a
 * short call's chunks are interleaved with a long call's. A worker claims a chunk with one
 * conditional update (a lease with its owner), so several stt-worker replicas can share the
 * queue; a lease that is not renewed (a crashed worker) expires and the chunk is claimed again.
 */

/** A recording with chunks ready to run, as the scheduler sees it. */
export interface Candidate {
  audioId: string;
  /** Its chunks claimed now, under a live lease. */
  inFlight: number;
  /** When a chunk of it was last claimed (0: never). */
  lastStartedAt: number;
  /** When its transcription was queued. */
  queuedAt: number;
}

/**
 * Round-robin across recordings: the fewest chunks in flight first, then the one served least
 * recently, then the oldest request. With two workers and two recordings each gets one; a third
 * recording gets the next free worker before either of the first two is served again.
 */
export function chooseRecording<C extends Candidate>(candidates: readonly C[]): C | null {
  let best: C | null = null;
  for (const c of candidates) if (!best || before(c, best)) best = c;
  return best;
}

function before(a: Candidate, b: Candidate): boolean {
  if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight;
  if (a.lastStartedAt !== b.lastStartedAt) return a.lastStartedAt < b.lastStartedAt;
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt;
  return a.audioId < b.audioId;
}

/** A task that may be claimed now: queued and past its retry time, or held by a lease that ran out. */
export function claimableFilter(audioId: string, now: number): Filter {
  return {
    audioId,
    $or: [
      { status: 'queued', notBefore: { $lte: now } },
      { status: 'processing', leaseUntil: { $lt: now } },
    ],
  };
}

export interface FairQueueOptions {
  tasks: Collection<SttTask>;
  audios: Collection<SttAudio>;
  /** How long a claim holds without renewal. */
  leaseMs: number;
  now?: () => number;
  /** This worker's name on its claims. */
  owner?: string;
}

export class FairQueue {
  readonly owner: string;
  private readonly now: () => number;
  /** Claims by this worker are ordered by this too, so two in one millisecond still alternate. */
  private seq = 0;

  constructor(private readonly opts: FairQueueOptions) {
    this.owner = opts.owner ?? randomUUID();
    this.now = opts.now ?? Date.now;
  }

  /**
   * Claims the next chunk, or returns null when none is ready. The claim is one conditional
   * update on the task's status, attempts and lease: of two workers racing for a chunk, one wins
   * and the other picks again.
   */
  async claim(): Promise<SttTask | null> {
    for (let round = 0; round < 5; round++) {
      const now = this.now();
      const candidates: (Candidate & { task: SttTask })[] = [];
      for (const audio of await this.opts.audios.find({ active: true })) {
        const [task] = await this.opts.tasks.find(claimableFilter(audio._id, now), {
          sort: { index: 1, channel: 1 },
          limit: 1,
        });
        if (!task) {
          await this.deactivateIfDone(audio);
          continue;
        }
        const inFlight = await this.opts.tasks.count({
          audioId: audio._id,
          status: 'processing',
          leaseUntil: { $gte: now },
        });
        candidates.push({
          audioId: audio._id,
          inFlight,
          lastStartedAt: audio.lastStartedAt ?? 0,
          queuedAt: audio.queuedAt ?? 0,
          task,
        });
      }
      const pick = chooseRecording(candidates);
      if (!pick) return null;
      const t = pick.task;
      const claimed = await this.opts.tasks.update(
        {
          _id: t._id,
          status: t.status,
          attempts: t.attempts,
          ...(t.status === 'processing' && { leaseUntil: t.leaseUntil }),
        },
        {
          $set: { status: 'processing', owner: this.owner, leaseUntil: now + this.opts.leaseMs, updatedAt: now },
          $inc: { attempts: 1 },
        },
      );
      if (!claimed) continue; // another worker took it: pick again
      await this.opts.audios.update({ _id: t.audioId }, { $max: { lastStartedAt: now * 1000 + (this.seq++ % 1000) } });
      return claimed;
    }
    return null;
  }

  /** Keeps this worker's claim alive; false when the chunk is no longer ours. */
  async renew(chunkId: string): Promise<boolean> {
    const now = this.now();
    const t = await this.opts.tasks.update(
      { _id: chunkId, owner: this.owner, status: 'processing' },
      { $set: { leaseUntil: now + this.opts.leaseMs } },
    );
    return t !== null;
  }

  /** Gives a claim back (a graceful stop): the chunk is ready at once, its attempt not spent. */
  async release(chunkId: string): Promise<void> {
    await this.opts.tasks.update(
      { _id: chunkId, owner: this.owner, status: 'processing' },
      {
        $set: { status: 'queued', owner: null, leaseUntil: 0, notBefore: 0, updatedAt: this.now() },
        $inc: { attempts: -1 },
      },
    );
  }

  /**
   * A recording leaves the queue once none of its chunks is queued or running. Conditional on the
   * activation it saw, so a new request that queued chunks meanwhile keeps it in.
   */
  private async deactivateIfDone(audio: SttAudio): Promise<void> {
    const open = await this.opts.tasks.count({ audioId: audio._id, status: { $in: ['queued', 'processing'] } });
    if (open > 0) return;
    await this.opts.audios.update(
      { _id: audio._id, active: true, activation: audio.activation ?? null },
      { $set: { active: false } },
    );
  }
}
