/**
 * Conversation metrics from word timings: talk time and ratio, pace, monologues,
 * questions, interruptions, overtalk, silence and filler words.
 *
 * Pure functions of the transcript; an empty transcript (a silent recording) yields
 * zeros, never NaN.
 */
import type { Transcript } from '@speech/contracts';
import type { Metrics, SpeakerMetrics } from './analysis.schema';
import { countFillers, mergeCounts, toFillerList } from './filler-words';
import { countQuestions } from './question-detector';
import { isSpeechWord } from './tokens';
import { speakersOf, splitUtterances, type Utterance } from './utterances';

/**
 * Word intervals closer than this are one stretch of talk. Recognisers leave small gaps
 * between words of fluent speech; 300 ms bridges those without swallowing real pauses.
 */
export const TALK_MERGE_GAP_MS = 300;
/**
 * A turn that starts while the other side keeps talking for at least this long is an
 * interruption; shorter overlaps are turn-taking jitter or word-timing error.
 */
export const INTERRUPTION_OVERLAP_MS = 500;
/** A pause this long ends a monologue even if the same speaker resumes. */
export const MONOLOGUE_BREAK_MS = 2000;

/** Short acknowledgements that neither interrupt nor end the other speaker's monologue. */
const BACKCHANNEL = new Set(
  'yeah yes yep yup okay right mm hmm mhm uh huh sure all got it i see wow cool great oh ah no'.split(' '),
);

export interface Interval {
  startMs: number;
  endMs: number;
}

/** Sort and merge intervals separated by at most `gapMs`. */
export function mergeIntervals(intervals: readonly Interval[], gapMs = 0): Interval[] {
  const sorted = [...intervals].filter((i) => i.endMs >= i.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.startMs - last.endMs <= gapMs) last.endMs = Math.max(last.endMs, i.endMs);
    else out.push({ ...i });
  }
  return out;
}

export function totalMs(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.endMs - i.startMs), 0);
}

/** Talk intervals per speaker: union of that speaker's word intervals, gaps < 300 ms bridged. */
export function talkIntervals(transcript: Transcript): Map<string, Interval[]> {
  const bySpeaker = new Map<string, Interval[]>();
  for (const s of speakersOf(transcript)) bySpeaker.set(s, []);
  for (const seg of transcript.segments) {
    const list = bySpeaker.get(seg.speaker) ?? [];
    for (const w of seg.words) if (isSpeechWord(w.text)) list.push({ startMs: w.startMs, endMs: w.endMs });
    bySpeaker.set(seg.speaker, list);
  }
  for (const [s, list] of bySpeaker) bySpeaker.set(s, mergeIntervals(list, TALK_MERGE_GAP_MS));
  return bySpeaker;
}

/** Time during which two or more speakers talk at once. */
export function overtalkMs(bySpeaker: Map<string, Interval[]>): number {
  const events: Array<[number, number]> = [];
  for (const list of bySpeaker.values()) {
    for (const i of list) events.push([i.startMs, 1], [i.endMs, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let since = 0;
  let total = 0;
  for (const [t, delta] of events) {
    if (active >= 2) total += t - since;
    active += delta;
    since = t;
  }
  return total;
}

export function isBackchannel(u: Utterance): boolean {
  return u.tokens.length <= 2 && u.tokens.every((t) => BACKCHANNEL.has(t));
}

/** Utterances that start while another speaker keeps talking for ≥ INTERRUPTION_OVERLAP_MS. */
export function interruptingUtterances(
  utterances: readonly Utterance[],
  bySpeaker: Map<string, Interval[]>,
): Utterance[] {
  return utterances.filter((u) => {
    if (isBackchannel(u)) return false;
    for (const [speaker, list] of bySpeaker) {
      if (speaker === u.speaker) continue;
      if (list.some((i) => i.startMs < u.startMs && i.endMs - u.startMs >= INTERRUPTION_OVERLAP_MS)) return true;
    }
    return false;
  });
}

export interface Monologue {
  speaker: string;
  startMs: number;
  endMs: number;
}

/**
 * Stretches where one speaker holds the floor: consecutive utterances of one speaker,
 * ended by another speaker's non-backchannel utterance or a pause ≥ MONOLOGUE_BREAK_MS.
 */
export function monologues(utterances: readonly Utterance[]): Monologue[] {
  const out: Monologue[] = [];
  let run: Monologue | null = null;
  for (const u of utterances) {
    if (run && u.speaker === run.speaker && u.startMs - run.endMs < MONOLOGUE_BREAK_MS) {
      run.endMs = Math.max(run.endMs, u.endMs);
      continue;
    }
    if (run && u.speaker !== run.speaker && isBackchannel(u)) continue;
    run = { speaker: u.speaker, startMs: u.startMs, endMs: u.endMs };
    out.push(run);
  }
  return out;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function computeMetrics(transcript: Transcript, utterances = splitUtterances(transcript)): Metrics {
  const speakers = speakersOf(transcript);
  const talk = talkIntervals(transcript);
  const lastWordEnd = transcript.segments.reduce((max, s) => s.words.reduce((m, w) => Math.max(m, w.endMs), max), 0);
  const durationMs = Math.max(Math.round(transcript.durationMs) || 0, lastWordEnd);
  const allTalk = mergeIntervals([...talk.values()].flat());
  const totalTalkMs = [...talk.values()].reduce((sum, list) => sum + totalMs(list), 0);
  const interrupting = interruptingUtterances(utterances, talk);
  const monos = monologues(utterances);

  const speakerMetrics: SpeakerMetrics[] = speakers.map((speaker) => {
    const own = utterances.filter((u) => u.speaker === speaker);
    const talkTimeMs = totalMs(talk.get(speaker) ?? []);
    const wordCount = own.reduce((n, u) => n + u.words.filter((w) => isSpeechWord(w.text)).length, 0);
    // Pace uses utterance spans (short pauses included), matching how conversational
    // speaking-rate benchmarks are measured.
    const speakingMs = own.reduce((n, u) => n + (u.endMs - u.startMs), 0);
    const longest = monos
      .filter((m) => m.speaker === speaker)
      .reduce((max, m) => Math.max(max, m.endMs - m.startMs), 0);
    return {
      speaker,
      talkTimeMs,
      talkRatio: totalTalkMs > 0 ? round(talkTimeMs / totalTalkMs, 3) : 0,
      wordCount,
      wordsPerMinute: speakingMs > 0 ? round(wordCount / (speakingMs / 60_000), 1) : 0,
      longestMonologueMs: longest,
      questionsAsked: own.reduce((n, u) => n + countQuestions(u.tokens), 0),
      interruptions: interrupting.filter((u) => u.speaker === speaker).length,
    };
  });

  const fillerWords = speakers.map((speaker) => {
    const counts = new Map<string, number>();
    for (const u of utterances) if (u.speaker === speaker) mergeCounts(counts, countFillers(u.tokens));
    const byWord = toFillerList(counts);
    return { speaker, total: byWord.reduce((n, f) => n + f.count, 0), byWord };
  });

  const longest = monos.reduce<Monologue | null>(
    (best, m) => (!best || m.endMs - m.startMs > best.endMs - best.startMs ? m : best),
    null,
  );

  return {
    durationMs,
    speakers: speakerMetrics,
    silenceShare: durationMs > 0 ? round(Math.max(0, durationMs - totalMs(allTalk)) / durationMs, 3) : 0,
    interruptions: interrupting.length,
    overtalkMs: overtalkMs(talk),
    fillerWords,
    longestMonologue: longest ? { ...longest, durationMs: longest.endMs - longest.startMs } : null,
  };
}
