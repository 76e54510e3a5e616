import { join } from 'node:path';
import { escapeHtml, type AnalysisResult } from '@speech/analysis';
import type { AnalysisVersionPage, RecordingView, Transcript } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';
import { eventually, pdfTextOf } from '@speech/testing';
import { clockTime, speakerName } from '@speech/transcript';

jest.setTimeout(10 * 60_000);

const TITLE = 'Cedar Cloud discovery & pricing';

/**
 * The analysis as a report, end to end on the single process: a fixture call analysed by the
 * offline analyst, its details edited, then its report fetched as HTML and as PDF (read back
 * with pdf-parse), to its owner only. Real ffmpeg and Whisper; the waits are bounds, never
 * speed assertions.
 */
describe('the report (HTTP API)', () => {
  const platform = new PlatformProcess();
  let api: Api;
  let token: string;
  let audioId: string;
  let analysis: AnalysisResult;
  let transcript: Transcript;

  beforeAll(async () => {
    await platform.start();
    token = await platform.token('alice');
    api = new Api(platform.url, token);
    const res = await api.upload(join(FIXTURES, 'sales-discovery.stereo.mp3'), {
      autoTranscribe: 'true',
      autoAnalyze: 'true',
    });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    const edit = await fetch(`${platform.url}/audios/${audioId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: TITLE, agent: 'Laura', customer: 'Tom' }),
    });
    if (edit.status !== 200) throw new Error(`edit refused: ${edit.status} ${await edit.text()}`);
    await api.waitFor(audioId, 'analyzed', 8 * 60_000);
    await eventually(
      'the edited title in the read model',
      async () => (await api.json<RecordingView>(`/audios/${audioId}`)).details.title === TITLE,
      60_000,
      250,
    );
    analysis = await api.json<AnalysisResult>(`/audios/${audioId}/analysis`);
    transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
  });
  afterAll(() => platform.cleanup());

  const report = (query: string, as: Api = api) => as.get(`/audios/${audioId}/report${query}`);
  /** A turn from the middle of the call: its time, speaker and first words, as the report's transcript prints them. */
  const turn = () => {
    const long = transcript.segments.filter((s) => s.text.trim().split(/\s+/).length >= 4);
    const s = long[Math.floor(long.length / 2)];
    if (!s) throw new Error(`no turn of four words: ${JSON.stringify(transcript.segments)}`);
    const words = s.text.trim().split(/\s+/).slice(0, 3).join(' ');
    return { time: clockTime(s.startMs), speaker: speakerName(s.speaker), words };
  };

  it('sends the HTML report, a download named after the title, with the summary, quotes and transcript', async () => {
    const res = await report('?format=html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="Cedar Cloud discovery & pricing\.report\.html"/,
    );
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<h1>${escapeHtml(TITLE)}</h1>`);
    expect(analysis.summary.trim()).not.toBe('');
    expect(html).toContain(escapeHtml(analysis.summary.trim()));
    expect(analysis.issues.length).toBeGreaterThan(0);
    for (const issue of analysis.issues) expect(html).toContain(`<q>${escapeHtml(issue.quote)}</q>`);
    const t = turn();
    expect(html).toContain(
      `<tr><td class="time">${t.time}</td><td class="speaker">${t.speaker}</td><td>${escapeHtml(t.words)}`,
    );
    expect(html).toContain('<dt>Agent</dt><dd>Laura</dd>');
    // No format: the HTML too.
    const plain = await report('');
    expect(plain.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('sends the PDF report, which a PDF reader reads: the title and what was said', async () => {
    const res = await report('?format=pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/filename="Cedar Cloud discovery & pricing\.report\.pdf"/);
    const pdf = new Uint8Array(await res.arrayBuffer());
    const text = (await pdfTextOf(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain(TITLE);
    const t = turn();
    expect(text).toContain(`${t.time} ${t.speaker}: ${t.words}`);
  });

  it('reports on the analysis version asked for', async () => {
    const [latest] = (await api.json<AnalysisVersionPage>(`/audios/${audioId}/analyses`)).items;
    const res = await report(`?format=html&analysisId=${latest?.analysisId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`.report-${latest?.analysisId.slice(0, 8)}.html"`);
    expect(await res.text()).toContain(`analysis ${latest?.analysisId}`);
    expect(await errorOf(await report('?format=pdf&analysisId=nope'))).toMatchObject({
      status: 404,
      code: 'ANALYSIS.NOT_FOUND',
    });
  });

  it('refuses an unknown format with 400 and a JSON reason', async () => {
    const res = await report('?format=docx');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'EXPORT.UNKNOWN_FORMAT' });
  });

  it('shows another user, and nobody without a token, nothing', async () => {
    const mallory = new Api(platform.url, await platform.token('mallory'));
    for (const format of ['html', 'pdf']) {
      expect(await errorOf(await report(`?format=${format}`, mallory))).toMatchObject({
        status: 404,
        code: 'AUDIO.NOT_FOUND',
      });
    }
    expect((await fetch(`${platform.url}/audios/${audioId}/report?format=pdf`)).status).toBe(401);
  });

  it('answers a recording without an analysis as the analysis export does: 404 ANALYSIS.NOT_FOUND', async () => {
    const res = await api.upload(join(FIXTURES, 'product-names.stereo.mp3'), { autoTranscribe: 'false' });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { audioId: string }).audioId;
    for (const format of ['html', 'pdf']) {
      expect(await errorOf(await api.get(`/audios/${id}/report?format=${format}`))).toMatchObject({
        status: 404,
        code: 'ANALYSIS.NOT_FOUND',
      });
    }
  });
});
