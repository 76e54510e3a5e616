import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transcript } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';

jest.setTimeout(40 * 60_000);

/**
 * Trackers, end to end on the single process (real ffmpeg and Whisper, the offline analyst):
 * calls are uploaded and analysed first, THEN a tracker is created; its run over the library finds
 * the phrase in those older calls, at the segment, speaker and time the transcript has, the
 * speaker condition filters, and a call transcribed after the tracker existed is hit too.
 *
 * The issue's "20 calls": the two distinct fixture calls and 18 re-uploads of them (the same
 * bytes: each copy is chunked, transcribed and analysed again, and linked as a re-upload), so the
 * tracker's run walks 20 analysed recordings (about 4 minutes here). TRACKERS_E2E_COPIES sets
 * the number of copies (0: the two calls alone).
 * Every wait is a bound, never a speed assertion.
 */
const COPIES = Number(process.env.TRACKERS_E2E_COPIES ?? 18);
const OLDER = ['sales-discovery', 'support-outage'];
const LATER = 'product-names';
/** "thank you" or "thanks": said in all three calls, by agents and by customers. */
const PHRASE = '(thank you|thanks)';

interface TrackerDetail {
  trackerId: string;
  job: { state: string; done: number; total: number };
  hitCount: number;
}
interface Hit {
  audioId: string;
  title: string;
  segment: number;
  speaker: string;
  startMs: number;
  endMs: number;
  quote: string;
  audioUrl: string;
}

describe('trackers (HTTP API)', () => {
  const platform = new PlatformProcess();
  let api: Api;
  let bob: Api;
  const transcripts = new Map<string, Transcript>();

  const send = (who: Api, method: string, path: string, body?: unknown) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${who.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function uploadCall(name: string, title: string, analyse = true): Promise<string> {
    const res = await api.upload(join(FIXTURES, `${name}.stereo.mp3`), {
      autoTranscribe: 'true',
      ...(analyse ? { autoAnalyze: 'true' } : {}),
      metadata: JSON.stringify({ title }),
    });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { audioId: string }).audioId;
  }

  const words = (s: string) => ` ${(s.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).join(' ')} `;
  const says = (text: string) => / thank you | thanks /.test(words(text));

  /** The (recording, segment) places of the transcripts that hold the phrase, by a speaker or any. */
  function expectedPlaces(ids: string[], speaker?: string): string[] {
    return ids
      .flatMap((id) =>
        (transcripts.get(id)?.segments ?? []).flatMap((s, i) =>
          says(s.text) && (!speaker || s.speaker === speaker) ? [`${id}#${i}`] : [],
        ),
      )
      .sort();
  }

  async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 10 * 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await probe();
      if (got !== null) return got;
      if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs / 1000} s: ${what}`);
      await sleep(300);
    }
  }

  /** Each (recording, segment) once: a turn may say it twice. */
  const places = (hits: Hit[]) => [...new Set(hits.map((h) => `${h.audioId}#${h.segment}`))].sort();

  const finished = (trackerId: string) =>
    until(`tracker ${trackerId} finished its run`, async () => {
      const res = await api.get(`/trackers/${trackerId}`);
      if (res.status === 404) return null; // the query service has not read the event yet
      const t = (await res.json()) as TrackerDetail;
      return t.job.state === 'done' && t.job.done === t.job.total ? t : null;
    });

  async function allHits(trackerId: string): Promise<Hit[]> {
    const out: Hit[] = [];
    let cursor: string | null = null;
    do {
      const page: { hits: Hit[]; nextCursor: string | null } = await api.json(
        `/trackers/${trackerId}/hits?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      out.push(...page.hits);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /** Every hit is a segment of its recording's transcript that holds the phrase, at that segment's time. */
  function checkAgainstTranscripts(hits: Hit[]): void {
    for (const h of hits) {
      const seg = transcripts.get(h.audioId)?.segments[h.segment];
      expect(seg).toBeDefined();
      expect(says(seg?.text ?? '')).toBe(true);
      expect(h.speaker).toBe(seg?.speaker);
      expect(h.startMs).toBeGreaterThanOrEqual(seg?.startMs ?? -1);
      expect(h.startMs).toBeLessThanOrEqual(seg?.endMs ?? -1);
      expect(h.endMs).toBe(seg?.endMs);
      expect(h.audioUrl).toBe(`/audios/${h.audioId}/audio#t=${(h.startMs / 1000).toFixed(3)}`);
      expect(words(h.quote)).toMatch(/ thank you | thanks /);
    }
  }

  const older: string[] = [];

  beforeAll(async () => {
    await platform.start();
    api = new Api(platform.url, await platform.token('alice'));
    bob = new Api(platform.url, await platform.token('bob'));
    const names = [...OLDER, ...Array.from({ length: COPIES }, (_, i) => OLDER[i % OLDER.length] as string)];
    for (const [i, name] of names.entries()) older.push(await uploadCall(name, `${name} #${i + 1}`));
    for (const id of older) {
      await api.waitFor(id, 'analyzed', 20 * 60_000);
      transcripts.set(id, await api.json<Transcript>(`/audios/${id}/transcript`));
    }
  });
  afterAll(() => platform.cleanup());

  let trackerId: string;

  it('a tracker created after the calls were analysed finds its phrase in them, with times', async () => {
    const res = await send(api, 'POST', '/trackers', { name: 'Thanks', phrases: [PHRASE, 'thank you (so|very) much'] });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { trackerId: string; revision: number; speaker: string };
    expect(created).toMatchObject({ revision: 1, speaker: 'any', part: { fromPct: 0, toPct: 100 } });
    trackerId = created.trackerId;
    const done = await finished(trackerId);
    expect(done.job).toMatchObject({ done: older.length, total: older.length });

    const hits = await allHits(trackerId);
    const expected = expectedPlaces(older);
    expect(expected.length).toBeGreaterThan(0);
    expect(places(hits)).toEqual(expected);
    expect(done.hitCount).toBe(hits.length);
    checkAgainstTranscripts(hits);
    // Found in every older call whose transcript says it, each with its title.
    for (const id of new Set(expected.map((p) => p.split('#')[0]))) {
      expect(hits.find((h) => h.audioId === id)?.title).toMatch(/ #\d+$/);
    }
  });

  it('the speaker condition keeps only the customer’s turns', async () => {
    const res = await send(api, 'POST', '/trackers', {
      name: 'Customer thanks',
      phrases: [PHRASE],
      speaker: 'customer',
    });
    expect(res.status).toBe(201);
    const { trackerId: id } = (await res.json()) as { trackerId: string };
    await finished(id);
    const hits = await allHits(id);
    expect(places(hits)).toEqual(expectedPlaces(older, 'customer'));
    expect(hits.every((h) => h.speaker === 'customer')).toBe(true);
    checkAgainstTranscripts(hits);
  });

  it('a call transcribed after the tracker was created is hit too', async () => {
    // Not analysed: it stays `transcribed`, the status waited for.
    const later = await uploadCall(LATER, 'later call', false);
    await api.waitFor(later, 'transcribed', 20 * 60_000);
    transcripts.set(later, await api.json<Transcript>(`/audios/${later}/transcript`));
    const expected = expectedPlaces([later]);
    expect(expected.length).toBeGreaterThan(0);
    const hits = await until('the later call is hit', async () => {
      const all = await allHits(trackerId);
      return all.some((h) => h.audioId === later) ? all : null;
    });
    expect(places(hits.filter((h) => h.audioId === later))).toEqual(expected);
    checkAgainstTranscripts(hits);
  });

  it('answers a bad tracker with a 400 and a JSON reason', async () => {
    for (const body of [
      { name: 'x' },
      { name: 'x', phrases: ['(a|b)?'] },
      { name: 'x', phrases: ['a'], speaker: 'boss' },
    ]) {
      expect(await errorOf(await send(api, 'POST', '/trackers', body))).toMatchObject({
        status: 400,
        code: 'TRACKER.BAD_REQUEST',
      });
    }
    expect((await errorOf(await api.get(`/trackers/${trackerId}/hits?limit=0`))).status).toBe(400);
  });

  it('is the owner’s only', async () => {
    expect((await bob.get(`/trackers/${trackerId}`)).status).toBe(404);
    expect((await bob.get(`/trackers/${trackerId}/hits`)).status).toBe(404);
    expect((await bob.json<{ items: unknown[] }>('/trackers')).items).toEqual([]);
    expect((await send(bob, 'PATCH', `/trackers/${trackerId}`, { name: 'mine' })).status).toBe(404);
    expect((await send(bob, 'DELETE', `/trackers/${trackerId}`)).status).toBe(404);
    expect((await fetch(`${platform.url}/trackers`)).status).toBe(401);
  });

  it('a change runs again over the library; a deletion removes the tracker and its hits', async () => {
    const res = await send(api, 'PATCH', `/trackers/${trackerId}`, { speaker: 'agent' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ revision: 2, speaker: 'agent' });
    await until('revision 2 finished', async () => {
      const t = await api.json<TrackerDetail & { revision: number }>(`/trackers/${trackerId}`);
      return t.revision === 2 && t.job.state === 'done' ? t : null;
    });
    const hits = await allHits(trackerId);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.speaker === 'agent')).toBe(true);

    expect((await send(api, 'DELETE', `/trackers/${trackerId}`)).status).toBe(202);
    await until('the tracker is gone', async () =>
      (await api.get(`/trackers/${trackerId}`)).status === 404 ? true : null,
    );
    const list = await api.json<{ items: { trackerId: string }[] }>('/trackers');
    expect(list.items.map((t) => t.trackerId)).not.toContain(trackerId);
  });
});
