import { canCancelTranscription, canTranscribe, deriveState, type RecordingFacts } from './recording-status';

const facts = (over: Partial<RecordingFacts> = {}): RecordingFacts => ({
  uploadedAt: 1,
  chunksCreated: 3,
  chunkCount: 3,
  chunksTranscribed: 0,
  failedChunks: [],
  ...over,
});

describe('canTranscribe', () => {
  it('says a failed transcription failed, why, and that a retry is the user’s to start (nothing retries it)', () => {
    const f = facts({
      transcriptionRequestedAt: 10,
      chunksTranscribed: 2,
      failedChunks: ['a-c2'],
      transcriptionFailed: { code: 'STT.CHUNK_FAILED', reason: '1 chunk could not be transcribed', at: 20 },
    });
    expect(deriveState(f).status).toBe('failed');
    const p = canTranscribe(f, 20, 30, 600_000);
    expect(p).toEqual({
      allowed: true,
      reason: 'failed: 1 chunk could not be transcribed; press Retry to transcribe the failed chunks again',
    });
    expect(p.reason).not.toMatch(/retrying/i);
  });

  it('names a dead letter’s reason, and a whole new run when no chunk failed', () => {
    const f = facts({
      deadLettered: { code: 'MESSAGING.DEAD_LETTER', reason: 'a message could not be processed', at: 5 },
    });
    expect(canTranscribe(f, 5, 6, 600_000)).toEqual({
      allowed: true,
      reason: 'failed: a message could not be processed; press Retry to transcribe it again',
    });
  });

  it('refuses a recording that could not be chunked, with the reason', () => {
    const f = facts({ chunkCount: undefined, chunkingFailed: { code: 'AUDIO.X', reason: 'not audio', at: 2 } });
    expect(canTranscribe(f, 0, 3, 600_000)).toEqual({
      allowed: false,
      reason: 'the recording could not be chunked: not audio',
    });
  });
});

describe('deriveState', () => {
  it('shows every chunk done once the transcript is complete, though chunk.transcribed events still lag', () => {
    const lagging = facts({ chunkCount: 8, chunksTranscribed: 3, transcriptionRequestedAt: 10 });
    expect(deriveState(lagging)).toEqual({ status: 'transcribing', failure: null, progress: { done: 3, total: 8 } });
    const done = { ...lagging, transcriptCompletedAt: 40 };
    expect(deriveState(done)).toEqual({ status: 'transcribed', failure: null, progress: { done: 8, total: 8 } });
    expect(deriveState({ ...done, analysisRequestedAt: 50 }).progress).toEqual({ done: 8, total: 8 });
  });
});

describe('a cancelled transcription', () => {
  const running = facts({ chunkCount: 6, chunksTranscribed: 2, transcriptionRequestedAt: 10 });

  it('is cancelled while no later request exists, keeps its progress, and may be transcribed again', () => {
    const f = { ...running, transcriptionCancelledFor: 10, transcriptionCancelledAt: 20 };
    expect(deriveState(f)).toEqual({ status: 'cancelled', failure: null, progress: { done: 2, total: 6 } });
    expect(canTranscribe(f, 10, 30, 600_000)).toMatchObject({ allowed: true, reason: expect.stringMatching(/kept/) });
    expect(canCancelTranscription(f)).toEqual({ allowed: false, reason: 'the transcription is already cancelled' });
    // A later request supersedes the cancel: transcribing again, and cancellable again.
    const resumed = { ...f, transcriptionRequestedAt: 40 };
    expect(deriveState(resumed).status).toBe('transcribing');
    expect(canCancelTranscription(resumed).allowed).toBe(true);
  });

  it('is cancellable only while a transcription is queued or running', () => {
    expect(canCancelTranscription(running)).toEqual({ allowed: true, reason: 'a transcription is queued or running' });
    expect(canCancelTranscription(facts()).reason).toMatch(/nothing to cancel/);
    // Requested at upload, still chunking: the request waits, and may be cancelled.
    expect(canCancelTranscription(facts({ chunkCount: undefined, transcriptionRequestedAt: 1 })).allowed).toBe(true);
    const failed = { ...running, transcriptionFailed: { code: 'STT.CHUNKS_FAILED', reason: 'x', at: 30 } };
    expect(canCancelTranscription(failed).allowed).toBe(false);
    expect(canCancelTranscription({ ...running, transcriptCompletedAt: 50 }).reason).toMatch(/already transcribed/);
  });

  it('loses to a transcript that completed anyway (the cancel came after the last chunk)', () => {
    const f = { ...running, transcriptionCancelledFor: 10, transcriptCompletedAt: 30 };
    expect(deriveState(f).status).toBe('transcribed');
    expect(canTranscribe(f, 30, 40, 600_000).allowed).toBe(false);
  });
});
