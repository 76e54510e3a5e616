import type { AnalysisResult } from '../analysis.schema';

/**
 * An analysis's metrics as CSV (RFC 4180): a `call` row with the whole call's figures, then
 * one row per speaker. Pure; the query service sends it as a download.
 */

export const ANALYSIS_CSV_COLUMNS = [
  'scope',
  'speaker',
  'duration_s',
  'talk_time_s',
  'talk_ratio',
  'words',
  'words_per_minute',
  'questions',
  'interruptions',
  'longest_monologue_s',
  'filler_words',
  'silence_share',
  'overtalk_s',
  'sentiment_score',
  'sentiment_label',
  'issues',
  'coaching_items',
  'action_items',
  'call_type',
] as const;

type Column = (typeof ANALYSIS_CSV_COLUMNS)[number];
type Cell = string | number | null | undefined;

/**
 * One CSV field. Quoted when it holds a comma, quote or line break; text that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe. Numbers are
 * written as they are, negative ones included.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows of cells to CSV text, CRLF line ends as RFC 4180 has them. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<Cell>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const seconds = (ms: number | null | undefined) => (typeof ms === 'number' ? Math.round(ms / 100) / 10 : null);
const round = (n: number | null | undefined, digits = 3) =>
  typeof n === 'number' ? Math.round(n * 10 ** digits) / 10 ** digits : null;

export function analysisCsv(a: AnalysisResult): string {
  const m = a.metrics;
  const row = (cells: Partial<Record<Column, Cell>>) => ANALYSIS_CSV_COLUMNS.map((c) => cells[c]);
  const fillers = (speaker?: string) =>
    m.fillerWords.filter((f) => speaker === undefined || f.speaker === speaker).reduce((n, f) => n + f.total, 0);
  const call = row({
    scope: 'call',
    duration_s: seconds(m.durationMs),
    talk_time_s: seconds(m.speakers.reduce((n, s) => n + s.talkTimeMs, 0)),
    talk_ratio: 1,
    words: m.speakers.reduce((n, s) => n + s.wordCount, 0),
    questions: m.speakers.reduce((n, s) => n + s.questionsAsked, 0),
    interruptions: m.interruptions,
    longest_monologue_s: seconds(m.longestMonologue?.durationMs),
    filler_words: fillers(),
    silence_share: round(m.silenceShare),
    overtalk_s: seconds(m.overtalkMs),
    sentiment_score: round(a.sentiment.overall.score),
    sentiment_label: a.sentiment.overall.label,
    issues: a.issues.length,
    coaching_items: a.coaching.length,
    action_items: a.actionItems.length,
    call_type: a.callType,
  });
  const speakers = m.speakers.map((s) => {
    const mood = a.sentiment.bySpeaker.find((b) => b.speaker === s.speaker);
    return row({
      scope: 'speaker',
      speaker: s.speaker,
      talk_time_s: seconds(s.talkTimeMs),
      talk_ratio: round(s.talkRatio),
      words: s.wordCount,
      words_per_minute: round(s.wordsPerMinute, 1),
      questions: s.questionsAsked,
      interruptions: s.interruptions,
      longest_monologue_s: seconds(s.longestMonologueMs),
      filler_words: fillers(s.speaker),
      sentiment_score: round(mood?.score),
      sentiment_label: mood?.label,
      issues: a.issues.filter((i) => i.speaker === s.speaker).length,
      action_items: a.actionItems.filter((i) => i.owner === s.speaker).length,
    });
  });
  return toCsv(ANALYSIS_CSV_COLUMNS, [call, ...speakers]);
}
