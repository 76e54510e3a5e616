import { join } from 'node:path';
import { parse } from '@plussub/srt-vtt-parser';
import type { CorrectionsView, Segment, Transcript } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';
import { eventually } from '@speech/testing';
import { filesWith, tablesWith } from './support/data-dir';

jest.setTimeout(10 * 60_000);

interface StoredAnalysis {
  issues: { quote: string; speaker: string; startMs: number; endMs: number }[];
  provenance?: { corrections?: { revision: number; speakerNames: Record<string, string> } };
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');

/**
 * Transcript corrections on the single process, end to end: a stereo call transcribed by Whisper,
 * the agent named and a customer turn edited (PATCH …/transcript/corrections), then the transcript,
 * its exports, the report, search and a new analysis show them, while `original=true` still gives
 * the merged transcript. Real ffmpeg and Whisper; the waits are bounds, never speed assertions.
 */
describe('transcript corrections (HTTP API)', () => {
  const platform = new PlatformProcess();
  let alice: Api;
  let bob: Api;
  let audioId: string;
  let original: Transcript;
  /** The first customer turn: the one edited. */
  let edited: number;
  const EDIT = 'Honestly the price is too expensive for us and I am cancelling this subscription';

  beforeAll(async () => {
    await platform.start();
    alice = new Api(platform.url, await platform.token('alice'));
    bob = new Api(platform.url, await platform.token('bob'));
    const res = await alice.upload(join(FIXTURES, 'product-names.stereo.mp3'), { autoTranscribe: 'true' });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    await alice.waitFor(audioId, 'transcribed', 8 * 60_000);
    original = await alice.json<Transcript>(`/audios/${audioId}/transcript`);
    edited = original.segments.findIndex((s) => s.speaker === 'customer' && s.words.length > 2);
    if (edited < 0) throw new Error(`no customer turn to edit in ${JSON.stringify(original.text)}`);
  });
  afterAll(() => platform.cleanup());

  const correct = (api: Api, body: unknown, id = audioId) =>
    fetch(`${platform.url}/audios/${id}/transcript/corrections`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const correctionsAt = (revision: number) =>
    eventually(`corrections at revision ${revision}`, async () => {
      const c = await alice.json<CorrectionsView>(`/audios/${audioId}/transcript/corrections`);
      return c.revision >= revision && c;
    });

  it('refuses bad bodies with 400 and a reason, and another user with 404', async () => {
    for (const [body, reason] of [
      [{ colour: 'red' }, /unknown fields: colour/],
      [{}, /nothing to change/],
      [{ speakers: { agent: 42 } }, /string or null/],
      [{ speakers: { narrator: 'X' } }, /no speaker narrator/],
      [{ segments: [{ index: 100_000, text: 'x' }] }, /no segment 100000/],
      [{ segments: [{ index: 0, text: 'x', startMs: 1 }] }, /unknown segment fields/],
      [{ swapChannels: 'yes' }, /true or false/],
    ] as [unknown, RegExp][]) {
      const res = await correct(alice, body);
      const err = await errorOf(res);
      expect(err).toMatchObject({ status: 400, code: 'CORRECTIONS.BAD_REQUEST' });
      expect(err.message).toMatch(reason);
    }
    const malformed = await correct(alice, '{"speakers": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await errorOf(await correct(bob, { speakers: { agent: 'Mallory' } }))).toMatchObject({
      status: 404,
      code: 'AUDIO.NOT_FOUND',
    });
    expect(await errorOf(await correct(alice, { speakers: { agent: 'X' } }, 'no-such-id'))).toMatchObject({
      status: 404,
    });
    expect(await errorOf(await bob.get(`/audios/${audioId}/transcript/corrections`))).toMatchObject({ status: 404 });
    // Nothing was saved by any of them.
    expect((await alice.json<CorrectionsView>(`/audios/${audioId}/transcript/corrections`)).versions).toEqual([]);
  });

  it('names the agent and edits a segment, each a revision; a stale base revision is a 409', async () => {
    const named = await correct(alice, { speakers: { agent: 'Dana Whitfield' }, baseRevision: 0 });
    expect(named.status).toBe(200);
    expect(await named.json()).toMatchObject({
      audioId,
      revision: 1,
      corrections: { speakers: [{ label: 'agent', name: 'Dana Whitfield' }] },
      changes: ['agent named Dana Whitfield'],
    });
    expect(
      await errorOf(await correct(alice, { segments: [{ index: edited, text: EDIT }], baseRevision: 0 })),
    ).toMatchObject({ status: 409, code: 'CORRECTIONS.STALE' });
    const text = await correct(alice, { segments: [{ index: edited, text: EDIT }], baseRevision: 1 });
    expect(await text.json()).toMatchObject({ revision: 2, changes: [`segment ${edited + 1} edited`] });
    const list = await correctionsAt(2);
    expect(list.versions.map((v) => [v.revision, v.changes])).toEqual([
      [2, [`segment ${edited + 1} edited`]],
      [1, ['agent named Dana Whitfield']],
    ]);
    expect(list.versions.every((v) => v.changedAt > 0)).toBe(true);
  });

  it('serves the corrected transcript, with the times kept; original=true gives the merged one', async () => {
    const t = await alice.json<Transcript>(`/audios/${audioId}/transcript`);
    expect(t.correctionRevision).toBe(2);
    expect(t.speakerNames).toEqual({ agent: 'Dana Whitfield' });
    const seg = t.segments[edited] as Segment;
    const before = original.segments[edited] as Segment;
    expect(seg).toMatchObject({ text: EDIT, startMs: before.startMs, endMs: before.endMs, edited: true });
    expect(seg.words.map((w) => w.text).join(' ')).toBe(EDIT);
    for (const w of seg.words) {
      expect(w.startMs).toBeGreaterThanOrEqual(before.startMs);
      expect(w.endMs).toBeLessThanOrEqual(before.endMs);
    }
    expect(t.segments.filter((_, i) => i !== edited)).toEqual(original.segments.filter((_, i) => i !== edited));
    expect(t.text).toMatch(/^Dana Whitfield: /m);

    expect(await alice.json<Transcript>(`/audios/${audioId}/transcript?original=true`)).toEqual(original);
    const plain = await (await alice.get(`/audios/${audioId}/transcript?format=text`)).text();
    expect(plain).toContain(`customer: ${EDIT}`);
    expect(await (await alice.get(`/audios/${audioId}/transcript?format=text&original=true`)).text()).toBe(
      original.text,
    );
    expect(await errorOf(await alice.get(`/audios/${audioId}/transcript?original=maybe`))).toMatchObject({
      status: 400,
      code: 'QUERY.BAD_REQUEST',
    });
  });

  it('exports txt, SRT and WebVTT with the name and the edited text; the subtitles still parse', async () => {
    const txt = await (await alice.get(`/audios/${audioId}/transcript?format=txt`)).text();
    expect(txt).toMatch(/^\[\d{2}:\d{2}\] Dana Whitfield: /m);
    expect(txt).toContain(`Customer: ${EDIT}`);
    expect(txt).not.toMatch(/\] Agent: /);

    const srt = parse(await (await alice.get(`/audios/${audioId}/transcript?format=srt`)).text()).entries;
    expect(srt.length).toBeGreaterThan(0);
    expect(srt.every((c) => /^(Dana Whitfield|Customer): /.test(c.text))).toBe(true);
    const srtText = srt.map((c) => c.text.replace(/^[^:]+: /, '')).join(' ');
    expect(srtText).toContain('cancelling this subscription');

    const vtt = parse(await (await alice.get(`/audios/${audioId}/transcript?format=vtt`)).text()).entries;
    expect(vtt).toHaveLength(srt.length);
    expect(vtt.every((c) => /^<v (Dana Whitfield|Customer)>/.test(c.text))).toBe(true);
    // Every corrected word is in exactly one cue, as before the edit.
    const t = await alice.json<Transcript>(`/audios/${audioId}/transcript`);
    expect(
      vtt
        .map((c) => c.text.replace(/^<v [^>]+>/, ''))
        .join(' ')
        .split(/\s+/),
    ).toHaveLength(t.segments.flatMap((s) => s.words).length);
    const originalSrt = parse(
      await (await alice.get(`/audios/${audioId}/transcript?format=srt&original=true`)).text(),
    ).entries;
    expect(originalSrt.every((c) => /^(Agent|Customer): /.test(c.text))).toBe(true);
  });

  it('finds the corrected text in search', async () => {
    const page = await eventually('the edit in the search index', async () => {
      const p = await alice.json<{ hits: { audioId: string; segment: number | null }[] }>('/search?q=cancelling');
      return p.hits.length > 0 && p;
    });
    expect(page.hits).toEqual([expect.objectContaining({ audioId, segment: edited })]);
  });

  it('analyses the corrected transcript: quotes from the edited text, the names in the provenance and report', async () => {
    const res = await alice.post(`/analyze/${audioId}`);
    expect(res.status).toBe(202);
    await alice.waitFor(audioId, 'analyzed', 5 * 60_000);
    const analysis = await alice.json<StoredAnalysis>(`/audios/${audioId}/analysis`);
    expect(analysis.provenance?.corrections).toEqual({ revision: 2, speakerNames: { agent: 'Dana Whitfield' } });
    const seg = original.segments[edited] as Segment;
    const fromEdit = analysis.issues.filter((i) => i.startMs >= seg.startMs && i.endMs <= seg.endMs);
    expect(fromEdit.length).toBeGreaterThan(0);
    for (const i of fromEdit) {
      expect(i.speaker).toBe('customer');
      expect(words(EDIT)).toContain(words(i.quote));
    }
    const report = await (await alice.get(`/audios/${audioId}/report`)).text();
    expect(report).toContain('Dana Whitfield');
    expect(report).toContain('cancelling this subscription');
  });

  it('swaps the channels, and undoes it', async () => {
    const swapped = await correct(alice, { swapChannels: true });
    expect(await swapped.json()).toMatchObject({ revision: 3, changes: ['agent and customer swapped'] });
    await correctionsAt(3);
    const t = await alice.json<Transcript>(`/audios/${audioId}/transcript`);
    expect(t.segments.map((s) => s.speaker)).toEqual(
      original.segments.map((s) =>
        s.speaker === 'agent' ? 'customer' : s.speaker === 'customer' ? 'agent' : s.speaker,
      ),
    );
    // The name stays with the agent: now the other voice.
    expect(t.text.split('\n')[original.segments.findIndex((s) => s.speaker === 'customer')]).toMatch(
      /^Dana Whitfield: /,
    );
    const again = await correct(alice, { swapChannels: true });
    expect(await again.json()).toMatchObject({ revision: 3, changes: [] }); // nothing changed: no revision
    await correct(alice, { swapChannels: false });
    await correctionsAt(4);
    const back = await alice.json<Transcript>(`/audios/${audioId}/transcript`);
    expect(back.segments.map((s) => s.speaker)).toEqual(original.segments.map((s) => s.speaker));
  });

  it('deletes the corrections with the recording: no trace of its id or of the typed text', async () => {
    const res = await fetch(`${platform.url}/audios/${audioId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(res.status).toBe(202);
    expect(await errorOf(await alice.get(`/audios/${audioId}/transcript/corrections`))).toMatchObject({ status: 404 });
    const db = join(platform.dataDir, 'speech.db');
    await eventually(
      'no trace of the recording or its corrections in DATA_DIR',
      () =>
        filesWith(platform.dataDir, audioId).length === 0 &&
        tablesWith(db, audioId).length === 0 &&
        tablesWith(db, 'cancelling this subscription').length === 0 &&
        tablesWith(db, 'Dana Whitfield').length === 0,
      120_000,
    );
    expect(await errorOf(await correct(alice, { speakers: { agent: 'Back?' } }))).toMatchObject({ status: 404 });
  });
});
