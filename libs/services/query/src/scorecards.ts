import { z } from 'zod';
import {
  AnalysisResultSchema,
  callFigures,
  DEFAULT_SCORECARD_TEMPLATE,
  scoreCall,
  ScorecardTemplateSchema,
  type Scorecard,
  type ScorecardTemplate,
} from '@speech/analysis';
import { HttpError, parseConfig } from '@speech/platform';
import { getJson, type ObjectStore } from '@speech/storage';
import type { ReadModel } from './read-model';

/**
 * SCORECARD_TEMPLATE: the scorecard template as JSON ({"criteria": [...]}, libs/analysis
 * scorecard.ts), validated at start-up (a bad one stops the service with CONFIG.INVALID);
 * unset: DEFAULT_SCORECARD_TEMPLATE.
 */
export const scorecardConfigSchema = z.object({
  SCORECARD_TEMPLATE: z
    .string()
    .trim()
    .min(1)
    .optional()
    .transform((text, ctx): ScorecardTemplate => {
      if (text === undefined) return DEFAULT_SCORECARD_TEMPLATE;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON: expected {"criteria": [...]}' });
        return z.NEVER;
      }
      const parsed = ScorecardTemplateSchema.safeParse(json);
      if (parsed.success) return parsed.data;
      for (const i of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: `${i.path.join('.') || '(template)'}: ${i.message}` });
      return z.NEVER;
    }),
});

export function scorecardTemplateOf(env: NodeJS.ProcessEnv = process.env): ScorecardTemplate {
  return parseConfig(scorecardConfigSchema, env).SCORECARD_TEMPLATE;
}

export interface RecordingScorecard extends Scorecard {
  audioId: string;
  analysisId: string | null;
}

/**
 * GET /audios/:audioId/scorecard: the recording's latest analysis scored against the template.
 * Outside the viewer's read scope (visibility.ts) or missing: 404; not analysed yet, or an
 * analysis that names no agent (a mono call with several speakers): 409.
 */
export async function recordingScorecard(
  deps: { model: ReadModel; store: ObjectStore; template: ScorecardTemplate },
  viewer: Parameters<ReadModel['doc']>[0],
  audioId: string,
): Promise<RecordingScorecard> {
  const doc = await deps.model.doc(viewer, audioId);
  if (!doc) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
  if (!doc.analysisKey)
    throw new HttpError(409, 'SCORECARD.NOT_ANALYSED', `the recording is ${doc.status}; it has no analysis yet`);
  const parsed = AnalysisResultSchema.safeParse(await getJson<unknown>(deps.store, doc.analysisKey));
  if (!parsed.success) throw new HttpError(409, 'SCORECARD.NOT_ANALYSED', 'the stored analysis cannot be scored');
  const figures = callFigures(parsed.data);
  if (!figures) throw new HttpError(409, 'SCORECARD.NO_AGENT', 'the analysis names no agent to score');
  return { audioId, analysisId: doc.latestAnalysisId, ...scoreCall(deps.template, parsed.data, figures) };
}
