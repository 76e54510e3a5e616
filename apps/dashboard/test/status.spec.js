// @ts-check
import {
  actionButton,
  analysisNotice,
  cancelledText,
  detailFacts,
  queueText,
  rowProgress,
  statusBadge,
  statusLabel,
  transcribingText,
  transcriptNotice,
  uploadProgressText,
} from '../public/js/status.js';
import { aView, failedTranscription, transcribing } from './builders.js';

/** @typedef {import('../public/js/state.js').PendingRequest} PendingRequest */

describe('status labels', () => {
  it('names every status, and passes an unknown one through', () => {
    expect(statusLabel('transcribing')).toBe('Transcribing');
    expect(statusLabel('analyzed')).toBe('Analyzed');
    expect(statusLabel('someday')).toBe('someday');
    expect(statusLabel('toString')).toBe('toString');
  });
});

describe('row progress', () => {
  it('counts transcribed chunks on a bar', () => {
    expect(rowProgress(transcribing())).toEqual({
      kind: 'bar',
      value: 1,
      max: 17,
      label: 'Transcription',
      text: '1/17 chunks',
    });
  });

  it('shows the place in the queue and the time left', () => {
    const queue = { position: 2, of: 3, etaMs: 4 * 60_000 };
    expect(rowProgress(transcribing({ queue }))).toMatchObject({
      text: '1/17 chunks · queue 2 of 3 · about 4 min left',
    });
    expect(queueText({ position: 1, of: 1, etaMs: 20_000 })).toBe('under a minute left');
    expect(queueText({ position: 1, of: 2, etaMs: null })).toBe('queue 1 of 2 · estimating time left…');
    expect(queueText({ position: 1, of: 1, etaMs: 80 * 60_000 })).toBe('about 1 h 20 min left');
    expect(queueText(null)).toBe('');
  });

  it('calls a chunk the worker gave up on "failed", never "retrying"', () => {
    const p = rowProgress(transcribing({ progress: { done: 9, total: 17 }, failedChunks: ['c3', 'c7'] }));
    expect(p && p.text).toBe('9/17 chunks · 2 chunks failed');
    expect(JSON.stringify(p)).not.toMatch(/retrying/i);
  });

  it('gives a failed recording its reason and what Retry will do', () => {
    const p = rowProgress(failedTranscription());
    expect(p).toEqual({
      kind: 'text',
      tone: 'failure',
      text: '1 of 17 chunks failed: pocketsphinx timed out. Retry transcribes the failed chunks again.',
    });
  });

  it('adds the failed-chunk count when the reason does not say it', () => {
    const view = failedTranscription({ failure: { code: 'X', reason: 'the engine crashed', at: 1 } });
    expect(rowProgress(view)).toMatchObject({
      text: 'The engine crashed. 1 chunk failed. Retry transcribes the failed chunks again.',
    });
  });

  it('offers no retry when the server allows none', () => {
    const view = aView({
      status: 'failed',
      chunkCount: null,
      failure: { code: 'AUDIO.UNREADABLE', reason: 'the file is not audio', at: 1 },
      canTranscribe: { allowed: false, reason: 'the recording could not be chunked: the file is not audio' },
    });
    expect(rowProgress(view)).toMatchObject({ tone: 'failure', text: 'The file is not audio.' });
  });

  it('shows chunking as audio split so far', () => {
    const p = rowProgress(
      aView({ status: 'chunking', chunkCount: null, chunking: { doneMs: 30_000, totalMs: 120_000 } }),
    );
    expect(p).toMatchObject({ kind: 'bar', value: 30_000, max: 120_000, text: 'Splitting: 00:30 of 02:00' });
  });

  it('says at once that a request is being sent, then that it was accepted', () => {
    /** @type {PendingRequest} */
    const sending = { action: 'transcribe', phase: 'sending', status: 'failed', at: 0 };
    expect(rowProgress(failedTranscription(), sending)).toEqual({
      kind: 'text',
      tone: 'pending',
      text: 'Requesting the transcription…',
    });
    expect(rowProgress(failedTranscription(), { ...sending, phase: 'sent' })).toMatchObject({
      text: 'Transcription requested; waiting for the server…',
    });
    expect(rowProgress(aView(), { action: 'analyze', phase: 'sent', status: 'transcribed', at: 0 })).toMatchObject({
      text: 'Analysis requested; waiting for the server…',
    });
  });
});

describe('the status badge', () => {
  it('shows the server’s status, and a pending request in its place until the server shows it', () => {
    expect(statusBadge(failedTranscription(), null)).toEqual({ status: 'failed', label: 'Failed', title: '' });
    /** @type {PendingRequest} */
    const retry = { action: 'transcribe', phase: 'sending', status: 'failed', at: 0, failureAt: 1 };
    expect(statusBadge(failedTranscription(), retry)).toEqual({
      status: 'requested',
      label: 'Requesting…',
      title: 'Requesting the transcription… (was failed)',
    });
    expect(statusBadge(failedTranscription(), { ...retry, phase: 'sent' })).toMatchObject({
      status: 'requested',
      label: 'Requested',
    });
  });
});

describe('action buttons', () => {
  it('enables Transcribe exactly when the server allows it', () => {
    expect(actionButton(aView(), 'transcribe')).toEqual({ enabled: true, label: 'Transcribe', title: 'ready' });
    // Queued (requested, nothing transcribed yet) is transcribing: the server says no.
    expect(actionButton(transcribing({ progress: { done: 0, total: 17 } }), 'transcribe')).toEqual({
      enabled: false,
      label: 'Transcribe',
      title: 'the recording is already being transcribed',
    });
    expect(actionButton(aView(), 'analyze')).toMatchObject({
      enabled: false,
      title: expect.stringMatching(/transcri/),
    });
  });

  it('labels the step that can be retried or resumed', () => {
    expect(actionButton(failedTranscription(), 'transcribe')).toMatchObject({ enabled: true, label: 'Retry' });
    const stalled = transcribing({ canTranscribe: { allowed: true, reason: 'resuming a stalled transcription' } });
    expect(actionButton(stalled, 'transcribe')).toMatchObject({ enabled: true, label: 'Resume' });
    const failedAnalysis = aView({
      status: 'failed',
      transcriptReady: true,
      failure: { code: 'LLM.TIMEOUT', reason: 'the model did not answer', at: 1 },
      canTranscribe: { allowed: false, reason: 'the recording is already transcribed' },
      canAnalyze: { allowed: true, reason: 'failed' },
    });
    expect(actionButton(failedAnalysis, 'analyze')).toMatchObject({ enabled: true, label: 'Retry' });
    expect(actionButton(failedAnalysis, 'transcribe')).toMatchObject({ enabled: false, label: 'Transcribe' });
  });

  it('is disabled while the user’s request is pending, whatever the server still says', () => {
    /** @type {PendingRequest} */
    const sent = { action: 'transcribe', phase: 'sent', status: 'ready', at: 0 };
    expect(actionButton(aView(), 'transcribe', sent)).toEqual({
      enabled: false,
      label: 'Transcribe',
      title: 'Transcription requested; waiting for the server…',
    });
  });
});

describe('detail notices', () => {
  it('writes transcription progress in whole sentences', () => {
    expect(transcribingText(transcribing())).toBe(
      'Transcribing: 1 of 17 chunks done. The transcript appears here when it is complete.',
    );
    expect(transcribingText(transcribing({ progress: null }))).toBe(
      'Transcribing… The transcript appears here when it is complete.',
    );
    expect(transcribingText(transcribing({ failedChunks: ['c1'] }))).toBe(
      'Transcribing: 1 of 17 chunks done. 1 chunk failed; you can retry once the others finish.',
    );
  });

  it('explains a missing transcript', () => {
    expect(transcriptNotice(transcribing(), null)).toEqual({ live: true, text: transcribingText(transcribing()) });
    expect(transcriptNotice(aView(), null)).toEqual({
      live: false,
      text: 'No transcript yet. Click Transcribe to start.',
    });
    expect(transcriptNotice(aView(), 'HTTP 500')).toEqual({
      live: false,
      text: 'The transcript could not be loaded: HTTP 500',
    });
    const preparing = aView({
      status: 'chunking',
      canTranscribe: { allowed: false, reason: 'the recording is chunking' },
    });
    expect(transcriptNotice(preparing, null).text).toBe('No transcript yet: the recording is chunking.');
  });

  it('explains a missing analysis', () => {
    expect(analysisNotice(aView({ status: 'analyzing' }), null)).toMatch(/^The analysis is running/);
    expect(analysisNotice(aView(), null)).toBe(
      'No analysis yet: the recording has no transcript yet; transcribe it first.',
    );
    expect(analysisNotice(aView({ canAnalyze: { allowed: true, reason: 'transcribed' } }), null)).toMatch(
      /Click Analyze/,
    );
  });

  it('lists the facts under the detail title', () => {
    const facts = detailFacts(transcribing({ wordCount: null }), 'support');
    expect(facts.slice(1)).toEqual(['Duration 10:00', '1/17 chunks transcribed', 'Support call']);
    expect(detailFacts(aView(), 'unknown')).toHaveLength(2);
  });
});

describe('upload progress', () => {
  it('says how much is sent, then that the audio is being checked', () => {
    expect(uploadProgressText('call.mp3', 512 * 1024, 2 * 1024 * 1024)).toEqual({
      pct: 25,
      text: 'Uploading call.mp3: 25% of 2.0 MB',
    });
    expect(uploadProgressText('call.mp3', 10, 10)).toEqual({ pct: 100, text: 'Checking the audio…' });
  });
});

describe('a cancelled transcription', () => {
  const cancelled = (overrides = {}) =>
    aView({
      status: 'cancelled',
      progress: { done: 5, total: 17 },
      canTranscribe: { allowed: true, reason: 'the transcription was cancelled; Transcribe resumes it' },
      ...overrides,
    });

  it('offers Cancel exactly while a transcription is queued or running', () => {
    expect(actionButton(transcribing(), 'cancel')).toEqual({
      enabled: true,
      label: 'Cancel',
      title: 'Stop the transcription; the chunks done are kept, and Resume goes on from there',
    });
    expect(actionButton(aView(), 'cancel')).toEqual({
      enabled: false,
      label: 'Cancel',
      title: 'no transcription was requested; nothing to cancel',
    });
    const already = { allowed: false, reason: 'the transcription is already cancelled' };
    expect(actionButton(cancelled({ canCancelTranscription: already }), 'cancel').enabled).toBe(false);
    /** @type {PendingRequest} */
    const sending = { action: 'cancel', phase: 'sending', status: 'transcribing', at: 0 };
    expect(actionButton(transcribing(), 'cancel', sending)).toMatchObject({ enabled: false });
  });

  it('says in words that it was cancelled, what was kept, and that Resume goes on; Analyze stays off', () => {
    expect(statusLabel('cancelled')).toBe('Cancelled');
    expect(rowProgress(cancelled())).toEqual({
      kind: 'text',
      tone: 'muted',
      text: 'Transcription cancelled. 5 of 17 chunks done are kept; Resume transcribes the rest.',
    });
    expect(cancelledText(cancelled({ progress: { done: 0, total: 17 } }))).toBe(
      'Transcription cancelled. Transcribe starts it again.',
    );
    expect(actionButton(cancelled(), 'transcribe')).toMatchObject({ enabled: true, label: 'Resume' });
    expect(actionButton(cancelled({ progress: { done: 0, total: 17 } }), 'transcribe').label).toBe('Transcribe');
    expect(actionButton(cancelled(), 'analyze').enabled).toBe(false);
    expect(transcriptNotice(cancelled(), null)).toEqual({ live: false, text: cancelledText(cancelled()) });
    expect(detailFacts(cancelled(), null)).toContain('Transcription cancelled');
  });

  it('shows "Cancelling…" on the badge until the server shows the cancel', () => {
    /** @type {PendingRequest} */
    const sent = { action: 'cancel', phase: 'sent', status: 'transcribing', at: 0 };
    expect(statusBadge(transcribing(), sent)).toEqual({
      status: 'requested',
      label: 'Cancelling…',
      title: 'Cancellation requested; waiting for the server… (was transcribing)',
    });
    expect(rowProgress(transcribing(), sent)).toEqual({
      kind: 'text',
      tone: 'pending',
      text: 'Cancellation requested; waiting for the server…',
    });
  });
});
