import {
  objectKeys,
  causedBy,
  newEvent,
  type Envelope,
  type EventOf,
  type PayloadMap,
  type Transcript,
  type TranscriptCorrections,
} from '@speech/contracts';
import { applyCorrections, isEmptyCorrections } from '@speech/transcript';
import type { Analyst, AnalysisResult } from '@speech/analysis';
import {
  afterFailure,
  deletionsOf,
  describeError,
  getJson,
  type MessageContext,
  putJson,
  type ServiceInfra,
  setWithDefaults,
  subscribeAll,
  withDeletion,
} from '@speech/service-kit';

export const PRODUCER = 'analyzer';
export const GROUP = 'analyzer';

/** One analysis run; earlier runs are kept when a recording is analysed again. */
export interface AnalysisRecord {
  _id: string; // analysisId
  audioId: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  /** `correctionRevision`: the transcript corrections' revision when it was asked (it waits for them). */
  options: { competitors?: string[]; correctionRevision?: number };
  correlationId: string;
  requestedAt: number;
  analysisKey: string | null;
  analyst: string | null;
  model: string | null;
  durationMs: number | null;
  issueCount: number;
  sentimentScore: number;
  quizCount: number;
  /** The owner, from the request (null in records stored before it was kept). */
  userId?: string | null;
  /** The recording's teams, from the request (absent in records stored before v2 of it). */
  teamIds?: string[];
  /** What analysis.completed tells its consumers besides the counts (absent before v2). */
  headline?: Headline | null;
  error: string | null;
}

/** The results a consumer of analysis.completed reacts to without fetching the analysis. */
export interface Headline {
  callType: string;
  overallSentiment: string;
  closingSentiment: string | null;
  issueTypes: string[];
  agentTalkRatio: number | null;
}

export function headlineOf(result: AnalysisResult): Headline {
  const byType = new Map<string, number>();
  for (const i of result.issues) byType.set(i.type, (byType.get(i.type) ?? 0) + 1);
  return {
    callType: result.callType,
    overallSentiment: result.sentiment.overall.label,
    closingSentiment: result.sentiment.closing?.label ?? null,
    issueTypes: [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t),
    agentTalkRatio: result.metrics.speakers.find((sp) => sp.speaker === 'agent')?.talkRatio ?? null,
  };
}

/** The owner's latest transcript corrections (transcript.corrected), applied before each analysis. */
interface CorrectionsDoc extends TranscriptCorrections {
  _id: string; // audioId
}

interface TranscriptRef {
  _id: string; // audioId
  transcriptKey: string | null;
}

export interface AnalyzerDeps extends Pick<ServiceInfra, 'bus' | 'store' | 'docs' | 'log'> {
  analyst: Analyst;
  config: { maxAttempts: number };
}

/**
 * analysis.requested + transcript.completed → analysis.completed. A request that arrives
 * before its transcript (an upload with autoAnalyze) waits for it.
 */
export async function createAnalyzer(deps: AnalyzerDeps) {
  const analyses = deps.docs.collection<AnalysisRecord>('analyses');
  const refs = deps.docs.collection<TranscriptRef>('analyzer_transcripts');
  const corrections = deps.docs.collection<CorrectionsDoc>('analyzer_corrections');
  await analyses.ensureIndex({ audioId: 1 });
  const deletions = deletionsOf(deps.docs);

  /** A deleted recording: every analysis version (records and objects) and its transcript reference. */
  const purge = deletions.purgeOf({ byAudioId: [analyses], byId: [refs, corrections] }, async (audioId) => {
    await deps.store.deletePrefix(objectKeys.analysesPrefix(audioId));
  });

  async function onRequested(e: EventOf<'analysis.requested'>, ctx: MessageContext): Promise<void> {
    let options: AnalysisRecord['options'];
    try {
      options = e.payload.optionsJson ? (JSON.parse(e.payload.optionsJson) as AnalysisRecord['options']) : {};
    } catch {
      options = {}; // options are hints; a bad one must not block the analysis
    }
    await analyses.insert({
      _id: e.payload.analysisId,
      audioId: e.audioId,
      status: 'pending',
      options,
      correlationId: e.correlationId,
      requestedAt: e.occurredAt,
      userId: e.payload.userId,
      teamIds: e.payload.teamIds,
      headline: null,
      analysisKey: null,
      analyst: null,
      model: null,
      durationMs: null,
      issueCount: 0,
      sentimentScore: 0,
      quizCount: 0,
      error: null,
    });
    await runPending(e, ctx.attempt);
  }

  async function onTranscript(e: EventOf<'transcript.completed'>, ctx: MessageContext): Promise<void> {
    await refs.update({ _id: e.audioId }, setWithDefaults({ transcriptKey: e.payload.transcriptKey }, {}), {
      upsert: true,
    });
    await runPending(e, ctx.attempt);
  }

  /** Keeps the highest revision: a redelivery or an older revision arriving late changes nothing. */
  async function onCorrected(e: EventOf<'transcript.corrected'>, ctx: MessageContext): Promise<void> {
    const p = e.payload;
    const doc: CorrectionsDoc = {
      _id: e.audioId,
      revision: p.revision,
      speakers: p.speakers,
      swapChannels: p.swapChannels,
      segments: p.segments,
    };
    if (!(await corrections.insert(doc))) {
      const { _id, ...set } = doc;
      await corrections.update({ _id, revision: { $lt: p.revision } }, { $set: set });
    }
    // An analysis asked after this revision waited for it.
    await runPending(e, ctx.attempt);
  }

  async function runPending(e: Envelope, attempt: number): Promise<void> {
    const ref = await refs.get(e.audioId);
    if (!ref?.transcriptKey) return;
    const have = (await corrections.get(e.audioId))?.revision ?? 0;
    for (const a of await analyses.find({ audioId: e.audioId, status: { $in: ['pending', 'running'] } })) {
      // Asked after a correction this analyzer has not read yet (another topic): it runs when it comes.
      if ((a.options.correctionRevision ?? 0) > have) continue;
      await run(e, a, ref.transcriptKey, attempt);
    }
    for (const a of await analyses.find({ audioId: e.audioId, status: 'completed' })) {
      // A redelivered request for a finished analysis: announce it again (idempotent).
      if (a._id === (e as EventOf<'analysis.requested'>).payload?.analysisId) await announce(e, a);
    }
  }

  async function run(e: Envelope, a: AnalysisRecord, transcriptKey: string, attempt: number): Promise<void> {
    const log = deps.log.child({ audioId: a.audioId, analysisId: a._id, correlationId: a.correlationId });
    await analyses.update({ _id: a._id }, { $set: { status: 'running' } });
    const started = Date.now();
    try {
      const stored = await getJson<Transcript>(deps.store, transcriptKey);
      // The owner's corrections (edited texts, swapped roles) go into the analysis; names are kept
      // beside it, in the provenance, with the revision it was made from.
      const fix = await corrections.get(a.audioId);
      const applied = fix && !isEmptyCorrections(fix) ? fix : null;
      const transcript = applied ? applyCorrections(stored, applied) : stored;
      const analysed = await deps.analyst.analyze(transcript, a.options);
      const result: AnalysisResult =
        applied && analysed.provenance
          ? {
              ...analysed,
              provenance: {
                ...analysed.provenance,
                corrections: { revision: applied.revision, speakerNames: transcript.speakerNames ?? {} },
              },
            }
          : analysed;
      const analysisKey = objectKeys.analysis(a.audioId, a._id);
      const record = { ...result, analysisId: a._id, createdAt: Date.now(), durationMs: Date.now() - started };
      await putJson(deps.store, analysisKey, record);
      const done = await analyses.update(
        { _id: a._id },
        {
          $set: {
            status: 'completed',
            analysisKey,
            analyst: deps.analyst.name,
            model: deps.analyst.model ?? null,
            durationMs: Date.now() - started,
            issueCount: result.issues.length,
            sentimentScore: result.sentiment.overall.score,
            quizCount: result.quiz.length,
            headline: headlineOf(result),
          },
        },
      );
      log.info({ issues: result.issues.length, ms: Date.now() - started }, 'analysis completed');
      if (done) await announce(e, done);
    } catch (err) {
      const d = describeError(err);
      // The analyst's own errors spend ANALYSIS_MAX_ATTEMPTS; the infrastructure's ride the bus.
      if (afterFailure(d, attempt, deps.config.maxAttempts) === 'retry') throw err;
      log.warn({ err }, 'analysis failed');
      await analyses.update({ _id: a._id }, { $set: { status: 'failed', error: d.message } });
      await publish('analysis.failed', e, a, { analysisId: a._id, code: d.code, reason: d.message.slice(0, 500) });
    }
  }

  async function announce(e: Envelope, a: AnalysisRecord): Promise<void> {
    await publish('analysis.completed', e, a, {
      analysisId: a._id,
      analysisKey: a.analysisKey ?? '',
      analyst: a.analyst ?? deps.analyst.name,
      model: a.model,
      issueCount: a.issueCount,
      sentimentScore: a.sentimentScore,
      quizCount: a.quizCount,
      userId: a.userId ?? null,
      teamIds: a.teamIds ?? [],
      callType: a.headline?.callType ?? null,
      overallSentiment: a.headline?.overallSentiment ?? null,
      closingSentiment: a.headline?.closingSentiment ?? null,
      issueTypes: a.headline?.issueTypes ?? [],
      agentTalkRatio: a.headline?.agentTalkRatio ?? null,
      analysisPath: `/audios/${a.audioId}/analysis`,
    });
  }

  /** An outcome of analysis `a`, under the correlation id of the request that asked for it. */
  async function publish<T extends 'analysis.completed' | 'analysis.failed'>(
    type: T,
    e: Envelope,
    a: AnalysisRecord,
    payload: PayloadMap[T],
  ): Promise<void> {
    await deps.bus.publish(newEvent(type, PRODUCER, { ...causedBy(e), correlationId: a.correlationId }, payload));
  }

  return {
    purge,
    onRequested,
    onTranscript,
    onCorrected,
    subscribe(): void {
      subscribeAll(
        deps.bus,
        GROUP,
        withDeletion(deletions, purge, {
          'analysis.requested': onRequested,
          'transcript.completed': onTranscript,
          'transcript.corrected': onCorrected,
        }),
      );
    },
  };
}
