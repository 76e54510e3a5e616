/**
 * The only file that touches fluent-ffmpeg. The package is on the design card but upstream
 * archived it in May 2025 (shared/NOTES.md), so everything it does for us is kept here, behind
 * two small functions that a plain `child_process.spawn('ffmpeg', …)` could replace.
 */
import { PassThrough, type Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';

export type FfprobeData = ffmpeg.FfprobeData;

export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/** Keeps URL query strings (pre-signed credentials) out of error messages and logs. */
export function describeInput(input: string): string {
  return isUrl(input) ? redactUrls(input) : input;
}

/** Same, for any text that may quote a URL (ffmpeg's stderr does). */
export function redactUrls(text: string): string {
  return text.replace(/(https?:\/\/[^\s?]*)\?[^\s]*/gi, '$1?…');
}

/** Runs `ffprobe -show_streams -show_format [options] input`; rejects with ffprobe's stderr in the message. */
export function runFfprobe(input: string, options: string[]): Promise<FfprobeData> {
  return new Promise((resolve, reject) => {
    // The callback's error is typed `any` by @types/fluent-ffmpeg; narrow it at once.
    ffmpeg.ffprobe(input, options, (err: unknown, data: FfprobeData) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(data);
    });
  });
}

export interface DecoderExit {
  /** null when ffmpeg exited 0. */
  error: Error | null;
  /** Last lines of ffmpeg's stderr (fluent-ffmpeg keeps a ring of them). */
  stderrTail: string;
}

export interface PcmDecoder {
  /** Raw interleaved s16le PCM. Reading it slowly slows ffmpeg down (pipe backpressure). */
  readonly stdout: Readable;
  /** Settles once, after ffmpeg has exited (never rejects). */
  readonly done: Promise<DecoderExit>;
  /** SIGKILLs ffmpeg now, or as soon as it has been spawned. Idempotent. */
  kill(): void;
}

export interface PcmDecoderOptions {
  input: string;
  /** Input seek (`-ss` before `-i`): fast, and decoding restarts there. */
  startMs: number;
  /** Instead of seeking: start reading the input at this byte (a frame boundary of an MP3 / ADTS stream). */
  startByte?: number;
  /** Stop after this much output (`-t`); the whole rest of the input when absent. */
  durationMs?: number;
  channels: number;
  sampleRate: number;
}

const STDERR_LINES = 40;
/** How far (bytes of PCM) ffmpeg may decode ahead of a consumer that is not reading. */
export const PCM_HIGH_WATER_MARK = 1024 * 1024;

export function spawnPcmDecoder(opts: PcmDecoderOptions): PcmDecoder {
  // emitClose:false: fluent-ffmpeg treats a 'close' of its output stream as a failure
  // ("Output stream closed", emitted 20 ms later if ffmpeg's exit has not been seen yet).
  // A fully-read PassThrough closes itself, so on a loaded machine a clean run could be
  // reported as an error. We kill ffmpeg ourselves when we stop reading, so we need no
  // 'close' signal at all.
  //
  // highWaterMark: ffmpeg's stdout is a 64 KiB pipe; with a PassThrough of 16 KiB on top, a
  // consumer busy for a moment (writing a chunk) stops ffmpeg within ~0.5 s of stereo audio and
  // the decoder idles. 1 MiB each side lets it run ~16 s of 16 kHz stereo ahead: still bounded,
  // and the consumer's pauses overlap decoding instead of adding to it.
  const out = new PassThrough({ emitClose: false, highWaterMark: PCM_HIGH_WATER_MARK });
  // From a byte offset: the subfile protocol (64-bit offsets; `-skip_initial_bytes` is a 32-bit
  // int in ffmpeg 5, so it fails past 2 GiB). It wraps files and http(s) URLs alike.
  const source = opts.startByte !== undefined ? `subfile,,start,${opts.startByte},end,0,,:${opts.input}` : opts.input;
  const command = ffmpeg({ stdoutLines: STDERR_LINES })
    .input(source)
    .inputOptions(['-nostdin', '-hide_banner'])
    .noVideo()
    .audioChannels(opts.channels)
    .audioFrequency(opts.sampleRate)
    .audioCodec('pcm_s16le')
    .format('s16le')
    // -map_metadata -1 / bitexact: nothing but samples on the pipe, and the same bytes on every host.
    .outputOptions(['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact']);
  if (opts.startByte === undefined && opts.startMs > 0) command.seekInput(opts.startMs / 1000);
  // A nested protocol inherits a whitelist of just 'file' unless the caller names the others.
  if (opts.startByte !== undefined)
    command.inputOptions(['-protocol_whitelist', 'subfile,file,http,https,tcp,tls,crypto']);
  if (opts.durationMs !== undefined) command.duration(Math.max(0, opts.durationMs) / 1000);
  if (isUrl(opts.input)) {
    // Without these a stalled HTTP server hangs ffmpeg for ever; reconnect covers dropped connections.
    command.inputOptions([
      '-rw_timeout',
      '30000000',
      '-reconnect',
      '1',
      '-reconnect_streamed',
      '1',
      '-reconnect_delay_max',
      '10',
    ]);
  }

  let killRequested = false;
  let proc: { kill(signal?: NodeJS.Signals): boolean } | null = null;
  const done = new Promise<DecoderExit>((resolve) => {
    command.on('start', () => {
      // fluent-ffmpeg sets `ffmpegProc` right before emitting 'start'; it is not in the typings.
      proc = (command as unknown as { ffmpegProc?: { kill(signal?: NodeJS.Signals): boolean } }).ffmpegProc ?? null;
      if (killRequested) proc?.kill('SIGKILL');
    });
    command.on('end', (_stdout: unknown, stderr: unknown) => resolve({ error: null, stderrTail: tailOf(stderr) }));
    command.on('error', (err: unknown, _stdout: unknown, stderr: unknown) => {
      // If ffmpeg never started (missing binary, bad option) nothing will ever end the pipe,
      // so end it here to wake the reader. Once started, ffmpeg's stdout ends it; ending it
      // here too could cut off PCM still buffered in stdout ("write after end").
      if (!proc && !out.writableEnded) out.end();
      resolve({ error: err instanceof Error ? err : new Error(String(err)), stderrTail: tailOf(stderr) });
    });
  });
  command.pipe(out, { end: true });

  return {
    stdout: out,
    done,
    kill() {
      killRequested = true;
      proc?.kill('SIGKILL');
    },
  };
}

function tailOf(stderr: unknown): string {
  if (typeof stderr !== 'string') return '';
  return stderr.trim().split('\n').slice(-12).join('\n');
}
