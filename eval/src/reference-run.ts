/**
 * Runs an analyst over the reference transcripts of a half of the set and scores it.
 */
import type { Analyst } from '@speech/analysis';
import type { EvalCall } from './eval-set';
import { lineAt, referenceTranscript, type TranscriptStyle } from './reference-transcript';
import { summarise, type RunResult } from './report';
import { scoreCall, type CallScore } from './score';

export const STYLE_LABEL: Readonly<Record<TranscriptStyle, string>> = {
  cased: 'reference, cased and punctuated',
  lower: 'reference, lower case',
};

export async function runReference(
  calls: readonly EvalCall[],
  analyst: Analyst,
  style: TranscriptStyle,
  label = analyst.model ? `${analyst.name}/${analyst.model}` : analyst.name,
): Promise<RunResult> {
  const scores: CallScore[] = [];
  for (const call of calls) {
    const { transcript, spans } = referenceTranscript(call, style);
    const analysis = await analyst.analyze(transcript);
    scores.push(scoreCall(call, analysis, (ms) => lineAt(spans, ms), transcript.text));
  }
  return {
    analyst: label,
    input: STYLE_LABEL[style],
    half: calls[0]?.half ?? 'none',
    engine: `reference-${style}`,
    summary: summarise(scores),
    calls: scores,
  };
}
