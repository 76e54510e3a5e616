import { join } from 'node:path';
import type { RecordingView } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';
import { eventually } from '@speech/testing';
import { filesWith, tablesWith } from './support/data-dir';
import { openStream } from './support/live-stream';

jest.setTimeout(10 * 60_000);

/**
 * Managing a recording on the single process, end to end: its details edited (PATCH), then
 * the recording deleted (DELETE) after it was transcribed and analysed. Afterwards nothing in
 * DATA_DIR holds its id: no object, no file, no row in any table of the database (documents
 * and event log). Real ffmpeg and Whisper; the waits are bounds, never speed assertions.
 */
describe('manage a recording (HTTP API)', () => {
  const platform = new PlatformProcess();
  let alice: Api;
  let bob: Api;
  let aliceToken: string;
  let audioId: string;
  let keptId: string;

  beforeAll(async () => {
    await platform.start();
    aliceToken = await platform.token('alice');
    alice = new Api(platform.url, aliceToken);
    bob = new Api(platform.url, await platform.token('bob'));
    const upload = async () => {
      const res = await alice.upload(join(FIXTURES, 'product-names.stereo.mp3'), {
        autoTranscribe: 'true',
        autoAnalyze: 'true',
      });
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { audioId: string }).audioId;
    };
    audioId = await upload();
    keptId = await upload();
    await alice.waitFor(audioId, 'analyzed');
    await alice.waitFor(keptId, 'analyzed');
  });
  afterAll(() => platform.cleanup());

  const send = (api: Api, method: 'PATCH' | 'DELETE', id: string, body?: unknown) =>
    fetch(`${platform.url}/audios/${id}`, {
      method,
      headers: {
        authorization: `Bearer ${api.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  describe('PATCH /audios/:id', () => {
    it.each([
      [{ colour: 'red' }, /unknown fields: colour/],
      [{ title: 42 }, /title must be a string/],
      [{ title: 'x'.repeat(201) }, /title is longer than 200/],
      [{ tags: 'renewal' }, /tags must be an array/],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /at most 20 tags/],
      [{ tags: ['x'.repeat(41)] }, /a tag is longer than 40/],
      [{}, /nothing to change/],
      [[], /expected a JSON object/],
    ])('refuses %j with 400 and a reason', async (body, reason) => {
      const res = await send(alice, 'PATCH', audioId, body);
      expect(res.status).toBe(400);
      const err = await errorOf(res);
      expect(err.code).toBe('AUDIO.BAD_DETAILS');
      expect(err.message).toMatch(reason);
    });

    it('refuses a malformed JSON body with a 400 JSON error', async () => {
      const res = await send(alice, 'PATCH', audioId, '{"title": ');
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it("answers 404 for another user's recording, as reads do", async () => {
      const res = await send(bob, 'PATCH', audioId, { title: 'mine now' });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('AUDIO.NOT_FOUND');
    });

    it('stores the details and shows them in /audios/:id and /all', async () => {
      const res = await send(alice, 'PATCH', audioId, {
        title: '  Renewal with Acme ',
        tags: ['renewal', 'pricing', 'renewal'],
        agent: 'Laura',
        customer: 'Acme Corp',
      });
      expect(res.status).toBe(200);
      const details = {
        title: 'Renewal with Acme',
        tags: ['renewal', 'pricing'],
        agent: 'Laura',
        customer: 'Acme Corp',
        notes: null,
      };
      expect(await res.json()).toEqual({ audioId, details, revision: 1 });
      // The gateway's record is the truth: shown at once.
      expect((await alice.json<RecordingView>(`/audios/${audioId}`)).details).toEqual(details);
      // The read model learns it from audio.details.changed.
      await eventually('the details in /all', async () => {
        const page = await alice.json<{ items: RecordingView[] }>('/all?limit=50');
        const row = page.items.find((v) => v.audioId === audioId);
        return row && JSON.stringify(row.details) === JSON.stringify(details);
      });
      // A later edit changes only what it names.
      const again = await send(alice, 'PATCH', audioId, { notes: 'asked for a callback', agent: null });
      expect(await again.json()).toMatchObject({
        revision: 2,
        details: { ...details, agent: null, notes: 'asked for a callback' },
      });
    });
  });

  describe('DELETE /audios/:id', () => {
    it("answers 404 for another user's recording and deletes nothing", async () => {
      const res = await send(bob, 'DELETE', audioId);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('AUDIO.NOT_FOUND');
      expect((await alice.json<RecordingView>(`/audios/${audioId}`)).status).toBe('analyzed');
    });

    it('removes every artefact: nothing in DATA_DIR holds the id afterwards, the list drops it live', async () => {
      // Before: the id is all over the data directory.
      expect(filesWith(platform.dataDir, audioId).length).toBeGreaterThan(3);
      expect(tablesWith(join(platform.dataDir, 'speech.db'), audioId).length).toBeGreaterThan(3);

      const live = openStream(platform.url, aliceToken);
      await eventually('the stream to open', () => live.text().includes('retry:'));
      const res = await send(alice, 'DELETE', audioId);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ audioId, status: 'deleting' });

      // Gone at once for reads through the gateway.
      expect((await alice.get(`/audios/${audioId}`)).status).toBe(404);
      // The dashboard's stream says so.
      await eventually('a deleted event on the stream', () =>
        live.text().includes(`event: deleted\ndata: ${JSON.stringify({ audioId })}`),
      );
      await live.close();
      await eventually('the list without it', async () => {
        const page = await alice.json<{ items: RecordingView[] }>('/all?limit=50');
        return !page.items.some((v) => v.audioId === audioId) && page.items.some((v) => v.audioId === keptId);
      });
      for (const path of ['transcript', 'analysis', 'audio'])
        expect((await alice.get(`/audios/${audioId}/${path}`)).status).toBe(404);

      // Every service has done its share: no file, no object, no row with the id.
      await eventually(
        'no trace of the recording in DATA_DIR',
        () =>
          filesWith(platform.dataDir, audioId).length === 0 &&
          tablesWith(join(platform.dataDir, 'speech.db'), audioId).length === 0,
        120_000,
      );
      // The other recording is untouched.
      expect((await alice.json<RecordingView>(`/audios/${keptId}`)).status).toBe('analyzed');
      expect((await alice.get(`/audios/${keptId}/transcript`)).status).toBe(200);
      expect(filesWith(platform.dataDir, keptId).length).toBeGreaterThan(3);
    });

    it('answers a second DELETE with 404: the recording no longer exists', async () => {
      const res = await send(alice, 'DELETE', audioId);
      expect(res.status).toBe(404);
      expect((await send(alice, 'PATCH', audioId, { title: 'back?' })).status).toBe(404);
    });

    it('still holds nothing of it after a restart (the deletion is not undone by a replay)', async () => {
      await platform.stop();
      await platform.start();
      alice = new Api(platform.url, aliceToken); // a new port
      await alice.waitFor(keptId, 'analyzed', 60_000);
      expect((await alice.get(`/audios/${audioId}`)).status).toBe(404);
      expect(filesWith(platform.dataDir, audioId)).toEqual([]);
      expect(tablesWith(join(platform.dataDir, 'speech.db'), audioId)).toEqual([]);
    });
  });
});
