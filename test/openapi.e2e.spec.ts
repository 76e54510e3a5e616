import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument, type HttpMethod, type OpenApiDocument } from '@speech/api-spec';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';
import { signToken } from '@speech/platform';
import { eventually } from '@speech/testing';
import { OpenApiChecker, type Checked } from './support/openapi-check';

jest.setTimeout(10 * 60_000);

/**
 * The OpenAPI document against the real single process: every documented operation is called
 * (successes and the errors a client can cause), and each answer's status, media type and JSON
 * body must be what the document says. Real ffmpeg and Whisper; the waits are bounds.
 */
describe('the API answers as its OpenAPI document says', () => {
  const METRICS_TOKEN = 'metrics-token-for-the-e2e';
  const platform = new PlatformProcess(undefined, { METRICS_TOKEN });
  const file = join(FIXTURES, 'product-names.stereo.mp3');
  const bytes = readFileSync(file);
  let doc: OpenApiDocument;
  let checker: OpenApiChecker;
  let api: Api;
  let token: string;
  /** Uploaded with POST /upload, transcribed and analysed by the test's own commands. */
  let audioId: string;
  /** Uploaded in parts (POST /uploads …), never transcribed: the "not yet" answers. */
  let partedId: string;

  /** Calls `method url` and checks the answer against `method template` in the document. */
  async function call(
    method: HttpMethod,
    template: string,
    url: string,
    init: { headers?: Record<string, string>; body?: RequestInit['body']; auth?: boolean } = {},
  ): Promise<Checked> {
    const headers = { ...(init.auth === false ? {} : { authorization: `Bearer ${token}` }), ...init.headers };
    const res = await fetch(url.startsWith('http') ? url : `${platform.url}${url}`, {
      method: method.toUpperCase(),
      headers,
      body: init.body,
    });
    const checked = await checker.check(method, template, res);
    if (checked.problems.length)
      throw new Error(`${method.toUpperCase()} ${url} → ${checked.status}:\n  ${checked.problems.join('\n  ')}`);
    return checked;
  }
  const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const codeOf = (c: Checked) => (c.body as { error?: { code?: string } }).error?.code;

  beforeAll(async () => {
    await platform.start();
    token = await platform.token('alice');
    api = new Api(platform.url, token);
    doc = (await (await fetch(`${platform.url}/openapi.json`)).json()) as OpenApiDocument;
    checker = new OpenApiChecker(doc);
  });
  afterAll(() => platform.cleanup());

  it('serves the document it was built from, and the docs page', async () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const served = await call('get', '/openapi.json', '/openapi.json', { auth: false });
    expect(served.body).toEqual(doc);
    const page = await call('get', '/docs', '/docs', { auth: false });
    expect(page.text).toContain('/docs/assets/swagger-ui-bundle.js');
  });

  it('answers the operational routes', async () => {
    await call('get', '/healthz', '/healthz', { auth: false });
    expect((await call('get', '/readyz', '/readyz', { auth: false })).status).toBe(200);
    expect((await call('get', '/metrics', '/metrics', { auth: false })).status).toBe(401);
    const metrics = await call('get', '/metrics', '/metrics', {
      auth: false,
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.text).toMatch(/^# TYPE process_uptime_seconds gauge/);
  });

  it('checks what it should: a body that breaks the schema is caught', async () => {
    const view = await call('get', '/audios/{audioId}', `/audios/does-not-exist`);
    expect(view.status).toBe(404);
    const schema = doc.paths['/audios/{audioId}']?.get?.responses['200']?.content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    if (!schema) return;
    expect(checker.validate(schema, { audioId: 'x', status: 'bogus' })).not.toEqual([]);
    expect(checker.validate(doc.components.schemas.Error ?? {}, { error: { code: 'X' } })).not.toEqual([]);
  });

  it('uploads, and refuses bad uploads with the documented errors', async () => {
    const form = (parts: [string, Blob | string, string?][]) => {
      const f = new FormData();
      for (const [k, v, name] of parts)
        if (typeof v === 'string') f.append(k, v);
        else f.append(k, v, name);
      return f;
    };
    const up = await call('post', '/upload', '/upload', { body: form([['file', new Blob([bytes]), 'call.mp3']]) });
    expect(up.status).toBe(201);
    audioId = (up.body as { audioId: string }).audioId;

    const cases: [FormData, number, string][] = [
      [form([['metadata', '{}']]), 400, 'UPLOAD.BAD_REQUEST'],
      [
        form([
          ['metadata', '[1]'],
          ['file', new Blob([bytes]), 'call.mp3'],
        ]),
        400,
        'UPLOAD.BAD_REQUEST',
      ],
      [
        form([
          ['metadata', '{"a.b":1}'],
          ['file', new Blob([bytes]), 'call.mp3'],
        ]),
        400,
        'UPLOAD.BAD_METADATA',
      ],
      [form([['file', new Blob([Buffer.alloc(8192, 7)]), 'noise.mp3']]), 415, 'UPLOAD.NOT_AUDIO'],
      [form([['file', new Blob([]), 'empty.mp3']]), 422, 'UPLOAD.EMPTY'],
    ];
    for (const [body, status, code] of cases) {
      const refused = await call('post', '/upload', '/upload', { body });
      expect([refused.status, codeOf(refused)]).toEqual([status, code]);
    }
    const anonymous = await call('post', '/upload', '/upload', {
      auth: false,
      body: form([['file', new Blob([bytes]), 'a.mp3']]),
    });
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'AUTH.UNAUTHORIZED']);
  });

  it('takes a resumable upload part by part', async () => {
    const created = await call(
      'post',
      '/uploads',
      '/uploads',
      json({ filename: 'parted.mp3', sizeBytes: bytes.length, contentType: 'audio/mpeg' }),
    );
    expect(created.status).toBe(201);
    partedId = (created.body as { audioId: string }).audioId;
    expect((await call('post', '/uploads', '/uploads', json({ filename: '' }))).status).toBe(400);
    const bad = await call('post', '/uploads', '/uploads', {
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect([bad.status, codeOf(bad)]).toEqual([400, 'HTTP.BAD_REQUEST']);

    expect((await call('get', '/uploads/{audioId}', `/uploads/${partedId}`)).status).toBe(200);
    expect((await call('get', '/uploads/{audioId}', '/uploads/nope')).status).toBe(404);
    expect((await call('get', '/uploads/{audioId}/parts/{n}', `/uploads/${partedId}/parts/99`)).status).toBe(400);
    const part = await call('get', '/uploads/{audioId}/parts/{n}', `/uploads/${partedId}/parts/1`);
    const { url } = part.body as { url: string };
    const data = '/uploads/{audioId}/parts/{n}/data';
    const forged = await call('put', data, url.replace(/signature=[^&]+/, 'signature=forged'), {
      auth: false,
      body: bytes,
    });
    expect([forged.status, codeOf(forged)]).toEqual([403, 'UPLOAD.FORBIDDEN']);
    const wrongMd5 = await call('put', data, url, {
      auth: false,
      body: bytes,
      headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
    });
    expect([wrongMd5.status, codeOf(wrongMd5)]).toEqual([400, 'UPLOAD.BAD_DIGEST']);
    const put = await call('put', data, url, { auth: false, body: bytes });
    expect(put.status).toBe(200);
    const { etag } = put.body as { etag: string };

    const done = await call(
      'post',
      '/uploads/{audioId}/complete',
      `/uploads/${partedId}/complete`,
      json({ parts: [{ partNumber: 1, etag }] }),
    );
    expect(done.status).toBe(201);
    const again = await call(
      'post',
      '/uploads/{audioId}/complete',
      `/uploads/${partedId}/complete`,
      json({ parts: [{ partNumber: 1, etag }] }),
    );
    expect([again.status, codeOf(again)]).toEqual([409, 'UPLOAD.INVALID_STATE']);
    expect((await call('get', '/uploads/{audioId}', `/uploads/${partedId}`)).status).toBe(409);

    const abandoned = await call('post', '/uploads', '/uploads', json({ filename: 'gone.mp3', sizeBytes: 10 }));
    const goneId = (abandoned.body as { audioId: string }).audioId;
    expect((await call('delete', '/uploads/{audioId}', `/uploads/${goneId}`)).status).toBe(204);
    expect((await call('delete', '/uploads/{audioId}', `/uploads/${goneId}`)).status).toBe(404);
  });

  it('runs the commands, refusing them in the wrong state', async () => {
    await api.waitFor(audioId, 'ready', 3 * 60_000);
    const early = await call('post', '/analyze/{audioId}', `/analyze/${audioId}`);
    expect([early.status, codeOf(early)]).toEqual([409, 'AUDIO.INVALID_STATE']);
    expect((await call('post', '/transcribe/{audioId}', '/transcribe/nope')).status).toBe(404);
    // Cancel: nothing to cancel yet (409), an unknown recording (404); the parted upload is
    // transcribed and cancelled at once (202), and stays without a transcript.
    const cancel = '/transcribe/{audioId}/cancel';
    expect((await call('post', cancel, '/transcribe/nope/cancel')).status).toBe(404);
    const nothing = await call('post', cancel, `/transcribe/${audioId}/cancel`);
    expect([nothing.status, codeOf(nothing)]).toEqual([409, 'AUDIO.INVALID_STATE']);
    await api.waitFor(partedId, 'ready', 3 * 60_000);
    expect((await call('post', '/transcribe/{audioId}', `/transcribe/${partedId}`)).status).toBe(202);
    const cancelled = await call('post', cancel, `/transcribe/${partedId}/cancel`);
    expect([cancelled.status, (cancelled.body as { status: string }).status]).toEqual([202, 'cancelled']);
    await api.waitFor(partedId, 'cancelled', 3 * 60_000);
    expect(
      (await call('post', '/transcribe/{audioId}', `/transcribe/${audioId}`, json({ phrases: ['Stormvault'] }))).status,
    ).toBe(202);
    await api.waitFor(audioId, 'transcribed', 8 * 60_000);
    const twice = await call('post', '/transcribe/{audioId}', `/transcribe/${audioId}`);
    expect([twice.status, codeOf(twice)]).toEqual([409, 'AUDIO.INVALID_STATE']);
    const late = await call('post', cancel, `/transcribe/${audioId}/cancel`);
    expect([late.status, codeOf(late)]).toEqual([409, 'AUDIO.INVALID_STATE']);
    expect((await call('post', '/analyze/{audioId}', `/analyze/${audioId}`)).status).toBe(202);
    await api.waitFor(audioId, 'analyzed', 5 * 60_000);
  });

  it('reads recordings, transcripts and analyses in every format', async () => {
    const ok = async (template: string, url: string, type: string) => {
      const c = await call('get', template, url);
      expect([c.status, c.contentType.split(';')[0]]).toEqual([200, type]);
      return c;
    };
    expect((await ok('/audios/{audioId}', `/audios/${audioId}`, 'application/json')).body).toMatchObject({
      status: 'analyzed',
    });
    const page = await ok('/all', '/all?limit=1', 'application/json');
    expect((page.body as { nextCursor: string | null }).nextCursor).not.toBeNull();
    await ok('/all', `/all?cursor=${(page.body as { nextCursor: string }).nextCursor}`, 'application/json');
    await ok('/all', '/all?status=analyzed', 'application/json');
    await ok('/all', '/all?format=csv', 'text/csv');
    const transcript = '/audios/{audioId}/transcript';
    await ok(transcript, `/audios/${audioId}/transcript`, 'application/json');
    await ok(transcript, `/audios/${audioId}/transcript?format=text`, 'text/plain');
    await ok(transcript, `/audios/${audioId}/transcript?format=txt`, 'text/plain');
    expect((await ok(transcript, `/audios/${audioId}/transcript?format=json`, 'application/json')).body).toHaveProperty(
      'speakerNames',
    );
    await ok(transcript, `/audios/${audioId}/transcript?format=srt`, 'application/x-subrip');
    await ok(transcript, `/audios/${audioId}/transcript?format=vtt`, 'text/vtt');
    const analysis = '/audios/{audioId}/analysis';
    await ok(analysis, `/audios/${audioId}/analysis`, 'application/json');
    await ok(analysis, `/audios/${audioId}/analysis?format=json`, 'application/json');
    await ok(analysis, `/audios/${audioId}/analysis?format=csv`, 'text/csv');
    await ok('/audios/{audioId}/scorecard', `/audios/${audioId}/scorecard`, 'application/json');
    const said = (await api.json<{ segments: { text: string }[] }>(`/audios/${audioId}/transcript`)).segments
      .flatMap((s) => s.text.split(/\W+/))
      .find((w) => w.length >= 5);
    const found = await ok('/search', `/search?q=${encodeURIComponent(said ?? 'missing')}`, 'application/json');
    expect((found.body as { hits: { audioId: string }[] }).hits).toContainEqual(expect.objectContaining({ audioId }));
    const versions = await ok('/audios/{audioId}/analyses', `/audios/${audioId}/analyses`, 'application/json');
    const [latest] = (versions.body as { items: { analysisId: string; latest: boolean }[] }).items;
    expect(latest?.latest).toBe(true);
    const version = '/audios/{audioId}/analyses/{analysisId}';
    await ok(version, `/audios/${audioId}/analyses/${latest?.analysisId}`, 'application/json');
    await ok(version, `/audios/${audioId}/analyses/${latest?.analysisId}?format=csv`, 'text/csv');
    const report = '/audios/{audioId}/report';
    await ok(report, `/audios/${audioId}/report`, 'text/html');
    await ok(report, `/audios/${audioId}/report?format=html`, 'text/html');
    await ok(report, `/audios/${audioId}/report?format=pdf`, 'application/pdf');
    await ok(report, `/audios/${audioId}/report?format=pdf&analysisId=${latest?.analysisId}`, 'application/pdf');
  });

  it('answers bad reads with the documented errors', async () => {
    const refused = async (template: string, url: string, status: number, code: string, auth = true) => {
      const c = await call('get', template, url, { auth });
      expect([c.status, codeOf(c)]).toEqual([status, code]);
    };
    await refused('/all', '/all?format=xml', 400, 'EXPORT.UNKNOWN_FORMAT');
    await refused('/all', '/all?cursor=garbage', 400, 'QUERY.BAD_REQUEST');
    await refused('/all', '/all', 401, 'AUTH.UNAUTHORIZED', false);
    await refused('/audios/{audioId}', `/audios/${audioId}`, 401, 'AUTH.UNAUTHORIZED', false);
    await refused(
      '/audios/{audioId}/transcript',
      `/audios/${audioId}/transcript?format=docx`,
      400,
      'EXPORT.UNKNOWN_FORMAT',
    );
    await refused('/audios/{audioId}/transcript', '/audios/nope/transcript', 404, 'AUDIO.NOT_FOUND');
    await refused('/audios/{audioId}/transcript', `/audios/${partedId}/transcript`, 404, 'TRANSCRIPT.NOT_FOUND');
    await refused('/audios/{audioId}/analysis', `/audios/${audioId}/analysis?format=pdf`, 400, 'EXPORT.UNKNOWN_FORMAT');
    await refused('/audios/{audioId}/analysis', '/audios/nope/analysis', 404, 'AUDIO.NOT_FOUND');
    await refused('/audios/{audioId}/analysis', `/audios/${partedId}/analysis`, 404, 'ANALYSIS.NOT_FOUND');
    await refused('/audios/{audioId}/scorecard', '/audios/nope/scorecard', 404, 'AUDIO.NOT_FOUND');
    await refused('/audios/{audioId}/scorecard', `/audios/${partedId}/scorecard`, 409, 'SCORECARD.NOT_ANALYSED');
    await refused('/audios/{audioId}/audio', '/audios/nope/audio', 404, 'AUDIO.NOT_FOUND');
    await refused('/audios/{audioId}/analyses', '/audios/nope/analyses', 404, 'AUDIO.NOT_FOUND');
    await refused('/search', '/search', 400, 'SEARCH.BAD_REQUEST');
    await refused('/search', '/search?q=call&sort=loudest', 400, 'SEARCH.BAD_REQUEST');
    await refused('/audios/{audioId}/analyses', `/audios/${audioId}/analyses?cursor=garbage`, 400, 'QUERY.BAD_REQUEST');
    const version = '/audios/{audioId}/analyses/{analysisId}';
    await refused(version, `/audios/${audioId}/analyses/nope`, 404, 'ANALYSIS.NOT_FOUND');
    await refused(version, `/audios/${audioId}/analyses/nope?format=pdf`, 400, 'EXPORT.UNKNOWN_FORMAT');
    const report = '/audios/{audioId}/report';
    await refused(report, `/audios/${audioId}/report?format=docx`, 400, 'EXPORT.UNKNOWN_FORMAT');
    await refused(report, `/audios/${audioId}/report?analysisId=`, 400, 'QUERY.BAD_REQUEST');
    await refused(report, '/audios/nope/report', 404, 'AUDIO.NOT_FOUND');
    await refused(report, `/audios/${partedId}/report?format=pdf`, 404, 'ANALYSIS.NOT_FOUND');
    await refused(report, `/audios/${audioId}/report?analysisId=nope`, 404, 'ANALYSIS.NOT_FOUND');
    await refused(report, `/audios/${audioId}/report`, 401, 'AUTH.UNAUTHORIZED', false);
  });

  it('streams the audio with ranges, by header or ?access_token=', async () => {
    const audio = '/audios/{audioId}/audio';
    const whole = await call('get', audio, `/audios/${audioId}/audio`);
    expect([whole.status, whole.contentType]).toEqual([200, 'audio/mpeg']);
    const part = await call('get', audio, `/audios/${audioId}/audio?access_token=${token}`, {
      auth: false,
      headers: { range: 'bytes=0-99' },
    });
    expect(part.status).toBe(206);
    const past = await call('get', audio, `/audios/${audioId}/audio`, { headers: { range: `bytes=${bytes.length}-` } });
    expect([past.status, codeOf(past)]).toEqual([416, 'HTTP.RANGE_NOT_SATISFIABLE']);
    expect((await call('head', audio, `/audios/${audioId}/audio`)).status).toBe(200);
    expect((await call('head', audio, `/audios/${audioId}/audio`, { headers: { range: 'bytes=0-0' } })).status).toBe(
      206,
    );
  });

  it('opens the live stream with ?access_token=', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${platform.url}/events?access_token=${token}`, { signal: ctl.signal });
    expect(res.status).toBe(200);
    const op = doc.paths['/events']?.get;
    expect(Object.keys(op?.responses['200']?.content ?? {})).toContain(res.headers.get('content-type'));
    const first = await res.body?.getReader().read();
    expect(Buffer.from(first?.value ?? new Uint8Array()).toString()).toMatch(/^retry: /);
    ctl.abort();
    checker.seen.add('GET /events 200');
    expect((await call('get', '/events', '/events', { auth: false })).status).toBe(401);
  });

  it('edits and deletes a recording, refusing bad edits with the documented errors', async () => {
    const one = '/audios/{audioId}';
    const edited = await call('patch', one, `/audios/${audioId}`, json({ title: 'Renewal call', tags: ['renewal'] }));
    expect([edited.status, edited.body]).toMatchObject([
      200,
      { details: { title: 'Renewal call', tags: ['renewal'] } },
    ]);
    const unknown = await call('patch', one, `/audios/${audioId}`, json({ owner: 'bob' }));
    expect([unknown.status, codeOf(unknown)]).toEqual([400, 'AUDIO.BAD_DETAILS']);
    expect((await call('patch', one, '/audios/nope', json({ title: 'x' }))).status).toBe(404);
    const gone = await call('delete', one, `/audios/${partedId}`);
    expect([gone.status, gone.body]).toEqual([202, { audioId: partedId, status: 'deleting' }]);
    expect((await call('delete', one, '/audios/nope')).status).toBe(404);
  });

  it('corrects a transcript, refusing bad corrections with the documented errors', async () => {
    const corrections = '/audios/{audioId}/transcript/corrections';
    const url = `/audios/${audioId}/transcript/corrections`;
    const saved = await call('patch', corrections, url, json({ speakers: { agent: 'Dana Whitfield' } }));
    expect([saved.status, saved.body]).toMatchObject([200, { revision: 1, changes: ['agent named Dana Whitfield'] }]);
    const bad = await call('patch', corrections, url, json({ speakers: { agent: 42 } }));
    expect([bad.status, codeOf(bad)]).toEqual([400, 'CORRECTIONS.BAD_REQUEST']);
    const stale = await call('patch', corrections, url, json({ swapChannels: true, baseRevision: 0 }));
    expect([stale.status, codeOf(stale)]).toEqual([409, 'CORRECTIONS.STALE']);
    expect(
      (await call('patch', corrections, '/audios/nope/transcript/corrections', json({ swapChannels: true }))).status,
    ).toBe(404);
    const listed = await eventually('the correction in the read model', async () => {
      const c = await call('get', corrections, url);
      return (c.body as { revision: number }).revision === 1 && c;
    });
    expect(listed.status).toBe(200);
    expect((await call('get', corrections, '/audios/nope/transcript/corrections')).status).toBe(404);
    const transcript = '/audios/{audioId}/transcript';
    const corrected = await call('get', transcript, `/audios/${audioId}/transcript`);
    expect(corrected.body).toMatchObject({ speakerNames: { agent: 'Dana Whitfield' }, correctionRevision: 1 });
    const original = await call('get', transcript, `/audios/${audioId}/transcript?original=true`);
    expect(original.body).not.toHaveProperty('speakerNames');
    const wrong = await call('get', transcript, `/audios/${audioId}/transcript?original=yes`);
    expect([wrong.status, codeOf(wrong)]).toEqual([400, 'QUERY.BAD_REQUEST']);
  });

  it('registers, lists, reads the log of and removes a webhook, refusing bad ones with the documented errors', async () => {
    const hooks = '/webhooks';
    // A public address literal (no DNS needed), for `failed` only: nothing here fails, nothing is sent.
    const made = await call('post', hooks, hooks, json({ url: 'https://93.184.216.34/hook', events: ['failed'] }));
    expect(made.status).toBe(201);
    const id = (made.body as { id: string }).id;
    const loopback = await call('post', hooks, hooks, json({ url: 'http://127.0.0.1:9/x', events: ['analyzed'] }));
    expect([loopback.status, codeOf(loopback)]).toEqual([400, 'WEBHOOK.PRIVATE_ADDRESS']);
    const unknown = await call('post', hooks, hooks, json({ url: 'https://93.184.216.34/', events: ['paid'] }));
    expect([unknown.status, codeOf(unknown)]).toEqual([400, 'WEBHOOK.BAD_REQUEST']);
    expect((await call('get', hooks, hooks)).body).toMatchObject({ items: [{ id, events: ['failed'] }] });
    const log = '/webhooks/{webhookId}/deliveries';
    expect((await call('get', log, `/webhooks/${id}/deliveries`)).body).toEqual({ items: [] });
    expect((await call('get', log, `/webhooks/${id}/deliveries?limit=500`)).status).toBe(400);
    expect((await call('get', log, '/webhooks/nope/deliveries')).status).toBe(404);
    const one = '/webhooks/{webhookId}';
    expect((await call('delete', one, `/webhooks/${id}`)).status).toBe(204);
    expect((await call('delete', one, `/webhooks/${id}`)).status).toBe(404);
  });

  it('creates, reads, changes and deletes a tracker, refusing bad ones with the documented errors', async () => {
    const created = await call(
      'post',
      '/trackers',
      '/trackers',
      json({ name: 'Thanks', phrases: ['(thank you|thanks)'] }),
    );
    expect(created.status).toBe(201);
    const id = (created.body as { trackerId: string }).trackerId;
    const bad = await call('post', '/trackers', '/trackers', json({ name: 'x', phrases: ['(a|b)?'] }));
    expect([bad.status, codeOf(bad)]).toEqual([400, 'TRACKER.BAD_REQUEST']);
    // The read side has it once the query service has read the event; then its run ends.
    const one = '/trackers/{trackerId}';
    for (const deadline = Date.now() + 120_000; ;) {
      const detail = await call('get', one, `/trackers/${id}`);
      if (detail.status === 200 && (detail.body as { job: { state: string } }).job.state === 'done') break;
      if (Date.now() > deadline) throw new Error(`the tracker's run did not end: ${JSON.stringify(detail.body)}`);
      await new Promise((ok) => setTimeout(ok, 200));
    }
    expect((await call('get', '/trackers', '/trackers')).status).toBe(200);
    expect((await call('get', `${one}/hits`, `/trackers/${id}/hits?limit=5`)).status).toBe(200);
    expect((await call('get', `${one}/hits`, `/trackers/${id}/hits?limit=0`)).status).toBe(400);
    expect((await call('get', one, '/trackers/nope')).status).toBe(404);
    const changed = await call('patch', one, `/trackers/${id}`, json({ part: 'closing' }));
    expect([changed.status, (changed.body as { revision: number }).revision]).toEqual([200, 2]);
    expect((await call('patch', one, `/trackers/${id}`, json({}))).status).toBe(400);
    expect((await call('delete', one, `/trackers/${id}`)).status).toBe(202);
    expect((await call('delete', one, '/trackers/nope')).status).toBe(404);
  });

  it('says how to sign in, and who the token is', async () => {
    expect((await call('get', '/auth/config', '/auth/config', { auth: false })).body).toEqual({ mode: 'token' });
    expect((await call('get', '/auth/me', '/auth/me')).body).toEqual({ id: 'alice', role: 'agent', teams: [] });
    expect((await call('get', '/auth/me', '/auth/me', { auth: false })).status).toBe(401);
  });

  it('creates, uses, lists and revokes a personal API token; a revoked one is refused everywhere', async () => {
    const tokens = '/auth/tokens';
    const created = await call('post', tokens, tokens, json({ name: 'nightly export', expiresInHours: 24 }));
    expect(created.status).toBe(201);
    const { id, token: personal } = created.body as { id: string; token: string };
    const as = (t: string) => ({ headers: { authorization: `Bearer ${t}` }, auth: false });
    // It is the user who made it, on the gateway's routes and on the query service's.
    expect((await call('get', '/auth/me', '/auth/me', as(personal))).body).toMatchObject({ id: 'alice' });
    expect((await call('get', '/all', '/all', as(personal))).status).toBe(200);
    const listed = await call('get', tokens, tokens);
    expect(listed.body).toEqual({ items: [expect.objectContaining({ id, name: 'nightly export', revokedAt: null })] });
    expect(JSON.stringify(listed.body)).not.toContain(personal.split('.')[1]);
    const tooLong = await call('post', tokens, tokens, json({ name: 'x', expiresInHours: 100_000 }));
    expect([tooLong.status, codeOf(tooLong)]).toEqual([400, 'AUTH.BAD_REQUEST']);
    expect((await call('post', tokens, tokens, json({ expiresInHours: 1 }))).status).toBe(400);
    const minted = await call('post', tokens, tokens, {
      ...json({ name: 'y', expiresInHours: 1 }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${personal}` },
      auth: false,
    });
    expect([minted.status, codeOf(minted)]).toEqual([403, 'AUTH.FORBIDDEN']);

    expect((await call('delete', '/auth/tokens/{tokenId}', `/auth/tokens/${id}`)).status).toBe(204);
    expect((await call('delete', '/auth/tokens/{tokenId}', '/auth/tokens/nope')).status).toBe(404);
    // Refused within the verification cache's lifetime: polled, not timed.
    await eventually('the revoked token to be refused', async () => {
      const [me, all] = await Promise.all(
        ['/auth/me', '/all'].map((p) =>
          fetch(`${platform.url}${p}`, { headers: { authorization: `Bearer ${personal}` } }),
        ),
      );
      return me.status === 401 && all.status === 401;
    });
    const refused = await call('get', '/auth/me', '/auth/me', as(personal));
    expect(refused.status).toBe(401);
    expect((await call('get', tokens, tokens)).body).toEqual({
      items: [expect.objectContaining({ id, revokedAt: expect.any(Number) })],
    });
  });

  it('serves the team view to a manager and refuses it to an agent, with the documented answers', async () => {
    const agent = await call('get', '/team/agents', '/team/agents');
    expect([agent.status, codeOf(agent)]).toEqual([403, 'TEAM.FORBIDDEN']);
    const manager = await signToken(platform.secret, 'lead', '1h', { roles: ['manager'], teams: ['red'] });
    const headers = { authorization: `Bearer ${manager}` };
    const view = await call('get', '/team/agents', '/team/agents?weeks=4', { headers });
    expect([view.status, (view.body as { weeks: string[] }).weeks.length]).toEqual([200, 4]);
    expect((await call('get', '/team/agents', '/team/agents?weeks=99', { headers })).status).toBe(400);
  });

  it('serves the objection library, refusing bad queries with the documented errors', async () => {
    const types = await call('get', '/objections/types', '/objections/types');
    expect(types.status).toBe(200);
    expect((types.body as { items: { type: string }[] }).items.map((i) => i.type)).toContain('price');
    const page = await call('get', '/objections', '/objections?type=price&limit=5');
    expect([page.status, (page.body as { type: string }).type]).toEqual([200, 'price']);
    for (const q of ['type=nope', 'type=price&limit=0', 'type=price&cursor=not-a-cursor', '']) {
      const bad = await call('get', '/objections', `/objections?${q}`);
      expect([q, bad.status, codeOf(bad)]).toEqual([q, 400, 'OBJECTION.BAD_REQUEST']);
    }
  });

  it('has reached every documented operation', () => {
    expect(checker.unreached()).toEqual([]);
  });
});
