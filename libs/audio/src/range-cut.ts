import { ChunkPlanner, frameDbfs, type ChunkPlannerOptions } from './chunk-planner';
import { CHUNK_SAMPLE_RATE, decodeFailure } from './chunk-stream';
import { spawnPcmDecoder } from './ffmpeg-runner';
import type { SeekAnchor } from './seek-index';

const FRAME_MS = 10;
const SAMPLES_PER_FRAME = (CHUNK_SAMPLE_RATE * FRAME_MS) / 1000;

export interface FindCutsOptions {
  /** The nominal boundary; the cut is searched in a window centred on it. */
  aroundMs: number;
  /** Width of that window (default 60 s: a boundary moves at most 30 s). */
  windowMs?: number;
  /** Channels as the chunker decodes them: 2 cuts each side of a stereo call separately. */
  channels: 1 | 2;
  /** Decode from this frame boundary (at or before the window) instead of seeking: see findSeekAnchors. */
  anchor?: SeekAnchor;
  planner?: Omit<ChunkPlannerOptions, 'frameMs' | 'minMs' | 'maxMs' | 'tailMergeMs'>;
}

/**
 * Where a recording may be split into independently chunked time ranges: per channel, the
 * middle of the longest pause near `aroundMs` (the chunk planner's own rule, on one window).
 * Decodes only that window, so finding a boundary costs about a second whatever the file's size.
 * The result depends on nothing but the input bytes and ffmpeg, so both neighbours of a boundary
 * would find the same cut; callers still store the first answer, to be safe across ffmpeg versions.
 */
export async function findCuts(input: string, opts: FindCutsOptions): Promise<number[]> {
  const windowMs = opts.windowMs ?? 60_000;
  const startMs = Math.max(0, Math.round((opts.aroundMs - windowMs / 2) / FRAME_MS) * FRAME_MS);
  const channels = opts.channels;
  const frames: number[][] = Array.from({ length: channels }, () => []);
  const sumSq = new Float64Array(channels);
  let inFrame = 0;

  const anchor = opts.anchor && opts.anchor.ms <= startMs ? opts.anchor : undefined;
  // Decoded before the window (from the anchor): dropped, sample frames of every channel.
  let skip = anchor ? Math.round(((startMs - anchor.ms) * CHUNK_SAMPLE_RATE) / 1000) : 0;
  const decoder = spawnPcmDecoder({
    input,
    startMs,
    ...(anchor && { startByte: anchor.byte }),
    durationMs: windowMs + (anchor ? startMs - anchor.ms : 0),
    channels,
    sampleRate: CHUNK_SAMPLE_RATE,
  });
  try {
    const stride = 2 * channels;
    let carry: Buffer = Buffer.alloc(0);
    for await (const data of decoder.stdout as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, data]) : data;
      const usable = buf.length - (buf.length % stride);
      carry = buf.subarray(usable);
      for (let at = 0; at < usable; at += stride) {
        if (skip > 0) {
          skip--;
          continue;
        }
        for (let c = 0; c < channels; c++) {
          const s = buf.readInt16LE(at + 2 * c);
          sumSq[c] += s * s;
        }
        if (++inFrame === SAMPLES_PER_FRAME) {
          for (let c = 0; c < channels; c++) {
            frames[c].push(frameDbfs(sumSq[c], SAMPLES_PER_FRAME));
            sumSq[c] = 0;
          }
          inFrame = 0;
        }
      }
    }
    const exit = await decoder.done;
    if (exit.error) throw decodeFailure(input, exit.error, exit.stderrTail);
  } finally {
    decoder.kill();
    await decoder.done;
  }

  return frames.map((energies) => {
    // Past the end of the audio (a duration estimate that was too long): nothing to choose from.
    if (energies.length < 2) return opts.aroundMs;
    const planner = new ChunkPlanner({
      ...opts.planner,
      frameMs: FRAME_MS,
      minMs: FRAME_MS,
      maxMs: energies.length * FRAME_MS,
      tailMergeMs: 0,
    });
    for (const e of energies) {
      const [decided] = planner.push(e);
      if (decided) return startMs + decided.endFrame * FRAME_MS;
    }
    return opts.aroundMs; // unreachable: the planner decides once the window is full
  });
}
