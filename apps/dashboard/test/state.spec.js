// @ts-check
import {
  competitorsMetadata,
  competitorsOf,
  foldRecording,
  newestFirst,
  parseRecordingEvent,
  placeholderView,
  pollLimit,
  REQUEST_PATIENCE_MS,
  requestSettled,
} from '../public/js/state.js';
import { aView, failedTranscription, transcribing } from './builders.js';

/** @typedef {import('../public/js/state.js').PendingRequest} PendingRequest */

describe('folding server views', () => {
  it('takes a new recording and a newer view of a known one', () => {
    const first = aView();
    expect(foldRecording(undefined, first)).toEqual({ kind: 'new', view: first, statusChanged: false, moved: false });
    const next = transcribing({ updatedAt: first.updatedAt + 1 });
    expect(foldRecording(first, next)).toEqual({ kind: 'updated', view: next, statusChanged: true, moved: false });
  });

  it('keeps the newer view when an older one arrives late (a replayed event, a slow page)', () => {
    const newer = transcribing({ updatedAt: 200 });
    const older = aView({ updatedAt: 100 });
    expect(foldRecording(newer, older)).toEqual({ kind: 'stale', view: newer, statusChanged: false, moved: false });
  });

  it('replaces the upload placeholder with any view from the server', () => {
    const placeholder = placeholderView('a1', { name: 'call.mp3', type: 'audio/mpeg', size: 10 }, 5);
    const fromServer = aView({ status: 'uploaded', updatedAt: 1, createdAt: 4 });
    expect(foldRecording(placeholder, fromServer)).toMatchObject({
      kind: 'updated',
      moved: true,
      statusChanged: false,
    });
  });

  it('folds a sequence of SSE events to the newest state, whatever their order', () => {
    const events = [
      transcribing({ updatedAt: 3, progress: { done: 2, total: 17 } }),
      aView({ updatedAt: 1 }),
      transcribing({ updatedAt: 2, progress: { done: 1, total: 17 } }),
    ].map((v) => JSON.stringify(v));
    /** @type {import('../public/js/types.js').RecordingView | undefined} */
    let current;
    for (const data of events) {
      const view = parseRecordingEvent(data);
      if (view) current = foldRecording(current, view).view;
    }
    expect(current && current.progress).toEqual({ done: 2, total: 17 });
  });

  it('ignores event data that is not a recording view', () => {
    expect(parseRecordingEvent('not json')).toBeNull();
    expect(parseRecordingEvent('null')).toBeNull();
    expect(parseRecordingEvent('{"audioId":"a1"}')).toBeNull();
    expect(parseRecordingEvent(JSON.stringify(aView()))).toEqual(aView());
  });
});

describe('order', () => {
  it('is newest first, then by audioId descending, as the server pages', () => {
    const views = [
      aView({ audioId: 'a', createdAt: 1 }),
      aView({ audioId: 'c', createdAt: 2 }),
      aView({ audioId: 'b', createdAt: 2 }),
    ];
    expect(views.sort(newestFirst).map((v) => v.audioId)).toEqual(['c', 'b', 'a']);
  });
});

describe('a request the user sent', () => {
  /** @type {PendingRequest} */
  const sent = { action: 'transcribe', phase: 'sent', status: 'failed', at: 1000 };

  it('waits while the server still shows the recording as it was', () => {
    expect(requestSettled(sent, failedTranscription(), 2000)).toBe(false);
  });

  it('ends when the recording moves on or the step is no longer allowed', () => {
    expect(requestSettled(sent, transcribing(), 2000)).toBe(true);
    const running = failedTranscription({ canTranscribe: { allowed: false, reason: 'already being transcribed' } });
    expect(requestSettled(sent, running, 2000)).toBe(true);
  });

  it('ends when the retry ran and failed again between two views (another failure, same status)', () => {
    const retry = { ...sent, failureAt: 1 };
    expect(requestSettled(retry, failedTranscription(), 2000)).toBe(false);
    const again = failedTranscription({ failure: { code: 'STT.ENGINE_TIMEOUT', reason: 'timed out again', at: 5 } });
    expect(requestSettled(retry, again, 2000)).toBe(true);
  });

  it('a cancel ends when the recording leaves transcribing or may no longer be cancelled', () => {
    /** @type {PendingRequest} */
    const cancel = { action: 'cancel', phase: 'sent', status: 'transcribing', at: 1000 };
    expect(requestSettled(cancel, transcribing(), 2000)).toBe(false);
    expect(requestSettled(cancel, aView({ status: 'cancelled' }), 2000)).toBe(true);
    const refused = { allowed: false, reason: 'the transcription is already cancelled' };
    expect(requestSettled(cancel, transcribing({ canCancelTranscription: refused }), 2000)).toBe(true);
  });

  it('ends when the server stays silent for too long', () => {
    expect(requestSettled(sent, failedTranscription(), 1000 + REQUEST_PATIENCE_MS)).toBe(true);
  });

  it('never ends before the server answered', () => {
    expect(requestSettled({ ...sent, phase: 'sending' }, transcribing(), 1000 + REQUEST_PATIENCE_MS)).toBe(false);
  });
});

describe('upload helpers', () => {
  it('turns the competitors field into the metadata JSON', () => {
    expect(competitorsMetadata(' Stormvault, , Acme ')).toBe('{"competitors":["Stormvault","Acme"]}');
    expect(competitorsMetadata(' , ')).toBeNull();
    expect(competitorsOf(aView({ metadata: { competitors: ['Acme'] } }))).toEqual(['Acme']);
    expect(competitorsOf(aView({ metadata: { competitors: 'Acme' } }))).toEqual([]);
  });

  it('polls at least a page and at most the server cap', () => {
    expect(pollLimit(3)).toBe(50);
    expect(pollLimit(120)).toBe(120);
    expect(pollLimit(5000)).toBe(200);
  });
});
