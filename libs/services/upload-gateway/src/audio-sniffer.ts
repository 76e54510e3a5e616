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
