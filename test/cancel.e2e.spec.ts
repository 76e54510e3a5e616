import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { RecordingView } from '@speech/contracts';
import { Api, errorOf, FIXTURES, joinFixtureCalls, PlatformProcess } from '@speech/harness';
import { eventually } from '@speech/testing';

jest.setTimeout(25 * 60_000);

interface TaskRow {
  id: string;
  status: string;
  updatedAt: number;
}

/**
 * Issue #14, cancel a transcription, on the single process (real ffmpeg and Whisper): a
 * multi-chunk call is cancelled while it transcribes, nothing more of it is transcribed while
 * another call goes through the same workers, a second cancel changes nothing, and Transcribe
 * resumes it to the end, keeping the chunks done before. The stt-worker's queue is read from
 * speech.db (read-only) to see what is queued; every wait is for a state, never a duration.
 */
describe('cancel a transcription (single process)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'speech-cancel-'));
  const long = join(scratch, 'three-calls.mp3');
  // One worker slot: the chunks run one at a time, so the cancel finds most of them still queued.
  const platform = new PlatformProcess(undefined, { STT_CONCURRENCY: '1' });
  let api: Api;
  let other: Api;

  /** The stt-worker's tasks of a recording, as its own collection holds them. */
  function tasksOf(audioId: string): TaskRow[] {
    const db = new Database(join(platform.dataDir, 'speech.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          "SELECT id, json_extract(doc, '$.status') AS status, json_extract(doc, '$.updatedAt') AS updatedAt " +
            "FROM c_stt_tasks WHERE json_extract(doc, '$.audioId') = ? ORDER BY id",
        )
        .all(audioId) as TaskRow[];
      return rows;
    } finally {
      db.close();
    }
  }
  const view = (audioId: string) => api.json<RecordingView>(`/audios/${audioId}`);

  beforeAll(async () => {
    // About 3.6 minutes of stereo: the three sample calls back to back, a dozen chunks or so.
    joinFixtureCalls(['sales-discovery', 'support-outage', 'product-names'], long);
    await platform.start();
    api = new Api(platform.url, await platform.token('cancel-user'));
    other = new Api(platform.url, await platform.token('someone-else'));
  });
  afterAll(async () => {
    await platform.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  const upload = async (file: string): Promise<string> => {
    const res = await api.upload(file);
    expect(res.status).toBe(201);
    return ((await res.json()) as { audioId: string }).audioId;
  };

  it('stops a running transcription, keeps what was done, and resumes it on Transcribe', async () => {
    const longId = await upload(long);
    const shortId = await upload(join(FIXTURES, 'product-names.stereo.mp3'));
    const ready = await api.waitFor(longId, 'ready', 5 * 60_000);
    expect(ready.canCancelTranscription.allowed).toBe(false);
    await api.waitFor(shortId, 'ready', 5 * 60_000);

    // Nothing to cancel yet: a 409 with its reason; unknown and other users' recordings are 404.
    const early = await errorOf(await api.post(`/transcribe/${longId}/cancel`));
    expect(early).toMatchObject({ status: 409, code: 'AUDIO.INVALID_STATE' });
    expect(early.message).toMatch(/nothing to cancel/);
    expect((await api.post('/transcribe/no-such-recording/cancel')).status).toBe(404);
    expect((await other.post(`/transcribe/${longId}/cancel`)).status).toBe(404);

    const requested = await api.post(`/transcribe/${longId}`);
    expect(requested.status).toBe(202);
    const { requestId } = (await requested.json()) as { requestId: string };
    // Running: a chunk done, the next one on the engine, the rest queued.
    let running: RecordingView;
    for (;;) {
      running = await view(longId);
      if (running.status !== 'transcribing') throw new Error(`the call left transcribing too soon: ${running.status}`);
      if ((running.progress?.done ?? 0) >= 1) break;
      await sleep(250);
    }
    expect(running.canCancelTranscription.allowed).toBe(true);
    expect(running.progress?.total).toBeGreaterThanOrEqual(4);

    const cancelled = await api.post(`/transcribe/${longId}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(await cancelled.json()).toEqual({ audioId: longId, status: 'cancelled', requestId });
    const shown = await api.waitFor(longId, 'cancelled', 2 * 60_000);
    expect(shown.canTranscribe).toMatchObject({ allowed: true });
    expect(shown.canAnalyze.allowed).toBe(false);
    expect(shown.canCancelTranscription.allowed).toBe(false);
    expect(shown.queue).toBeNull();

    // The queue holds nothing of it any more: no chunk queued or running.
    const settled = await eventually(
      'no chunk of the cancelled call queued or running',
      () => {
        const rows = tasksOf(longId);
        return rows.every((t) => t.status !== 'queued' && t.status !== 'processing') && rows;
      },
      60_000,
    );
    const doneAtCancel = settled.filter((t) => t.status === 'completed');
    process.stdout.write(
      `cancel: ${doneAtCancel.length} of ${settled.length} chunks were done when the cancel took effect\n`,
    );
    expect(doneAtCancel.length).toBeGreaterThanOrEqual(1);
    expect(doneAtCancel.length).toBeLessThan(settled.length);

    // A second cancel of the same transcription: accepted again, and changes nothing.
    const again = await api.post(`/transcribe/${longId}/cancel`);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ audioId: longId, status: 'cancelled', requestId });

    // Another call goes through the same worker slot from start to end meanwhile; the cancelled
    // call's chunks would have been served in turn with it (round-robin) had they stayed queued.
    expect((await api.post(`/transcribe/${shortId}`)).status).toBe(202);
    const shortDone = await api.waitFor(shortId, 'transcribed', 10 * 60_000);
    const refused = await errorOf(await api.post(`/transcribe/${shortId}/cancel`));
    expect(refused).toMatchObject({ status: 409, code: 'AUDIO.INVALID_STATE' });
    expect(refused.message).toMatch(/already transcribed/);
    expect(shortDone.canCancelTranscription.allowed).toBe(false);

    const meanwhile = tasksOf(longId);
    expect(meanwhile.filter((t) => t.status === 'completed')).toEqual(doneAtCancel);
    const still = await view(longId);
    expect(still).toMatchObject({ status: 'cancelled', transcriptReady: false });
    expect(still.progress?.done).toBe(doneAtCancel.length);
    expect((await api.get(`/audios/${longId}/transcript`)).status).not.toBe(200);

    // Transcribe again: it resumes, and the chunks done before the cancel are not done again.
    const resumed = await api.post(`/transcribe/${longId}`);
    expect(resumed.status).toBe(202);
    expect(((await resumed.json()) as { requestId: string }).requestId).not.toBe(requestId);
    const finished = await api.waitFor(longId, 'transcribed', 15 * 60_000);
    expect(finished.progress).toEqual({ done: finished.chunkCount, total: finished.chunkCount });
    expect((await api.get(`/audios/${longId}/transcript`)).status).toBe(200);
    const after = new Map(tasksOf(longId).map((t) => [t.id, t]));
    for (const t of doneAtCancel) expect(after.get(t.id)).toEqual(t); // untouched: kept, not re-run
    expect([...after.values()].every((t) => t.status === 'completed')).toBe(true);
    const late = await errorOf(await api.post(`/transcribe/${longId}/cancel`));
    expect(late).toMatchObject({ status: 409, code: 'AUDIO.INVALID_STATE' });
  });
});
