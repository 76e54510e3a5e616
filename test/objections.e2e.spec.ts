import { join } from 'node:path';
import { callObjections, type AnalysisResult } from '@speech/analysis';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';
import { asWho, mintViewers } from './support/as-who';

jest.setTimeout(20 * 60_000);

/**
 * The objection library (issue #15) on the single process (real ffmpeg and Whisper, the offline
 * analyst): a1 (team red) and b1 (team blue) each upload the sales call; once analysed, every
 * objection each call's own analysis found is in its owner's library, with its quote and time,
 * and its audio answers a Range request; b1, another team's agent, sees none of a1's, and a1 none
 * of b1's; red's manager sees a1's and not b1's. Nothing is hard-coded: what is expected is what
 * the analyst wrote. The waits are bounds.
 */
describe('objection library (HTTP API)', () => {
  const platform = new PlatformProcess();
  const file = join(FIXTURES, 'sales-discovery.stereo.mp3');
  const tokens: Record<string, string> = {};
  const ids: Record<'a1' | 'b1', string> = { a1: '', b1: '' };
  const analyses: Record<'a1' | 'b1', AnalysisResult | null> = { a1: null, b1: null };

  interface Item {
    audioId: string;
    title: string;
    type: string;
    quote: string;
    speaker: string;
    startMs: number;
    endMs: number;
    handled: boolean | null;
    audioUrl: string;
  }

  const { as, json } = asWho(() => platform.url, tokens);

  /** Every objection of `type` the viewer may read, two at a time. */
  async function library(who: string, type: string): Promise<Item[]> {
    const out: Item[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await json<{ items: Item[]; nextCursor: string | null }>(
        who,
        `/objections?type=${type}&limit=2${q}`,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
  const counts = async (who: string) =>
    new Map(
      (await json<{ items: { type: string; count: number }[] }>(who, '/objections/types')).items.map((c) => [
        c.type,
        c.count,
      ]),
    );
  const key = (o: { type: string; quote: string; startMs: number; endMs: number; speaker: string }) =>
    `${o.type}|${o.startMs}|${o.endMs}|${o.speaker}|${o.quote}`;

  beforeAll(async () => {
    await platform.start();
    await mintViewers(platform.secret, tokens, {
      a1: ['agent', ['red']],
      b1: ['agent', ['blue']],
      m: ['manager', ['red']],
      c1: ['agent', ['red']],
    });
    for (const who of ['a1', 'b1'] as const) {
      const res = await new Api(platform.url, tokens[who] ?? '').upload(file, {
        autoTranscribe: 'true',
        autoAnalyze: 'true',
        metadata: JSON.stringify({ title: `Sales call of ${who}` }),
      });
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      ids[who] = ((await res.json()) as { audioId: string }).audioId;
    }
    for (const who of ['a1', 'b1'] as const) {
      await new Api(platform.url, tokens[who] ?? '').waitFor(ids[who], 'analyzed', 15 * 60_000);
      analyses[who] = await json<AnalysisResult>(who, `/audios/${ids[who]}/analysis`);
    }
  });
  afterAll(() => platform.cleanup());

  it("lists every objection of each call's analysis in its owner's library, with its time", async () => {
    for (const who of ['a1', 'b1'] as const) {
      const expected = callObjections(analyses[who] as AnalysisResult);
      // The sales call raises objections (what the analyst found is what is expected below).
      expect(expected.length).toBeGreaterThan(0);
      const byType = await counts(who);
      for (const type of new Set(expected.map((o) => o.type))) {
        const mine = expected.filter((o) => o.type === type);
        expect([type, byType.get(type)]).toEqual([type, mine.length]);
        const items = await library(who, type);
        expect(items.every((i) => i.audioId === ids[who] && i.type === type)).toBe(true);
        expect(items.map(key).sort()).toEqual(mine.map(key).sort());
        expect(items.map((i) => i.handled).sort()).toEqual(mine.map((o) => o.handled).sort());
        for (const i of items) {
          expect(i.title).toBe(`Sales call of ${who}`);
          const t = `#t=${(i.startMs / 1000).toFixed(3)},${(i.endMs / 1000).toFixed(3)}`;
          expect(i.audioUrl).toBe(`/audios/${ids[who]}/audio${t}`);
        }
      }
      // No count for a type the call did not raise.
      const raised = new Set<string>(expected.map((o) => o.type));
      expect([...byType].filter(([type, n]) => !raised.has(type) && n !== 0)).toEqual([]);
    }
  });

  it("plays the objection's audio: its URL answers a Range request with 206", async () => {
    const [first] = callObjections(analyses.a1 as AnalysisResult);
    const [item] = await library('a1', first?.type ?? 'price');
    expect(item).toBeDefined();
    const res = await as('a1', (item as Item).audioUrl.split('#')[0] ?? '', { headers: { range: 'bytes=0-1023' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toMatch(/^bytes 0-1023\//);
    expect((await res.arrayBuffer()).byteLength).toBe(1024);
  });

  it("keeps to the read rule: another team's agent sees none of them, the team's manager sees the team's", async () => {
    const types = [...new Set(callObjections(analyses.a1 as AnalysisResult).map((o) => o.type))];
    for (const type of types) {
      const a1 = (await library('a1', type)).map((i) => i.audioId);
      expect((await library('b1', type)).some((i) => i.audioId === ids.a1)).toBe(false);
      expect(a1.includes(ids.b1)).toBe(false);
      expect(await library('c1', type)).toEqual([]); // red's other agent: no calls of their own
      const m = (await library('m', type)).map((i) => i.audioId);
      expect(m.filter((id) => id === ids.a1)).toEqual(a1);
      expect(m.includes(ids.b1)).toBe(false);
    }
    expect([...(await counts('c1')).values()].every((n) => n === 0)).toBe(true);
  });

  it('answers bad queries with a 400 and a JSON reason', async () => {
    for (const q of ['type=nope', '', 'type=price&limit=0', 'type=price&limit=x', 'type=price&cursor=zz']) {
      const res = await as('a1', `/objections?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OBJECTION.BAD_REQUEST');
    }
    expect((await fetch(`${platform.url}/objections?type=price`)).status).toBe(401);
  });
});
