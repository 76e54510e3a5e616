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
 * Merges the channels' word streams by start time (a k-way merge that holds one word per
 * channel) and groups them into speaker turns. Memory does not grow with the call's length.
 */
export async function* mergeTranscript(channels: AsyncIterable<ChunkTranscript>[]): AsyncGenerator<Segment> {
  const iters = channels.map((c) => absoluteWords(c)[Symbol.asyncIterator]());
  const heads = await Promise.all(iters.map((it) => it.next()));
  let seg: Segment | null = null;
  for (;;) {
    let best = -1;
    heads.forEach((h, i) => {
      if (h.done) return;
      if (best < 0) best = i;
      else {
        const cur = heads[best].value as TimedWord;
        const cand = h.value;
        if (cand.startMs < cur.startMs || (cand.startMs === cur.startMs && i < best)) best = i;
      }
    });
    if (best < 0) break;
    const w = heads[best].value as TimedWord;
    heads[best] = await iters[best].next();
    const word: Word = { text: w.text, startMs: w.startMs, endMs: w.endMs, confidence: w.confidence };
    if (seg && seg.speaker === w.speaker && w.startMs - seg.endMs < TURN_GAP_MS) {
      seg.words.push(word);
      seg.endMs = Math.max(seg.endMs, w.endMs);
      continue;
    }
    if (seg) yield finish(seg);
    seg = { startMs: w.startMs, endMs: w.endMs, speaker: w.speaker, text: '', words: [word] };
  }
  if (seg) yield finish(seg);
}

function finish(seg: Segment): Segment {
  seg.text = seg.words.map((w) => w.text).join(' ');
  return seg;
}
