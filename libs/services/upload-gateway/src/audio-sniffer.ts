/**
 * Recognises audio containers by their magic bytes, so the gateway can refuse a text file
 * or an image before storing it. ffprobe confirms the rest after the upload.
 * Signatures: https://en.wikipedia.org/wiki/List_of_file_signatures
 */
export const SNIFF_BYTES = 12;

export function sniffAudio(head: Buffer): string | null {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  if (head.length < 4) return null;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 3) === 'ID3') return 'mp3';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(8, 12))) return 'aiff';
  if (ascii(4, 8) === 'ftyp') return 'mp4';
  if (head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (ascii(0, 5) === '#!AMR') return 'amr';
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0) {
    // MPEG audio frame sync (MP3/MP2) or ADTS AAC (layer bits 00).
    return (head[1] & 0x06) === 0 ? 'aac' : 'mp3';
  }
  return null;
}

/** The media type of each format sniffAudio names, as a browser names such a file. */
const MEDIA_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  aiff: 'audio/aiff',
  mp4: 'audio/mp4',
  webm: 'audio/webm',
  amr: 'audio/amr',
  aac: 'audio/aac',
};

/**
 * The media type recorded for an upload: the client's when it names audio or video (a browser's
 * `audio/mpeg`), else the one its first bytes show. curl, fetch with a bare Blob and scripts send
 * `application/octet-stream` or nothing, and a recording must not be listed that way when its
 * bytes say what it is. `sniffed` is sniffAudio's answer.
 */
export function recordedMediaType(declared: string | null | undefined, sniffed: string | null): string {
  const type = (declared ?? '').trim().toLowerCase();
  if (/^(audio|video)\/[a-z0-9.+-]+$/.test(type)) return type;
  return (sniffed && MEDIA_TYPES[sniffed]) || type || 'application/octet-stream';
}
