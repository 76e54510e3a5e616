import { hostname } from 'node:os';
import {
  chunkPlace,
  objectKeys,
  causedBy,
  MONO_SPEAKER,
  newEvent,
  SPEAKER_BY_CHANNEL,
  rangeIdOf,
  type Cause,
  type Envelope,
  type EventOf,
  type ChunkRef,
} from '@speech/contracts';
import { needsSeekAnchors, type AudioChunk, type AudioInfo, type ChannelSpan, type SeekAnchor } from '@speech/audio';
import {
  AppError,
  deletionsOf,
  describeError,
  type Logger,
  type MessageContext,
  RecordingDeleted,
  type ServiceInfra,
  setWithDefaults,
  skipDeleted,
  subscribeAll,
  withDeletion,
} from '@speech/service-kit';

export const PRODUCER = 'chunker';
export const GROUP = 'chunker';

/**
 * Chunk indices of range k start at k × RANGE_INDEX_STRIDE, so ids stay deterministic and in
 * time order while ranges are cut independently. A range must therefore yield fewer chunks per
 * channel than this: config validation keeps 1.5 × rangeMs / minChunkMs well below it.
 */
export const RANGE_INDEX_STRIDE = 1000;

/** The chunk plan of one recording: the chunker's own collection. */
interface ChunkingJob {
  _id: string; // audioId
  status: 'chunking' | 'chunked' | 'failed';
  channels: number;
  chunkCount: number;
  durationMs: number;
  /** Time ranges the recording was split into (1: cut in one pass). */
  rangeCount: number;
  /** Per boundary, where decoding starts in a format without an index (anchorsFor). */
  anchors?: (SeekAnchor | null)[];
  updatedAt: number;
}

/** One finished time range of a long recording. */
interface RangeRecord {
  _id: string; // rangeId
  audioId: string;
  range: number;
  /** The instance that cut it (host:pid), for operators. */
  cutBy: string;
  chunkCount: number;
  durationMs: number;
  channels: number;
  updatedAt: number;
}

/** A cut between two ranges, per channel: the first answer is kept, so both neighbours use the same. */
interface BoundaryRecord {
  _id: string; // <audioId>-b<k>
  audioId: string;
  cuts: number[];
}

interface ChunkRecord extends ChunkRef {
  _id: string; // chunkId
  audioId: string;
  /** `stored` until chunk.created is published for it; a resumed job announces the rest. */
  status: 'stored' | 'announced';
}

interface CutResult {
  chunkCount: number;
  durationMs: number;
  channels: number;
}

export interface ChunkerDeps extends Pick<ServiceInfra, 'bus' | 'store' | 'docs' | 'log'> {
  probe: (location: string) => Promise<AudioInfo>;
  streamChunks: (
    location: string,
    opts: {
      minMs: number;
      maxMs: number;
      startMs?: number;
      resume?: ChannelSpan[];
      anchor?: SeekAnchor;
      signal?: AbortSignal;
    },
  ) => AsyncIterable<AudioChunk>;
  /** Per channel, where to split the recording near `aroundMs` (libs/audio findCuts). */
  findCuts: (location: string, opts: { aroundMs: number; channels: 1 | 2; anchor?: SeekAnchor }) => Promise<number[]>;
  /** Byte offsets to start decoding at, for times in a file without an index (libs/audio findSeekAnchors). */
  findSeekAnchors: (location: string, timesMs: number[], startMs: number) => Promise<SeekAnchor[]>;
  config: {
    minChunkMs: number;
    maxChunkMs: number;
    /** Recordings longer than 1.5 × this are split into ranges of about this length. */
    rangeMs: number;
    /** Ranges one instance cuts at the same time (one ffmpeg each). */
    concurrency: number;
  };
}

export function chunkId(audioId: string, channel: number, index: number): string {
  return `${audioId}-c${channel}-${String(index).padStart(6, '0')}`;
}

/** How many time ranges a recording of `durationMs` is cut in: 1 up to 1.5 × rangeMs. */
export function rangeCountFor(durationMs: number | null, rangeMs: number): number {
  if (durationMs === null || !(durationMs > 1.5 * rangeMs)) return 1;
  return Math.round(durationMs / rangeMs);
}

/**
 * audio.uploaded → chunks of 30–60 s cut in silences, one channel at a time for stereo calls
 * (agent left, customer right). Chunk ids are deterministic, so a redelivered or restarted
 * job rewrites the same chunks instead of adding new ones.
 *
 * A long recording is split into time ranges of about `rangeMs`, published as work items
 * (chunk.range.requested, keyed by rangeId) that every chunker instance takes from. Ranges
 * meet at a pause of each channel found near the nominal boundary, so no word is cut. Whoever
 * finishes the last range announces audio.chunked.
 */
export async function createChunker(deps: ChunkerDeps) {
  const { minChunkMs, maxChunkMs, rangeMs } = deps.config;
  // The longest range (1.5 × rangeMs, each end moved ≤ 30 s to a pause) must number its chunks below the stride.
  if (!(rangeMs >= maxChunkMs) || (1.5 * rangeMs + 60_000) / minChunkMs + 1 >= RANGE_INDEX_STRIDE) {
    throw new AppError(
      'CONFIG.INVALID',
      `CHUNK_RANGE_MS=${rangeMs} does not fit CHUNK_MIN_MS=${minChunkMs} / CHUNK_MAX_MS=${maxChunkMs}: ` +
        `need CHUNK_MAX_MS <= CHUNK_RANGE_MS <= ${Math.floor(((RANGE_INDEX_STRIDE - 2) * minChunkMs - 60_000) / 1.5)}`,
    );
  }
  const jobs = deps.docs.collection<ChunkingJob>('chunking_jobs');
  const chunks = deps.docs.collection<ChunkRecord>('chunks');
  const ranges = deps.docs.collection<RangeRecord>('chunk_ranges');
  const boundaries = deps.docs.collection<BoundaryRecord>('range_boundaries');
  await chunks.ensureIndex({ audioId: 1 });
  await ranges.ensureIndex({ audioId: 1 });
  await boundaries.ensureIndex({ audioId: 1 });
  const deletions = deletionsOf(deps.docs);

  /** A deleted recording: the job, its chunks, ranges and boundaries, and every chunk's audio. */
  const purge = deletions.purgeOf({ byAudioId: [chunks, ranges, boundaries], byId: [jobs] }, async (audioId) => {
    await deps.store.deletePrefix(objectKeys.chunksPrefix(audioId));
  });

  async function onUploaded(event: EventOf<'audio.uploaded'>, ctx?: MessageContext): Promise<void> {
    const audioId = event.audioId;
    const log = deps.log.child({ audioId, correlationId: event.correlationId });
    const job = await jobs.get(audioId);
    if (job?.status === 'chunked') {
      // Redelivery after success: say it again, consumers are idempotent.
      await announceChunked(event, job);
      return;
    }
    if (job?.status === 'failed') return;
    await failOnBadInput(
      event,
      log,
      async () => {
        const location = await deps.store.locate(event.payload.objectKey);
        const info = await deps.probe(location);
        const rangeCount = rangeCountFor(info.durationMs, deps.config.rangeMs);
        await jobs.update(
          { _id: audioId },
          setWithDefaults(
            { status: 'chunking', rangeCount, updatedAt: Date.now() },
            { channels: 0, chunkCount: 0, durationMs: 0 },
          ),
          { upsert: true },
        );
        if (rangeCount === 1) {
          const result = await cutRange(event, location, info, 0, 1, undefined, ctx);
          await finish(event, result, log);
          return;
        }
        // Fan out. A crash part-way publishes them all again; finished ranges only re-check completion.
        const durationMs = info.durationMs as number;
        const at = (k: number) => Math.round((k * durationMs) / rangeCount);
        const anchors = await anchorsFor(audioId, location, info, rangeCount, at);
        for (let k = 0; k < rangeCount; k++) {
          const start = anchors[k] ?? null;
          const end = anchors[k + 1] ?? null;
          await deps.bus.publish(
            newEvent('chunk.range.requested', PRODUCER, causedBy(event), {
              rangeId: rangeIdOf(audioId, k),
              range: k,
              rangeCount,
              startMs: at(k),
              endMs: at(k + 1),
              durationMs,
              objectKey: event.payload.objectKey,
              startAnchorMs: start?.ms ?? null,
              startAnchorByte: start?.byte ?? null,
              endAnchorMs: end?.ms ?? null,
              endAnchorByte: end?.byte ?? null,
            }),
          );
        }
        log.info({ rangeCount, durationMs }, 'long recording split into time ranges');
      },
      ctx?.signal,
    );
  }

  async function onRangeRequested(event: EventOf<'chunk.range.requested'>, ctx?: MessageContext): Promise<void> {
    const p = event.payload;
    const log = deps.log.child({ audioId: event.audioId, correlationId: event.correlationId, range: p.range });
    const job = await jobs.get(event.audioId);
    if (job?.status === 'failed') return; // another range already failed the recording
    if (job?.status === 'chunked') return announceChunked(event, job);
    if (!(await ranges.get(p.rangeId))) {
      const ok = await failOnBadInput(
        event,
        log,
        async () => {
          const location = await deps.store.locate(p.objectKey);
          const info = await deps.probe(location);
          const anchor = (ms: number | null, byte: number | null) =>
            ms !== null && byte !== null ? { ms, byte } : null;
          const result = await cutRange(
            event,
            location,
            info,
            p.range,
            p.rangeCount,
            { start: anchor(p.startAnchorMs, p.startAnchorByte), end: anchor(p.endAnchorMs, p.endAnchorByte) },
            ctx,
          );
          await ranges.replace({
            _id: p.rangeId,
            audioId: event.audioId,
            range: p.range,
            cutBy: `${hostname()}:${process.pid}`,
            ...result,
            updatedAt: Date.now(),
          });
          log.info(result, 'time range chunked');
        },
        ctx?.signal,
      );
      if (!ok) return;
    }
    const done = await ranges.find({ audioId: event.audioId });
    if (done.length < p.rangeCount) return;
    await failOnBadInput(
      event,
      log,
      () =>
        finish(
          event,
          {
            chunkCount: done.reduce((n, r) => n + r.chunkCount, 0),
            durationMs: Math.max(...done.map((r) => r.durationMs)),
            channels: Math.max(...done.map((r) => r.channels)),
          },
          log,
        ),
      ctx?.signal,
    );
  }

  /**
   * Where each boundary's decoding starts in a format with no index (MP3): a frame 31 s before
   * the boundary (its search window opens 30 s before, and the first frames decode roughly),
   * found in one packet-listing pass and kept with the job, so a redelivery does not list again.
   * Entry k is boundary k's (0 and rangeCount: none). Formats that seek fast get none.
   */
  async function anchorsFor(
    audioId: string,
    location: string,
    info: AudioInfo,
    rangeCount: number,
    at: (k: number) => number,
  ): Promise<(SeekAnchor | null)[]> {
    if (!needsSeekAnchors(info.formatName)) return [];
    const known = (await jobs.get(audioId))?.anchors;
    if (known?.length === rangeCount + 1) return known;
    const boundaries = Array.from({ length: rangeCount - 1 }, (_, i) => Math.max(0, at(i + 1) - 31_000));
    const found = await deps.findSeekAnchors(location, boundaries, info.startMs);
    const anchors = [null, ...found, null];
    await jobs.update({ _id: audioId }, { $set: { anchors } });
    return anchors;
  }

  /** Runs `work`; a non-retriable failure fails the recording (retriable ones go back to the bus). */
  async function failOnBadInput(
    cause: Envelope,
    log: Logger,
    work: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (err) {
      if (signal?.aborted) throw err; // stopped by a shutdown: redelivered after the restart
      if (err instanceof RecordingDeleted) throw err;
      const e = describeError(err);
      // The bus retries (the object store may be back soon; a write conflict with a concurrent
      // range ended this unit of work, so nothing more may be read in it). A deleted recording
      // is skipped at the redelivery by the deletion guard.
      if (e.retriable) throw err;
      // Deleted meanwhile (its source went from under ffmpeg, say): nothing failed, nothing to say.
      if (await deletions.isDeleted(cause.audioId)) throw new RecordingDeleted(cause.audioId);
      log.warn({ err }, 'recording cannot be chunked');
      await jobs.update({ _id: cause.audioId }, { $set: { status: 'failed', updatedAt: Date.now() } });
      await deps.bus.publish(
        newEvent('audio.chunking.failed', PRODUCER, causedBy(cause), { code: e.code, reason: e.message }),
      );
      return false;
    }
  }

  async function finish(cause: Envelope, result: CutResult, log: Logger): Promise<void> {
    if (result.chunkCount === 0) throw new AppError('AUDIO.EMPTY', 'the recording has no decodable audio');
    await jobs.update({ _id: cause.audioId }, { $set: { status: 'chunked', ...result, updatedAt: Date.now() } });
    await deps.bus.publish(newEvent('audio.chunked', PRODUCER, causedBy(cause), result));
    log.info(result, 'recording chunked');
  }

  async function announceChunked(cause: Envelope, job: ChunkingJob): Promise<void> {
    await deps.bus.publish(
      newEvent('audio.chunked', PRODUCER, causedBy(cause), {
        chunkCount: job.chunkCount,
        durationMs: job.durationMs,
        channels: job.channels,
      }),
    );
  }

  /** Where ranges k-1 and k meet, per channel: found once, then read by both neighbours. */
  async function boundary(
    audioId: string,
    location: string,
    k: number,
    rangeCount: number,
    durationMs: number,
    channels: 1 | 2,
    anchor: SeekAnchor | null,
    ctx?: MessageContext,
  ): Promise<number[]> {
    const id = `${audioId}-b${k}`;
    const known = await boundaries.get(id);
    if (known) return known.cuts;
    const cuts = await deps.findCuts(location, {
      aroundMs: Math.round((k * durationMs) / rangeCount),
      channels,
      ...(anchor && { anchor }),
    });
    if (await boundaries.insert({ _id: id, audioId, cuts })) {
      // Shared with the neighbour at once, not when this range is done: it may be starting now.
      await ctx?.commitProgress?.();
      return cuts;
    }
    return ((await boundaries.get(id)) as BoundaryRecord).cuts; // the neighbour was first
  }

  /**
   * Cuts range `range` of `rangeCount` (the whole recording when 1). Its checkpoint is the chunks
   * already stored in it: each channel resumes after its last one, numbering on from it.
   */
  async function cutRange(
    event: Envelope,
    location: string,
    info: AudioInfo,
    range: number,
    rangeCount: number,
    anchors: { start: SeekAnchor | null; end: SeekAnchor | null } = { start: null, end: null },
    ctx?: MessageContext,
  ): Promise<CutResult> {
    const audioId = event.audioId;
    // Stereo calls carry one speaker per channel: agent left, customer right.
    const stereo = info.channels === 2;
    const channelList = stereo ? [0, 1] : [0];
    const speakerOf = (channel: number) => (stereo ? SPEAKER_BY_CHANNEL[channel] : MONO_SPEAKER);
    const durationMs = info.durationMs ?? 0;
    const starts =
      range === 0
        ? channelList.map(() => 0)
        : await boundary(audioId, location, range, rangeCount, durationMs, stereo ? 2 : 1, anchors.start, ctx);
    const ends =
      range === rangeCount - 1
        ? null
        : await boundary(audioId, location, range + 1, rangeCount, durationMs, stereo ? 2 : 1, anchors.end, ctx);

    const base = range * RANGE_INDEX_STRIDE;
    const done = await chunks.find(
      { audioId, index: { $gte: base, $lt: base + RANGE_INDEX_STRIDE } },
      { sort: { channel: 1, index: 1 } },
    );
    for (const c of done.filter((d) => d.status === 'stored')) await announce(c, causedBy(event));
    const resume: ChannelSpan[] = channelList.map((channel) => {
      const last = done.filter((d) => d.channel === channel).at(-1);
      return {
        channel,
        fromMs: last?.endMs ?? (starts[channel] as number),
        nextIndex: last ? last.index + 1 : base,
        ...(ends && { toMs: ends[channel] as number }),
      };
    });

    let chunkCount = done.length;
    let endMs = Math.max(0, ...done.map((d) => d.endMs));
    const channels = new Set<number>(done.map((d) => d.channel));
    const stream = deps.streamChunks(location, {
      signal: ctx?.signal,
      minMs: deps.config.minChunkMs,
      maxMs: deps.config.maxChunkMs,
      startMs: Math.min(...resume.map((r) => r.fromMs)),
      resume,
      ...(anchors.start && { anchor: anchors.start }),
    });
    for await (const c of stream) {
      if (c.index >= base + RANGE_INDEX_STRIDE)
        throw new AppError(
          'CHUNK.RANGE_TOO_LONG',
          `range ${range} yields over ${RANGE_INDEX_STRIDE} chunks per channel`,
        );
      channels.add(c.channel);
      const id = chunkId(audioId, c.channel, c.index);
      const objectKey = objectKeys.chunk(audioId, c.channel, c.index);
      await deps.store.putBuffer(objectKey, c.wav, { contentType: 'audio/wav' });
      const record: ChunkRecord = {
        _id: id,
        audioId,
        index: c.index,
        channel: c.channel,
        speaker: speakerOf(c.channel),
        startMs: c.startMs,
        endMs: c.endMs,
        objectKey,
        status: 'stored',
      };
      await chunks.replace(record);
      // Deleted while cutting: stop here. The chunk and its record were written before this
      // look, so either the deletion's removal (after its tombstone) finds them, or the guard's does.
      if (await deletions.isDeleted(audioId)) throw new RecordingDeleted(audioId);
      chunkCount++;
      endMs = Math.max(endMs, c.endMs);
      await announce(record, causedBy(event));
      // The chunk, its record and its announcement are the checkpoint: durable before the next.
      await ctx?.commitProgress?.();
    }
    return { chunkCount, durationMs: endMs, channels: channels.size };
  }

  async function announce(record: ChunkRecord, cause: Cause): Promise<void> {
    await deps.bus.publish(
      newEvent('chunk.created', PRODUCER, cause, {
        chunkId: record._id,
        ...chunkPlace(record),
        objectKey: record.objectKey,
      }),
    );
    await chunks.update({ _id: record._id }, { $set: { status: 'announced' } });
  }

  return {
    purge,
    onUploaded,
    onRangeRequested,
    subscribe(): void {
      subscribeAll(deps.bus, GROUP, withDeletion(deletions, purge, { 'audio.uploaded': onUploaded }));
      subscribeAll(
        deps.bus,
        `${GROUP}-ranges`,
        // audio.deleted is handled once, by the main group: the ranges group only skips.
        { 'chunk.range.requested': skipDeleted(deletions, purge, onRangeRequested) },
        { concurrency: Math.max(1, deps.config.concurrency) },
      );
    },
  };
}
