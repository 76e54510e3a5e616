/** Media types by file extension, for uploads whose client named none (`application/octet-stream`). */
const BY_EXTENSION: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
  aac: 'audio/aac',
  webm: 'audio/webm',
  aif: 'audio/aiff',
  aiff: 'audio/aiff',
  amr: 'audio/amr',
};

/**
 * The Content-Type to play a recording with: the one recorded at upload when it names audio
 * or video, else the one its file name's extension implies, else `application/octet-stream`.
 * Only a well-formed `type/subtype` recorded type is sent back (it reaches a header).
 */
export function playableMediaType(recorded: string | null | undefined, filename: string | null | undefined): string {
  const type = (recorded ?? '').trim().toLowerCase();
  if (/^(audio|video)\/[a-z0-9.+-]+$/.test(type)) return type;
  const ext = /\.([a-z0-9]{1,5})$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || 'application/octet-stream';
}
