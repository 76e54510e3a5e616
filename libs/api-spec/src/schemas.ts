/**
 * The HTTP API's bodies as zod schemas: the OpenAPI document's components are generated from
 * them (openapi-document.ts), and each one is checked at compile time against the type the code
 * returns (libs/contracts, libs/storage), so a field added to RecordingView or Transcript without
 * its schema here fails `tsc`. The analysis is libs/analysis's own schema, reused as it is.
 */
import { z } from 'zod';
import { AnalysisResultSchema } from '@speech/analysis';
import { AUTH_SCHEMAS } from './auth-schemas';
import { TEAM_SCHEMAS } from './team-schemas';
import { SCORECARD_SCHEMAS } from './scorecard-schemas';
import { TRACKER_SCHEMAS } from './tracker-schemas';
import { OBJECTION_SCHEMAS } from './objection-schemas';
import {
  CORRECTION_LIMITS,
  DETAIL_LIMITS,
  RECORDING_STATUSES,
  type AnalysisVersion,
  type AnalysisVersionPage,
  type CorrectionsView,
  type RecordingDetails,
  type RecordingView,
  type Transcript,
} from '@speech/contracts';
import { WEBHOOK_SCHEMAS } from './webhook-schemas';

/** True when A and B are assignable both ways (same fields, same optionality, same types). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when its argument is `true`. */
const sameShape = <T extends true>(_proof: T): void => void _proof;

const ms = z.number().int().min(0);
const epochMs = z.number().int().describe('milliseconds since 1970-01-01 UTC');
const audioId = z.string().describe('the recording id (a UUID)');

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('namespaced, stable: AUDIO.NOT_FOUND, EXPORT.UNKNOWN_FORMAT, AUTH.UNAUTHORIZED …'),
      message: z.string().describe('what was wrong, in words'),
    }),
  })
  .describe('Every error: a 4xx for a bad request, 5xx only for the platform’s own trouble.');

export const RecordingStatusSchema = z.enum(RECORDING_STATUSES);

const FailureSchema = z.object({ code: z.string(), reason: z.string(), at: epochMs });
const PermissionSchema = z.object({ allowed: z.boolean(), reason: z.string() });

const optionalText = (max: number) => z.string().max(max).nullable();
export const RecordingDetailsSchema = z
  .object({
    title: optionalText(DETAIL_LIMITS.title),
    tags: z.array(z.string().min(1).max(DETAIL_LIMITS.tag)).max(DETAIL_LIMITS.tags),
    agent: optionalText(DETAIL_LIMITS.agent),
    customer: optionalText(DETAIL_LIMITS.customer),
    notes: optionalText(DETAIL_LIMITS.notes),
  })
  .describe('What the owner wrote about the recording (PATCH /audios/{audioId})');
sameShape<Same<z.output<typeof RecordingDetailsSchema>, RecordingDetails>>(true);

export const DetailsChangeSchema = RecordingDetailsSchema.partial()
  .strict()
  .describe('Only the fields to change; null clears one. Text is trimmed, duplicate tags dropped.');

export const DetailsChangedSchema = z.object({
  audioId,
  details: RecordingDetailsSchema,
  revision: z.number().int().min(1).describe('one more on every edit'),
});

export const DeletionAcceptedSchema = z.object({ audioId, status: z.literal('deleting') });

export const RecordingViewSchema = z.object({
  audioId,
  filename: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int().min(0),
  createdAt: epochMs,
  updatedAt: epochMs,
  status: RecordingStatusSchema,
  failure: FailureSchema.nullable(),
  progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }).nullable(),
  chunking: z.object({ doneMs: ms, totalMs: ms }).nullable(),
  chunkCount: z.number().int().min(0).nullable(),
  durationMs: ms.nullable(),
  failedChunks: z.array(z.string()),
  wordCount: z.number().int().min(0).nullable(),
  transcriptReady: z.boolean(),
  analysisReady: z.boolean(),
  canTranscribe: PermissionSchema,
  canAnalyze: PermissionSchema,
  canCancelTranscription: PermissionSchema.describe(
    'whether a queued or running transcription can be cancelled (POST /transcribe/{audioId}/cancel)',
  ),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  details: RecordingDetailsSchema,
  queue: z.object({ position: z.number().int().min(1), of: z.number().int().min(1), etaMs: ms.nullable() }).nullable(),
  duplicateOf: audioId
    .nullable()
    .describe(
      "a re-upload of the same file (same SHA-256) by the same user: the user's earliest such recording, " +
        "while it exists; null otherwise (never another user's recording)",
    ),
  duplicateOfTitle: z
    .string()
    .nullable()
    .describe("that first recording's title (edited, else the upload's, else its file name); null with duplicateOf"),
});
sameShape<Same<z.output<typeof RecordingViewSchema>, RecordingView>>(true);

export const RecordingPageSchema = z.object({
  items: z.array(RecordingViewSchema),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});

const WordSchema = z.object({ text: z.string(), startMs: ms, endMs: ms, confidence: z.number().min(0).max(1) });
const SegmentSchema = z.object({
  startMs: ms,
  endMs: ms,
  speaker: z.string(),
  text: z.string(),
  words: z.array(WordSchema),
  edited: z.boolean().optional().describe('true: the owner corrected this text (its words are timed again)'),
});
export const TranscriptSchema = z.object({
  audioId,
  durationMs: ms,
  language: z.string(),
  engine: z.string().describe('e.g. faster-whisper/tiny.en@sha256:…'),
  speakers: z.array(z.string()),
  segments: z.array(SegmentSchema),
  text: z.string(),
  redaction: z
    .object({ applied: z.boolean(), counts: z.record(z.string(), z.number().int().min(0)) })
    .optional()
    .describe('present when the transcript was stored with PII redacted (REDACT_PII=true)'),
  speakerNames: z
    .record(z.string(), z.string())
    .optional()
    .describe('the owner’s names by speaker label (corrections); segments keep their labels'),
  correctionRevision: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('the corrections applied; absent on the original (`original=true`) or an uncorrected one'),
});
sameShape<Same<z.output<typeof TranscriptSchema>, Transcript>>(true);

const CorrectionSetSchema = z.object({
  revision: z.number().int().min(0).describe('0: no corrections yet'),
  speakers: z.array(z.object({ label: z.string(), name: z.string() })).describe('names by speaker label'),
  swapChannels: z.boolean().describe('true: agent and customer are swapped'),
  segments: z
    .array(z.object({ index: z.number().int().min(0), text: z.string() }))
    .describe('corrected texts by segment index, ascending'),
});

export const CorrectionChangeSchema = z
  .object({
    speakers: z
      .record(z.string().regex(/^[A-Za-z0-9 _.-]{1,40}$/), z.string().max(CORRECTION_LIMITS.name).nullable())
      .optional()
      .describe('speaker label → name (`{"agent": "Dana Whitfield"}`); null or "" removes the name'),
    swapChannels: z
      .boolean()
      .optional()
      .describe(
        'true: agent and customer are the other way round (stereo channels, or a mono call’s two voices); ' +
          'false undoes it. A transcript without both answers 409.',
      ),
    segments: z
      .array(
        z
          .object({
            index: z.number().int().min(0).describe('the segment’s index in the transcript'),
            text: z
              .string()
              .min(1)
              .max(CORRECTION_LIMITS.segmentText)
              .nullable()
              .describe('its corrected text (times kept); null restores the original'),
          })
          .strict(),
      )
      .min(1)
      .max(CORRECTION_LIMITS.segmentsPerChange)
      .optional(),
    baseRevision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('the revision the client edited: another one answers 409 CORRECTIONS.STALE'),
  })
  .strict()
  .describe('At least one of speakers, swapChannels, segments; merged into the current set.');

export const CorrectionsChangedSchema = z.object({
  audioId,
  revision: z.number().int().min(0).describe('one more on every change that changed something'),
  corrections: CorrectionSetSchema,
  changes: z.array(z.string()).describe('what this change did, in words; empty: nothing changed'),
});

export const CorrectionsSchema = z.object({
  audioId,
  revision: z.number().int().min(0),
  corrections: CorrectionSetSchema,
  versions: z
    .array(z.object({ revision: z.number().int().min(1), changedAt: epochMs, changes: z.array(z.string()) }))
    .describe('every revision, newest first'),
});
sameShape<Same<z.output<typeof CorrectionsSchema>, CorrectionsView>>(true);

/** `?format=json`: the transcript plus each speaker's display name (libs/transcript toJson). */
export const TranscriptExportSchema = TranscriptSchema.extend({
  speakerNames: z.array(z.object({ id: z.string(), name: z.string() })),
});

/**
 * The analysis as the analyzer stores and query serves it: AnalysisResultSchema (libs/analysis),
 * plus the analyzer's own record of the run (libs/services/analyzer, `analysisId`, `createdAt`,
 * `durationMs`). Analyses stored by an older version may lack fields added since (callKind,
 * outcomes, sentiment.closing): AnalysisResultSchema reads them with defaults.
 */
export const StoredAnalysisSchema = AnalysisResultSchema.extend({
  analysisId: z.string(),
  createdAt: epochMs,
  durationMs: ms.describe('how long the analysis took'),
});

export const UploadedSchema = z.object({
  audioId,
  status: z.literal('uploaded'),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().describe('hex SHA-256 of the whole file'),
  duplicateOf: audioId
    .nullable()
    .describe(
      'the same file (same SHA-256) was uploaded before by this user: their earliest such recording, not deleted. ' +
        'The upload is accepted either way; null when it is not a re-upload',
    ),
});

const metadata = z
  .record(z.string(), z.unknown())
  .describe(
    'free-form; keys may not contain "." or start with "$". vocabulary, competitors, phrases, language are read',
  );

export const CreateUploadSchema = z.object({
  filename: z.string().min(1).max(512),
  sizeBytes: z.number().int().positive(),
  contentType: z.string().min(1).max(200).optional().describe('default application/octet-stream'),
  metadata: metadata.optional(),
  autoTranscribe: z.boolean().optional(),
  autoAnalyze: z.boolean().optional(),
});

export const UploadCreatedSchema = z.object({
  audioId,
  status: z.literal('uploading'),
  partSizeBytes: z.number().int().positive(),
  partCount: z.number().int().positive(),
});

export const UploadPartSchema = z.object({
  partNumber: z.number().int().positive(),
  etag: z.string().describe('the hex MD5 of the part'),
  sizeBytes: z.number().int().min(0),
});

export const UploadStateSchema = z.object({
  audioId,
  status: z.literal('uploading'),
  filename: z.string(),
  sizeBytes: z.number().int().positive(),
  partSizeBytes: z.number().int().positive(),
  partCount: z.number().int().positive(),
  receivedParts: z.array(UploadPartSchema),
});

export const PartUrlSchema = z.object({
  url: z.string().describe('a pre-signed S3 URL, or the gateway’s own signed …/parts/{n}/data URL'),
  method: z.literal('PUT'),
  expiresAt: z.string().describe('ISO 8601'),
});

export const CompleteUploadSchema = z.object({
  parts: z.array(z.object({ partNumber: z.number().int().positive(), etag: z.string().min(1) })).min(1),
});

export const TranscribeRequestSchema = z.object({
  phrases: z.array(z.string()).optional().describe('names the engine should spell right (at most 500 kept)'),
});

export const TranscriptionAcceptedSchema = z.object({
  audioId,
  status: z.literal('transcribing'),
  requestId: z.string(),
});

export const CancellationAcceptedSchema = z.object({
  audioId,
  status: z.literal('cancelled'),
  requestId: z.string().describe('the transcription request cancelled (the one POST /transcribe/{audioId} answered)'),
});

export const AnalysisAcceptedSchema = z.object({ audioId, status: z.literal('analyzing'), analysisId: z.string() });

export const AnalysisVersionSchema = z.object({
  analysisId: z.string(),
  completedAt: epochMs.nullable().describe('when it was first announced; null if not known'),
  analyst: z.string().nullable().describe('offline, llm:openai …; null for one listed from before versions were kept'),
  model: z.string().nullable(),
  issueCount: z.number().int().min(0).nullable(),
  quizCount: z.number().int().min(0).nullable(),
  callType: z.string().nullable(),
  overallSentiment: z.string().nullable(),
  latest: z.boolean().describe('the one GET /audios/{audioId}/analysis serves'),
  path: z.string().describe('where it is served: /audios/{audioId}/analyses/{analysisId}'),
});
sameShape<Same<z.output<typeof AnalysisVersionSchema>, AnalysisVersion>>(true);

export const AnalysisVersionPageSchema = z.object({
  items: z.array(AnalysisVersionSchema),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});
sameShape<Same<z.output<typeof AnalysisVersionPageSchema>, AnalysisVersionPage>>(true);

// libs/search's SearchPage (an adapter library this one may not import): the e2e checks real answers.
export const SearchHitSchema = z.object({
  audioId,
  title: z.string(),
  createdAt: epochMs,
  segment: z
    .number()
    .int()
    .min(0)
    .nullable()
    .describe('the segment’s index in the transcript; null: the title or tags matched'),
  speaker: z.string().nullable(),
  startMs: ms.describe('where the player opens the hit'),
  endMs: ms,
  snippet: z.string().describe('HTML-escaped text around the match, each matched word in <mark>…</mark>'),
});

export const SearchPageSchema = z.object({
  hits: z.array(SearchHitSchema),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});

export const HealthSchema = z.object({ status: z.literal('ok'), service: z.string() });

export const ReadinessSchema = z.object({
  service: z.string(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional() })),
});

/** The components of the document, by name: `#/components/schemas/<name>`. */
export const COMPONENT_SCHEMAS = {
  Error: ApiErrorSchema,
  RecordingStatus: RecordingStatusSchema,
  RecordingView: RecordingViewSchema,
  RecordingPage: RecordingPageSchema,
  RecordingDetails: RecordingDetailsSchema,
  DetailsChange: DetailsChangeSchema,
  DetailsChanged: DetailsChangedSchema,
  DeletionAccepted: DeletionAcceptedSchema,
  Transcript: TranscriptSchema,
  TranscriptExport: TranscriptExportSchema,
  CorrectionChange: CorrectionChangeSchema,
  CorrectionsChanged: CorrectionsChangedSchema,
  Corrections: CorrectionsSchema,
  Analysis: StoredAnalysisSchema,
  SearchHit: SearchHitSchema,
  SearchPage: SearchPageSchema,
  AnalysisVersion: AnalysisVersionSchema,
  AnalysisVersionPage: AnalysisVersionPageSchema,
  Uploaded: UploadedSchema,
  CreateUpload: CreateUploadSchema,
  UploadCreated: UploadCreatedSchema,
  UploadState: UploadStateSchema,
  UploadPart: UploadPartSchema,
  PartUrl: PartUrlSchema,
  CompleteUpload: CompleteUploadSchema,
  TranscribeRequest: TranscribeRequestSchema,
  TranscriptionAccepted: TranscriptionAcceptedSchema,
  CancellationAccepted: CancellationAcceptedSchema,
  AnalysisAccepted: AnalysisAcceptedSchema,
  Health: HealthSchema,
  Readiness: ReadinessSchema,
  ...WEBHOOK_SCHEMAS,
  ...TRACKER_SCHEMAS,
  ...OBJECTION_SCHEMAS,
  ...AUTH_SCHEMAS,
  ...TEAM_SCHEMAS,
  ...SCORECARD_SCHEMAS,
} satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof COMPONENT_SCHEMAS;
