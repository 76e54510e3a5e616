// @ts-check
/**
 * The HTTP API as the page uses it: one function per route, the bearer token on every
 * request, and errors as ApiError with the server's `{error:{code,message}}`. New routes
 * (PATCH/DELETE of a recording, exports, search) get a function here.
 */

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').RecordingPage} RecordingPage
 * @typedef {import('./types.js').SearchPage} SearchPage
 * @typedef {import('./types.js').Transcript} Transcript
 * @typedef {import('./types.js').Analysis} Analysis
 * @typedef {import('./types.js').AnalysisVersionPage} AnalysisVersionPage
 * @typedef {import('./types.js').ProcessingAction} ProcessingAction
 * @typedef {import('./types.js').RecordingDetails} RecordingDetails
 * @typedef {import('./types.js').CorrectionsView} CorrectionsView
 */

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 when the server could not be reached
   * @param {string} code the server's error code, e.g. `AUDIO.INVALID_STATE`
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export const UNREACHABLE = 'The server cannot be reached. Check your connection.';

/**
 * The error of a non-2xx answer, from its JSON body when it has one.
 * @param {number} status
 * @param {string} text the response body
 */
export function errorFromResponse(status, text) {
  let code = `HTTP.${status}`;
  let message = `The server answered ${status}.`;
  try {
    const body = JSON.parse(text);
    if (body && body.error) {
      code = typeof body.error.code === 'string' && body.error.code ? body.error.code : code;
      message = typeof body.error.message === 'string' && body.error.message ? body.error.message : message;
    }
  } catch {
    // not JSON: keep the generic message
  }
  return new ApiError(status, code, message);
}

/**
 * The file name of a `Content-Disposition` header: RFC 8187 `filename*` first, else `filename`.
 * @param {string | null} header
 */
export function filenameOf(header) {
  if (!header) return 'download';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star && star[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(header);
  const name = plain ? (plain[1] ?? plain[2] ?? '').trim() : '';
  return name || 'download';
}

/**
 * @param {string} token
 * @returns {Record<string, string>}
 */
export const authHeaders = (token) => ({ Authorization: `Bearer ${token}`, Accept: 'application/json' });

/**
 * @typedef {object} ApiDeps
 * @property {() => string | null} token the current token
 * @property {(err: ApiError, token: string) => void} onUnauthorized a 401, with the token the request used
 * @property {(token: string) => void} onAccepted a 2xx, with the token the request used
 * @property {typeof fetch} [fetch]
 */

/** @param {ApiDeps} deps */
export function createApi(deps) {
  const doFetch = deps.fetch || ((input, init) => fetch(input, init));

  /**
   * @param {'GET' | 'POST' | 'PATCH' | 'DELETE'} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<unknown>}
   */
  async function request(method, path, body) {
    const token = deps.token();
    if (!token) throw new ApiError(401, 'AUTH.UNAUTHORIZED', 'not signed in');
    const headers = authHeaders(token);
    /** @type {RequestInit} */
    const init = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await doFetch(path, init);
    } catch {
      throw new ApiError(0, 'NETWORK', UNREACHABLE);
    }
    const text = await res.text();
    if (!res.ok) {
      const err = errorFromResponse(res.status, text);
      if (res.status === 401) deps.onUnauthorized(err, token);
      throw err;
    }
    deps.onAccepted(token);
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'HTTP.BAD_BODY', 'The server sent an answer the page cannot read.');
    }
  }

  const id = encodeURIComponent;
  return {
    /** Who the token says the user is: the id, the role and the teams every route applies. */
    async me() {
      return /** @type {{ id: string, role: string, teams: string[] }} */ (await request('GET', '/auth/me'));
    },
    /**
     * @param {{ limit: number, cursor?: string | null }} opts
     * @returns {Promise<RecordingPage>}
     */
    async list(opts) {
      const cursor = opts.cursor ? `&cursor=${id(opts.cursor)}` : '';
      return /** @type {RecordingPage} */ (await request('GET', `/all?limit=${opts.limit}${cursor}`));
    },
    /**
     * The team view (managers and admins; an agent's token gets a 403).
     * @param {number} weeks
     * @returns {Promise<import('./team/team-view.js').TeamView>}
     */
    async teamAgents(weeks) {
      return /** @type {import('./team/team-view.js').TeamView} */ (
        await request('GET', `/team/agents?weeks=${weeks}`)
      );
    },
    /**
     * The objection library's types with how many objections of each the caller may read.
     * @returns {Promise<{ items: import('./objections/objections-view.js').ObjectionTypeCount[] }>}
     */
    async objectionTypes() {
      return /** @type {{ items: import('./objections/objections-view.js').ObjectionTypeCount[] }} */ (
        await request('GET', '/objections/types')
      );
    },
    /**
     * One page of the objections of a type, newest recording first.
     * @param {string} type
     * @param {string | null} [cursor]
     * @returns {Promise<import('./objections/objections-view.js').ObjectionPage>}
     */
    async objections(type, cursor) {
      const after = cursor ? `&cursor=${id(cursor)}` : '';
      return /** @type {import('./objections/objections-view.js').ObjectionPage} */ (
        await request('GET', `/objections?type=${id(type)}&limit=20${after}`)
      );
    },
    /**
     * `GET /search`: the parameters as given (q, status, sort, cursor…; empty ones left out).
     * @param {Record<string, string | number | null | undefined>} params
     * @returns {Promise<SearchPage>}
     */
    async search(params) {
      const query = Object.entries(params)
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => `${id(k)}=${id(String(v))}`)
        .join('&');
      return /** @type {SearchPage} */ (await request('GET', `/search?${query}`));
    },
    /** @param {string} audioId */
    async recording(audioId) {
      return /** @type {RecordingView} */ (await request('GET', `/audios/${id(audioId)}`));
    },
    /**
     * The transcript as corrected (original: the merged one, without the owner's corrections).
     * @param {string} audioId
     * @param {{ original?: boolean }} [opts]
     */
    async transcript(audioId, opts = {}) {
      const original = opts.original ? '?original=true' : '';
      return /** @type {Transcript} */ (await request('GET', `/audios/${id(audioId)}/transcript${original}`));
    },
    /**
     * The transcript's corrections and every revision of them.
     * @param {string} audioId
     * @returns {Promise<CorrectionsView>}
     */
    async corrections(audioId) {
      return /** @type {CorrectionsView} */ (await request('GET', `/audios/${id(audioId)}/transcript/corrections`));
    },
    /**
     * Corrects the transcript: speaker names, a channel swap, segment texts (times kept). A bad
     * change is a 400 whose message says why; a stale baseRevision a 409.
     * @param {string} audioId
     * @param {import('./corrections.js').CorrectionChange} change
     * @returns {Promise<{ audioId: string, revision: number, changes: string[] }>}
     */
    async correctTranscript(audioId, change) {
      return /** @type {{ audioId: string, revision: number, changes: string[] }} */ (
        await request('PATCH', `/audios/${id(audioId)}/transcript/corrections`, change)
      );
    },
    /** @param {string} audioId */
    async analysis(audioId) {
      return /** @type {Analysis} */ (await request('GET', `/audios/${id(audioId)}/analysis`));
    },
    /**
     * Every analysis of the recording, newest first.
     * @param {string} audioId
     */
    async analyses(audioId) {
      return /** @type {AnalysisVersionPage} */ (await request('GET', `/audios/${id(audioId)}/analyses`));
    },
    /**
     * One analysis of the recording (an earlier version, or the latest).
     * @param {string} audioId
     * @param {string} analysisId
     */
    async analysisVersion(audioId, analysisId) {
      return /** @type {Analysis} */ (await request('GET', `/audios/${id(audioId)}/analyses/${id(analysisId)}`));
    },
    /**
     * Asks for a transcription or an analysis, or cancels a transcription (202 when accepted).
     * @param {ProcessingAction} action
     * @param {string} audioId
     */
    async start(action, audioId) {
      const path = action === 'cancel' ? `/transcribe/${id(audioId)}/cancel` : `/${action}/${id(audioId)}`;
      await request('POST', path, {});
    },
    /**
     * Deletes the recording with everything made from it (202: the services finish it).
     * @param {string} audioId
     */
    async remove(audioId) {
      await request('DELETE', `/audios/${id(audioId)}`);
    },
    /**
     * Changes the recording's details: only the fields given (title, tags, agent, customer,
     * notes). A bad value is a 400 whose message says which; the answer has the details saved.
     * @param {string} audioId
     * @param {Partial<RecordingDetails>} changes
     * @returns {Promise<{ audioId: string, details: RecordingDetails, revision: number }>}
     */
    async editDetails(audioId, changes) {
      return /** @type {{ audioId: string, details: RecordingDetails, revision: number }} */ (
        await request('PATCH', `/audios/${id(audioId)}`, changes)
      );
    },
    /**
     * The recording's audio for an <audio> element, which cannot set headers: the token goes
     * in the query (as for SSE). Null when signed out.
     * @param {string} audioId
     */
    audioUrl(audioId) {
      const token = deps.token();
      return token ? `/audios/${id(audioId)}/audio?access_token=${id(token)}` : null;
    },
    /**
     * A download (an export): its bytes and the file name the server gave it.
     * @param {string} path e.g. `/audios/…/transcript?format=srt`
     * @returns {Promise<{ blob: Blob, filename: string }>}
     */
    async download(path) {
      const token = deps.token();
      if (!token) throw new ApiError(401, 'AUTH.UNAUTHORIZED', 'not signed in');
      let res;
      try {
        res = await doFetch(path, { headers: { Authorization: `Bearer ${token}` } });
      } catch {
        throw new ApiError(0, 'NETWORK', UNREACHABLE);
      }
      if (!res.ok) {
        const err = errorFromResponse(res.status, await res.text());
        if (res.status === 401) deps.onUnauthorized(err, token);
        throw err;
      }
      deps.onAccepted(token);
      return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition')) };
    },
    /**
     * The SSE address. EventSource cannot set headers, so the token goes in the query.
     * @param {string} token
     */
    eventsUrl: (token) => `/events?access_token=${id(token)}`,
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
