import type { Segment, Transcript, TranscriptCorrections, Word } from '@speech/contracts';

/**
 * Transcript corrections (issue #14) as pure functions: the owner's names for the speakers, a
 * swap of the agent and customer labels, and segment texts edited with their times kept. The
 * merged transcript is never changed; every reader (the query service's reads and exports, the
 * search index, the analyzer) applies the current set, segment by segment where it streams.
 *
 * - **Names** are display names by label. Segments keep their labels (`agent`, `customer`: the
 *   analysis tells the roles by them); `speakerNames` and the plain `text` carry the names, and
 *   the exports print them.
 * - **Swap** exchanges `agent` and `customer` wherever they occur: a stereo call whose channels
 *   were the other way round, or a mono call whose two voices the merger gave the wrong roles. A
 *   transcript without both labels has nothing to swap (the gateway refuses such a request).
 *   Names apply to the labels after the swap: the agent stays the agent's name.
 * - **An edited segment** keeps its startMs and endMs; its words are timed again within them
 *   (`retimeWords`): words kept from the old text keep their times, new words share the time
 *   of the words they replace, so a player still seeks to the right moment.
 */

export const AGENT_LABEL = 'agent';
export const CUSTOMER_LABEL = 'customer';

/** The corrections ready to apply to one segment at a time. */
export interface Corrector {
  readonly revision: number;
  /** The label a segment of this label has after the swap. */
  label(speaker: string): string;
  /** The owner's name for a (swapped) label, if any. */
  nameOf(label: string): string | undefined;
  /** The corrected text of segment `index`, if it was edited. */
  textOf(index: number): string | undefined;
  /** One segment, corrected: its label swapped and its text (and words) edited. */
  segment(seg: Segment, index: number): Segment;
  /** Every name, by label. */
  readonly names: Record<string, string>;
}

export function corrector(c: TranscriptCorrections): Corrector {
  const names: Record<string, string> = {};
  for (const s of c.speakers) if (s.name.trim()) names[s.label] = s.name.trim();
  const texts = new Map(c.segments.map((s) => [s.index, s.text]));
  const label = (speaker: string) =>
    !c.swapChannels
      ? speaker
      : speaker === AGENT_LABEL
        ? CUSTOMER_LABEL
        : speaker === CUSTOMER_LABEL
          ? AGENT_LABEL
          : speaker;
  return {
    revision: c.revision,
    names,
    label,
    nameOf: (l) => (Object.prototype.hasOwnProperty.call(names, l) ? names[l] : undefined),
    textOf: (index) => texts.get(index),
    segment(seg, index) {
      const speaker = label(seg.speaker);
      const text = texts.get(index);
      if (text === undefined) return speaker === seg.speaker ? seg : { ...seg, speaker };
      const clean = cleanText(text);
      return {
        ...seg,
        speaker,
        text: clean,
        words: retimeWords(seg.words ?? [], clean, seg.startMs, seg.endMs),
        edited: true,
      };
    },
  };
}

/** True when a correction set changes nothing. */
export function isEmptyCorrections(c: TranscriptCorrections): boolean {
  return !c.swapChannels && !c.segments.length && !c.speakers.some((s) => s.name.trim());
}

/**
 * The transcript as corrected: segments swapped and edited, names in `speakerNames` and in the
 * plain `text`, `correctionRevision` set. An empty set gives the transcript back unchanged.
 */
export function applyCorrections(transcript: Transcript, c: TranscriptCorrections): Transcript {
  if (isEmptyCorrections(c)) return transcript;
  const fix = corrector(c);
  const segments = transcript.segments.map((s, i) => fix.segment(s, i));
  const speakers = transcript.speakers.map(fix.label);
  const out: Transcript = {
    ...transcript,
    speakers,
    segments,
    text: plainText(segments, fix.names),
    correctionRevision: c.revision,
  };
  if (Object.keys(fix.names).length) out.speakerNames = { ...fix.names };
  return out;
}

/** The stored plain text's form, "speaker: text" per segment, with the names where given. */
export function plainText(segments: Pick<Segment, 'speaker' | 'text'>[], names: Record<string, string> = {}): string {
  return segments.map((s) => `${names[s.speaker] ?? s.speaker}: ${s.text}\n`).join('');
}

/** An edited text as stored: one line, single spaces, trimmed. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const norm = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
/** Beyond this many word pairs the alignment is skipped and the words are spread evenly. */
const MAX_ALIGN_CELLS = 1_000_000;

/**
 * The words of an edited segment, timed within [startMs, endMs]. The old and new words are
 * aligned (longest common subsequence, case and punctuation ignored): a kept word keeps its
 * times and confidence; a run of new words between two kept ones shares the span of the old
 * words it replaces (or the gap between its neighbours), by length. Typed words have
 * confidence 1. Times are integers, in order, inside the segment.
 */
export function retimeWords(old: Word[], text: string, startMs: number, endMs: number): Word[] {
  const tokens = cleanText(text).split(' ').filter(Boolean);
  const prev = old.filter((w) => w.text.trim());
  const end = Math.max(startMs, endMs);
  const matches = align(
    prev.map((w) => norm(w.text)),
    tokens.map(norm),
  );
  const out: Word[] = new Array<Word>(tokens.length);
  // Anchors: [oldIndex, newIndex] pairs, plus sentinels at both ends.
  const anchors: [number, number][] = [[-1, -1], ...matches, [prev.length, tokens.length]];
  for (let a = 0; a < anchors.length - 1; a++) {
    const [oi, ni] = anchors[a] as [number, number];
    const [oj, nj] = anchors[a + 1] as [number, number];
    if (ni >= 0 && ni < tokens.length) {
      const w = prev[oi] as Word;
      out[ni] = { text: tokens[ni] as string, startMs: w.startMs, endMs: w.endMs, confidence: w.confidence };
    }
    const run = tokens.slice(ni + 1, nj);
    if (!run.length) continue;
    // The span: the replaced old words, else the gap between the neighbours (or the segment's edges).
    const gap = prev.slice(oi + 1, oj);
    const from = gap.length ? (gap[0] as Word).startMs : oi >= 0 ? (prev[oi] as Word).endMs : startMs;
    const to = gap.length ? (gap[gap.length - 1] as Word).endMs : oj < prev.length ? (prev[oj] as Word).startMs : end;
    spread(run, Math.max(startMs, Math.min(from, end)), Math.max(startMs, Math.min(Math.max(from, to), end))).forEach(
      (w, k) => (out[ni + 1 + k] = w),
    );
  }
  return out;
}

/** Words spread over [from, to] by their length. */
function spread(tokens: string[], from: number, to: number): Word[] {
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((n, w) => n + w, 0);
  const words: Word[] = [];
  let acc = 0;
  for (let i = 0; i < tokens.length; i++) {
    const s = from + Math.round(((to - from) * acc) / total);
    acc += weights[i] as number;
    const e = from + Math.round(((to - from) * acc) / total);
    words.push({ text: tokens[i] as string, startMs: s, endMs: Math.max(s, e), confidence: 1 });
  }
  return words;
}

/** Matched [oldIndex, newIndex] pairs in order (LCS of equal, non-empty tokens). */
function align(a: string[], b: string[]): [number, number][] {
  if (!a.length || !b.length || a.length * b.length > MAX_ALIGN_CELLS) return [];
  const n = a.length;
  const m = b.length;
  const dp = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      dp[at(i, j)] =
        a[i] && a[i] === b[j]
          ? (dp[at(i + 1, j + 1)] as number) + 1
          : Math.max(dp[at(i + 1, j)] as number, dp[at(i, j + 1)] as number);
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] && a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if ((dp[at(i + 1, j)] as number) >= (dp[at(i, j + 1)] as number)) i++;
    else j++;
  }
  return pairs;
}

/**
 * What one revision changed, in words, for the versions list: names given or cleared, a swap
 * made or undone, segments edited or restored.
 */
export function describeChanges(before: TranscriptCorrections, after: TranscriptCorrections): string[] {
  const out: string[] = [];
  const was = new Map(before.speakers.map((s) => [s.label, s.name]));
  const now = new Map(after.speakers.map((s) => [s.label, s.name]));
  for (const label of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(label);
    const b = now.get(label);
    if (a === b) continue;
    out.push(b ? `${label} named ${b}` : `${label}: name removed`);
  }
  if (before.swapChannels !== after.swapChannels)
    out.push(after.swapChannels ? 'agent and customer swapped' : 'agent and customer swap undone');
  const oldText = new Map(before.segments.map((s) => [s.index, s.text]));
  const newText = new Map(after.segments.map((s) => [s.index, s.text]));
  for (const index of [...new Set([...oldText.keys(), ...newText.keys()])].sort((x, y) => x - y)) {
    const a = oldText.get(index);
    const b = newText.get(index);
    if (a === b) continue;
    out.push(b === undefined ? `segment ${index + 1}: original text restored` : `segment ${index + 1} edited`);
  }
  return out;
}
