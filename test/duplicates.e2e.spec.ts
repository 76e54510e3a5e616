import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordingView } from '@speech/contracts';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';
import { eventually } from '@speech/testing';

jest.setTimeout(5 * 60_000);

interface Uploaded {
  audioId: string;
  sha256: string;
  duplicateOf: string | null;
}

/**
 * A re-upload of the same file (issue #14) on the single process: accepted, and flagged with the
 * user's first copy in the upload's answer, GET /all and GET /audios/:id; another user's same
 * file is never linked; once the first copy is deleted, the second links to nothing. The waits
 * are bounds on the read model catching up, never speed assertions.
 */
describe('re-uploads of the same file (HTTP API)', () => {
  const platform = new PlatformProcess();
  const fixture = join(FIXTURES, 'product-names.stereo.mp3');
  let alice: Api;
  let bob: Api;

  beforeAll(async () => {
    await platform.start();
    alice = new Api(platform.url, await platform.token('alice'));
    bob = new Api(platform.url, await platform.token('bob'));
  });
  afterAll(() => platform.cleanup());

  const upload = async (api: Api, name = 'product-names.stereo.mp3'): Promise<Uploaded> => {
    const res = await api.upload({ name, bytes: readFileSync(fixture) });
    expect(res.status).toBe(201);
    return (await res.json()) as Uploaded;
  };

  /** The user's rows once the read model has them all (a bound, not a speed check). */
  const rowsOf = (api: Api, ids: string[]) =>
    eventually(`rows ${ids.join(', ')} in /all`, async () => {
      const { items } = await api.json<{ items: RecordingView[] }>('/all?limit=100');
      const byId = new Map(items.map((v) => [v.audioId, v]));
      return ids.every((id) => byId.has(id)) && byId;
    });

  /** Uploads through the resumable protocol (one part: the fixture is small). */
  const resumable = async (api: Api): Promise<Uploaded> => {
    const bytes = readFileSync(fixture);
    const created = await api.post('/uploads', {
      filename: 'parted.mp3',
      sizeBytes: bytes.length,
      contentType: 'audio/mpeg',
    });
    expect(created.status).toBe(201);
    const { audioId } = (await created.json()) as { audioId: string };
    const { url } = await api.json<{ url: string }>(`/uploads/${audioId}/parts/1`);
    const put = await fetch(url, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    const { etag } = (await put.json()) as { etag: string };
    const done = await api.post(`/uploads/${audioId}/complete`, { parts: [{ partNumber: 1, etag }] });
    expect(done.status).toBe(201);
    return (await done.json()) as Uploaded;
  };

  it('flags the same user’s second and third copies with the first, never another user’s, and unlinks a deleted first', async () => {
    const first = await upload(alice, 'renewal.mp3');
    expect(first.duplicateOf).toBeNull();
    const second = await upload(alice);
    expect(second.sha256).toBe(first.sha256);
    expect(second.duplicateOf).toBe(first.audioId);
    const parted = await resumable(alice);
    expect(parted.sha256).toBe(first.sha256);
    expect(parted.duplicateOf).toBe(first.audioId); // the earliest, not the latest copy

    // Bob's identical file is his first copy: Alice's recordings are never linked.
    const bobs = await upload(bob);
    expect(bobs.sha256).toBe(first.sha256);
    expect(bobs.duplicateOf).toBeNull();
    const bobsAgain = await upload(bob);
    expect(bobsAgain.duplicateOf).toBe(bobs.audioId);

    const rows = await rowsOf(alice, [first.audioId, second.audioId, parted.audioId]);
    expect(rows.get(first.audioId)).toMatchObject({ duplicateOf: null, duplicateOfTitle: null });
    expect(rows.get(second.audioId)).toMatchObject({ duplicateOf: first.audioId, duplicateOfTitle: 'renewal.mp3' });
    expect(rows.get(parted.audioId)).toMatchObject({ duplicateOf: first.audioId });
    const detail = await alice.json<RecordingView>(`/audios/${second.audioId}`);
    expect(detail).toMatchObject({ duplicateOf: first.audioId, duplicateOfTitle: 'renewal.mp3' });
    const bobsRows = await rowsOf(bob, [bobs.audioId, bobsAgain.audioId]);
    expect(bobsRows.get(bobs.audioId)?.duplicateOf).toBeNull();
    expect(bobsRows.get(bobsAgain.audioId)?.duplicateOf).toBe(bobs.audioId);
    // Not Alice's: her rows never show Bob's, and his never link to hers.
    expect([...bobsRows.values()].map((v) => v.duplicateOf)).not.toContain(first.audioId);

    // The first copy is deleted: the others link to nothing, in /all and in the detail.
    const del = await fetch(`${platform.url}/audios/${first.audioId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(del.status).toBe(202);
    const after = await eventually('the first copy gone from /all', async () => {
      const { items } = await alice.json<{ items: RecordingView[] }>('/all?limit=100');
      return !items.some((v) => v.audioId === first.audioId) && new Map(items.map((v) => [v.audioId, v]));
    });
    expect(after.get(second.audioId)).toMatchObject({ duplicateOf: null, duplicateOfTitle: null });
    expect(after.get(parted.audioId)).toMatchObject({ duplicateOf: null, duplicateOfTitle: null });
    expect((await alice.json<RecordingView>(`/audios/${second.audioId}`)).duplicateOf).toBeNull();
    // Bob's are untouched by Alice's deletion.
    expect((await bob.json<RecordingView>(`/audios/${bobsAgain.audioId}`)).duplicateOf).toBe(bobs.audioId);

    // A fourth copy now links to the earliest one left (the second), never the deleted first.
    const fourth = await upload(alice);
    expect(fourth.duplicateOf).toBe(second.audioId);
  });
});
