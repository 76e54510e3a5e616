import { AudioError } from './audio-error';
import { describeInput, isUrl, redactUrls, runFfprobe, type FfprobeData } from './ffmpeg-runner';

export interface AudioInfo {
  /** null when the container does not say (live streams, some pipes). */
  durationMs: number | null;
  channels: number;
  sampleRate: number;
  codec: string;
  formatName: string;
  /** bits per second; null when unknown. */
  bitRate: number | null;
  /**
   * Where decoded audio starts on the packets' clock (ms): encoder delay that the decoder drops,
   * e.g. 69 ms for a LAME MP3. Packet times minus this are times in the decoded audio.
   */
  startMs: number;
}

/**
 * Reads the first audio stream's parameters with ffprobe (input: a file path or an http(s) URL).
 * `-count_packets -read_intervals %+#1` makes ffprobe read exactly one packet, which tells an
 * empty file (no packet, duration N/A, e.g. a header-only WAV) from a stream of unknown length,
 * without reading a 100 GB file to the end.
 */
export async function probeAudio(input: string): Promise<AudioInfo> {
  // -select_streams a: otherwise the one packet read may be a video packet of a video file.
  const options = ['-v', 'error', '-select_streams', 'a', '-count_packets', '-read_intervals', '%+#1'];
  if (isUrl(input)) options.push('-rw_timeout', '30000000');
  let data: FfprobeData;
  try {
    data = await runFfprobe(input, options);
  } catch (err) {
    throw classifyProbeFailure(input, err);
  }

  const stream = data.streams.find((s) => s.codec_type === 'audio');
  if (!stream) throw new AudioError('AUDIO.NOT_AUDIO', `${describeInput(input)} has no audio stream`);

  const durationSec = num(data.format.duration) ?? num(stream.duration);
  const durationMs = durationSec === null ? null : Math.round(durationSec * 1000);
  const packets = num(stream.nb_read_packets);
  if (durationMs === 0 || !(packets !== null && packets > 0)) {
    throw new AudioError('AUDIO.EMPTY', `${describeInput(input)} contains no audio samples`);
  }

  const channels = num(stream.channels);
  const sampleRate = num(stream.sample_rate);
  if (channels === null || channels < 1 || sampleRate === null || sampleRate <= 0) {
    throw new AudioError('AUDIO.NOT_AUDIO', `${describeInput(input)}: ffprobe reports no channel count or sample rate`);
  }
  return {
    durationMs,
    channels,
    sampleRate,
    codec: stream.codec_name ?? 'unknown',
    formatName: data.format.format_name ?? 'unknown',
    bitRate: num(data.format.bit_rate) ?? num(stream.bit_rate),
    // Not rounded: 69.0625 ms is 1105 samples at 16 kHz, and anchors must land on the very sample.
    startMs: (num(stream.start_time) ?? num(data.format.start_time) ?? 0) * 1000,
  };
}

/** ffprobe prints "N/A" for unknown values, and fluent-ffmpeg passes numbers or strings through. */
function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function classifyProbeFailure(input: string, err: unknown): AudioError {
  const message = redactUrls(err instanceof Error ? err.message : String(err));
  const where = describeInput(input);
  // ffprobe's message quotes the input; for a URL that includes any pre-signed credentials.
  const cause = isUrl(input) ? undefined : err;
  if (/Cannot find ffprobe|spawn .*ENOENT/i.test(message)) {
    return new AudioError('AUDIO.FFMPEG_MISSING', `ffprobe is not installed: ${message}`, { cause });
  }
  if (/No such file or directory|404 Not Found|410 Gone/i.test(message)) {
    return new AudioError('AUDIO.NOT_FOUND', `${where} not found`, { cause });
  }
  if (/Invalid data found|could not find codec|no audio|moov atom not found|Invalid argument/i.test(message)) {
    return new AudioError('AUDIO.NOT_AUDIO', `${where} is not a readable audio file: ${lastLine(message)}`, { cause });
  }
  // Other failures on a URL (refused, reset, timeout, 5xx) may pass on a later attempt.
  if (isUrl(input)) {
    return new AudioError('AUDIO.UNREACHABLE', `cannot read ${where}: ${lastLine(message)}`, {
      retriable: true,
      cause,
    });
  }
  return new AudioError('AUDIO.NOT_AUDIO', `${where} is not a readable audio file: ${lastLine(message)}`, { cause });
}

function lastLine(message: string): string {
  const lines = message.trim().split('\n');
  return lines[lines.length - 1] ?? message;
}
