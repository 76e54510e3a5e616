import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';

/**
 * The media type the CLI declares for an upload, as a browser would: recordings are listed with
 * it, so an MP3 sent by the CLI must say `audio/mpeg` like one sent from the dashboard. The first
 * bytes decide (a file's name can lie); the extension is the fallback for containers without a
 * plain signature.
 */
export function detectContentType(file: string): string {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return contentTypeOf(head.subarray(0, n), extname(file).toLowerCase());
}

const BY_EXTENSION: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.aac': 'audio/aac',
  '.webm': 'audio/webm',
  '.mka': 'audio/x-matroska',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.amr': 'audio/amr',
  '.wma': 'audio/x-ms-wma',
};

/** Signature first, then the extension (lower case, with its dot); octet-stream when neither knows. */
export function contentTypeOf(head: Buffer, extension: string): string {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) {
    // A frame sync: MPEG audio, unless the layer bits are 00, which is ADTS (AAC).
    return ((head[1] ?? 0) & 0x06) === 0 ? 'audio/aac' : 'audio/mpeg';
  }
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(4, 8) === 'ftyp') return 'audio/mp4';
  if (ascii(0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(8, 12))) return 'audio/aiff';
  if (ascii(0, 5) === '#!AMR') return 'audio/amr';
  if (head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) {
    return extension === '.mka' ? 'audio/x-matroska' : 'audio/webm';
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x30, 0x26, 0xb2, 0x75]))) return 'audio/x-ms-wma';
  return BY_EXTENSION[extension] ?? 'application/octet-stream';
}
