// @ts-check
/** Readable test data for the dashboard's unit tests. */

/** @typedef {import('../public/js/types.js').RecordingView} RecordingView */

/**
 * A recording view as `GET /audios/:id` answers it: a chunked recording, ready to transcribe.
 * @param {Partial<RecordingView>} [overrides]
 * @returns {RecordingView}
 */
export function aView(overrides = {}) {
  return {
    audioId: 'a1',
    filename: 'call.mp3',
    contentType: 'audio/mpeg',
    sizeBytes: 1_500_000,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    status: 'ready',
    failure: null,
    progress: null,
    chunking: null,
    chunkCount: 17,
    durationMs: 600_000,
    failedChunks: [],
    wordCount: null,
    transcriptReady: false,
    analysisReady: false,
    canTranscribe: { allowed: true, reason: 'ready' },
    canAnalyze: { allowed: false, reason: 'the recording has no transcript yet; transcribe it first' },
    canCancelTranscription: { allowed: false, reason: 'no transcription was requested; nothing to cancel' },
    metadata: null,
    details: { title: null, tags: [], agent: null, customer: null, notes: null },
    queue: null,
    duplicateOf: null,
    duplicateOfTitle: null,
    ...overrides,
  };
}

/** @param {Partial<RecordingView>} [overrides] */
export const transcribing = (overrides = {}) =>
  aView({
    status: 'transcribing',
    progress: { done: 1, total: 17 },
    canTranscribe: { allowed: false, reason: 'the recording is already being transcribed' },
    canCancelTranscription: { allowed: true, reason: 'a transcription is queued or running' },
    ...overrides,
  });

/** @param {Partial<RecordingView>} [overrides] */
export const failedTranscription = (overrides = {}) =>
  aView({
    status: 'failed',
    failure: { code: 'STT.ENGINE_TIMEOUT', reason: '1 of 17 chunks failed: pocketsphinx timed out', at: 1 },
    progress: { done: 16, total: 17 },
    failedChunks: ['a1-c0-000003'],
    canTranscribe: {
      allowed: true,
      reason:
        'failed: 1 of 17 chunks failed: pocketsphinx timed out; press Retry to transcribe the failed chunks again',
    },
    ...overrides,
  });
