/**
 * HTTP byte ranges (RFC 9110 §14) and download names: the parts of serving a file that are
 * pure functions of the request, so they are tested without a server.
 */

/** What to send for a `Range` header against an object of `size` bytes. */
export type RangeAnswer =
  /** No range, or one we ignore (malformed, several ranges, another unit): the whole object, 200. */
  | { kind: 'full' }
  /** Bytes `start`..`end` inclusive, 206. */
  | { kind: 'partial'; start: number; end: number }
  /** A well-formed range that no byte of the object satisfies, 416. */
  | { kind: 'unsatisfiable' };

const SPEC = /^bytes=(\d*)-(\d*)$/;

/**
 * Reads one `bytes=a-b`, `bytes=a-` or `bytes=-n` range. As RFC 9110 allows, a header this
 * does not understand (another unit, a syntax error, several ranges) is ignored and the whole
 * object is sent; an end past the object is clamped to its last byte.
 */
export function parseByteRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const m = SPEC.exec(header.trim().replace(/\s+/g, ''));
  if (!m) return { kind: 'full' };
  const [, a = '', b = ''] = m;
  if (!a && !b) return { kind: 'full' };
  if (!a) {
    // The last n bytes.
    const n = Number(b);
    if (!Number.isSafeInteger(n)) return { kind: 'full' };
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b ? Number(b) : size - 1;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'full' };
  if (b && end < start) return { kind: 'full' }; // syntactically invalid: ignored
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * A file name that is safe in a header and on every file system: the recording's own name
 * without its extension, control characters, path separators and characters Windows refuses
 * replaced, at most 100 characters, and `suffix` (an extension) appended.
 */
export function safeFilename(name: string | null | undefined, suffix: string, fallback = 'recording'): string {
  const stem = (name ?? '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '_')
    .replace(/^[.\s_]+|[.\s]+$/g, '')
    .slice(0, 100);
  return `${stem || fallback}${suffix}`;
}

/**
 * `Content-Disposition` for a download: an ASCII `filename` for old clients and the exact
 * name as RFC 8187 `filename*`.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
