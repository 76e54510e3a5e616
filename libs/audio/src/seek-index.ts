import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AudioError } from './audio-error';
import { describeInput, isUrl, redactUrls } from './ffmpeg-runner';

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
 * One demuxing pass (packets only, no decoding) that finds, for each time in `timesMs` (decoded-
 * audio clock), the last packet that starts at or before it: decoding from its byte offset
 * reaches that time with no seek. `startMs` is AudioInfo.startMs (the encoder delay the decoder
 * drops). Stops reading once the last time is passed. A time beyond the end gets the last packet.
 */
export async function findSeekAnchors(input: string, timesMs: number[], startMs: number): Promise<SeekAnchor[]> {
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
