/** Canonical PCM WAV: RIFF + "fmt " (16 bytes) + "data", nothing else. */
export const WAV_HEADER_BYTES = 44;

/**
 * The 44-byte header of a 16-bit PCM WAV. Deliberately no LIST/INFO chunk: ffmpeg writes one by
 * default and pocketsphinx then decodes the file differently (shared/NOTES.md, "WAV header trap").
 */
export function wavHeader(dataBytes: number, sampleRate = 16000, channels = 1): Buffer {
  if (!Number.isInteger(dataBytes) || dataBytes < 0)
    throw new RangeError(`dataBytes must be a non-negative integer, got ${dataBytes}`);
  // RIFF sizes are unsigned 32-bit; a bigger chunk cannot be described (and 60 s chunks never come close).
  if (dataBytes > 0xffffffff - 36) throw new RangeError(`dataBytes ${dataBytes} does not fit a RIFF header`);
  const bitsPerSample = 16;
  const blockAlign = channels * (bitsPerSample / 8);
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size for plain PCM
  h.writeUInt16LE(1, 20); // format tag 1 = integer PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28); // byte rate
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Wraps signed 16-bit little-endian PCM into a WAV file (one copy: header and data in one buffer). */
export function pcmToWav(pcm: Buffer, sampleRate = 16000, channels = 1): Buffer {
  if (pcm.length % (2 * channels) !== 0)
    throw new RangeError(`PCM length ${pcm.length} is not a whole number of ${channels}-channel s16 frames`);
  const out = Buffer.allocUnsafe(WAV_HEADER_BYTES + pcm.length);
  wavHeader(pcm.length, sampleRate, channels).copy(out, 0);
  pcm.copy(out, WAV_HEADER_BYTES);
  return out;
}
