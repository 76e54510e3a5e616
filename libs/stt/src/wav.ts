/**
 * Reads a PCM WAV's format and where its samples are, walking the RIFF chunks (so a LIST chunk
 * before `data` is fine). Cloud adapters need this to stream raw PCM (Azure's push stream) and
 * to size timeouts by the audio's length.
 */
import { open, stat } from 'node:fs/promises';
import { SttError } from './stt-error';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

const HEADER_BYTES = 64 * 1024;

export async function readWavInfo(wavPath: string): Promise<WavInfo> {
  let header: Buffer;
  let size: number;
  try {
    size = (await stat(wavPath)).size;
    const fh = await open(wavPath, 'r');
    try {
      header = Buffer.alloc(Math.min(size, HEADER_BYTES));
      await fh.read(header, 0, header.length, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new SttError('STT.BAD_AUDIO', `cannot read ${wavPath}: ${(err as Error).message}`, { cause: err });
  }
  const bad = (why: string): SttError => new SttError('STT.BAD_AUDIO', `${wavPath} is not a PCM WAV: ${why}`);
  if (header.length < 12 || header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('no RIFF/WAVE header');
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  let pos = 12;
  while (pos + 8 <= header.length) {
    const id = header.toString('ascii', pos, pos + 4);
    const len = header.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ' && body + 16 <= header.length) {
      fmt = {
        format: header.readUInt16LE(body),
        channels: header.readUInt16LE(body + 2),
        sampleRate: header.readUInt32LE(body + 4),
        bits: header.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw bad('data before fmt');
      // WAVE_FORMAT_PCM (1) or WAVE_FORMAT_EXTENSIBLE (0xfffe) carrying PCM.
      if (fmt.format !== 1 && fmt.format !== 0xfffe) throw bad(`format tag ${fmt.format} is not PCM`);
      if (fmt.bits !== 16) throw bad(`${fmt.bits}-bit samples (16-bit expected)`);
      // Streaming writers leave the size at 0 or 0xffffffff: the file's end is the data's end.
      const dataBytes = len === 0 || len === 0xffffffff || body + len > size ? size - body : len;
      const bytesPerMs = (fmt.sampleRate * fmt.channels * (fmt.bits / 8)) / 1000;
      return {
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        bitsPerSample: fmt.bits,
        dataOffset: body,
        dataBytes,
        durationMs: Math.round(dataBytes / bytesPerMs),
      };
    }
    pos = body + len + (len % 2);
  }
  throw bad('no data chunk');
}

/** A canonical 44-byte-header 16-bit PCM WAV around `pcm` (tests and tools). */
export function pcmToWav(pcm: Buffer, sampleRate = 16_000, channels = 1): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}
