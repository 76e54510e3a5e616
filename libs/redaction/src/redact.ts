/**
 * Redaction of transcripts (and of free text) into typed placeholders, keeping word timing:
 * a redacted word keeps its start and end; the consecutive words of one span within one
 * segment become one placeholder word from the first word's start to the last one's end
 * (the first word's leading and the last word's trailing punctuation kept: "[CARD].").
 */
import type { Segment, Transcript, Word } from '@speech/contracts';
import { detectPii, PLACEHOLDERS, tokenOf, zeroCounts, type PiiCounts, type PiiKind, type Token } from './detect';

export interface RedactionResult<T> {
  value: T;
  counts: PiiCounts;
}

/** What a transcript records about its redaction (Transcript.redaction). */
export interface RedactionRecord {
  applied: boolean;
  counts: PiiCounts;
}

export function addCounts(into: PiiCounts, more: PiiCounts): PiiCounts {
  for (const k of Object.keys(more) as PiiKind[]) into[k] += more[k];
  return into;
}

export function totalOf(counts: PiiCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

interface Located {
  token: Token;
  segment: number;
  word: number;
}

function placeholderWord(words: readonly Word[], kind: PiiKind): Word {
  const first = words[0] as Word;
  const last = words[words.length - 1] as Word;
  const lead = /^[^\p{L}\p{N}@+[]*/u.exec(first.text.trim())?.[0] ?? '';
  const trail = /[.,;:!?"')\]]*$/.exec(last.text.trim())?.[0] ?? '';
  return {
    text: `${lead.replace(/[(]$/, '')}${PLACEHOLDERS[kind]}${trail.replace(/^[)"']+/, '')}`,
    startMs: first.startMs,
    endMs: Math.max(first.endMs, last.endMs),
    confidence: Math.min(...words.map((w) => w.confidence)),
  };
}

/**
 * Redacts `segments[from..]`, with `segments[..from]` as context (cue words, names already
 * heard). Segments without PII come back as they were (same objects).
 */
function redactBatch(
  segments: readonly Segment[],
  from: number,
  knownNames: Set<string>,
): { segments: Segment[]; counts: PiiCounts } {
  const located: Located[] = [];
  let firstToken = 0;
  segments.forEach((s, si) => {
    if (si === from) firstToken = located.length;
    s.words.forEach((w, wi) =>
      located.push({ token: tokenOf(w.text, s.speaker, w.startMs, w.endMs), segment: si, word: wi }),
    );
  });
  if (from >= segments.length) firstToken = located.length;
  const spans = detectPii(
    located.map((l) => l.token),
    { from: firstToken, knownNames },
  );
  const counts = zeroCounts();
  // segment → word → [kind, span id]
  const marks = new Map<number, Map<number, { kind: PiiKind; span: number }>>();
  spans.forEach((span, id) => {
    // A span right after one of its kind by the same speaker (a card's code, the rest of a number
    // ASR split with a dash) is the same item: redacted, counted once.
    const prev = spans[id - 1];
    const last = prev?.tokens[prev.tokens.length - 1] ?? -Infinity;
    const same =
      prev !== undefined &&
      prev.kind === span.kind &&
      (span.tokens[0] as number) - last <= 3 &&
      located[last]?.token.speaker === located[span.tokens[0] as number]?.token.speaker;
    if (!same) counts[span.kind]++;
    for (const t of span.tokens) {
      const l = located[t] as Located;
      const m = marks.get(l.segment) ?? new Map<number, { kind: PiiKind; span: number }>();
      m.set(l.word, { kind: span.kind, span: id });
      marks.set(l.segment, m);
    }
  });
  const out = segments.slice(from).map((s, k) => {
    const m = marks.get(from + k);
    if (!m) return s;
    const words: Word[] = [];
    for (let i = 0; i < s.words.length; i++) {
      const mark = m.get(i);
      if (!mark) {
        words.push(s.words[i] as Word);
        continue;
      }
      const group: Word[] = [s.words[i] as Word];
      while (i + 1 < s.words.length && m.get(i + 1)?.span === mark.span) group.push(s.words[++i] as Word);
      words.push(placeholderWord(group, mark.kind));
    }
    return { ...s, words, text: words.map((w) => w.text).join(' ') };
  });
  return { segments: out, counts };
}

/** The transcript with every PII span replaced by its placeholder, and the counts per kind. */
export function redactTranscript(t: Transcript): { transcript: Transcript; counts: PiiCounts } {
  const { segments, counts } = redactBatch(t.segments, 0, new Set());
  const transcript: Transcript =
    totalOf(counts) === 0 ? t : { ...t, segments, text: segments.map((s) => `${s.speaker}: ${s.text}`).join('\n') };
  return { transcript, counts };
}

/** Free text (a note, a fact list) redacted as one speaker's words. */
export function redactText(text: string, speaker = 'speaker'): RedactionResult<string> {
  const pieces = text.split(/(\s+)/);
  const words: Word[] = [];
  const at: number[] = [];
  pieces.forEach((p, i) => {
    if (p.trim() === '') return;
    at.push(i);
    words.push({ text: p, startMs: words.length * 300, endMs: words.length * 300 + 300, confidence: 1 });
  });
  const seg: Segment = { speaker, startMs: 0, endMs: words.length * 300, text, words };
  const { segments, counts } = redactBatch([seg], 0, new Set());
  if (totalOf(counts) === 0) return { value: text, counts };
  return { value: (segments[0] as Segment).words.map((w) => w.text).join(' '), counts };
}

/** Segments kept back before redaction: a digit run or a cue never spans a pause this long. */
const STREAM_CUT_GAP_MS = 5000;
const STREAM_MAX_BATCH = 400;
const STREAM_CONTEXT_SEGMENTS = 3;

/**
 * Redacts a stream of time-ordered segments in bounded memory: segments are held until a
 * pause of STREAM_CUT_GAP_MS (or STREAM_MAX_BATCH segments), then redacted with the last few
 * segments before as context. Names found are redacted in every later segment; a mention of a
 * name before it was introduced in an earlier batch is not (the whole-transcript function does).
 * `counts` is filled as the stream goes.
 */
export async function* redactSegmentStream(
  segments: AsyncIterable<Segment>,
  counts: PiiCounts,
): AsyncGenerator<Segment> {
  const known = new Set<string>();
  let context: Segment[] = [];
  let batch: Segment[] = [];
  let batchEnd = -Infinity;
  function* flush(): Generator<Segment> {
    if (batch.length === 0) return;
    const r = redactBatch([...context, ...batch], context.length, known);
    addCounts(counts, r.counts);
    yield* r.segments;
    context = r.segments.slice(-STREAM_CONTEXT_SEGMENTS);
    batch = [];
    batchEnd = -Infinity;
  }
  for await (const s of segments) {
    if (batch.length && (s.startMs - batchEnd > STREAM_CUT_GAP_MS || batch.length >= STREAM_MAX_BATCH)) yield* flush();
    batch.push(s);
    batchEnd = Math.max(batchEnd, s.endMs);
  }
  yield* flush();
}
