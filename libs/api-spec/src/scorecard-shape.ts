import type { Scorecard } from '@speech/analysis';

/** What GET /audios/:audioId/scorecard answers (the query service's RecordingScorecard). */
export interface RecordingScorecardShape extends Scorecard {
  audioId: string;
  analysisId: string | null;
}
