import {
  objectKeys,
  causedBy,
  MONO_SPEAKER,
  newEvent,
  type ChunkTranscript,
  type Envelope,
  type EventOf,
} from '@speech/contracts';
import { AGENT, CUSTOMER, UtteranceSample, chunkUtterances, fitTwoSpeakers, relabelChunk } from '@speech/stt';
import { redactSegmentStream, zeroCounts } from '@speech/redaction';
import { mergeTranscript } from '@speech/transcript';
import { writeTranscript } from './transcript-writer';
import {
  deletionsOf,
  getJson,
  type ServiceInfra,
  setWithDefaults,
  subscribeAll,
  withDeletion,
} from '@speech/service-kit';

export const PRODUCER = 'merger';
export const GROUP = 'merger';

interface MergeChunk {
  _id: string; // chunkId
  audioId: string;
  index: number;
  channel: number;
  speaker: string;
  startMs: number;
  transcriptKey: string | null;
  status: 'transcribed' | 'failed';
  reason: string | null;
}

interface TranscriptRecord {
  _id: string; // audioId
  chunkCount: number | null;
  durationMs: number;
  status: 'waiting' | 'merged';
  transcriptKey: string | null;
  textKey: string | null;
  wordCount: number;
  segmentCount: number;
  engine: string | null;
  speakers: string[];
  /** Chunks with each outcome, kept by transition so no event has to count them all. */
  transcribedChunks: number;
  failedChunks: number;
  updatedAt: number;
}

export type MergerDeps = Pick<ServiceInfra, 'bus' | 'store' | 'docs' | 'log'>;

export interface MergerOptions {
  /**
   * REDACT_PII: the merged transcript is stored with PII replaced by placeholders (libs/redaction),
   * redacted as it streams to the store, so no unredacted merged transcript is ever written; its
   * counts per kind are recorded in the transcript (`redaction`).
   */
  redactPii?: boolean;
}

const EMPTY: Omit<TranscriptRecord, '_id'> = {
  chunkCount: null,
  durationMs: 0,
  status: 'waiting',
  transcriptKey: null,
  textKey: null,
  wordCount: 0,
  segmentCount: 0,
  engine: null,
  speakers: [],
  transcribedChunks: 0,
  failedChunks: 0,
  updatedAt: 0,
};

/**
 * Collects chunk results; when every chunk of a recording is transcribed, merges them into
 * one time-ordered transcript. When every chunk has an outcome but some failed, the
 * transcription fails with the list of failed chunks (a new request retries only those).
 */
export async function createMerger(deps: MergerDeps, options: MergerOptions = {}) {
  const chunks = deps.docs.collection<MergeChunk>('merge_chunks');
  const transcripts = deps.docs.collection<TranscriptRecord>('transcripts');
  await chunks.ensureIndex({ audioId: 1 });
  const deletions = deletionsOf(deps.docs);

  /** A deleted recording: its chunk outcomes, its transcript record and the merged transcript. */
  const purge = deletions.purgeOf({ byAudioId: [chunks], byId: [transcripts] }, async (audioId) => {
    const keys = objectKeys.transcript(audioId);
    await deps.store.delete(keys.json);
    await deps.store.delete(keys.text);
  });

  async function onChunked(e: EventOf<'audio.chunked'>): Promise<void> {
    await transcripts.update(
      { _id: e.audioId },
      setWithDefaults({ chunkCount: e.payload.chunkCount, durationMs: e.payload.durationMs }, EMPTY),
      { upsert: true },
    );
    await settle(e);
  }

  /** Moves the outcome counters; a new record gets the other fields' defaults. */
  async function bump(audioId: string, inc: Partial<Record<'transcribedChunks' | 'failedChunks', number>>) {
    const defaults = Object.fromEntries(Object.entries(EMPTY).filter(([k]) => !(k in inc)));
    await transcripts.update({ _id: audioId }, { $inc: inc, $setOnInsert: defaults }, { upsert: true });
  }

  /**
   * Counts the outcomes again: after a redelivery we cannot tell whether the first delivery got
   * to its counter update before a crash. O(chunks), but only on redeliveries.
   */
  async function recount(audioId: string): Promise<void> {
    const [transcribed, failed] = await Promise.all([
      chunks.count({ audioId, status: 'transcribed' }),
      chunks.count({ audioId, status: 'failed' }),
    ]);
    await transcripts.update(
      { _id: audioId },
      setWithDefaults({ transcribedChunks: transcribed, failedChunks: failed }, EMPTY),
      { upsert: true },
    );
  }

  async function onChunkTranscribed(e: EventOf<'chunk.transcribed'>): Promise<void> {
    const p = e.payload;
    const prev = await chunks.get(p.chunkId);
    if (prev?.status === 'transcribed') {
      const rec = await transcripts.get(e.audioId);
      if (!rec || rec.status !== 'merged') await recount(e.audioId);
      await settle(e);
      return;
    }
    await chunks.replace({
      _id: p.chunkId,
      audioId: e.audioId,
      index: p.index,
      channel: p.channel,
      speaker: p.speaker,
      startMs: p.startMs,
      transcriptKey: p.transcriptKey,
      status: 'transcribed',
      reason: null,
    });
    // Events of one recording arrive in order (keyed by audioId), so this read-then-write holds.
    await bump(e.audioId, { transcribedChunks: 1, ...(prev?.status === 'failed' && { failedChunks: -1 }) });
    await settle(e);
  }

  async function onChunkFailed(e: EventOf<'chunk.transcription.failed'>): Promise<void> {
    const p = e.payload;
    // A chunk once transcribed stays transcribed, whatever order the events arrive in.
    const existing = await chunks.get(p.chunkId);
    if (existing?.status === 'transcribed') return;
    await chunks.replace({
      _id: p.chunkId,
      audioId: e.audioId,
      index: p.index,
      channel: p.channel,
      speaker: '',
      startMs: 0,
      transcriptKey: null,
      status: 'failed',
      reason: `${p.code}: ${p.reason}`,
    });
    if (existing?.status === 'failed')
      await recount(e.audioId); // a redelivery, or the chunk failed again
    else await bump(e.audioId, { failedChunks: 1 });
    await settle(e);
  }

  async function settle(e: Envelope): Promise<void> {
    let rec = await transcripts.get(e.audioId);
    if (!rec || rec.chunkCount === null) return;
    if (rec.transcribedChunks === undefined) {
      // A record written before the counters existed.
      await recount(e.audioId);
      rec = (await transcripts.get(e.audioId)) as TranscriptRecord;
    }
    const done = rec.transcribedChunks;
    const total = rec.chunkCount ?? Infinity;
    if (done >= total) {
      if (rec.status !== 'merged') await merge(e, rec);
      else await announce(e, rec); // a redelivery: say it again, consumers are idempotent
      return;
    }
    if (!(rec.failedChunks > 0 && done + rec.failedChunks >= total)) return;
    const failed = await chunks.find({ audioId: e.audioId, status: 'failed' }, { sort: { channel: 1, index: 1 } });
    if (failed.length) {
      await deps.bus.publish(
        newEvent('transcription.failed', PRODUCER, causedBy(e), {
          code: 'STT.CHUNKS_FAILED',
          reason: `${failed.length} of ${total} chunks failed: ${failed[0].reason ?? 'unknown'}`,
          failedChunks: failed.map((c) => c._id),
        }),
      );
    }
  }

  async function merge(e: Envelope, rec: TranscriptRecord): Promise<void> {
    const audioId = e.audioId;
    const all = await chunks.find({ audioId, status: 'transcribed' }, { sort: { channel: 1, index: 1 } });
    const byChannel = new Map<number, MergeChunk[]>();
    for (const c of all) {
      const list = byChannel.get(c.channel) ?? [];
      list.push(c);
      byChannel.set(c.channel, list);
    }
    let language = 'en-US';
    let engine = 'unknown';
    const store = deps.store;
    async function* load(list: MergeChunk[]): AsyncGenerator<ChunkTranscript> {
      for (const c of list) {
        const t = await getJson<ChunkTranscript>(store, c.transcriptKey ?? '');
        language = t.language;
        engine = t.engine;
        yield t;
      }
    }
    let speakers = [...new Set(all.map((c) => c.speaker))];
    const channels = [...byChannel.keys()].sort();
    let streams = channels.map((ch) => load(byChannel.get(ch) ?? []));
    // A mono call: two voices with roles, from the utterances' voice features (a first pass
    // over the chunk transcripts that keeps a bounded sample, then the merge relabels).
    if (speakers.length === 1 && speakers[0] === MONO_SPEAKER && channels.length === 1) {
      const sample = new UtteranceSample();
      for await (const t of load(byChannel.get(channels[0] as number) ?? []))
        for (const u of chunkUtterances(t)) sample.add(u);
      const model = fitTwoSpeakers(sample.utterances);
      if (model) {
        const two = load(byChannel.get(channels[0] as number) ?? []);
        streams = [relabelled(two, (t) => relabelChunk(model, t))];
        speakers = [AGENT, CUSTOMER];
        deps.log.info(
          { audioId, voiceSeconds: model.seconds, roles: model.roles },
          'mono call split into two speakers',
        );
      }
    }
    const keys = objectKeys.transcript(audioId);
    const counts = zeroCounts();
    const segments = options.redactPii
      ? redactSegmentStream(mergeTranscript(streams), counts)
      : mergeTranscript(streams);
    const stats = await writeTranscript(
      deps.store,
      keys,
      { audioId, durationMs: rec.durationMs, speakers },
      segments,
      () => ({ language, engine, ...(options.redactPii && { redaction: { applied: true, counts } }) }),
    );
    if (options.redactPii) deps.log.info({ audioId, redacted: counts }, 'transcript redacted');
    const merged = await transcripts.update(
      { _id: audioId },
      {
        $set: {
          status: 'merged',
          transcriptKey: keys.json,
          textKey: keys.text,
          wordCount: stats.wordCount,
          segmentCount: stats.segmentCount,
          engine,
          speakers,
          updatedAt: Date.now(),
        },
      },
    );
    deps.log.info({ audioId, ...stats }, 'transcript merged');
    if (merged) await announce(e, merged);
  }

  async function announce(e: Envelope, rec: TranscriptRecord): Promise<void> {
    await deps.bus.publish(
      newEvent('transcript.completed', PRODUCER, causedBy(e), {
        transcriptKey: rec.transcriptKey ?? '',
        textKey: rec.textKey ?? '',
        wordCount: rec.wordCount,
        segmentCount: rec.segmentCount,
        durationMs: rec.durationMs,
        speakers: rec.speakers,
        engine: rec.engine ?? 'unknown',
      }),
    );
  }

  return {
    purge,
    onChunked,
    onChunkTranscribed,
    onChunkFailed,
    subscribe(): void {
      subscribeAll(
        deps.bus,
        GROUP,
        withDeletion(deletions, purge, {
          'audio.chunked': onChunked,
          'chunk.transcribed': onChunkTranscribed,
          'chunk.transcription.failed': onChunkFailed,
        }),
      );
    },
  };
}

async function* relabelled(
  chunks: AsyncIterable<ChunkTranscript>,
  split: (t: ChunkTranscript) => ChunkTranscript[],
): AsyncGenerator<ChunkTranscript> {
  for await (const t of chunks) yield* split(t);
}
