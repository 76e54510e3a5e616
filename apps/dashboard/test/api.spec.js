// @ts-check
import { ApiError, createApi, errorFromResponse, UNREACHABLE } from '../public/js/api.js';

/**
 * A fetch that answers from a list and records what it was asked.
 * @param {Array<{ status: number, body: string } | 'offline'>} answers
 */
function fakeFetch(answers) {
  /** @type {Array<{ url: string, init: RequestInit }>} */
  const calls = [];
  /** @type {typeof fetch} */
  const impl = async (url, init) => {
    calls.push({ url: String(url), init: init || {} });
    const next = answers.shift();
    if (!next || next === 'offline') throw new TypeError('fetch failed');
    return new Response(next.body, { status: next.status });
  };
  return { impl, calls };
}

/** @param {ReturnType<typeof fakeFetch>} f */
function apiWith(f, token = 'tok-1') {
  /** @type {Array<[ApiError, string]>} */
  const unauthorized = [];
  /** @type {string[]} */
  const accepted = [];
  const api = createApi({
    token: () => token,
    onUnauthorized: (err, t) => unauthorized.push([err, t]),
    onAccepted: (t) => accepted.push(t),
    fetch: f.impl,
  });
  return { api, unauthorized, accepted };
}

describe('api', () => {
  it('sends the bearer token and reads JSON', async () => {
    const f = fakeFetch([{ status: 200, body: '{"items":[],"nextCursor":null}' }]);
    const { api, accepted } = apiWith(f);
    await expect(api.list({ limit: 50, cursor: 'c/1' })).resolves.toEqual({ items: [], nextCursor: null });
    expect(f.calls[0].url).toBe('/all?limit=50&cursor=c%2F1');
    expect(f.calls[0].init.headers).toMatchObject({ Authorization: 'Bearer tok-1', Accept: 'application/json' });
    expect(accepted).toEqual(['tok-1']);
  });

  it('posts a JSON body to start a step', async () => {
    const f = fakeFetch([{ status: 202, body: '{"audioId":"a 1","status":"transcribing"}' }]);
    await apiWith(f).api.start('transcribe', 'a 1');
    expect(f.calls[0]).toMatchObject({ url: '/transcribe/a%201', init: { method: 'POST', body: '{}' } });
    expect(f.calls[0].init.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('reads the corrected or the original transcript, and patches the corrections', async () => {
    const f = fakeFetch([
      { status: 200, body: '{"segments":[]}' },
      { status: 200, body: '{"segments":[]}' },
      { status: 200, body: '{"audioId":"a1","revision":1,"changes":["agent named Dana"]}' },
      { status: 200, body: '{"audioId":"a1","revision":1,"versions":[]}' },
    ]);
    const { api } = apiWith(f);
    await api.transcript('a1');
    await api.transcript('a1', { original: true });
    await expect(api.correctTranscript('a1', { speakers: { agent: 'Dana' }, baseRevision: 0 })).resolves.toMatchObject({
      revision: 1,
    });
    await api.corrections('a1');
    expect(f.calls.map((c) => [c.init.method, c.url])).toEqual([
      ['GET', '/audios/a1/transcript'],
      ['GET', '/audios/a1/transcript?original=true'],
      ['PATCH', '/audios/a1/transcript/corrections'],
      ['GET', '/audios/a1/transcript/corrections'],
    ]);
    expect(JSON.parse(String(f.calls[2].init.body))).toEqual({ speakers: { agent: 'Dana' }, baseRevision: 0 });
  });

  it('cancels a transcription at its own path', async () => {
    const f = fakeFetch([{ status: 202, body: '{"audioId":"a 1","status":"cancelled","requestId":"r1"}' }]);
    await apiWith(f).api.start('cancel', 'a 1');
    expect(f.calls[0]).toMatchObject({ url: '/transcribe/a%201/cancel', init: { method: 'POST', body: '{}' } });
  });

  it('turns the server’s error body into an ApiError', async () => {
    const f = fakeFetch([
      { status: 409, body: '{"error":{"code":"AUDIO.INVALID_STATE","message":"already transcribed"}}' },
    ]);
    const { api, unauthorized } = apiWith(f);
    await expect(api.start('transcribe', 'a1')).rejects.toMatchObject({
      status: 409,
      code: 'AUDIO.INVALID_STATE',
      message: 'already transcribed',
    });
    expect(unauthorized).toEqual([]);
  });

  it('reports a 401 with the token the request used', async () => {
    const f = fakeFetch([{ status: 401, body: '{"error":{"code":"AUTH.UNAUTHORIZED","message":"token expired"}}' }]);
    const { api, unauthorized, accepted } = apiWith(f, 'old-token');
    await expect(api.recording('a1')).rejects.toBeInstanceOf(ApiError);
    expect(unauthorized.map(([err, t]) => [err.message, t])).toEqual([['token expired', 'old-token']]);
    expect(accepted).toEqual([]);
  });

  it('says the server cannot be reached when fetch fails', async () => {
    const { api } = apiWith(fakeFetch(['offline']));
    await expect(api.transcript('a1')).rejects.toMatchObject({ status: 0, code: 'NETWORK', message: UNREACHABLE });
  });

  it('does not call the server without a token', async () => {
    const f = fakeFetch([]);
    const api = createApi({
      token: () => null,
      onUnauthorized: () => undefined,
      onAccepted: () => undefined,
      fetch: f.impl,
    });
    await expect(api.analysis('a1')).rejects.toMatchObject({ status: 401 });
    expect(f.calls).toEqual([]);
  });

  it('keeps a generic message for a body that is not the error JSON', () => {
    expect(errorFromResponse(502, '<html>Bad gateway</html>')).toMatchObject({
      code: 'HTTP.502',
      message: 'The server answered 502.',
    });
  });
});
