import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { AudioError } from './audio-error';
import { describeInput, isUrl, redactUrls } from './ffmpeg-runner';
import { Mp3FrameScanner } from './mp3-frames';

/** A byte offset where decoding can start, and the time (ms, decoded-audio clock, fractional) it starts at. */
export interface SeekAnchor {
  ms: number;
  byte: number;
}

/**
 * Formats made of self-contained frames with no index (MP3, ADTS AAC). ffmpeg can only seek in
 * them by reading every packet from the start, so a seek near the end of a 100 GB file reads
 * 100 GB; but decoding can start at any frame's byte offset, and ffprobe lists those offsets
 * cheaply. Containers (WAV, FLAC, Ogg, MP4) seek fast and exactly with `-ss`, and cannot be
 * entered mid-file without their header.
 */
export function needsSeekAnchors(formatName: string): boolean {
  return formatName.split(',').some((f) => f === 'mp3' || f === 'aac');
}

/**
 * One pass over the file (MP3: a frame-header scan; otherwise ffprobe listing packets, no decoding) that finds, for each time in `timesMs` (decoded-
 * audio clock), the last packet that starts at or before it: decoding from its byte offset
 * reaches that time with no seek. `startMs` is AudioInfo.startMs (the encoder delay the decoder
 * drops). Stops reading once the last time is passed. A time beyond the end gets the last packet.
 */
export async function findSeekAnchors(input: string, timesMs: number[], startMs: number): Promise<SeekAnchor[]> {
  if (!timesMs.length) return [];
  // MP3 in a local file: a frame-header scan (mp3-frames.ts) at disk speed. Anything it cannot
  // follow (ADTS AAC, a URL, no Layer III frame near the start) goes to ffprobe's packet list.
  if (!isUrl(input)) {
    const scanned = await scanMp3Anchors(input, timesMs, startMs);
    if (scanned) return scanned;
  }
  return probeSeekAnchors(input, timesMs, startMs);
}

/** Read size of the frame scan: large reads, so the scan runs at the disk's pace. */
const SCAN_READ_BYTES = 1024 * 1024;
/** No frame within this many bytes (after any ID3v2 tag): not an MP3 the scanner can follow. */
const SCAN_GIVE_UP_BYTES = 4 * 1024 * 1024;

/**
 * findSeekAnchors for MP3 by scanning frame headers: the same answer as the packet list (each
 * frame's offset and start time, the Xing/Info frame left out as ffmpeg leaves it out), reading
 * the file once in 1 MiB pieces and stopping once the last time is passed. Null when the file
 * is not Layer III (the caller then asks ffprobe).
 */
export async function scanMp3Anchors(input: string, timesMs: number[], startMs: number): Promise<SeekAnchor[] | null> {
  const wanted = timesMs.map((ms, i) => ({ ms, i })).sort((a, b) => a.ms - b.ms);
  const out: SeekAnchor[] = new Array<SeekAnchor>(timesMs.length);
  let next = 0;
  // Per frame: a comparison, and an object only for the frames an answer may name.
  let lastByte = -1;
  let lastMs = 0;
  const scanner = new Mp3FrameScanner((byte, sample, sampleRate) => {
    if (next === wanted.length) return;
    const ms = (sample * 1000) / sampleRate - startMs;
    while (next < wanted.length && ms > wanted[next]!.ms) {
      out[wanted[next]!.i] = lastByte < 0 ? { ms, byte } : { ms: lastMs, byte: lastByte };
      next++;
    }
    lastByte = byte;
    lastMs = ms;
  });
  const stream = createReadStream(input, { highWaterMark: SCAN_READ_BYTES });
  let read = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      scanner.push(chunk);
      read += chunk.length;
      if (next === wanted.length) break; // everything found: do not read the rest of the file
      if (scanner.frames === 0 && read > scanner.skipUntilByte + SCAN_GIVE_UP_BYTES) return null;
    }
    if (next < wanted.length) scanner.end();
  } catch (err) {
    const why = (err as Error).message;
    throw new AudioError('AUDIO.DECODE_FAILED', `could not read ${describeInput(input)}: ${why}`, { retriable: false });
  } finally {
    stream.destroy();
  }
  if (scanner.frames === 0 || lastByte < 0) return null;
  for (; next < wanted.length; next++) out[wanted[next]!.i] = { ms: lastMs, byte: lastByte };
  return out;
}

/** The packet list: one ffprobe demuxing pass (any format ffmpeg reads, files and URLs). */
export async function probeSeekAnchors(input: string, timesMs: number[], startMs: number): Promise<SeekAnchor[]> {
  const wanted = timesMs.map((ms, i) => ({ ms, i })).sort((a, b) => a.ms - b.ms);
  const out: SeekAnchor[] = new Array<SeekAnchor>(timesMs.length);
  if (!wanted.length) return out;
  const args = ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts_time,pos', '-of', 'csv=p=0'];
  if (isUrl(input)) args.push('-rw_timeout', '30000000');
  const child = spawn(process.env.FFPROBE_PATH || 'ffprobe', [...args, input], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });

  let next = 0;
  let last: SeekAnchor | null = null;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const comma = line.indexOf(',');
      if (comma < 0) continue;
      const pts = Number(line.slice(0, comma));
      const byte = Number(line.slice(comma + 1));
      if (!Number.isFinite(pts) || !Number.isFinite(byte)) continue; // "N/A": no position for this packet
      const packet = { ms: pts * 1000 - startMs, byte }; // fractional: sample-exact
      while (next < wanted.length && packet.ms > wanted[next]!.ms) {
        out[wanted[next]!.i] = last ?? packet;
        next++;
      }
      if (next === wanted.length) break; // everything found: do not read the rest of the file
      last = packet;
    }
  } finally {
    lines.close();
    child.kill('SIGKILL'); // no-op when it has exited
  }
  const exit = await exited;
  if (next < wanted.length) {
    if (exit.error || (exit.code !== 0 && exit.code !== null) || !last) {
      const why = exit.error?.message ?? stderr.trim() ?? `exit code ${exit.code}`;
      throw new AudioError(
        /ENOENT/.test(why) ? 'AUDIO.FFMPEG_MISSING' : 'AUDIO.DECODE_FAILED',
        `ffprobe could not list the packets of ${describeInput(input)}: ${redactUrls(why)}`,
        { retriable: isUrl(input) },
      );
    }
    for (; next < wanted.length; next++) out[wanted[next]!.i] = last;
  }
  return out;
}
