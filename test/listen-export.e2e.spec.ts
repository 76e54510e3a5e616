import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@plussub/srt-vtt-parser';
import type { Transcript } from '@speech/contracts';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';

jest.setTimeout(10 * 60_000);

/**
 * Listening and exporting, end to end on the single process: the source recording streamed
 * with byte ranges (as a browser's <audio> asks for it), and the transcript and metrics as
 * downloads. Real ffmpeg and Whisper; the waits are bounds, never speed assertions.
 */
describe('listen and export (HTTP API)', () => {
  const platform = new PlatformProcess();
  const file = join(FIXTURES, 'product-names.stereo.mp3');
  const bytes = readFileSync(file);
  let api: Api;
  let token: string;
  let audioId: string;

  beforeAll(async () => {
    await platform.start();
    token = await platform.token('alice');
    api = new Api(platform.url, token);
    const res = await api.upload(file, { autoTranscribe: 'true', autoAnalyze: 'true' });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    audioId = ((await res.json()) as { audioId: string }).audioId;
  });
  afterAll(() => platform.cleanup());

  const audio = (headers: Record<string, string> = {}, query = '') =>
    fetch(`${platform.url}/audios/${audioId}/audio${query}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  describe('GET /audios/:id/audio', () => {
    it('sends the whole recording with its media type, and says ranges are accepted', async () => {
      const res = await audio();
      expect(res.status).toBe(200);
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('content-type')).toBe('audio/mpeg');
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it.each([
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, bytes.length - 1],
      ['bytes=-500', bytes.length - 500, bytes.length - 1],
      ['bytes=100-999999999', 100, bytes.length - 1],
    ])('answers %s with 206 and exactly those bytes', async (range, start, end) => {
      const res = await audio({ range });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    it('answers a range past the end with 416, the size, and a JSON reason', async () => {
      const res = await audio({ range: `bytes=${bytes.length}-` });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await errorOf(res)).toMatchObject({ status: 416, code: 'HTTP.RANGE_NOT_SATISFIABLE' });
    });

    it('takes the token as ?access_token= (an <audio> element sends no headers)', async () => {
      const res = await fetch(`${platform.url}/audios/${audioId}/audio?access_token=${token}`, {
        headers: { range: 'bytes=0-3' },
      });
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(0, 4))).toBe(true);
    });

    it('answers HEAD with the headers only', async () => {
      const res = await fetch(`${platform.url}/audios/${audioId}/audio`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
    });

    it('shows another user, and nobody without a token, nothing', async () => {
      const other = await platform.token('mallory');
      const res = await fetch(`${platform.url}/audios/${audioId}/audio?access_token=${other}`);
      expect(await errorOf(res)).toMatchObject({ status: 404, code: 'AUDIO.NOT_FOUND' });
      expect((await fetch(`${platform.url}/audios/${audioId}/audio`)).status).toBe(401);
      expect((await fetch(`${platform.url}/audios/${audioId}/audio?access_token=forged`)).status).toBe(401);
    });

    it('survives a client that goes away in the middle', async () => {
      const ctl = new AbortController();
      const res = await fetch(`${platform.url}/audios/${audioId}/audio?access_token=${token}`, { signal: ctl.signal });
      const reader = res.body?.getReader();
      await reader?.read();
      ctl.abort();
      const again = await audio({ range: 'bytes=0-0' });
      expect(again.status).toBe(206);
      expect(platform.stderr).not.toMatch(/request failed/);
    });
  });

  describe('exports', () => {
    let transcript: Transcript;

    beforeAll(async () => {
      await api.waitFor(audioId, 'analyzed', 8 * 60_000);
      transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
    });

    const download = async (path: string) => {
      const res = await api.get(path);
      expect(res.status).toBe(200);
      return { res, text: await res.text() };
    };

    it('exports SRT and WebVTT that a subtitle parser reads, with the speakers named', async () => {
      const srt = await download(`/audios/${audioId}/transcript?format=srt`);
      expect(srt.res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="product-names\.stereo\.transcript\.srt"/,
      );
      const srtCues = parse(srt.text).entries;
      expect(srtCues.length).toBeGreaterThan(0);
      expect(srtCues.every((c) => /^(Agent|Customer): /.test(c.text))).toBe(true);
      expect(srtCues[0]?.from).toBeGreaterThanOrEqual(0);

      const vtt = await download(`/audios/${audioId}/transcript?format=vtt`);
      expect(vtt.res.headers.get('content-type')).toMatch(/^text\/vtt/);
      expect(vtt.text.startsWith('WEBVTT')).toBe(true);
      const vttCues = parse(vtt.text).entries;
      expect(vttCues).toHaveLength(srtCues.length);
      expect(vttCues.every((c) => /^<v (Agent|Customer)>/.test(c.text))).toBe(true);
      const words = transcript.segments.flatMap((s) => s.words).length;
      expect(
        vttCues
          .map((c) => c.text.replace(/^<v [^>]+>/, ''))
          .join(' ')
          .split(/\s+/),
      ).toHaveLength(words);
    });

    it('exports text and JSON', async () => {
      const txt = await download(`/audios/${audioId}/transcript?format=txt`);
      expect(txt.res.headers.get('content-disposition')).toMatch(/filename="product-names\.stereo\.transcript\.txt"/);
      expect(txt.text.trimEnd().split('\n')).toHaveLength(transcript.segments.length);
      expect(txt.text).toMatch(/^\[\d{2}:\d{2}\] (Agent|Customer): /);
      const json = await download(`/audios/${audioId}/transcript?format=json`);
      expect((JSON.parse(json.text) as Transcript).segments).toEqual(transcript.segments);
    });

    it('exports the metrics as CSV', async () => {
      const csv = await download(`/audios/${audioId}/analysis?format=csv`);
      expect(csv.res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.res.headers.get('content-disposition')).toMatch(/filename="product-names\.stereo\.metrics\.csv"/);
      const [header, call, ...speakers] = csv.text.trimEnd().split('\r\n');
      expect(header?.split(',')).toEqual(
        expect.arrayContaining(['talk_ratio', 'questions', 'sentiment_score', 'issues']),
      );
      expect(call?.startsWith('call,')).toBe(true);
      expect(speakers.length).toBeGreaterThanOrEqual(2);
    });

    it('lists every recording as CSV', async () => {
      const csv = await download('/all?format=csv');
      expect(csv.res.headers.get('content-disposition')).toMatch(/filename="recordings\.csv"/);
      const [header, ...rows] = csv.text.trimEnd().split('\r\n');
      expect(header?.startsWith('audio_id,filename,status,')).toBe(true);
      expect(rows).toEqual([expect.stringMatching(new RegExp(`^${audioId},product-names\\.stereo\\.mp3,analyzed,`))]);
      expect(await errorOf(await api.get('/all?format=xml'))).toMatchObject({
        status: 400,
        code: 'EXPORT.UNKNOWN_FORMAT',
      });
    });

    it('refuses an unknown format with 400 and a JSON reason, and keeps the inline forms', async () => {
      expect(await errorOf(await api.get(`/audios/${audioId}/transcript?format=docx`))).toMatchObject({
        status: 400,
        code: 'EXPORT.UNKNOWN_FORMAT',
      });
      expect(await errorOf(await api.get(`/audios/${audioId}/analysis?format=xlsx`))).toMatchObject({
        status: 400,
        code: 'EXPORT.UNKNOWN_FORMAT',
      });
      const text = await api.get(`/audios/${audioId}/transcript?format=text`);
      expect(text.headers.get('content-disposition')).toBeNull();
      expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    });
  });
});
