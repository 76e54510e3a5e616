import { availableParallelism } from 'node:os';
import { env } from '@speech/platform';

/** The pipeline's tuning keys, the same in the single process and in the distributed services. */
export const pipelineSettings = {
  MAX_UPLOAD_BYTES: env.int(100 * 1024 ** 3),
  CHUNK_MIN_MS: env.int(30_000),
  CHUNK_MAX_MS: env.int(60_000),
  /** Recordings longer than 1.5 × this are cut as time ranges of about this length, in parallel. */
  CHUNK_RANGE_MS: env.int(60 * 60_000),
  /** Time ranges one chunker cuts at once (one ffmpeg each). */
  CHUNKER_CONCURRENCY: env.int(1),
  STT_CONCURRENCY: env.int(availableParallelism()),
  STT_MAX_ATTEMPTS: env.int(3),
  ANALYSIS_MAX_ATTEMPTS: env.int(3),
  /**
   * The merger stores the transcript with PII replaced by placeholders ([CARD], [NAME] …), so the
   * transcript API, exports, the dashboard and the offline analyst only ever see the redacted
   * one. LLM requests are redacted whatever this says.
   */
  REDACT_PII: env.bool(false),
};

type Settings = typeof pipelineSettings;
export type PipelineSettings = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> };
