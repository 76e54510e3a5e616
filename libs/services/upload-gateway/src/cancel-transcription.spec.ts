import { NO_DETAILS, type EventOf, type RecordingView } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { eventually, inMemoryPlatform } from '@speech/testing';
import { audiosCollection, type AudioRecord } from './audio-repository';
import { cancelPermission, cancelTranscription, transcribePermission } from './cancel-transcription';
import { requestTranscription, type GatewayDeps } from './upload-intake';

const allowed = { allowed: true, reason: 'ok' };
const refused = (reason: string) => ({ allowed: false, reason });

const aView = (over: Partial<RecordingView> = {}): RecordingView => ({
  audioId: 'a1',
  filename: 'call.mp3',
  contentType: 'audio/mpeg',
  sizeBytes: 1,
  createdAt: 1,
  updatedAt: 1,
  status: 'transcribing',
  failure: null,
  progress: { done: 1, total: 4 },
  chunking: null,
  chunkCount: 4,
  durationMs: 1,
  failedChunks: [],
  wordCount: null,
  transcriptReady: false,
  analysisReady: false,
  canTranscribe: refused('the recording is already being transcribed'),
  canAnalyze: refused('the recording has no transcript yet; transcribe it first'),
  canCancelTranscription: allowed,
  metadata: null,
  details: NO_DETAILS,
  queue: null,
  duplicateOf: null,
  duplicateOfTitle: null,
  ...over,
});

const aRecord = (over: Partial<AudioRecord> = {}): AudioRecord => ({
  _id: 'a1',
  userId: 'u1',
  filename: 'call.mp3',
  contentType: 'audio/mpeg',
  sizeBytes: 1,
  sha256: 'ab',
  objectKey: 'audio/a1/source',
  metadata: null,
  createdAt: 1,
  status: 'uploaded',
  upload: null,
  ...over,
});

const request = { requestId: 'r1', requestedAt: 10, cancelledAt: null };

describe('cancelPermission', () => {
  it('allows a cancel of the latest request while it is queued or running, even before the read model shows it', () => {
    expect(cancelPermission(aView(), aRecord({ transcription: request })).allowed).toBe(true);
    // Transcribe was pressed a moment ago: the read model still says ready, the record knows the request.
    const lagging = aView({ status: 'ready', canCancelTranscription: refused('no transcription was requested') });
    expect(cancelPermission(lagging, aRecord({ transcription: request })).allowed).toBe(true);
  });

  it('accepts a repeated cancel of the same request (idempotent), refuses when nothing is left to cancel', () => {
    const cancelled = aRecord({ transcription: { ...request, cancelledAt: 20 } });
    expect(cancelPermission(aView({ status: 'cancelled' }), cancelled)).toEqual({
      allowed: true,
      reason: 'already cancelled',
    });
    expect(cancelPermission(aView({ transcriptReady: true, status: 'transcribed' }), cancelled)).toEqual(
      refused('the recording is already transcribed; nothing to cancel'),
    );
    const never = aView({ status: 'ready', canCancelTranscription: refused('no transcription was requested') });
    expect(cancelPermission(never, aRecord())).toEqual(refused('no transcription was requested'));
    const failed = aView({ status: 'failed', canCancelTranscription: refused('the transcription failed') });
    expect(cancelPermission(failed, aRecord({ transcription: request }))).toEqual(refused('the transcription failed'));
  });

  it('says so when the request was made before the gateway kept requests (nothing to name)', () => {
    expect(cancelPermission(aView(), aRecord()).reason).toMatch(/before cancelling was possible/);
  });
});

describe('transcribePermission', () => {
  it('allows Transcribe right after a cancel the read model has not shown yet', () => {
    const cancelled = aRecord({ transcription: { ...request, cancelledAt: 20 } });
    expect(transcribePermission(aView(), cancelled)).toEqual({
      allowed: true,
      reason: 'resuming a cancelled transcription',
    });
    expect(transcribePermission(aView(), aRecord({ transcription: request })).allowed).toBe(false);
    const ready = aView({ status: 'ready', canTranscribe: allowed });
    expect(transcribePermission(ready, aRecord())).toBe(ready.canTranscribe);
  });
});

describe('cancelTranscription', () => {
  async function setup() {
    const platform = inMemoryPlatform();
    const audios = await audiosCollection(platform.docs);
    const deps = {
      bus: platform.bus,
      docs: platform.docs,
      tx: platform.database,
      log: silentLogger(),
    } as unknown as GatewayDeps;
    const requested: EventOf<'transcription.requested'>[] = [];
    const cancelled: EventOf<'transcription.cancelled'>[] = [];
    platform.bus.subscribe('probe', 'transcription.requested', async (e) => void requested.push(e));
    platform.bus.subscribe('probe', 'transcription.cancelled', async (e) => void cancelled.push(e));
    await platform.bus.start();
    return { platform, audios, deps, requested, cancelled };
  }

  it('names the latest request (its id and time), marks it cancelled, and says it again on a repeat', async () => {
    const t = await setup();
    const record = aRecord();
    await t.audios.insert(record);
    const requestId = await t.deps.tx.run(() => requestTranscription(t.deps, t.audios, record, 'c1', [], 'r1'));
    await eventually('the request published', () => t.requested.length === 1);
    expect((await t.audios.get('a1'))?.transcription).toEqual({
      requestId,
      requestedAt: t.requested[0]?.occurredAt,
      cancelledAt: null,
    });

    expect(await cancelTranscription(t.deps, t.audios, record)).toEqual({ status: 'cancelled', requestId: 'r1' });
    const at = (await t.audios.get('a1'))?.transcription?.cancelledAt;
    expect(typeof at).toBe('number');
    expect(await cancelTranscription(t.deps, t.audios, record)).toEqual({ status: 'cancelled', requestId: 'r1' });
    expect((await t.audios.get('a1'))?.transcription?.cancelledAt).toBe(at); // the first cancel's time stays
    await eventually('both cancels published', () => t.cancelled.length === 2);
    for (const e of t.cancelled)
      expect(e.payload).toEqual({ userId: 'u1', requestId: 'r1', requestedAt: t.requested[0]?.occurredAt });

    // Transcribe again: a new request, which a later cancel names.
    await t.deps.tx.run(() => requestTranscription(t.deps, t.audios, record, 'c2', [], 'r2'));
    expect((await t.audios.get('a1'))?.transcription).toMatchObject({ requestId: 'r2', cancelledAt: null });
    expect(await cancelTranscription(t.deps, t.audios, record)).toEqual({ status: 'cancelled', requestId: 'r2' });
    await t.platform.close();
  });

  it('cancels nothing for a recording being deleted or never transcribed', async () => {
    const t = await setup();
    await t.audios.insert(aRecord({ _id: 'never' }));
    expect(await cancelTranscription(t.deps, t.audios, aRecord({ _id: 'never' }))).toBeNull();
    await t.audios.insert(aRecord({ _id: 'gone', deleting: true, transcription: request }));
    expect(await cancelTranscription(t.deps, t.audios, aRecord({ _id: 'gone' }))).toBeNull();
    expect(t.cancelled).toEqual([]);
    await t.platform.close();
  });
});
