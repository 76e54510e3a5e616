import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from '@plussub/srt-vtt-parser';
import { DETAIL_LIMITS } from '@speech/contracts';
import { signToken } from '@speech/platform';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FIXTURES, freePort, ROOT } from '@speech/harness';

jest.setTimeout(8 * 60_000);

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test/artifacts');
const STARTUP_MS = 120_000;
/** The policy the query service is to send with the page: no inline script or style, no eval. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The dashboard as a person uses it, in a real browser against `npx tsx apps/standalone/src/main.ts`:
 * upload a call, watch it become ready, Transcribe, Analyze, read the results, listen (seeking
 * from the transcript and the analysis) and download exports.
 * Runs real ffmpeg and the default engine (Whisper). The waits are bounds, never speed assertions.
 */
describe('dashboard (browser)', () => {
  const secret = randomBytes(24).toString('base64url').slice(0, 32);
  const dataDir = mkdtempSync(join(tmpdir(), 'speech-dashboard-e2e-'));
  let child: ChildProcess | null = null;
  let stderr = '';
  let baseUrl = '';
  let browser: Browser | null = null;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: the dashboard browser test needs Debian's Chromium. Install it with "bash scripts/setup.sh --test".`,
      );
    }
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    child = spawn('npx', ['tsx', 'apps/standalone/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        // Its own Whisper engine port, so it never meets another platform's engine on 8090.
        WHISPER_PORT: String(await freePort()),
        DATA_DIR: dataDir,
        AUTH_JWT_SECRET: secret,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group, so npx, tsx and node all end together
    });
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    await waitForHealth(child);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await underCsp(page, cspViolations);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stopChild();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  async function waitForHealth(proc: ChildProcess): Promise<void> {
    const deadline = Date.now() + STARTUP_MS;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `the platform exited (${proc.exitCode ?? proc.signalCode}) before answering /healthz:\n${stderr}`,
        );
      }
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`the platform did not answer ${baseUrl}/healthz within ${STARTUP_MS / 1000} s:\n${stderr}`);
      await sleep(250);
    }
  }

  /**
   * SIGTERM to the child's process group (its PID: npx, tsx and the platform's node), then
   * SIGKILL if anything of it is still alive after a few seconds.
   */
  async function stopChild(): Promise<void> {
    const pid = child?.pid;
    if (!pid) return;
    const signal = (sig: NodeJS.Signals | 0): boolean => {
      try {
        process.kill(-pid, sig);
        return true;
      } catch {
        return false; // ESRCH: the whole group is gone
      }
    };
    const goneWithin = async (ms: number): Promise<boolean> => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (!signal(0)) return true;
        await sleep(100);
      }
      return !signal(0);
    };
    if (!signal('SIGTERM')) return;
    if (await goneWithin(5_000)) return;
    signal('SIGKILL');
    await goneWithin(5_000);
  }

  /**
   * Serves the page with the CSP header (until the query service sends it itself) and records
   * every violation the page reports, from the `securitypolicyviolation` event and the console.
   */
  async function underCsp(p: Page, violations: string[]): Promise<void> {
    await p.route(
      (url) => url.pathname === '/' || url.pathname === '/index.html',
      async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
      },
    );
    // Strings, not functions: this file is type-checked without the DOM library.
    await p.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) =>
        console.error('securitypolicyviolation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
    });
    p.on('console', (m) => {
      if (/securitypolicyviolation|Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
  }

  /** Whether an inline script runs in the page: it must not, under the policy. */
  async function inlineScriptRuns(p: Page): Promise<boolean> {
    return p.evaluate<boolean>(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.head.append(s);
      return window.inlineRan === true;
    })()`);
  }

  function token(sub: string): Promise<string> {
    return signToken(secret, sub, '1h');
  }

  const row = (audioId: string) => `tr[data-audio-id="${audioId}"]`;

  /** Waits for the row's status; fails at once, with the reason shown in the row, on `failed`. */
  async function waitForStatus(audioId: string, status: string, timeout: number): Promise<void> {
    const sel = `${row(audioId)} [data-status="${status}"], ${row(audioId)} [data-status="failed"]`;
    const el = await page.waitForSelector(sel, { timeout });
    if ((await el.getAttribute('data-status')) === 'failed' && status !== 'failed') {
      const reason = await page.locator(`${row(audioId)} .cell-progress`).textContent();
      throw new Error(`the recording failed while waiting for "${status}": ${reason}`);
    }
  }

  async function visibleAlert(): Promise<string | null> {
    const alert = page.locator('#alert');
    return (await alert.isVisible()) ? await alert.locator('.alert-text').textContent() : null;
  }

  /** The player's position in ms. */
  const positionMs = () => page.evaluate<number>(`document.querySelector('#detail audio').currentTime * 1000`);

  /**
   * Waits until a page expression is true. (page.waitForFunction compiles its string in the
   * page, which the CSP forbids; page.evaluate does not.) A bound, never a speed assertion.
   */
  async function waitUntil(expression: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate<boolean>(expression))) {
      if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs / 1000} s: ${expression}`);
      await sleep(100);
    }
  }

  /** Waits until the player's position is within 50 ms of `ms` (a seek landed). */
  async function waitForPosition(ms: number): Promise<void> {
    await waitUntil(`Math.abs(document.querySelector('#detail audio').currentTime * 1000 - ${ms}) < 50`, 15_000);
  }

  /**
   * The detail panel's player and downloads: play and pause from the keyboard, seek by
   * clicking a word and a time in the analysis, change speed, skip, and download subtitles.
   */
  async function listenAndExport(audioId: string): Promise<void> {
    const audio = page.locator('#detail audio[data-player]');
    expect(await audio.count()).toBe(1);
    expect(await audio.getAttribute('src')).toMatch(new RegExp(`^/audios/${audioId}/audio\\?access_token=`));
    await waitUntil(`document.querySelector('#detail audio').readyState >= 1`, 30_000);

    // Space plays (focus is on the panel, not in a field), and again pauses.
    await page.focus('#detail');
    await page.keyboard.press('Space');
    await waitUntil(
      `(() => { const a = document.querySelector('#detail audio'); return !a.paused && a.currentTime > 0; })()`,
      30_000,
    );
    await page.keyboard.press('Space');
    await waitUntil(`document.querySelector('#detail audio').paused`, 10_000);

    // A click on a word seeks to it, and the word is highlighted.
    const word = page.locator('#detail .segment .word').nth(12);
    const wordMs = Number(await word.getAttribute('data-word-start-ms'));
    expect(wordMs).toBeGreaterThan(0);
    await word.click();
    await waitForPosition(wordMs);
    await page.waitForSelector(`#detail .word.current[data-word-start-ms="${wordMs}"]`, { timeout: 10_000 });

    // ← and → skip 5 s.
    await page.focus('#detail');
    await page.keyboard.press('ArrowRight');
    await waitForPosition(wordMs + 5000);
    await page.keyboard.press('ArrowLeft');
    await waitForPosition(wordMs);

    // Every time shown in the analysis seeks: an issue's timestamp.
    const issueTime = page.locator('#detail [data-issue] .timestamp[data-at-ms]').first();
    const issueMs = Number(await issueTime.getAttribute('data-at-ms'));
    await issueTime.click();
    await waitForPosition(issueMs);
    expect(Math.abs((await positionMs()) - issueMs)).toBeLessThan(50);

    // And the quiz's "see mm:ss" (the first question was answered above).
    const see = page.locator('#detail [data-quiz-question="0"] [data-quiz-feedback] [data-at-ms]');
    if ((await see.count()) > 0) {
      const seeMs = Number(await see.first().getAttribute('data-at-ms'));
      await see.first().click();
      await waitForPosition(seeMs);
    }

    // Speed.
    await page.selectOption('#detail [data-player-speed]', '1.5');
    expect(await page.evaluate<number>(`document.querySelector('#detail audio').playbackRate`)).toBe(1.5);

    // Downloads: SubRip subtitles with speaker names, and the metrics as CSV.
    const [srt] = await Promise.all([page.waitForEvent('download'), page.click('#detail [data-export="srt"]')]);
    expect(srt.suggestedFilename()).toBe('support-outage.stereo.transcript.srt');
    const cues = parse(readFileSync(await srt.path(), 'utf8')).entries;
    expect(cues.length).toBeGreaterThan(0);
    expect(cues.every((c) => /^(Agent|Customer): /.test(c.text))).toBe(true);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#detail [data-export="csv"]')]);
    expect(csv.suggestedFilename()).toBe('support-outage.stereo.metrics.csv');
    expect(readFileSync(await csv.path(), 'utf8').split('\r\n')[0]).toMatch(/^scope,speaker,.*talk_ratio/);
  }

  it('uploads, transcribes, analyses and shows the results of a support call', async () => {
    const jwt = await token('browser-user');
    const response = await page.goto(`${baseUrl}/#token=${jwt}`);
    expect(response?.headers()['content-security-policy']).toBe(CSP);

    // The token is kept for this tab only and removed from the address bar.
    await page.waitForSelector('#app:not([hidden])');
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate('window.sessionStorage.getItem("speechCoach.token")')).toBe(jwt);
    expect(await page.evaluate('window.localStorage.getItem("speechCoach.token")')).toBeNull();
    await page.waitForSelector('#connection[data-mode="live"]', { timeout: 30_000 });

    // Upload through the page's file input. Automatic processing is on by default; this test
    // turns it off to drive each step itself.
    await page.setInputFiles('#file-input', join(FIXTURES, 'support-outage.stereo.mp3'));
    expect(await page.isChecked('#auto-input')).toBe(true);
    await page.uncheck('#auto-input');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const first = await page.waitForSelector('tr[data-audio-id]', { timeout: 60_000 });
    const audioId = (await first.getAttribute('data-audio-id')) ?? '';
    expect(audioId).not.toBe('');
    expect(await page.locator(`${row(audioId)} .file-name`).textContent()).toBe('support-outage.stereo.mp3');

    // Chunked: Transcribe is possible, Analyze is not (no transcript yet).
    await waitForStatus(audioId, 'ready', 120_000);
    const transcribe = page.locator(`${row(audioId)} [data-action="transcribe"]`);
    const analyze = page.locator(`${row(audioId)} [data-action="analyze"]`);
    expect(await transcribe.isEnabled()).toBe(true);
    expect(await analyze.isDisabled()).toBe(true);
    expect(await analyze.getAttribute('title')).toMatch(/transcri/i);
    expect(await page.locator(`${row(audioId)} .cell-duration`).textContent()).toMatch(/^\d{2}:\d{2}$/);

    // Cancel while it transcribes (issue #14): the row says so, Analyze stays off, and Transcribe
    // (Resume once a chunk was done) goes on from there.
    const cancel = page.locator(`${row(audioId)} [data-action="cancel"]`);
    expect(await cancel.isDisabled()).toBe(true);
    await transcribe.click();
    await waitForStatus(audioId, 'transcribing', 2 * 60_000);
    await page.waitForSelector(`${row(audioId)} [data-action="cancel"]:not([disabled])`, { timeout: 30_000 });
    await cancel.click();
    await waitForStatus(audioId, 'cancelled', 2 * 60_000);
    expect(await page.locator(`${row(audioId)} .cell-progress`).textContent()).toMatch(/^Transcription cancelled\./);
    expect(await cancel.isDisabled()).toBe(true);
    expect(await analyze.isDisabled()).toBe(true);
    await page.waitForSelector(`${row(audioId)} [data-action="transcribe"]:not([disabled])`, { timeout: 30_000 });
    expect(await transcribe.textContent()).toMatch(/^(Resume|Transcribe)$/);
    await transcribe.click();
    await waitForStatus(audioId, 'transcribed', 4 * 60_000);
    expect(await transcribe.isDisabled()).toBe(true);
    expect(await analyze.isEnabled()).toBe(true);

    await analyze.click();
    await waitForStatus(audioId, 'analyzed', 2 * 60_000);
    expect(await visibleAlert()).toBeNull();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-list.png') });

    // The detail panel.
    await page.locator(`${row(audioId)} [data-action="view"]`).click();
    const detail = page.locator('#detail');
    await page.waitForSelector('#detail [data-section="quiz"] [data-quiz-question]', { timeout: 30_000 });
    expect(await detail.locator('#detail-title').textContent()).toBe('support-outage.stereo.mp3');
    expect(await detail.locator('[data-section="summary"] .summary-text').textContent()).not.toBe('');
    expect(await detail.locator('.segment[data-speaker="agent"]').count()).toBeGreaterThan(0);
    expect(await detail.locator('.segment[data-speaker="customer"]').count()).toBeGreaterThan(0);
    expect(await detail.locator('.segment .timestamp').first().textContent()).toMatch(/^\d{2}:\d{2}$/);
    expect(await detail.locator('[data-section="metrics"] tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await detail.locator('[data-section="sentiment"] svg').count()).toBe(1);
    expect(await detail.locator('[data-issue]').count()).toBeGreaterThan(0);
    expect(await detail.locator('[data-coaching]').count()).toBeGreaterThan(0);
    expect(await detail.locator('[data-coaching] .basis strong').first().textContent()).not.toBe(''); // the benchmark is named
    expect(await detail.locator('[data-quiz-question]').count()).toBeGreaterThanOrEqual(3);

    // Answer the first quiz question.
    const question = detail.locator('[data-quiz-question="0"]');
    await question.locator('input[type="radio"]').first().check();
    await question.getByRole('button', { name: 'Check' }).click();
    const feedback = question.locator('[data-quiz-feedback]');
    await page.waitForSelector(
      '#detail [data-quiz-question="0"] [data-quiz-feedback][data-result="correct"], #detail [data-quiz-question="0"] [data-quiz-feedback][data-result="incorrect"]',
      { timeout: 5_000 },
    );
    expect((await feedback.textContent())?.trim().length).toBeGreaterThan(10);
    expect(await question.locator('.quiz-option.correct').count()).toBe(1);

    await listenAndExport(audioId);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(await visibleAlert()).toBeNull();
    expect(pageErrors).toEqual([]);
    // The whole journey ran under the policy without a violation, and the policy was in force.
    expect(cspViolations).toEqual([]);
    expect(await inlineScriptRuns(page)).toBe(false);
  });

  it("edits a recording's details from the detail panel", async () => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const violations: string[] = [];
    const errors: string[] = [];
    try {
      const tab = await context.newPage();
      tab.on('pageerror', (err) => errors.push(err.message));
      await underCsp(tab, violations);
      await tab.goto(`${baseUrl}/#token=${await token('details-user')}`);
      await tab.waitForSelector('#app:not([hidden])');
      await tab.waitForSelector('#connection[data-mode="live"]', { timeout: 30_000 });

      // A recording of this user's own, left unprocessed.
      await tab.uncheck('#auto-input');
      await tab.setInputFiles('#file-input', join(FIXTURES, 'product-names.stereo.mp3'));
      await tab.getByRole('button', { name: 'Upload', exact: true }).click();
      const first = await tab.waitForSelector('tr[data-audio-id]', { timeout: 60_000 });
      const audioId = (await first.getAttribute('data-audio-id')) ?? '';
      expect(audioId).not.toBe('');
      await tab.waitForSelector(`${row(audioId)} [data-status="ready"]`, { timeout: 120_000 });
      const name = tab.locator(`${row(audioId)} .file-name`);
      expect(await name.textContent()).toBe('product-names.stereo.mp3');

      const openDetail = async () => {
        await tab.locator(`${row(audioId)} [data-action="view"]`).click();
        await tab.waitForSelector('#detail-sub .badge', { timeout: 30_000 }); // loaded
      };
      const edit = tab.getByRole('button', { name: 'Edit details' });
      const form = tab.locator('#detail form[data-details-form]');
      const title = form.getByLabel('Title', { exact: true });
      const tags = form.getByLabel('Tags');

      // The form opens prefilled (nothing written yet), every field labelled.
      await openDetail();
      expect(await tab.locator('#detail-title').textContent()).toBe('product-names.stereo.mp3');
      await edit.click();
      expect(await edit.getAttribute('aria-expanded')).toBe('true');
      expect(await title.inputValue()).toBe('');
      expect(await tags.inputValue()).toBe('');
      for (const label of ['Agent', 'Customer', 'Notes']) expect(await form.getByLabel(label).count()).toBe(1);

      // A new title and a tag (the repeat and the empty one are dropped): saved, shown in the
      // panel and in the row.
      await title.fill('  Product names walkthrough ');
      await tags.fill('demo, , demo');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached', timeout: 15_000 });
      expect(await tab.locator('#detail-title').textContent()).toBe('Product names walkthrough');
      expect(await tab.locator('#detail [data-detail="tags"] dd').textContent()).toBe('demo');
      expect(await name.textContent()).toBe('Product names walkthrough');

      // Kept by the server: after a reload the row and the panel still show them.
      await tab.reload();
      await tab.waitForSelector('#app:not([hidden])');
      await tab
        .locator(`${row(audioId)} .file-name`, { hasText: /^Product names walkthrough$/ })
        .waitFor({ timeout: 30_000 });
      await openDetail();
      expect(await tab.locator('#detail-title').textContent()).toBe('Product names walkthrough');
      expect(await tab.locator('#detail [data-detail="tags"] dd').textContent()).toBe('demo');

      // A title beyond the limit: the server's reason beside the form, which stays open as typed.
      await edit.click();
      expect(await title.inputValue()).toBe('Product names walkthrough');
      expect(await tags.inputValue()).toBe('demo');
      const tooLong = 'x'.repeat(DETAIL_LIMITS.title + 1);
      await title.fill(tooLong);
      await form.getByRole('button', { name: 'Save' }).click();
      const alert = form.getByRole('alert');
      await alert.waitFor({ timeout: 15_000 });
      expect(await alert.textContent()).toContain(`title is longer than ${DETAIL_LIMITS.title} characters`);
      expect(await form.isVisible()).toBe(true);
      expect(await title.inputValue()).toBe(tooLong);
      expect(await tab.locator('#detail-title').textContent()).toBe('Product names walkthrough');

      // Cancel leaves it as it was.
      await form.getByRole('button', { name: 'Cancel' }).click();
      await form.waitFor({ state: 'detached' });
      expect(await name.textContent()).toBe('Product names walkthrough');
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('corrects the transcript from the detail panel, with the keyboard', async () => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const violations: string[] = [];
    const errors: string[] = [];
    try {
      const tab = await context.newPage();
      tab.on('pageerror', (err) => errors.push(err.message));
      await underCsp(tab, violations);
      const bearer = await token('corrections-user');
      await tab.goto(`${baseUrl}/#token=${bearer}`);
      await tab.waitForSelector('#app:not([hidden])');
      await tab.waitForSelector('#connection[data-mode="live"]', { timeout: 30_000 });
      await tab.setInputFiles('#file-input', join(FIXTURES, 'product-names.stereo.mp3'));
      await tab.getByRole('button', { name: 'Upload', exact: true }).click();
      const first = await tab.waitForSelector('tr[data-audio-id]', { timeout: 60_000 });
      const audioId = (await first.getAttribute('data-audio-id')) ?? '';
      await tab.waitForSelector(`${row(audioId)} [data-status="analyzed"]`, { timeout: 8 * 60_000 });
      await tab.locator(`${row(audioId)} [data-action="view"]`).click();
      const bar = tab.locator('#detail [data-corrections]');
      await bar.waitFor({ timeout: 30_000 });
      const turn = (i: number) => tab.locator('#detail .segment').nth(i);
      const firstText = (await turn(0).locator('.segment-text').textContent()) ?? '';
      expect(await turn(0).locator('.speaker-label').textContent()).toBe('Agent');

      // Rename: the form's fields are labelled; Enter saves; the focus comes back to the button.
      await bar.getByRole('button', { name: 'Rename speakers' }).click();
      const form = tab.locator('#detail form[data-rename-form]');
      await form.getByLabel('Name for Agent').fill('Dana Whitfield');
      await form.getByLabel('Name for Agent').press('Enter');
      await turn(0)
        .locator('.speaker-label', { hasText: /^Dana Whitfield$/ })
        .waitFor({ timeout: 30_000 });
      const focused = (attr: string) => tab.evaluate(`document.activeElement?.getAttribute(${JSON.stringify(attr)})`);
      expect(await focused('data-corrections-action')).toBe('rename');

      // A turn's text: Edit, type, Enter saves it (marked edited); Esc cancels and keeps the panel open.
      await turn(0).getByRole('button', { name: 'Edit the text of turn 1' }).click();
      const box = turn(0).getByRole('textbox', { name: 'Text of turn 1' });
      expect(await focused('aria-label')).toBe('Text of turn 1');
      await box.fill('Good morning, this is Dana from Kestrel Labs.');
      await box.press('Enter');
      await turn(0)
        .locator('.segment-text', { hasText: /^Good morning, this is Dana from Kestrel Labs\.$/ })
        .waitFor({ timeout: 30_000 });
      expect(await turn(0).getAttribute('data-edited')).toBe('true');
      expect(await turn(0).locator('.word').count()).toBe(8); // the words, timed again, still seek
      const secondText = await turn(1).locator('.segment-text').textContent();
      await turn(1).getByRole('button', { name: 'Edit the text of turn 2' }).click();
      await turn(1).getByRole('textbox').fill('never saved');
      await turn(1).getByRole('textbox').press('Escape');
      expect(await turn(1).getByRole('textbox').count()).toBe(0);
      expect(await turn(1).locator('.segment-text').textContent()).toBe(secondText);
      expect(await tab.locator('#detail').isHidden()).toBe(false);

      // The original, read-only, and back.
      await bar.getByRole('button', { name: 'Show original' }).click();
      await turn(0)
        .locator('.speaker-label', { hasText: /^Agent$/ })
        .waitFor({ timeout: 30_000 });
      expect(await turn(0).locator('.segment-text').textContent()).toBe(firstText);
      expect(await tab.locator('#detail .segment-edit').count()).toBe(0);
      await tab.locator('#detail [data-corrections]').getByRole('button', { name: 'Show corrected' }).click();
      await turn(0)
        .locator('.speaker-label', { hasText: /^Dana Whitfield$/ })
        .waitFor({ timeout: 30_000 });

      // Swap channels: the first turn is the customer's now; undone again.
      await tab.locator('#detail [data-corrections]').getByRole('button', { name: 'Swap channels' }).click();
      await turn(0)
        .locator('.speaker-label', { hasText: /^Customer$/ })
        .waitFor({ timeout: 30_000 });
      await tab.locator('#detail [data-corrections]').getByRole('button', { name: 'Undo channel swap' }).click();
      await turn(0)
        .locator('.speaker-label', { hasText: /^Dana Whitfield$/ })
        .waitFor({ timeout: 30_000 });

      // Someone else saves meanwhile: the page's save is refused, in plain words, and reloaded.
      const behind = await fetch(`${baseUrl}/audios/${audioId}/transcript/corrections`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ speakers: { customer: 'Mr Okonkwo' } }),
      });
      expect(behind.status).toBe(200);
      await turn(1).getByRole('button', { name: 'Edit the text of turn 2' }).click();
      await turn(1).getByRole('textbox').fill('Yes, speaking.');
      await turn(1).getByRole('textbox').press('Enter');
      const alert = tab.locator('#detail [data-corrections-error]');
      await alert.filter({ hasText: 'Someone changed this transcript meanwhile' }).waitFor({ timeout: 30_000 });
      await turn(1)
        .locator('.speaker-label', { hasText: /^Mr Okonkwo$/ })
        .waitFor({ timeout: 30_000 });
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps the token in the tab, and clears a token error after a good sign-in', async () => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const violations: string[] = [];
    const errors: string[] = [];
    try {
      const tab = await context.newPage();
      tab.on('pageerror', (err) => errors.push(err.message));
      await underCsp(tab, violations);

      // A token the server rejects: the sign-in card comes back with the reason.
      await tab.goto(`${baseUrl}/#token=not-a-valid-token`);
      await tab.waitForSelector('#auth-card:not([hidden])', { timeout: 30_000 });
      await tab.waitForSelector('#alert:not([hidden])');
      expect(await tab.locator('#alert .alert-text').textContent()).toMatch(/not accepted/);
      expect(await tab.evaluate('window.sessionStorage.getItem("speechCoach.token")')).toBeNull();

      // A good one pasted into the form: signed in, and the stale error is gone.
      await tab.fill('#token-input', `Bearer ${await token('second-user')}`);
      await tab.getByRole('button', { name: 'Use this token' }).click();
      await tab.waitForSelector('#app:not([hidden])');
      await tab.waitForSelector('#alert', { state: 'hidden', timeout: 30_000 });
      await tab.waitForSelector('#connection[data-mode="live"]', { timeout: 30_000 });
      expect(await tab.locator('#empty').isVisible()).toBe(true); // another user sees none of the first one's calls

      // sessionStorage belongs to the tab: a reload keeps the sign-in, a new tab does not share it.
      await tab.reload();
      await tab.waitForSelector('#app:not([hidden])');
      const other = await context.newPage();
      await other.goto(baseUrl);
      await other.waitForSelector('#auth-card:not([hidden])');
      expect(await other.evaluate('window.localStorage.length')).toBe(0);
      await other.close();

      // The automatic-processing choice outlives the page: turned off, it stays off after a reload.
      expect(await tab.isChecked('#auto-input')).toBe(true);
      await tab.uncheck('#auto-input');
      await tab.reload();
      await tab.waitForSelector('#app:not([hidden])');
      expect(await tab.isChecked('#auto-input')).toBe(false);
      expect(await tab.evaluate('window.localStorage.getItem("speechCoach.token")')).toBeNull();

      // Sign out forgets the token.
      await tab.getByRole('button', { name: 'Sign out' }).click();
      await tab.waitForSelector('#auth-card:not([hidden])');
      expect(await tab.evaluate('window.sessionStorage.getItem("speechCoach.token")')).toBeNull();
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('follows the system colour scheme', async () => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ colorScheme: 'dark' });
    try {
      const tab = await context.newPage();
      await tab.goto(`${baseUrl}/#token=${await token('browser-user')}`);
      await tab.waitForSelector('#app:not([hidden])');
      const background = () => tab.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      const dark = await background();
      await tab.emulateMedia({ colorScheme: 'light' });
      const light = await background();
      expect(dark).not.toBe(light);
      expect(luminance(dark)).toBeLessThan(luminance(light));
      mkdirSync(ARTIFACTS, { recursive: true });
      await tab.emulateMedia({ colorScheme: 'dark' });
      await tab.screenshot({ path: join(ARTIFACTS, 'dashboard-dark.png') });
    } finally {
      await context.close();
    }
  });
});

/** Relative brightness of a CSS `rgb(r, g, b)` colour, 0..255. */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
