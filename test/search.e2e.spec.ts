import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Page } from 'playwright-core';
import type { Transcript } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';
import type { SearchPage } from '@speech/search';

jest.setTimeout(10 * 60_000);

/**
 * Search, end to end on the single process: a call uploaded and transcribed (real ffmpeg and
 * Whisper) is found by a phrase of its transcript, at the right segment, speaker and time; by its
 * title and tags; by its owner only. The waits are bounds, never speed assertions.
 */
describe('search (HTTP API)', () => {
  const platform = new PlatformProcess();
  let api: Api;
  let bob: Api;
  let audioId: string;
  let transcript: Transcript;

  beforeAll(async () => {
    await platform.start();
    api = new Api(platform.url, await platform.token('alice'));
    bob = new Api(platform.url, await platform.token('bob'));
    const metadata = JSON.stringify({ title: 'Bluewave outage escalation', tags: ['outage', 'VIP'] });
    const res = await api.upload(join(FIXTURES, 'support-outage.stereo.mp3'), { autoTranscribe: 'true', metadata });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    await api.waitFor(audioId, 'transcribed', 8 * 60_000);
    transcript = (await (await api.get(`/audios/${audioId}/transcript`)).json()) as Transcript;
  });
  afterAll(() => platform.cleanup());

  const search = async (who: Api, query: string) => {
    const res = await who.get(`/search?${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SearchPage;
  };

  /** A segment of the transcript after its first second, and three words of it as Whisper heard them. */
  function phraseOfTranscript(): { index: number; phrase: string } {
    const words = (s: string) => s.match(/[\p{L}\p{N}]+/gu) ?? [];
    // Not at 0: a player that never seeks must not pass the dashboard case.
    const index = transcript.segments.findIndex((s) => words(s.text).length >= 6 && s.startMs > 1000);
    const seg = transcript.segments[index];
    if (!seg) throw new Error('no segment of six words in the transcript');
    return { index, phrase: words(seg.text).slice(2, 5).join(' ') };
  }

  it('finds a phrase of the transcript: the recording, the segment, its speaker and time', async () => {
    const { index, phrase } = phraseOfTranscript();
    const seg = transcript.segments[index];
    const page = await search(api, `q=${encodeURIComponent(`"${phrase}"`)}`);
    const hit = page.hits.find((h) => h.segment === index);
    expect(hit).toEqual({
      audioId,
      title: 'Bluewave outage escalation',
      createdAt: expect.any(Number),
      segment: index,
      speaker: seg?.speaker,
      startMs: seg?.startMs,
      endMs: seg?.endMs,
      snippet: expect.stringContaining('<mark>'),
    });
    // Every hit of a phrase really holds it.
    for (const h of page.hits.filter((x) => x.segment !== null)) {
      const text = transcript.segments[h.segment ?? -1]?.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ');
      expect(` ${text} `).toContain(` ${phrase.toLowerCase()} `);
    }
  });

  it('finds the title and the tags, and filters by tag and status', async () => {
    const byTitle = await search(api, 'q=bluewave+escalation');
    expect(byTitle.hits).toContainEqual(expect.objectContaining({ audioId, segment: null }));
    expect((await search(api, 'q=escalation&tag=vip&status=transcribed')).hits).toHaveLength(1);
    expect((await search(api, 'q=escalation&tag=other')).hits).toEqual([]);
    expect((await search(api, 'q=escalation&status=analyzed')).hits).toEqual([]);
  });

  it('finds nothing of another user’s recordings', async () => {
    const { phrase } = phraseOfTranscript();
    expect((await search(bob, `q=${encodeURIComponent(phrase)}`)).hits).toEqual([]);
    expect((await search(bob, 'q=bluewave')).hits).toEqual([]);
  });

  it.each([
    ['no q', 'status=ready'],
    ['a q without words', 'q=%22%22'],
    ['an unknown sort', 'q=cable&sort=longest'],
    ['an unknown status', 'q=cable&status=done'],
    ['a bad limit', 'q=cable&limit=0'],
    ['a bad date', 'q=cable&from=yesterday'],
    ['a cursor it did not give', 'q=cable&cursor=abc'],
  ])('answers %s with a 400 and a JSON reason', async (_what, query) => {
    const res = await api.get(`/search?${query}`);
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'SEARCH.BAD_REQUEST' });
  });

  it('in the dashboard: a hit opens the recording with the player at the hit’s time', async () => {
    const chromiumPath = '/usr/bin/chromium';
    if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: run "bash scripts/setup.sh --test"`);
    const { index, phrase } = phraseOfTranscript();
    const seg = transcript.segments[index];
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${platform.url}/#token=${api.token}`);
      await page.fill('#search-input', `"${phrase}"`);
      await page.press('#search-input', 'Enter');
      const hit = page.locator(`.search-hit-open[data-start-ms="${seg?.startMs}"]`).first();
      await hit.waitFor({ timeout: 30_000 });
      expect(await hit.locator('mark').count()).toBeGreaterThan(0);
      await hit.click();
      await waitUntil(
        page,
        `(() => { const a = document.querySelector('#detail audio'); return !!a && Math.abs(a.currentTime * 1000 - ${seg?.startMs}) < 50; })()`,
        30_000,
      );
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('needs a token', async () => {
    const res = await fetch(`${platform.url}/search?q=cable`);
    expect(res.status).toBe(401);
  });
});

/** Polls a page expression until it is true (a bound, not a speed assertion). */
async function waitUntil(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs / 1000} s: ${expression}`);
    await sleep(100);
  }
}
