import { join } from 'node:path';
import {
  AnalysisResultSchema,
  callFigures,
  DEFAULT_SCORECARD_TEMPLATE,
  scoreCall,
  type Scorecard,
} from '@speech/analysis';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';
import { asWho, mintViewers } from './support/as-who';

jest.setTimeout(10 * 60_000);

/**
 * Scorecards on the single process (issue #15's team view): agent a1 of team red uploads a call,
 * it is analysed, and GET /audios/:id/scorecard answers what scoreCall gives for the stored
 * analysis and the default template; red's manager m reads the same; b1 of team blue gets a 404.
 * Real ffmpeg and Whisper; the wait is a bound.
 */
describe('scorecards (issue #15)', () => {
  const platform = new PlatformProcess();
  const file = join(FIXTURES, 'product-names.stereo.mp3');
  const tokens: Record<string, string> = {};
  let audioId = '';

  const { as } = asWho(() => platform.url, tokens);

  beforeAll(async () => {
    await platform.start();
    await mintViewers(platform.secret, tokens, {
      a1: ['agent', ['red']],
      b1: ['agent', ['blue']],
      m: ['manager', ['red']],
    });
    const api = new Api(platform.url, tokens.a1);
    const res = await api.upload(file, { autoTranscribe: 'true', autoAnalyze: 'true' });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    await api.waitFor(audioId, 'analyzed', 600_000);
  });
  afterAll(async () => {
    await platform.cleanup();
  });

  it("scores the stored analysis with the template, for the owner and the team's manager", async () => {
    const stored = await as('a1', `/audios/${audioId}/analysis`);
    expect(stored.status).toBe(200);
    const analysis = AnalysisResultSchema.parse(await stored.json());
    const figures = callFigures(analysis);
    if (!figures) throw new Error('the stereo fixture names an agent');
    const want = scoreCall(DEFAULT_SCORECARD_TEMPLATE, analysis, figures);
    for (const who of ['a1', 'm']) {
      const res = await as(who, `/audios/${audioId}/scorecard`);
      expect([who, res.status]).toEqual([who, 200]);
      const card = (await res.json()) as Scorecard & { audioId: string };
      expect(card.audioId).toBe(audioId);
      expect(card.criteria).toEqual(want.criteria);
      expect(card.totalPercent).toBe(want.totalPercent);
    }
  });

  it('answers 404 to an agent of another team, and for a recording that is not there', async () => {
    const res = await as('b1', `/audios/${audioId}/scorecard`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AUDIO.NOT_FOUND');
    expect((await as('a1', '/audios/00000000-0000-4000-8000-000000000000/scorecard')).status).toBe(404);
  });
});
