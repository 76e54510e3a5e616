import { SqliteDocumentStore } from '@speech/persistence';
import { anEvent } from '@speech/testing';
import { ReadModel } from './read-model';

describe('ReadModel', () => {
  const model = () => {
    const m = new ReadModel(SqliteDocumentStore.inMemory());
    return m.init().then(() => m);
  };
  const user = 'user-1';

  it('follows a recording from upload to analyzed, with progress', async () => {
    const m = await model();
    const a = 'a1';
    await m.apply(anEvent('audio.uploaded', a, {}, 1));
    expect((await m.get(user, a))?.status).toBe('uploaded');
    await m.apply(anEvent('chunk.created', a, { chunkId: 'c0' }, 2));
    expect((await m.get(user, a))?.status).toBe('chunking');
    await m.apply(anEvent('chunk.created', a, { chunkId: 'c1' }, 3));
    await m.apply(anEvent('audio.chunked', a, { chunkCount: 2 }, 4));
    const ready = await m.get(user, a);
    expect(ready).toMatchObject({ status: 'ready', chunkCount: 2, canTranscribe: { allowed: true } });
    expect(ready?.canAnalyze.allowed).toBe(false);
    await m.apply(anEvent('transcription.requested', a, {}, 5));
    await m.apply(anEvent('chunk.transcribed', a, { chunkId: 'c0' }, 6));
    expect(await m.get(user, a)).toMatchObject({ status: 'transcribing', progress: { done: 1, total: 2 } });
    await m.apply(anEvent('chunk.transcribed', a, { chunkId: 'c1' }, 7));
    await m.apply(anEvent('transcript.completed', a, {}, 8));
    expect(await m.get(user, a)).toMatchObject({
      status: 'transcribed',
      transcriptReady: true,
      canAnalyze: { allowed: true },
    });
    await m.apply(anEvent('analysis.requested', a, {}, 9));
    expect((await m.get(user, a))?.status).toBe('analyzing');
    await m.apply(anEvent('analysis.completed', a, {}, 10));
    expect(await m.get(user, a)).toMatchObject({ status: 'analyzed', analysisReady: true });
  });

  it('gives a transcribing recording its place in the queue and the time left, from the measured speed', async () => {
    let clock = 1_000_000;
    const m = new ReadModel(SqliteDocumentStore.inMemory(), () => clock);
    await m.init();
    const transcribing = async (a: string, chunks: number, at: number) => {
      await m.apply(anEvent('audio.uploaded', a, {}, at));
      await m.apply(anEvent('audio.chunked', a, { chunkCount: chunks }, at));
      await m.apply(anEvent('transcription.requested', a, {}, at));
    };
    await transcribing('long', 10, clock);
    for (let i = 0; i < 3; i++)
      await m.apply(anEvent('chunk.transcribed', 'long', { chunkId: `l${i}` }, clock + i * 10_000));
    clock += 25_000;
    await transcribing('short', 2, clock);
    // 10 s per chunk; round-robin: the short call's 2 chunks and 2 of the long call's.
    expect((await m.get(user, 'short'))?.queue).toEqual({ position: 2, of: 2, etaMs: 40_000 });
    expect((await m.get(user, 'long'))?.queue).toEqual({ position: 1, of: 2, etaMs: 90_000 });
    const listed = await m.list(user, { limit: 10 });
    expect(listed.items.map((v) => [v.audioId, v.queue?.position])).toEqual(
      expect.arrayContaining([
        ['short', 2],
        ['long', 1],
      ]),
    );
    for (let i = 0; i < 2; i++)
      await m.apply(anEvent('chunk.transcribed', 'short', { chunkId: `s${i}` }, clock + i * 10_000));
    await m.apply(anEvent('transcript.completed', 'short', {}, clock + 20_000));
    expect((await m.get(user, 'short'))?.queue).toBeNull();
    expect((await m.get(user, 'long'))?.queue).toMatchObject({ position: 1, of: 1 });
  });

  it('offers Resume only for a stalled transcription, never for one that waits for its chunks or its turn', async () => {
    const min = 60_000;
    let clock = 0;
    const m = new ReadModel(SqliteDocumentStore.inMemory(), () => clock);
    await m.init();
    // Requested at upload (auto): a long chunking takes 15 minutes, then it is queued.
    await m.apply(anEvent('audio.uploaded', 'auto', {}, 0));
    await m.apply(anEvent('transcription.requested', 'auto', {}, 0));
    clock = 15 * min;
    expect((await m.get(user, 'auto'))?.canTranscribe.allowed).toBe(false); // chunking
    await m.apply(anEvent('audio.chunked', 'auto', { chunkCount: 17 }, clock));
    expect(await m.get(user, 'auto')).toMatchObject({ status: 'transcribing', canTranscribe: { allowed: false } });

    // Six calls share the queue at 2 minutes a chunk: a round takes 12 minutes. Only the
    // first call's chunks have been served yet, so the others wait longer than STALL_MS.
    for (const a of ['q1', 'q2', 'q3', 'q4', 'q5']) {
      await m.apply(anEvent('audio.uploaded', a, {}, clock));
      await m.apply(anEvent('audio.chunked', a, { chunkCount: 10 }, clock));
      await m.apply(anEvent('transcription.requested', a, {}, clock));
    }
    for (let i = 0; i < 6; i++)
      await m.apply(anEvent('chunk.transcribed', 'q1', { chunkId: `q1-${i}` }, clock + (i + 1) * 2 * min));
    clock += 12 * min;
    const waiting = await m.get(user, 'q5');
    expect(waiting).toMatchObject({ status: 'transcribing', canTranscribe: { allowed: false } });
    expect(waiting?.queue).toMatchObject({ of: 6 });

    // With no progress for longer than that (the round and STALL_MS), it is stalled.
    clock += 12 * min;
    expect((await m.get(user, 'q5'))?.canTranscribe).toMatchObject({
      allowed: true,
      reason: 'resuming a stalled transcription',
    });
  });

  it('shows chunking progress against the duration found at upload, counting a redelivered chunk once', async () => {
    const m = await model();
    const a = 'a-long';
    await m.apply(anEvent('audio.uploaded', a, { durationMs: 7_200_000, channels: 2 }, 1));
    expect(await m.get(user, a)).toMatchObject({ durationMs: 7_200_000, chunking: { doneMs: 0, totalMs: 7_200_000 } });
    // Both channels are cut separately: 45 s on each side is 45 s of the recording.
    const left = anEvent('chunk.created', a, { chunkId: 'c0-0', channel: 0, startMs: 0, endMs: 45_000 }, 2);
    await m.apply(left);
    await m.apply(anEvent('chunk.created', a, { chunkId: 'c1-0', channel: 1, startMs: 0, endMs: 45_000 }, 3));
    await m.apply(left); // redelivered
    await m.apply(anEvent('chunk.created', a, { chunkId: 'c0-0', channel: 0, startMs: 0, endMs: 45_000 }, 4)); // same chunk, new event
    expect(await m.get(user, a)).toMatchObject({
      status: 'chunking',
      chunking: { doneMs: 45_000, totalMs: 7_200_000 },
    });
    await m.apply(anEvent('audio.chunked', a, { chunkCount: 2, durationMs: 7_199_950, channels: 2 }, 5));
    expect(await m.get(user, a)).toMatchObject({ status: 'ready', durationMs: 7_199_950, chunking: null });
  });

  it('applies redelivered events once and never moves progress backwards', async () => {
    const m = await model();
    const a = 'a2';
    await m.apply(anEvent('audio.uploaded', a, {}, 1));
    await m.apply(anEvent('audio.chunked', a, { chunkCount: 3 }, 2));
    await m.apply(anEvent('transcription.requested', a, {}, 3));
    const once = anEvent('chunk.transcribed', a, { chunkId: 'c0' }, 4);
    for (let i = 0; i < 3; i++) await m.apply(once);
    await m.apply(anEvent('chunk.transcribed', a, { chunkId: 'c0' }, 5)); // same chunk, new event
    expect((await m.get(user, a))?.progress).toEqual({ done: 1, total: 3 });
  });

  it('accepts events in any order across topics and ends in the same state', async () => {
    const a = 'a3';
    const events = [
      anEvent('audio.uploaded', a, {}, 1),
      anEvent('chunk.created', a, { chunkId: 'c0' }, 2),
      anEvent('audio.chunked', a, { chunkCount: 1 }, 3),
      anEvent('transcription.requested', a, {}, 4),
      anEvent('chunk.transcribed', a, { chunkId: 'c0' }, 5),
      anEvent('transcript.completed', a, {}, 6),
    ];
    const forward = await model();
    for (const e of events) await forward.apply(e);
    const backward = await model();
    for (const e of [...events].reverse()) await backward.apply(e);
    const strip = (v: object | null) => ({ ...v, updatedAt: 0, canTranscribe: null });
    expect(strip(await backward.get(user, a))).toEqual(strip(await forward.get(user, a)));
    expect((await backward.get(user, a))?.status).toBe('transcribed');
  });

  it('shows a failure with its reason, and a later request resumes it', async () => {
    const m = await model();
    const a = 'a4';
    await m.apply(anEvent('audio.uploaded', a, {}, 1));
    await m.apply(anEvent('audio.chunked', a, { chunkCount: 2 }, 2));
    await m.apply(anEvent('transcription.requested', a, {}, 3));
    await m.apply(anEvent('chunk.transcription.failed', a, { chunkId: 'c1' }, 4));
    await m.apply(anEvent('transcription.failed', a, { reason: '1 of 2 chunks failed', failedChunks: ['c1'] }, 5));
    const failed = await m.get(user, a);
    expect(failed).toMatchObject({
      status: 'failed',
      failure: { reason: '1 of 2 chunks failed' },
      failedChunks: ['c1'],
    });
    expect(failed?.canTranscribe.allowed).toBe(true);
    await m.apply(anEvent('transcription.requested', a, {}, 6));
    expect((await m.get(user, a))?.status).toBe('transcribing');
    // A stale failure arriving late does not flip it back.
    await m.apply(anEvent('transcription.failed', a, {}, 5));
    expect((await m.get(user, a))?.status).toBe('transcribing');
  });

  it('shows a dead-lettered message as a failure with its reason, until the user retries', async () => {
    const m = await model();
    const a = 'a6';
    await m.apply(anEvent('audio.uploaded', a, {}, 1));
    await m.apply(anEvent('audio.chunked', a, { chunkCount: 2 }, 2));
    await m.apply(anEvent('transcription.requested', a, {}, 3));
    await m.applyDeadLetter(
      {
        topic: 'stt.chunk.requested',
        key: `${a}-c1-000004`,
        headers: { 'dlq-error': 'bad chunk', 'dlq-error-code': 'X.POISON' },
      },
      4,
    );
    const failed = await m.get(user, a);
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'X.POISON' }, canTranscribe: { allowed: true } });
    expect(failed?.failure?.reason).toContain('bad chunk');
    await m.apply(anEvent('transcription.requested', a, {}, 5));
    expect((await m.get(user, a))?.status).toBe('transcribing');
  });

  it('reports a chunking failure', async () => {
    const m = await model();
    await m.apply(anEvent('audio.uploaded', 'a5', {}, 1));
    await m.apply(anEvent('audio.chunking.failed', 'a5', { code: 'AUDIO.NOT_AUDIO', reason: 'no audio stream' }, 2));
    expect(await m.get(user, 'a5')).toMatchObject({
      status: 'failed',
      failure: { code: 'AUDIO.NOT_AUDIO' },
      canTranscribe: { allowed: false },
    });
  });

  it('lists only the user’s recordings, newest first, with a cursor', async () => {
    const m = await model();
    for (let i = 0; i < 5; i++) await m.apply(anEvent('audio.uploaded', `r${i}`, {}, 100 + i));
    await m.apply(anEvent('audio.uploaded', 'other', { userId: 'user-2' }, 200));
    const p1 = await m.list(user, { limit: 2 });
    expect(p1.items.map((i) => i.audioId)).toEqual(['r4', 'r3']);
    const p2 = await m.list(user, { limit: 2, cursor: p1.nextCursor ?? undefined });
    const p3 = await m.list(user, { limit: 2, cursor: p2.nextCursor ?? undefined });
    expect([...p2.items, ...p3.items].map((i) => i.audioId)).toEqual(['r2', 'r1', 'r0']);
    expect(p3.nextCursor).toBeNull();
    expect(await m.get(user, 'other')).toBeNull();
  });
});
