import { join } from 'node:path';
import type { RecordingView } from '@speech/contracts';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';
import { eventually } from '@speech/testing';
import { chromium } from 'playwright-core';
import { openStream } from './support/live-stream';
import { asWho, mintViewers } from './support/as-who';

jest.setTimeout(15 * 60_000);

/**
 * Teams and roles on the single process (issue #15's first Done-when): agents a1 and a2 of team
 * red, b1 of team blue, and m, red's manager. m reads a1's and a2's calls on every read route and
 * sees them in the team view; b1 gets 404 on every one of them and finds none in lists, search or
 * on the live stream; a1 cannot read a2's call; m cannot change a1's (403). Every cross-team read
 * is counted, and the leaks must be 0. Real ffmpeg and Whisper; the waits are bounds.
 */
describe('teams and roles (issue #15)', () => {
  const platform = new PlatformProcess();
  const file = join(FIXTURES, 'product-names.stereo.mp3');
  const tokens: Record<string, string> = {};
  const ids: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };
  let streams: Record<'m' | 'b1', ReturnType<typeof openStream>>;
  /** Cross-team read attempts (an outsider asking for a call it may not see) and what leaked. */
  const counts = { attempts: 0, leaks: 0, teamReads: 0, teamReadFailures: 0 };

  const { as, json } = asWho(() => platform.url, tokens);

  /** Every read route of one recording (the OpenAPI document's GETs and HEADs under /audios/{audioId}). */
  const readRoutes = (audioId: string, analysisId: string): [string, string][] => [
    ['GET', `/audios/${audioId}`],
    ['GET', `/audios/${audioId}/transcript`],
    ['GET', `/audios/${audioId}/transcript?format=text`],
    ['GET', `/audios/${audioId}/transcript?format=srt`],
    ['GET', `/audios/${audioId}/transcript?original=true`],
    ['GET', `/audios/${audioId}/transcript/corrections`],
    ['GET', `/audios/${audioId}/analysis`],
    ['GET', `/audios/${audioId}/analysis?format=csv`],
    ['GET', `/audios/${audioId}/analyses`],
    ['GET', `/audios/${audioId}/analyses/${analysisId}`],
    ['GET', `/audios/${audioId}/analyses/${analysisId}?format=csv`],
    ['GET', `/audios/${audioId}/report`],
    ['GET', `/audios/${audioId}/report?format=pdf`],
    ['GET', `/audios/${audioId}/report?analysisId=${analysisId}`],
    ['GET', `/audios/${audioId}/audio`],
    ['HEAD', `/audios/${audioId}/audio`],
  ];

  beforeAll(async () => {
    await platform.start();
    await mintViewers(platform.secret, tokens, {
      a1: ['agent', ['red']],
      a2: ['agent', ['red']],
      b1: ['agent', ['blue']],
      m: ['manager', ['red']],
    });
    // Open before anything changes: every change of the uploads below goes out on them.
    streams = { m: openStream(platform.url, tokens.m), b1: openStream(platform.url, tokens.b1) };
    for (const who of ['a1', 'a2', 'b1'] as const) {
      const res = await new Api(platform.url, tokens[who] ?? '').upload(file, {
        autoTranscribe: 'true',
        autoAnalyze: 'true',
      });
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      ids[who] = ((await res.json()) as { audioId: string }).audioId;
    }
    for (const who of ['a1', 'a2', 'b1'] as const) {
      await new Api(platform.url, tokens[who] ?? '').waitFor(ids[who], 'analyzed', 600_000);
    }
    // A title each owner gives: a change on the live stream, and something to search for.
    for (const who of ['a1', 'a2', 'b1'] as const) {
      const res = await as(who, `/audios/${ids[who]}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Quarterly review ${who}` }),
      });
      if (res.status !== 200) throw new Error(`PATCH by ${who} → ${res.status} ${await res.text()}`);
    }
  });
  afterAll(async () => {
    await streams?.m.close();
    await streams?.b1.close();
    // The lead copies these into the closing note.
    process.stdout.write(`teams e2e counts: ${JSON.stringify(counts)}\n`);
    await platform.cleanup();
  });

  const latestAnalysisId = async (who: string, audioId: string) =>
    (await json<{ items: { analysisId: string }[] }>(who, `/audios/${audioId}/analyses`)).items[0]?.analysisId ?? '';

  it("lets the manager read the team's calls on every read route", async () => {
    for (const who of ['a1', 'a2'] as const) {
      const analysisId = await latestAnalysisId(who, ids[who]);
      for (const [method, path] of readRoutes(ids[who], analysisId)) {
        const res = await as('m', path, { method });
        counts.teamReads++;
        if (res.status !== 200) counts.teamReadFailures++;
        expect([method, path, res.status]).toEqual([method, path, 200]);
        if (method !== 'HEAD') await res.arrayBuffer();
      }
    }
    const list = await json<{ items: RecordingView[] }>('m', '/all');
    expect(list.items.map((v) => v.audioId).sort()).toEqual([ids.a1, ids.a2].sort());
    const csv = await (await as('m', '/all?format=csv')).text();
    expect(csv).toContain(ids.a1);
    expect(csv).toContain(ids.a2);
    expect(csv).not.toContain(ids.b1);
    const want = [ids.a1, ids.a2].sort().join(',');
    await eventually(
      "the manager's search finds both red calls",
      async () => {
        const found = await json<{ hits: { audioId: string }[] }>('m', '/search?q=quarterly');
        return [...new Set(found.hits.map((h) => h.audioId))].sort().join(',') === want;
      },
      60_000,
    );
  });

  it('gives an agent of another team a 404 on every read route of the red calls, and none of them in lists or search', async () => {
    for (const [outsider, owner] of [
      ['b1', 'a1'],
      ['b1', 'a2'],
      ['a1', 'a2'],
      ['a2', 'a1'],
    ] as const) {
      const analysisId = await latestAnalysisId(owner, ids[owner]);
      for (const [method, path] of readRoutes(ids[owner], analysisId)) {
        const res = await as(outsider, path, { method });
        counts.attempts++;
        if (res.status !== 404) counts.leaks++;
        expect([outsider, method, path, res.status]).toEqual([outsider, method, path, 404]);
        // The answer a recording that does not exist gets: nothing tells that it does.
        const code =
          method === 'HEAD' ? 'AUDIO.NOT_FOUND' : ((await res.json()) as { error: { code: string } }).error.code;
        expect([path, code]).toEqual([path, 'AUDIO.NOT_FOUND']);
      }
    }
    for (const [who, own] of [
      ['b1', 'b1'],
      ['a1', 'a1'],
    ] as const) {
      const list = await json<{ items: RecordingView[] }>(who, '/all');
      counts.attempts++;
      if (list.items.some((v) => v.audioId !== ids[own])) counts.leaks++;
      expect(list.items.map((v) => v.audioId)).toEqual([ids[own]]);
      const csv = await (await as(who, '/all?format=csv')).text();
      counts.attempts++;
      const others = Object.values(ids).filter((id) => id !== ids[own]);
      if (others.some((id) => csv.includes(id))) counts.leaks++;
      expect(others.filter((id) => csv.includes(id))).toEqual([]);
      // Its own call is indexed (so the index has the title by now), then: nobody else's.
      const found = await eventually(
        `${who}'s search finds its own call`,
        async () => {
          const page = await json<{ hits: { audioId: string }[] }>(who, '/search?q=quarterly');
          return page.hits.some((h) => h.audioId === ids[own]) && page;
        },
        60_000,
      );
      counts.attempts++;
      if (found.hits.some((h) => h.audioId !== ids[own])) counts.leaks++;
      expect([...new Set(found.hits.map((h) => h.audioId))]).toEqual([ids[own]]);
    }
  });

  it('shows the manager the team view of a1 and a2 only, and refuses it to an agent', async () => {
    const view = await json<{
      agents: { agentId: string; overall: { calls: number } }[];
      team: { overall: { calls: number } };
    }>('m', '/team/agents');
    expect(view.agents.map((a) => a.agentId)).toEqual(['a1', 'a2']);
    expect(view.agents.map((a) => a.overall.calls)).toEqual([1, 1]);
    expect(view.team.overall.calls).toBe(2);
    for (const who of ['a1', 'b1']) {
      const res = await as(who, '/team/agents');
      counts.attempts++;
      if (res.status !== 403) counts.leaks++;
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TEAM.FORBIDDEN');
    }
    expect((await as('m', '/team/agents?team=blue')).status).toBe(403);
  });

  it('shows the Team tab in the dashboard to the manager, with a row per agent, and not to an agent', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${platform.url}/#token=${tokens.m}`);
      const toggle = page.locator('#team-toggle');
      await toggle.waitFor({ state: 'visible', timeout: 60_000 });
      await toggle.click();
      const rows = page.locator('#team-body tbody tr');
      await rows.first().waitFor({ timeout: 60_000 });
      expect(await page.locator('#team-body tbody th[scope="row"]').allTextContents()).toEqual(['a1', 'a2']);
      // Five figures per agent, each with its weekly trend plot.
      expect(await page.locator('#team-body tbody svg.trend-plot').count()).toBe(10);
      const agentPage = await browser.newPage();
      const answered = agentPage.waitForResponse((r) => r.url().includes('/team/agents'), { timeout: 60_000 });
      await agentPage.goto(`${platform.url}/#token=${tokens.b1}`);
      // The page asked for the team view and was refused: no Team tab.
      expect((await answered).status()).toBe(403);
      await agentPage.locator(`tr[data-audio-id="${ids.b1}"]`).waitFor({ timeout: 60_000 });
      expect(await agentPage.locator('#team-toggle').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("refuses the manager's writes on a1's call with a JSON 403, and an outsider's with a 404", async () => {
    const writes: [string, string, unknown][] = [
      ['PATCH', `/audios/${ids.a1}`, { title: 'taken over' }],
      ['PATCH', `/audios/${ids.a1}/transcript/corrections`, { speakers: { agent: 'x' } }],
      ['POST', `/analyze/${ids.a1}`, {}],
      ['POST', `/transcribe/${ids.a1}`, {}],
      ['POST', `/transcribe/${ids.a1}/cancel`, {}],
      ['DELETE', `/audios/${ids.a1}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const init = {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      };
      const res = await as('m', path, init);
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AUDIO.FORBIDDEN');
      const outsider = await as('b1', path, init);
      expect([method, path, outsider.status]).toEqual([method, path, 404]);
    }
    // Still there, unchanged, for its owner.
    expect((await json<RecordingView>('a1', `/audios/${ids.a1}`)).details.title).toBe('Quarterly review a1');
  });

  it("sends the red calls' changes to the manager's live stream and none to b1's", async () => {
    // The last change of each: its title. The stream is ordered, so once b1's own last change
    // is on b1's stream, every earlier change the platform sent it is there too.
    const has = (stream: { text: () => string }, what: string) =>
      eventually(`${what} on the stream`, () => stream.text().includes(what), 60_000);
    await has(streams.m, 'Quarterly review a1');
    await has(streams.m, 'Quarterly review a2');
    await has(streams.b1, 'Quarterly review b1');
    // One more red change after b1's: b1's stream gets b1's own second change after it, never the red one.
    await as('a2', `/audios/${ids.a2}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'red change after' }),
    });
    await as('b1', `/audios/${ids.b1}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'blue change after' }),
    });
    await has(streams.m, 'red change after');
    await has(streams.b1, 'blue change after');
    const b1Text = streams.b1.text();
    const mText = streams.m.text();
    const events = (text: string) => text.split('\n\n').filter((e) => e.startsWith('event: '));
    const redOnB1 = events(b1Text).filter((e) => e.includes(ids.a1) || e.includes(ids.a2));
    counts.attempts += events(b1Text).length;
    counts.leaks += redOnB1.length;
    expect(redOnB1).toEqual([]);
    expect(events(b1Text).some((e) => e.includes(ids.b1))).toBe(true);
    // m sees the red calls' changes and none of blue's.
    expect(events(mText).some((e) => e.includes(ids.a1))).toBe(true);
    expect(events(mText).filter((e) => e.includes(ids.b1))).toEqual([]);
  });

  it('counted the cross-team read attempts: 0 leaks', () => {
    expect(counts.attempts).toBeGreaterThan(60);
    expect(counts.leaks).toBe(0);
    expect(counts.teamReadFailures).toBe(0);
  });
});
