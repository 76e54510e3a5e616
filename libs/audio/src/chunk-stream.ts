import { endianness } from 'node:os';
import { AudioError } from './audio-error';
import { ChunkPlanner, frameDbfs, type ChunkPlannerOptions, type PlannedChunk } from './chunk-planner';
import { describeInput, isUrl, redactUrls, spawnPcmDecoder } from './ffmpeg-runner';
import { probeAudio } from './probe-audio';
import type { SeekAnchor } from './seek-index';
import { pcmToWav } from './wav';

export const CHUNK_SAMPLE_RATE = 16_000;
const FRAME_MS = 10;
const SAMPLES_PER_FRAME = (CHUNK_SAMPLE_RATE * FRAME_MS) / 1000;
const BYTES_PER_FRAME = SAMPLES_PER_FRAME * 2;

export interface AudioChunk {
  /** 0 = left / agent, 1 = right / customer; 0 for mono and downmixed input. */
  channel: number;
  /** Per channel, 0-based, counted from the first chunk this call emits. */
  index: number;
  /** Absolute times in the recording (the startMs seek offset included). */
  startMs: number;
  endMs: number;
  /** Canonical 44-byte-header WAV, 16 kHz mono s16le. */
  wav: Buffer;
}

/** Where one channel starts (and optionally ends) and how its chunks are numbered. */
export interface ChannelSpan {
  channel: number;
  fromMs: number;
  nextIndex: number;
  toMs?: number;
}

export interface StreamChunksOptions {
  minMs?: number;
  maxMs?: number;
  /** Resume point: decoding starts here (input seek) and emitted times include it. */
  startMs?: number;
  /**
   * Per-channel resume (a checkpoint) or time range: channel `channel` drops its audio before
   * `fromMs` and numbers its chunks from `nextIndex`. Channels are cut independently, so after a
   * crash each one goes on from its own last cut; decoding seeks to `startMs` (their minimum).
   * With `toMs` the channel ends there (its last chunk ends exactly at `toMs`); when every channel
   * has one, decoding stops at the latest.
   */
  resume?: ChannelSpan[];
  /**
   * Start decoding at this frame boundary instead of seeking to `startMs` (see findSeekAnchors):
   * audio between the anchor and each channel's start is decoded and dropped. Must not be after
   * `startMs`; a second or more before it also drops the first frames' decoder warm-up.
   */
  anchor?: SeekAnchor;
  /** Two-channel input is chunked per channel (stereo calls: one speaker per side). Default true. */
  splitStereo?: boolean;
  signal?: AbortSignal;
  /** Fine-tuning of the silence detector (see ChunkPlanner). */
  planner?: Omit<ChunkPlannerOptions, 'frameMs' | 'minMs' | 'maxMs'>;
}

/**
 * Decodes `input` (file path or http(s) URL) once with ffmpeg to 16 kHz s16le on a pipe and yields
 * silence-cut chunks, each channel of a stereo call cut independently on its own pauses.
 *
 * Memory is bounded whatever the recording's length: per channel one fixed buffer of
 * maxMs + tailMergeMs of PCM (≈ 2.1 MB at the defaults) plus the pipe's own buffers (up to
 * PCM_HIGH_WATER_MARK, 1 MiB, read ahead on each side of the PassThrough). Past that the pipe is
 * only read while the consumer is pulling, so a slow consumer stalls ffmpeg instead of filling RAM,
 * while a consumer that pauses briefly (writing a chunk) does not stop the decoder.
 * Returning early (break / return()) or aborting the signal kills ffmpeg.
 */
export async function* streamChunks(input: string, opts: StreamChunksOptions = {}): AsyncGenerator<AudioChunk> {
  const { signal } = opts;
  const startMs = opts.startMs ?? 0;
  if (!(startMs >= 0)) throw new RangeError(`startMs must be >= 0, got ${startMs}`);
  if (opts.anchor && opts.anchor.ms > startMs)
    throw new RangeError(`the anchor (${opts.anchor.ms} ms) is after startMs (${startMs})`);
  // Decoded sample 0 is at `origin`: the seek point, or the anchor's time.
  const origin = opts.anchor ? opts.anchor.ms : startMs;
  throwIfAborted(signal);

  const info = await probeAudio(input);
  throwIfAborted(signal);
  const channels = info.channels === 2 && (opts.splitStereo ?? true) ? 2 : 1;
  const plannerOptions: ChunkPlannerOptions = {
    ...opts.planner,
    frameMs: FRAME_MS,
    ...(opts.minMs !== undefined && { minMs: opts.minMs }),
    ...(opts.maxMs !== undefined && { maxMs: opts.maxMs }),
  };
  const chunkers = Array.from({ length: channels }, (_, c) => {
    const r = opts.resume?.find((x) => x.channel === c);
    const fromMs = Math.max(startMs, r?.fromMs ?? startMs);
    const skipSamples = msToSamples(fromMs - origin);
    const keepSamples = r?.toMs === undefined ? Infinity : Math.max(0, msToSamples(r.toMs - fromMs));
    return new ChannelChunker(c, fromMs, new ChunkPlanner(plannerOptions), skipSamples, r?.nextIndex ?? 0, keepSamples);
  });
  const ends = chunkers.map((_, c) => opts.resume?.find((x) => x.channel === c)?.toMs);
  const endMs = ends.every((e) => e !== undefined) ? Math.max(...(ends as number[])) : undefined;

  const decoder = spawnPcmDecoder({
    input,
    startMs,
    ...(opts.anchor && { startByte: opts.anchor.byte }),
    ...(endMs !== undefined && { durationMs: endMs - origin }),
    channels,
    sampleRate: CHUNK_SAMPLE_RATE,
  });
  const onAbort = (): void => decoder.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const bytesPerSampleFrame = 2 * channels;
    let carry: Buffer = Buffer.alloc(0);
    for await (const data of decoder.stdout as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      // Pipe reads split anywhere; keep any incomplete interleaved sample for the next read.
      const buf = carry.length ? Buffer.concat([carry, data]) : data;
      const usable = buf.length - (buf.length % bytesPerSampleFrame);
      carry = buf.subarray(usable);
      const samples = int16View(buf, usable);
      const ready: AudioChunk[] = [];
      for (const chunker of chunkers) chunker.append(samples, usable / bytesPerSampleFrame, channels, ready);
      // Yielding inside the for-await suspends reading: this is where backpressure comes from.
      for (const chunk of ready) {
        throwIfAborted(signal); // an abort while the consumer held the previous chunk
        yield chunk;
      }
    }
    throwIfAborted(signal);
    const exit = await decoder.done;
    throwIfAborted(signal);
    if (exit.error) throw decodeFailure(input, exit.error, exit.stderrTail);
    const ready: AudioChunk[] = [];
    for (const chunker of chunkers) chunker.finish(ready);
    for (const chunk of ready) {
      throwIfAborted(signal);
      yield chunk;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // No-op when ffmpeg has already exited; otherwise (early return, abort, error) stop it and
    // wait for it, so no decoder outlives the generator.
    decoder.kill();
    await decoder.done;
  }
}

/** One channel's pending PCM and planner. */
class ChannelChunker {
  private readonly pcm: Buffer;
  /** The same memory as pcm, as samples (pcm is its own, aligned allocation). */
  private readonly pcm16: Int16Array;
  private pcmLen = 0;
  /** Absolute frame index (since the seek origin) of pcm[0]. */
  private pcmStartFrame = 0;
  private frameSamples = 0;
  private frameSumSq = 0;
  constructor(
    private readonly channel: number,
    private readonly originMs: number,
    private readonly planner: ChunkPlanner,
    /** Samples before this channel's resume point, decoded but already chunked. */
    private skipSamples = 0,
    private nextIndex = 0,
    /** Samples after the skip that belong to this channel's span; the rest is dropped. */
    private keepSamples = Infinity,
  ) {
    // Fixed capacity: the planner never leaves more than maxPendingFrames undecided, plus the
    // frame being filled. Never grown, so memory is bounded by construction.
    this.pcm = Buffer.alloc((planner.maxPendingFrames + 1) * BYTES_PER_FRAME);
    this.pcm16 = new Int16Array(this.pcm.buffer, this.pcm.byteOffset, this.pcm.length >> 1);
  }

  /**
   * Takes this channel's samples out of interleaved s16le samples `src[0, sampleFrames × channels)`.
   * One tight loop per 10 ms frame over Int16Array views (copy + sum of squares together), no
   * per-sample bounds checks or byte arithmetic: this loop runs for every decoded sample.
   */
  append(src: Int16Array, sampleFrames: number, channels: number, out: AudioChunk[]): void {
    let i = 0;
    if (this.skipSamples > 0) {
      i = Math.min(this.skipSamples, sampleFrames);
      this.skipSamples -= i;
    }
    let end = sampleFrames;
    if (this.keepSamples !== Infinity) {
      end = Math.min(sampleFrames, i + Math.max(0, this.keepSamples));
      this.keepSamples -= end - i;
    }
    const dst = this.pcm16;
    while (i < end) {
      const n = Math.min(end - i, SAMPLES_PER_FRAME - this.frameSamples);
      const pos = this.pcmLen >> 1;
      if (pos + n > dst.length) throw new Error('chunk buffer overflow: planner released too late (bug)');
      let sumSq = this.frameSumSq;
      let at = i * channels + this.channel;
      for (let k = pos, stop = pos + n; k < stop; k++, at += channels) {
        const sample = src[at] as number;
        dst[k] = sample;
        sumSq += sample * sample;
      }
      this.frameSumSq = sumSq;
      this.pcmLen += 2 * n;
      this.frameSamples += n;
      i += n;
      if (this.frameSamples === SAMPLES_PER_FRAME) {
        const decided = this.planner.push(frameDbfs(this.frameSumSq, this.frameSamples));
        this.frameSamples = 0;
        this.frameSumSq = 0;
        for (const d of decided) out.push(this.emit(d));
      }
    }
  }

  finish(out: AudioChunk[]): void {
    // The last, partial frame still gets an energy so it lands in the last chunk.
    if (this.frameSamples > 0) {
      for (const d of this.planner.push(frameDbfs(this.frameSumSq, this.frameSamples))) out.push(this.emit(d));
      this.frameSamples = 0;
    }
    for (const d of this.planner.finish()) out.push(this.emit(d));
  }

  private emit(d: PlannedChunk): AudioChunk {
    // Chunks come in order and start where the previous one ended, so they always start at pcm[0].
    if (d.startFrame !== this.pcmStartFrame)
      throw new Error(`planner chunk starts at frame ${d.startFrame}, expected ${this.pcmStartFrame} (bug)`);
    const endByte = Math.min((d.endFrame - this.pcmStartFrame) * BYTES_PER_FRAME, this.pcmLen);
    const wav = pcmToWav(this.pcm.subarray(0, endByte), CHUNK_SAMPLE_RATE, 1);
    const startSample = d.startFrame * SAMPLES_PER_FRAME;
    const chunk: AudioChunk = {
      channel: this.channel,
      index: this.nextIndex++,
      startMs: this.originMs + d.startFrame * FRAME_MS,
      endMs: this.originMs + Math.round(((startSample + endByte / 2) * 1000) / CHUNK_SAMPLE_RATE),
      wav,
    };
    this.pcm.copyWithin(0, endByte, this.pcmLen);
    this.pcmLen -= endByte;
    this.pcmStartFrame = d.endFrame;
    return chunk;
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * `buf[0, usable)` (s16le) as an Int16Array, without a copy when it can: pipe reads are fresh,
 * aligned allocations. An odd offset (a Buffer.concat slice) or a big-endian host gets a copy.
 */
export function int16View(buf: Buffer, usable: number): Int16Array {
  if (LITTLE_ENDIAN && buf.byteOffset % 2 === 0) return new Int16Array(buf.buffer, buf.byteOffset, usable >> 1);
  const copy = Buffer.alloc(usable); // own ArrayBuffer at offset 0
  buf.copy(copy, 0, 0, usable);
  if (!LITTLE_ENDIAN) copy.swap16();
  return new Int16Array(copy.buffer, copy.byteOffset, usable >> 1);
}

function msToSamples(ms: number): number {
  return Math.round((ms * CHUNK_SAMPLE_RATE) / 1000);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AudioError('AUDIO.ABORTED', 'chunking was aborted', { cause: signal.reason });
}

/** @internal also used by findCuts */
export function decodeFailure(input: string, err: Error, stderrTail: string): AudioError {
  if (/Cannot find ffmpeg|spawn .*ENOENT/i.test(err.message)) {
    return new AudioError('AUDIO.FFMPEG_MISSING', `ffmpeg is not installed: ${redactUrls(err.message)}`);
  }
  const where = describeInput(input);
  const detail = redactUrls(stderrTail || err.message);
  // A URL may fail on a dropped connection that a later attempt survives; a local file that
  // ffmpeg cannot decode will fail the same way again.
  // No `cause`: fluent-ffmpeg's error message quotes the full command line, URL credentials included.
  return new AudioError('AUDIO.DECODE_FAILED', `ffmpeg failed on ${where}: ${detail}`, { retriable: isUrl(input) });
}
