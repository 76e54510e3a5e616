import { csvField } from '@speech/analysis';
import type { RecordingView } from '@speech/contracts';

/** The columns of `GET /all?format=csv`: one row per recording. */
export const RECORDINGS_CSV_COLUMNS = [
  'audio_id',
  'filename',
  'status',
  'uploaded_at',
  'duration_s',
  'size_bytes',
  'chunks',
  'words',
  'transcript_ready',
  'analysis_ready',
  'failure',
] as const;

export const recordingsCsvHeader = (): string => RECORDINGS_CSV_COLUMNS.join(',') + '\r\n';

/** Rows for one page of recordings (CRLF line ends; the header is written once, before). */
export function recordingsCsvRows(views: readonly RecordingView[]): string {
  return views
    .map(
      (v) =>
        [
          v.audioId,
          v.filename,
          v.status,
          new Date(v.createdAt).toISOString(),
          typeof v.durationMs === 'number' ? Math.round(v.durationMs / 100) / 10 : null,
          v.sizeBytes,
          v.chunkCount,
          v.wordCount,
          v.transcriptReady ? 'yes' : 'no',
          v.analysisReady ? 'yes' : 'no',
          v.failure ? v.failure.reason : null,
        ]
          .map(csvField)
          .join(',') + '\r\n',
    )
    .join('');
}
