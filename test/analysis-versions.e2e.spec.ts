import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { AnalysisResult } from '@speech/analysis';
import type { AnalysisVersionPage } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess, ROOT } from '@speech/harness';
import { eventually } from '@speech/testing';

jest.setTimeout(10 * 60_000);

const CHROMIUM = '/usr/bin/chromium';

/**
 * Versions of an analysis, end to end on the single process: a recording analysed twice lists
 * both analyses, newest first, and serves the older one as JSON and CSV, to its owner only.
 * Real ffmpeg, Whisper and the offline analyst; the waits are bounds, never speed assertions.
 */
describe('analysis versions (HTTP API)', () => {
  const platform = new PlatformProcess();
  let api: Api;
  let token: string;
  let audioId: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    await platform.start();
    token = await platform.token('alice');
    api = new Api(platform.url, token);
    const res = await api.upload(join(FIXTURES, 'product-names.stereo.mp3'), {
      autoTranscribe: 'true',
      autoAnalyze: 'true',
    });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    await api.waitFor(audioId, 'analyzed', 8 * 60_000);
    const once = await api.json<AnalysisVersionPage>(`/audios/${audioId}/analyses`);
    if (once.items.length !== 1) throw new Error(`one analysis expected: ${JSON.stringify(once)}`);
    first = once.items[0]!.analysisId;

    const again = await api.post(`/analyze/${audioId}`);
    if (again.status !== 202) throw new Error(`re-analysis refused: ${again.status} ${await again.text()}`);
    second = ((await again.json()) as { analysisId: string }).analysisId;
    await eventually(
      'the second analysis',
      async () => (await api.json<AnalysisVersionPage>(`/audios/${audioId}/analyses`)).items.length === 2,
      5 * 60_000,
      250,
    );
  });
  afterAll(() => platform.cleanup());

  it('lists both analyses, newest first, with the analyst and which one is shown', async () => {
    const page = await api.json<AnalysisVersionPage>(`/audios/${audioId}/analyses`);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((v) => [v.analysisId, v.latest])).toEqual([
      [second, true],
      [first, false],
    ]);
    for (const v of page.items) {
      expect(v).toMatchObject({ analyst: 'offline', path: `/audios/${audioId}/analyses/${v.analysisId}` });
      expect(typeof v.completedAt).toBe('number');
    }
    expect(page.items[0]!.completedAt!).toBeGreaterThanOrEqual(page.items[1]!.completedAt!);
    const paged = await api.json<AnalysisVersionPage>(`/audios/${audioId}/analyses?limit=1`);
    expect(paged.items.map((v) => v.analysisId)).toEqual([second]);
    const rest = await api.json<AnalysisVersionPage>(
      `/audios/${audioId}/analyses?limit=1&cursor=${encodeURIComponent(paged.nextCursor ?? '')}`,
    );
    expect(rest).toEqual({ items: [expect.objectContaining({ analysisId: first })], nextCursor: null });
  });

  it('serves the older analysis as stored, and the latest one as /analysis does', async () => {
    const older = await api.get(`/audios/${audioId}/analyses/${first}`);
    expect(older.status).toBe(200);
    expect(older.headers.get('content-type')).toMatch(/^application\/json/);
    const olderBody = (await older.json()) as AnalysisResult & { analysisId: string };
    expect(olderBody.analysisId).toBe(first);
    expect(olderBody.metrics.speakers.length).toBeGreaterThanOrEqual(2);

    const latest = await api.json<{ analysisId: string }>(`/audios/${audioId}/analyses/${second}`);
    expect(latest.analysisId).toBe(second);
    expect(latest).toEqual(await api.json<unknown>(`/audios/${audioId}/analysis`));
    expect(await api.json(`/audios/${audioId}/analyses/${first}?format=json`)).toEqual(olderBody);
  });

  it('exports an older analysis’s metrics as CSV', async () => {
    const res = await api.get(`/audios/${audioId}/analyses/${first}?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="product-names\\.stereo\\.metrics-${first.slice(0, 8)}\\.csv"`),
    );
    const [header, call] = (await res.text()).trimEnd().split('\r\n');
    expect(header?.split(',')).toEqual(expect.arrayContaining(['talk_ratio', 'questions', 'issues']));
    expect(call?.startsWith('call,')).toBe(true);
  });

  it('refuses an unknown format with 400, and an unknown version with 404, both as JSON', async () => {
    expect(await errorOf(await api.get(`/audios/${audioId}/analyses/${first}?format=xlsx`))).toMatchObject({
      status: 400,
      code: 'EXPORT.UNKNOWN_FORMAT',
    });
    expect(await errorOf(await api.get(`/audios/${audioId}/analyses/no-such-analysis`))).toMatchObject({
      status: 404,
      code: 'ANALYSIS.NOT_FOUND',
    });
    expect(await errorOf(await api.get(`/audios/no-such-audio/analyses`))).toMatchObject({
      status: 404,
      code: 'AUDIO.NOT_FOUND',
    });
  });

  it('shows another user, and nobody without a token, nothing', async () => {
    const other = new Api(platform.url, await platform.token('mallory'));
    for (const path of [`/audios/${audioId}/analyses`, `/audios/${audioId}/analyses/${first}`]) {
      expect(await errorOf(await other.get(path))).toMatchObject({ status: 404, code: 'AUDIO.NOT_FOUND' });
      expect((await fetch(`${platform.url}${path}`)).status).toBe(401);
    }
    expect(await errorOf(await other.get(`/audios/${audioId}/analyses/${first}?format=csv`))).toMatchObject({
      status: 404,
      code: 'AUDIO.NOT_FOUND',
    });
  });

  it('offers the versions in the dashboard’s detail view and opens the older one there', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "bash scripts/setup.sh --test"`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${platform.url}/#token=${token}`);
      await page.locator(`tr[data-audio-id="${audioId}"] [data-action="view"]`).click();
      const picker = page.locator('#detail [data-section="versions"] select');
      await picker.waitFor({ timeout: 30_000 });
      const options = picker.locator('option');
      const values = await page.evaluate<string[]>(
        `[...document.querySelectorAll('#detail [data-section="versions"] option')].map((o) => o.value)`,
      );
      expect(values).toEqual([second, first]);
      expect(await options.first().textContent()).toMatch(/ · offline · latest$/);
      expect(await picker.inputValue()).toBe(second);

      const opened = page.waitForResponse((r) => r.url().endsWith(`/audios/${audioId}/analyses/${first}`));
      await picker.selectOption(first);
      expect((await opened).status()).toBe(200);
      const select = `document.querySelector('#detail [data-section="versions"] select')`;
      await page.waitForFunction(
        `${select}?.value === ${JSON.stringify(first)} && !!document.querySelector('#detail [data-section="summary"]')`,
        undefined,
        { timeout: 15_000 },
      );
      expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('analysis-version');
      const artifacts = join(ROOT, 'test/artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'analysis-versions.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
