import type { Readable } from 'node:stream';
import type { SearchSegment } from './search-index.port';

/** Longest segment accepted: a turn is a few kB; anything far beyond is not a transcript. */
const MAX_SEGMENT_CHARS = 4 * 1024 * 1024;

/**
 * The segments of a stored transcript JSON ({ …, "segments": [ {startMs, endMs, speaker, text,
 * words}, … ], "text": … }), one at a time, from its byte stream: only the segment being read is
 * held, so a 100 GB recording's transcript is never in memory whole. Reading stops at the end of
 * `segments` (the plain text after it is not read).
 */
export async function* transcriptSegments(body: Readable): AsyncGenerator<SearchSegment> {
  body.setEncoding('utf8');
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The key being read at depth 1, and the last one read. */
  let key: string | null = null;
  let lastKey: string | null = null;
  let inSegments = false;
  let segment: string | null = null;
  let index = 0;
  try {
    for await (const chunk of body as AsyncIterable<string>) {
      let segStart: number = segment === null ? -1 : 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
          if (key !== null && depth === 1) {
            if (inString) key += c;
            else {
              lastKey = key.slice(0, key.length);
              key = null;
            }
          }
          continue;
        }
        if (c === '"') {
          inString = true;
          if (depth === 1 && !inSegments) key = '';
          continue;
        }
        if (c === '{' || c === '[') {
          depth++;
          if (depth === 2 && c === '[' && lastKey === 'segments') inSegments = true;
          else if (inSegments && depth === 3 && c === '{') segStart = i;
        } else if (c === '}' || c === ']') {
          depth--;
          if (inSegments && depth === 2 && c === '}') {
            segment = (segment ?? '') + chunk.slice(Math.max(segStart, 0), i + 1);
            yield toSegment(JSON.parse(segment) as unknown, index++);
            segment = null;
            segStart = -1;
          } else if (inSegments && depth === 1) {
            return; // the end of `segments`
          }
        } else if (c === ':' || c === ',') {
          if (depth === 1 && c === ',') lastKey = null;
        }
      }
      if (segStart >= 0) {
        segment = (segment ?? '') + chunk.slice(segStart);
        if (segment.length > MAX_SEGMENT_CHARS) throw new Error('a transcript segment is too large to index');
      }
    }
  } finally {
    body.destroy();
  }
}

function toSegment(v: unknown, index: number): SearchSegment {
  const s = (v ?? {}) as Record<string, unknown>;
  return {
    index,
    speaker: typeof s.speaker === 'string' ? s.speaker : '',
    startMs: typeof s.startMs === 'number' ? s.startMs : 0,
    endMs: typeof s.endMs === 'number' ? s.endMs : 0,
    text: typeof s.text === 'string' ? s.text : '',
  };
}
