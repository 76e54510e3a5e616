import type { ChunkTranscript, Segment, Word } from '@speech/contracts';

/** A new segment starts when the speaker changes or the same speaker pauses this long. */
export const TURN_GAP_MS = 2_000;

interface TimedWord extends Word {
  speaker: string;
}

/** One channel's words in absolute time; chunks of a channel arrive in index order. */
async function* absoluteWords(chunks: AsyncIterable<ChunkTranscript>): AsyncGenerator<TimedWord> {
  let lastEnd = -1;
  for await (const c of chunks) {
    for (const w of c.words) {
      const word = {
        text: w.text,
        startMs: c.offsetMs + w.startMs,
        endMs: c.offsetMs + w.endMs,
        confidence: w.confidence,
        speaker: c.speaker,
      };
      // Chunks of one channel do not overlap; a word before the previous one is an engine
      // artefact at a cut and would break time order.
      if (word.startMs < lastEnd - 50) continue;
      lastEnd = word.endMs;
      yield word;
    }
  }
}

/**
 * Words closer than this belong to one utterance: a stretch of speech without a pause, as a voice
 * activity detector would cut it. Whisper's VAD ends a speech segment after a few hundred ms of
 * silence, and people breathe between sentences for about as long.
 */
export const UTTERANCE_GAP_MS = 700;

interface Utterance {
  speaker: string;
  startMs: number;
  endMs: number;
  words: Word[];
}

/** One channel's words grouped into utterances, in time order; holds one utterance at a time. */
async function* utterances(words: AsyncIterable<TimedWord>): AsyncGenerator<Utterance> {
  let cur: Utterance | null = null;
  for await (const w of words) {
    const word: Word = { text: w.text, startMs: w.startMs, endMs: w.endMs, confidence: w.confidence };
    if (cur && cur.speaker === w.speaker && w.startMs - cur.endMs < UTTERANCE_GAP_MS) {
      cur.words.push(word);
      cur.endMs = Math.max(cur.endMs, w.endMs);
      continue;
    }
    if (cur) yield cur;
    cur = { speaker: w.speaker, startMs: w.startMs, endMs: w.endMs, words: [word] };
  }
  if (cur) yield cur;
}

/**
 * Merges the channels into speaker turns. The unit of ordering is an utterance (a VAD turn), not
 * a word: when two people talk over each other, each one's utterance stays whole and they follow
 * each other by start time, so no word lands on the wrong side of a turn (ordering word by word cut
 * the agent's sentence around a customer's "yeah"). A k-way merge that holds one utterance per
 * channel, so memory does not grow with the call's length.
 */
export async function* mergeTranscript(channels: AsyncIterable<ChunkTranscript>[]): AsyncGenerator<Segment> {
  const iters = channels.map((c) => utterances(absoluteWords(c))[Symbol.asyncIterator]());
  const heads = await Promise.all(iters.map((it) => it.next()));
  let seg: Segment | null = null;
  for (;;) {
    let best = -1;
    heads.forEach((h, i) => {
      if (h.done) return;
      if (best < 0) best = i;
      else {
        const cur = heads[best].value as Utterance;
        const cand = h.value;
        if (cand.startMs < cur.startMs || (cand.startMs === cur.startMs && i < best)) best = i;
      }
    });
    if (best < 0) break;
    const u = heads[best].value as Utterance;
    heads[best] = await iters[best].next();
    if (seg && seg.speaker === u.speaker && u.startMs - seg.endMs < TURN_GAP_MS) {
      seg.words.push(...u.words);
      seg.endMs = Math.max(seg.endMs, u.endMs);
      continue;
    }
    if (seg) yield finish(seg);
    seg = { startMs: u.startMs, endMs: u.endMs, speaker: u.speaker, text: '', words: u.words };
  }
  if (seg) yield finish(seg);
}

function finish(seg: Segment): Segment {
  seg.text = seg.words.map((w) => w.text).join(' ');
  return seg;
}
