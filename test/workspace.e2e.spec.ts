import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Transcript } from '@speech/contracts';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';

jest.setTimeout(12 * 60_000);

const CHROMIUM = '/usr/bin/chromium';

/**
 * The coaching workspace in one sitting, as issue #14's "Done when" has it, in Chromium against
 * the single process (real ffmpeg and Whisper): upload a call, wait for it, press play, click a
 * word and see the player move to it; search a phrase and land on its turn; rename a speaker and
 * see the name in the downloaded export; delete the call and see it gone from the list. Every
 * step goes through the page. The waits are bounds, never speed assertions.
 */
describe('the coaching workspace (browser)', () => {
  const platform = new PlatformProcess();
  let browser: Browser;
  let page: Page;
  let api: Api;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "bash scripts/setup.sh --test"`);
    await platform.start();
    api = new Api(platform.url, await platform.token('coach'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (
      await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 900 } })
    ).newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await platform.cleanup();
  });

  /** Waits until a page expression is true (a bound, never a speed assertion). */
  async function waitUntil(expression: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate<boolean>(expression))) {
      if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs / 1000} s: ${expression}`);
      await sleep(100);
    }
  }
  const playerNear = (ms: number) =>
    `(() => { const a = document.querySelector('#detail audio'); return !!a && Math.abs(a.currentTime * 1000 - ${ms}) < 50; })()`;
  const row = (audioId: string) => `tr[data-audio-id="${audioId}"]`;

  it('uploads, plays, seeks from a word, finds a phrase, renames a speaker into the export, and deletes', async () => {
    await page.goto(`${platform.url}/#token=${api.token}`);
    await page.waitForSelector('#app:not([hidden])');
    await page.waitForSelector('#connection[data-mode="live"]', { timeout: 30_000 });

    // Upload through the page; "Transcribe and analyze automatically" is on by default.
    await page.setInputFiles('#file-input', join(FIXTURES, 'support-outage.stereo.mp3'));
    expect(await page.isChecked('#auto-input')).toBe(true);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const first = await page.waitForSelector('tr[data-audio-id]', { timeout: 60_000 });
    const audioId = (await first.getAttribute('data-audio-id')) ?? '';
    expect(audioId).not.toBe('');
    const done = await page.waitForSelector(
      `${row(audioId)} [data-status="analyzed"], ${row(audioId)} [data-status="failed"]`,
      { timeout: 10 * 60_000 },
    );
    expect(await done.getAttribute('data-status')).toBe('analyzed');
    const transcript = (await (await api.get(`/audios/${audioId}/transcript`)).json()) as Transcript;

    // Open it and press play (Space, the player's shortcut): the audio plays; Space again pauses.
    await page.locator(`${row(audioId)} [data-action="view"]`).click();
    await waitUntil(
      `(() => { const a = document.querySelector('#detail audio'); return !!a && a.readyState >= 1; })()`,
      30_000,
    );
    await page.focus('#detail');
    await page.keyboard.press('Space');
    await waitUntil(
      `(() => { const a = document.querySelector('#detail audio'); return !a.paused && a.currentTime > 0; })()`,
      30_000,
    );
    await page.keyboard.press('Space');
    await waitUntil(`document.querySelector('#detail audio').paused`, 10_000);

    // Click a word well into the call: the player moves to its start.
    const words = page.locator('#detail .segment .word');
    const word = words.nth(Math.min(20, (await words.count()) - 1));
    const wordMs = Number(await word.getAttribute('data-word-start-ms'));
    expect(wordMs).toBeGreaterThan(1000);
    await word.click();
    await waitUntil(playerNear(wordMs), 15_000);

    // Search a phrase of a later turn: the hit is that turn, and opening it puts the player there.
    const index = transcript.segments.findIndex(
      (s) => (s.text.match(/[\p{L}\p{N}]+/gu) ?? []).length >= 6 && s.startMs > wordMs + 1000,
    );
    const seg = transcript.segments[index];
    if (!seg) throw new Error('no later turn of six words to search for');
    const phrase = (seg.text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(2, 5).join(' ');
    await page.fill('#search-input', `"${phrase}"`);
    await page.press('#search-input', 'Enter');
    const hit = page.locator(`.search-hit-open[data-start-ms="${seg.startMs}"]`).first();
    await hit.waitFor({ timeout: 30_000 });
    await hit.click();
    await waitUntil(playerNear(seg.startMs), 30_000);

    // Rename the agent; the downloaded text export names them.
    const bar = page.locator('#detail [data-corrections]');
    await bar.waitFor({ timeout: 30_000 });
    await bar.getByRole('button', { name: 'Rename speakers' }).click();
    const form = page.locator('#detail form[data-rename-form]');
    await form.getByLabel('Name for Agent').fill('Dana Whitfield');
    await form.getByLabel('Name for Agent').press('Enter');
    await page
      .locator('#detail .speaker-label', { hasText: /^Dana Whitfield$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    // The analysis panels name them too (the talk-ratio table).
    await page
      .locator('#detail tr[data-speaker="agent"] .speaker-label', { hasText: /^Dana Whitfield$/ })
      .waitFor({ timeout: 30_000 });
    const [txt] = await Promise.all([page.waitForEvent('download'), page.click('#detail [data-export="txt"]')]);
    // One "[mm:ss] Speaker: text" line per turn, in time order.
    const lines = readFileSync(await txt.path(), 'utf8')
      .trimEnd()
      .split('\n');
    const nameOf = (line: string | undefined) => line?.replace(/^\[[^\]]*\]\s*/, '').split(':')[0];
    expect(lines).toHaveLength(transcript.segments.length);
    const agentTurns = transcript.segments.flatMap((s, i) => (s.speaker === 'agent' ? [i] : []));
    expect(agentTurns.length).toBeGreaterThan(0);
    expect(agentTurns.map((i) => nameOf(lines[i]))).toEqual(agentTurns.map(() => 'Dana Whitfield'));
    expect(lines.some((l) => nameOf(l) === 'Agent')).toBe(false);

    // Delete it from the detail panel (after the confirmation): the row leaves the list, live.
    page.once('dialog', (d) => void d.accept());
    await page.click('#detail-delete');
    await page.waitForSelector(row(audioId), { state: 'detached', timeout: 60_000 });
    expect(await page.locator(row(audioId)).count()).toBe(0);
    // And the API agrees once every service has done its share.
    const deadline = Date.now() + 60_000;
    while ((await api.get(`/audios/${audioId}`)).status !== 404) {
      if (Date.now() > deadline) throw new Error('the recording is still readable a minute after its deletion');
      await sleep(500);
    }
    expect(errors).toEqual([]);
  });
});
