import { SqliteDocumentStore } from '@speech/persistence';
import { anEvent } from '@speech/testing';
import type { RecordingView } from '@speech/contracts';
import { ReadModel } from './read-model';

describe('ReadModel', () => {
  const model = () => {
    const m = new ReadModel(SqliteDocumentStore.inMemory());
    return m.init().then(() => m);
  };
  const user = 'user-1';

  describe('teams (issue #15)', () => {
    const m1 = { id: 'm', role: 'manager' as const, teams: ['red'] };
    const upload = (m: ReadModel, id: string, userId: string, teamIds: string[], at: number) =>
      m.apply(anEvent('audio.uploaded', id, { userId, teamIds }, at));

    it("lists a manager's own and their teams' recordings, page by page, and no other team's", async () => {
      const m = await model();
      await upload(m, 'r1', 'a1', ['red'], 1);
      await upload(m, 'b1', 'b1', ['blue'], 2);
      await upload(m, 'r2', 'a2', ['red', 'green'], 3);
      await upload(m, 'm1', 'm', [], 4);
      await upload(m, 'old', 'a1', [], 5);
      const p1 = await m.list(m1, { limit: 2 });
      const p2 = await m.list(m1, { limit: 2, cursor: p1.nextCursor ?? undefined });
      expect([...p1.items, ...p2.items].map((v) => v.audioId)).toEqual(['m1', 'r2', 'r1']);
      expect(p2.nextCursor).toBeNull();
      expect((await m.list('a1', { limit: 10 })).items.map((v) => v.audioId)).toEqual(['old', 'r1']);
      const admin = { id: 'root', role: 'admin' as const, teams: [] };
      expect((await m.list(admin, { limit: 10 })).items).toHaveLength(5);
      expect((await m.list({ ...m1, role: 'agent' }, { limit: 10 })).items.map((v) => v.audioId)).toEqual(['m1']);
    });

    it("reads a team's recording for its manager only, and announces changes with the teams", async () => {
      const m = await model();
      const seen: [string, string[]][] = [];
      m.changes.on('change', (userId: string, _view: RecordingView, teamIds: string[]) => seen.push([userId, teamIds]));
      await upload(m, 'r1', 'a1', ['red', 'red'], 1);
      expect(seen.at(-1)).toEqual(['a1', ['red']]);
      expect(await m.get(m1, 'r1')).not.toBeNull();
      expect(await m.doc({ ...m1, teams: ['blue'] }, 'r1')).toBeNull();
      expect(await m.get('a2', 'r1')).toBeNull();
      expect(await m.corrections(m1, 'r1')).not.toBeNull();
      expect(await m.analysisVersions('b1', 'r1', { limit: 5 })).toBeNull();
    });
  });

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

  it('shows a cancelled transcription whatever order the request, the cancel and a later request arrive in', async () => {
    const request1 = anEvent('transcription.requested', 'x', { requestId: 'r1' }, 10);
    const cancel1 = anEvent('transcription.cancelled', 'x', { requestId: 'r1', requestedAt: 10 }, 20);
    const request2 = anEvent('transcription.requested', 'x', { requestId: 'r2' }, 30);
    const permutations = <T>(xs: T[]): T[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const [events, expected] of [
      [[request1, cancel1], 'cancelled'],
      [[request1, cancel1, request2], 'transcribing'],
    ] as const) {
      for (const order of permutations([...events])) {
        const m = new ReadModel(SqliteDocumentStore.inMemory(), () => 40); // not stalled
        await m.init();
        const a = 'x';
        await m.apply(anEvent('audio.uploaded', a, {}, 1));
        await m.apply(anEvent('audio.chunked', a, { chunkCount: 3 }, 2));
        await m.apply(anEvent('chunk.transcribed', a, { chunkId: 'c0' }, 15));
        // Each twice: a redelivery changes nothing.
        for (const e of order) for (let i = 0; i < 2; i++) await m.apply(e);
        const v = await m.get(user, a);
        expect([order.map((e) => e.type).join(' → '), v?.status]).toEqual([
          order.map((e) => e.type).join(' → '),
          expected,
        ]);
        expect(v?.progress).toEqual({ done: 1, total: 3 });
        expect(v?.canTranscribe.allowed).toBe(expected === 'cancelled');
        expect(v?.canCancelTranscription.allowed).toBe(expected === 'transcribing');
        expect(v?.canAnalyze.allowed).toBe(false);
      }
    }
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

  describe('analysis versions', () => {
    const analysed = async (m: ReadModel, a: string) => {
      await m.apply(anEvent('audio.uploaded', a, {}, 1));
      await m.apply(anEvent('transcript.completed', a, {}, 2));
    };
    const completed = (a: string, analysisId: string, at: number, extra: Record<string, unknown> = {}) =>
      anEvent(
        'analysis.completed',
        a,
        { analysisId, analysisKey: `audio/${a}/analysis/${analysisId}.json`, ...extra },
        at,
      );
    const ids = async (m: ReadModel, a: string) =>
      (await m.analysisVersions(user, a, { limit: 10 }))?.items.map((v) => [v.analysisId, v.latest]);

    it('lists every analysis newest first with who made it, and shows the newest', async () => {
      const m = await model();
      await analysed(m, 'v1');
      await m.apply(anEvent('analysis.requested', 'v1', { analysisId: 'first' }, 3));
      await m.apply(completed('v1', 'first', 4));
      await m.apply(anEvent('analysis.requested', 'v1', { analysisId: 'second' }, 5));
      await m.apply(completed('v1', 'second', 6, { analyst: 'llm:openai', model: 'gpt-4o-mini', callType: 'demo' }));
      const page = await m.analysisVersions(user, 'v1', { limit: 10 });
      expect(page).toEqual({
        items: [
          {
            analysisId: 'second',
            completedAt: 6,
            analyst: 'llm:openai',
            model: 'gpt-4o-mini',
            issueCount: 2,
            quizCount: 4,
            callType: 'demo',
            overallSentiment: 'positive',
            latest: true,
            path: '/audios/v1/analyses/second',
          },
          expect.objectContaining({ analysisId: 'first', completedAt: 4, analyst: 'offline', latest: false }),
        ],
        nextCursor: null,
      });
      expect((await m.doc(user, 'v1'))?.analysisKey).toBe('audio/v1/analysis/second.json');
      expect((await m.get(user, 'v1'))?.analysisReady).toBe(true);
      const first = await m.analysis((await m.doc(user, 'v1'))!, 'first');
      expect(first).toMatchObject({ analysisKey: 'audio/v1/analysis/first.json', version: { latest: false } });
    });

    it('forgets every version when the recording is deleted', async () => {
      const store = SqliteDocumentStore.inMemory();
      const m = new ReadModel(store);
      await m.init();
      await analysed(m, 'gone');
      await m.apply(completed('gone', 'first', 4));
      await m.apply(completed('gone', 'second', 6));
      await analysed(m, 'kept');
      await m.apply(completed('kept', 'third', 7));
      await m.remove('gone', user);
      expect(await m.analysisVersions(user, 'gone', { limit: 10 })).toBeNull();
      expect(await store.collection('dashboard_analyses').find({ audioId: 'gone' })).toEqual([]);
      expect(await ids(m, 'kept')).toEqual([['third', true]]);
    });

    it('keeps one entry per analysis when an event comes twice, and the first announcement’s time', async () => {
      const m = await model();
      await analysed(m, 'v2');
      await m.apply(completed('v2', 'first', 4));
      await m.apply(completed('v2', 'second', 6));
      // A redelivered request for the first analysis announces it again, later: it is not newer.
      await m.apply(completed('v2', 'first', 9));
      await m.apply(completed('v2', 'second', 6));
      expect(await ids(m, 'v2')).toEqual([
        ['second', true],
        ['first', false],
      ]);
      expect((await m.analysisVersions(user, 'v2', { limit: 10 }))?.items[1]?.completedAt).toBe(4);
      expect((await m.doc(user, 'v2'))?.latestAnalysisId).toBe('second');
    });

    it('shows the newest analysis whatever order the events arrive in', async () => {
      const m = await model();
      await m.apply(completed('v3', 'second', 6)); // before the upload, even
      await m.apply(completed('v3', 'first', 4));
      await analysed(m, 'v3');
      expect(await ids(m, 'v3')).toEqual([
        ['second', true],
        ['first', false],
      ]);
      expect((await m.doc(user, 'v3'))?.analysisKey).toBe('audio/v3/analysis/second.json');
    });

    it('pages with a cursor, and shows nothing of another user’s recording', async () => {
      const m = await model();
      await analysed(m, 'v4');
      for (let i = 0; i < 5; i++) await m.apply(completed('v4', `an${i}`, 10 + i));
      const p1 = await m.analysisVersions(user, 'v4', { limit: 2 });
      const p2 = await m.analysisVersions(user, 'v4', { limit: 2, cursor: p1?.nextCursor ?? undefined });
      const p3 = await m.analysisVersions(user, 'v4', { limit: 2, cursor: p2?.nextCursor ?? undefined });
      expect([p1, p2, p3].flatMap((p) => p?.items.map((v) => v.analysisId))).toEqual([
        'an4',
        'an3',
        'an2',
        'an1',
        'an0',
      ]);
      expect(p3?.nextCursor).toBeNull();
      expect(await m.analysisVersions('user-2', 'v4', { limit: 2 })).toBeNull();
      expect(await m.analysisVersions(user, 'nothing', { limit: 2 })).toBeNull();
    });

    it('lists the latest analysis of a recording analysed before versions were kept, and a v1 event', async () => {
      const store = SqliteDocumentStore.inMemory();
      const m = new ReadModel(store);
      await m.init();
      await analysed(m, 'old');
      await m.apply(completed('old', 'before', 4));
      await store.collection('dashboard_analyses').delete({ audioId: 'old' }); // as an older version stored it
      expect((await m.analysisVersions(user, 'old', { limit: 10 }))?.items).toEqual([
        {
          analysisId: 'before',
          completedAt: 4,
          analyst: null,
          model: null,
          issueCount: null,
          quizCount: null,
          callType: null,
          overallSentiment: null,
          latest: true,
          path: '/audios/old/analyses/before',
        },
      ]);
      const doc = (await m.doc(user, 'old'))!;
      expect((await m.analysis(doc, 'before'))?.analysisKey).toBe('audio/old/analysis/before.json');
      expect(await m.analysis(doc, 'missing')).toBeNull();
      // A v1 event (decoded with the v2 fields' defaults) after it: the newer one is shown, both are listed.
      const v1 = { userId: null, callType: null, overallSentiment: null, closingSentiment: null, issueTypes: [] };
      await m.apply(completed('old', 'after', 8, { ...v1, agentTalkRatio: null, analysisPath: null }));
      expect(await ids(m, 'old')).toEqual([
        ['after', true],
        ['before', false],
      ]);
      // A late event of an analysis older than the shown one does not replace it.
      await m.apply(completed('old', 'older', 2));
      expect((await m.doc(user, 'old'))?.latestAnalysisId).toBe('after');
      expect(await ids(m, 'old')).toEqual([
        ['after', true],
        ['before', false],
        ['older', false],
      ]);
    });

    it('does not serve another recording’s analysis under this one', async () => {
      const m = await model();
      await analysed(m, 'x1');
      await analysed(m, 'x2');
      await m.apply(completed('x2', 'theirs', 4));
      expect(await m.analysis((await m.doc(user, 'x1'))!, 'theirs')).toBeNull();
    });
  });

  describe('re-uploads (duplicateOf)', () => {
    it('carries the first copy in the recording and its list row, with its title', async () => {
      const m = await model();
      await m.apply(anEvent('audio.uploaded', 'first', { filename: 'call.mp3' }, 1));
      await m.apply(anEvent('audio.uploaded', 'again', { duplicateOf: 'first' }, 2));
      expect(await m.get(user, 'again')).toMatchObject({ duplicateOf: 'first', duplicateOfTitle: 'call.mp3' });
      expect(await m.get(user, 'first')).toMatchObject({ duplicateOf: null, duplicateOfTitle: null });
      const rows = (await m.list(user, { limit: 10 })).items;
      expect(rows.map((v) => [v.audioId, v.duplicateOf])).toEqual([
        ['again', 'first'],
        ['first', null],
      ]);
      await m.apply(anEvent('audio.details.changed', 'first', { revision: 1, title: 'Renewal' }, 3));
      expect((await m.get(user, 'again'))?.duplicateOfTitle).toBe('Renewal');
    });

    it('no longer links to a deleted first copy, and tells live clients of the copy', async () => {
      const m = await model();
      await m.apply(anEvent('audio.uploaded', 'first', {}, 1));
      await m.apply(anEvent('audio.uploaded', 'again', { duplicateOf: 'first' }, 2));
      const changed: [string, string, string | null][] = [];
      m.changes.on('change', (u: string, v: RecordingView) => changed.push([u, v.audioId, v.duplicateOf]));
      await m.apply(anEvent('audio.deleted', 'first', {}, 3));
      expect(await m.get(user, 'again')).toMatchObject({ duplicateOf: null, duplicateOfTitle: null });
      expect((await m.list(user, { limit: 10 })).items.map((v) => [v.audioId, v.duplicateOf])).toEqual([
        ['again', null],
      ]);
      expect(changed).toEqual([[user, 'again', null]]);
      // Nothing keeps the deleted recording's id, not even its copy's stored link.
      expect((await m.docById('again'))?.duplicateOf).toBeNull();
    });

    it('does not link when the deletion of the first arrived before the copy’s upload', async () => {
      const m = await model();
      await m.apply(anEvent('audio.uploaded', 'first', {}, 1));
      await m.apply(anEvent('audio.deleted', 'first', {}, 2));
      await m.apply(anEvent('audio.uploaded', 'again', { duplicateOf: 'first' }, 3));
      expect((await m.get(user, 'again'))?.duplicateOf).toBeNull();
    });

    it("never links another user's recording", async () => {
      const m = await model();
      await m.apply(anEvent('audio.uploaded', 'bobs', { userId: 'bob' }, 1));
      await m.apply(anEvent('audio.uploaded', 'again', { duplicateOf: 'bobs' }, 2));
      expect((await m.get(user, 'again'))?.duplicateOf).toBeNull();
    });

    it('reads an upload announced without the field (audio.uploaded v1) as no re-upload', async () => {
      const m = await model();
      const { duplicateOf, ...v1 } = anEvent('audio.uploaded', 'old', {}, 1).payload;
      void duplicateOf;
      await m.apply({ ...anEvent('audio.uploaded', 'old', {}, 1), payload: v1 as never });
      expect((await m.get(user, 'old'))?.duplicateOf).toBeNull();
    });
  });

  describe('transcript corrections (transcript.corrected)', () => {
    const corrected = (revision: number, name: string, at: number) =>
      anEvent(
        'transcript.corrected',
        'a1',
        {
          revision,
          speakers: [{ label: 'agent', name }],
          segments: [{ index: 0, text: `text ${revision}` }],
          changes: [`agent named ${name}`],
        },
        at,
      );

    it('keeps the highest revision and lists every one once, whatever the order and redeliveries', async () => {
      const m = await model();
      await m.apply(anEvent('audio.uploaded', 'a1', {}, 1));
      await m.apply(corrected(2, 'Dana Whitfield', 3));
      await m.apply(corrected(1, 'Dana', 2)); // late
      await m.apply(corrected(2, 'Dana Whitfield', 3)); // redelivered
      const view = await m.corrections(user, 'a1');
      expect(view).toMatchObject({
        revision: 2,
        corrections: { revision: 2, speakers: [{ label: 'agent', name: 'Dana Whitfield' }], swapChannels: false },
      });
      expect(view?.versions).toEqual([
        { revision: 2, changedAt: 3, changes: ['agent named Dana Whitfield'] },
        { revision: 1, changedAt: 2, changes: ['agent named Dana'] },
      ]);
      expect(await m.corrections('someone-else', 'a1')).toBeNull();
    });

    it('keeps a correction that arrives before the upload, and forgets it all on deletion', async () => {
      const m = await model();
      await m.apply(corrected(1, 'Dana', 1));
      await m.apply(anEvent('audio.uploaded', 'a1', {}, 2));
      expect((await m.corrections(user, 'a1'))?.revision).toBe(1);
      await m.apply(anEvent('audio.deleted', 'a1', {}, 3));
      expect(await m.corrections(user, 'a1')).toBeNull();
      await m.apply(anEvent('audio.uploaded', 'a1', {}, 4)); // a late event brings nothing back
      expect(await m.corrections(user, 'a1')).toEqual({
        audioId: 'a1',
        revision: 0,
        corrections: { revision: 0, speakers: [], swapChannels: false, segments: [] },
        versions: [],
      });
    });

    it('shows no corrections on a recording never corrected', async () => {
      const m = await model();
      await m.apply(anEvent('audio.uploaded', 'a1', {}, 1));
      expect((await m.corrections(user, 'a1'))?.versions).toEqual([]);
    });
  });
});
