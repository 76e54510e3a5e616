/*
 * Speech Coach dashboard. Vanilla ES2020, no build step, no dependencies.
 *
 * Sections: constants & state · DOM helpers · formatting · alerts · auth · API ·
 * recordings table · list loading · live updates (SSE, polling fallback) · upload ·
 * row actions · detail panel (transcript, metrics, sentiment, issues, coaching,
 * action items, quiz) · boot.
 *
 * Server text is only ever put into the page through textContent / attributes of
 * elements built here; innerHTML is never used.
 */
(() => {
  'use strict';

  // ---------------------------------------------------------------- constants & state

  const TOKEN_KEY = 'speechCoach.token';
  const PAGE_SIZE = 50;
  const POLL_MS = 5000;
  const SSE_RETRY_MS = 5000;

  const STATUS_LABELS = {
    uploading: 'Uploading',
    uploaded: 'Uploaded',
    chunking: 'Chunking',
    ready: 'Ready',
    transcribing: 'Transcribing',
    transcribed: 'Transcribed',
    analyzing: 'Analyzing',
    analyzed: 'Analyzed',
    failed: 'Failed',
  };
  const SPEAKER_COLOURS = { agent: '#2f5bea', customer: '#c25e00', speaker: '#1c7c4d' };
  const EXTRA_COLOURS = ['#862fa3', '#11706f', '#a4480b', '#4a5468'];

  const state = {
    token: null,
    /** audioId -> { view, row, refs } */
    recordings: new Map(),
    nextCursor: null,
    firstPageLoaded: false,
    events: null,
    sseRetryTimer: null,
    pollTimer: null,
    pending: new Set(), // `${action}:${audioId}` while a request is in flight
    upload: null, // the XMLHttpRequest of the running upload
    detail: null, // { audioId, seq, status, transcriptReady, analysisReady }
    detailSeq: 0,
    signedIn: false,
    tokenAccepted: false, // a request with this token has succeeded
  };

  const $ = (id) => document.getElementById(id);
  const els = {};

  // ---------------------------------------------------------------- DOM helpers

  /**
   * Builds an element. attrs: class, text, dataset-style `data-*`, `aria-*`, boolean
   * properties (disabled, checked, hidden), `on<event>` handlers; other keys become attributes.
   */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = String(value);
      else if (key === 'style') Object.assign(el.style, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (key === 'disabled' || key === 'checked' || key === 'hidden') el[key] = Boolean(value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === 'text') el.textContent = String(value);
      else el.setAttribute(key, String(value));
    }
    for (const child of children) if (child) el.append(child);
    return el;
  }

  // ---------------------------------------------------------------- formatting

  /** mm:ss, or h:mm:ss from one hour. */
  function clock(ms) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '—';
    const total = Math.floor(ms / 1000);
    const s = total % 60;
    const m = Math.floor(total / 60) % 60;
    const hrs = Math.floor(total / 3600);
    const pad = (n) => String(n).padStart(2, '0');
    return hrs > 0 ? `${hrs}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  }

  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
  function when(epochMs) {
    if (!epochMs) return '—';
    return dateFormat.format(new Date(epochMs));
  }

  function bytes(n) {
    if (typeof n !== 'number' || !Number.isFinite(n)) return '';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
  }

  const percent = (share) => (typeof share === 'number' ? `${Math.round(share * 100)}%` : '—');
  const signed = (score) => (typeof score === 'number' ? `${score > 0 ? '+' : ''}${score.toFixed(2)}` : '—');
  const round1 = (n) => (Math.round(n * 10) / 10).toLocaleString();
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

  /** A coaching metric's value, in the unit its name suggests. */
  function metricValue(metric, value) {
    if (typeof value !== 'number') return '—';
    const name = String(metric || '').toLowerCase();
    if (/(ratio|share|rate|percent)/.test(name) && value >= 0 && value <= 1) return percent(value);
    if (/(ms$|millis|duration|monologue|time)/.test(name) && value > 1000) return clock(value);
    return round1(value);
  }

  function speakerColour(speaker, speakers) {
    if (SPEAKER_COLOURS[speaker]) return SPEAKER_COLOURS[speaker];
    const i = Math.max(0, (speakers || []).indexOf(speaker));
    return EXTRA_COLOURS[i % EXTRA_COLOURS.length];
  }

  function speakerLabel(speaker, speakers) {
    return h('span', {
      class: 'speaker-label',
      text: capital(speaker || 'unknown'),
      style: { color: speakerColour(speaker, speakers) },
    });
  }

  function statusBadge(status) {
    return h('span', { class: 'badge status', 'data-status': status, text: STATUS_LABELS[status] || status });
  }

  // ---------------------------------------------------------------- alerts & announcements

  function showAlert(message, kind = 'error') {
    els.alert.dataset.kind = kind;
    els.alertText.textContent = message;
    els.alert.hidden = false;
  }

  function hideAlert() {
    els.alert.hidden = true;
    els.alertText.textContent = '';
  }

  function announce(text) {
    // Re-adding a node makes screen readers speak repeated messages too.
    const line = h('p', { text });
    els.announcer.append(line);
    while (els.announcer.childNodes.length > 5) els.announcer.firstChild.remove();
  }

  function setConnection(mode) {
    const text = { live: 'Live updates', polling: 'Reconnecting… polling every 5 s', offline: 'Not connected' }[mode];
    els.connection.dataset.mode = mode;
    els.connectionText.textContent = text;
  }

  // ---------------------------------------------------------------- auth

  /** Takes `#token=` from the address (the link the server prints), keeps it, and removes it from the URL. */
  function takeTokenFromHash() {
    const hash = window.location.hash.replace(/^#/, '');
    if (!hash) return null;
    const token = new URLSearchParams(hash).get('token');
    if (!token) return null;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return token.trim();
  }

  function storeToken(token) {
    try {
      localStorage.setItem(TOKEN_KEY, token);
    } catch {
      // private mode: the token lives for this page only
    }
    state.token = token;
  }

  function storedToken() {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }

  function clearToken() {
    try {
      localStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing stored
    }
    state.token = null;
  }

  /** Accepts a bare JWT, "Bearer <jwt>" or the whole dashboard link. */
  function normaliseToken(input) {
    let t = String(input || '').trim();
    const inLink = t.match(/[#&]token=([^&\s]+)/);
    if (inLink) t = decodeURIComponent(inLink[1]);
    return t.replace(/^Bearer\s+/i, '').trim();
  }

  function showSignIn() {
    els.authCard.hidden = false;
    els.app.hidden = true;
    els.signOut.hidden = true;
    els.tokenInput.value = '';
    els.tokenInput.focus();
  }

  /** Stops everything that used the token and shows the sign-in form. */
  function signOut(message) {
    const wasSignedIn = state.signedIn;
    state.signedIn = false;
    state.tokenAccepted = false;
    clearToken();
    stopLive();
    if (state.upload) state.upload.abort();
    state.recordings.clear();
    els.tbody.replaceChildren();
    state.nextCursor = null;
    state.firstPageLoaded = false;
    closeDetail();
    setConnection('offline');
    showSignIn();
    if (message) showAlert(message);
    else if (wasSignedIn) hideAlert();
  }

  function startApp() {
    state.signedIn = true;
    els.authCard.hidden = true;
    els.app.hidden = false;
    els.signOut.hidden = false;
    void loadFirstPage();
    connectEvents();
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function errorOf(status, text) {
    let code = `HTTP.${status}`;
    let message = `The server answered ${status}.`;
    try {
      const body = JSON.parse(text);
      if (body && body.error) {
        code = body.error.code || code;
        message = body.error.message || message;
      }
    } catch {
      // not JSON: keep the generic message
    }
    return new ApiError(status, code, message);
  }

  function unauthorized(err) {
    signOut(
      state.tokenAccepted
        ? `Your session has ended (${err.message}). Paste a new token to continue.`
        : `That token was not accepted (${err.message}). Check it and try again.`,
    );
  }

  async function api(method, path, body) {
    if (!state.token) throw new ApiError(401, 'AUTH.UNAUTHORIZED', 'not signed in');
    const headers = { Authorization: `Bearer ${state.token}`, Accept: 'application/json' };
    const init = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch {
      throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection.');
    }
    const text = await res.text();
    if (res.ok) state.tokenAccepted = true;
    if (!res.ok) {
      const err = await errorOf(res.status, text);
      if (res.status === 401) unauthorized(err);
      throw err;
    }
    return text ? JSON.parse(text) : null;
  }

  // ---------------------------------------------------------------- recordings table

  /** Newest first: createdAt descending, then audioId descending (the server's order). */
  function before(a, b) {
    if (a.createdAt !== b.createdAt) return (a.createdAt || 0) > (b.createdAt || 0);
    return a.audioId > b.audioId;
  }

  function upsert(view) {
    if (!view || !view.audioId || !state.signedIn) return;
    const entry = state.recordings.get(view.audioId);
    if (entry && typeof entry.view.updatedAt === 'number' && view.updatedAt < entry.view.updatedAt) return; // stale
    const previous = entry ? entry.view : null;
    if (!entry) {
      const created = createRow(view);
      state.recordings.set(view.audioId, created);
      place(created.row, view);
    } else {
      entry.view = view;
      if (previous.createdAt !== view.createdAt) place(entry.row, view);
    }
    const current = state.recordings.get(view.audioId);
    current.view = view;
    renderRow(current);
    els.empty.hidden = state.recordings.size > 0;
    if (previous && previous.status !== view.status)
      announce(`${view.filename || 'Recording'}: ${STATUS_LABELS[view.status] || view.status}`);
    if (state.detail && state.detail.audioId === view.audioId) onDetailRecordingChanged(view);
  }

  function place(row, view) {
    for (const other of els.tbody.rows) {
      if (other === row) continue;
      const o = state.recordings.get(other.dataset.audioId);
      if (o && before(view, o.view)) {
        els.tbody.insertBefore(row, other);
        return;
      }
    }
    els.tbody.append(row);
  }

  function createRow(view) {
    const nameId = `name-${view.audioId}`;
    const refs = {
      name: h('div', { class: 'file-name', id: nameId }),
      meta: h('div', { class: 'file-meta' }),
      time: h('time'),
      duration: h('span'),
      status: h('span', { class: 'badge status' }),
      progress: h('div', { class: 'cell-progress' }),
      transcribe: h('button', {
        type: 'button',
        class: 'btn btn-secondary btn-small',
        'data-action': 'transcribe',
        'aria-describedby': nameId,
        text: 'Transcribe',
      }),
      analyze: h('button', {
        type: 'button',
        class: 'btn btn-secondary btn-small',
        'data-action': 'analyze',
        'aria-describedby': nameId,
        text: 'Analyze',
      }),
      view: h('button', {
        type: 'button',
        class: 'btn btn-ghost btn-small',
        'data-action': 'view',
        'aria-describedby': nameId,
        text: 'View',
      }),
    };
    const row = h(
      'tr',
      { 'data-audio-id': view.audioId },
      h('td', { class: 'cell-name' }, refs.name, refs.meta),
      h('td', { class: 'cell-time' }, refs.time),
      h('td', { class: 'cell-duration' }, refs.duration),
      h('td', { class: 'cell-status' }, refs.status, refs.progress),
      h('td', { class: 'cell-actions' }, refs.transcribe, refs.analyze, refs.view),
    );
    return { view, row, refs };
  }

  /** Updates a row in place, so focus and pending clicks survive live updates. */
  function renderRow({ view, row, refs }) {
    refs.name.textContent = view.filename || view.audioId;
    refs.name.title = view.filename || '';
    refs.meta.textContent = [bytes(view.sizeBytes), view.contentType].filter(Boolean).join(' · ');
    if (view.createdAt) {
      const d = new Date(view.createdAt);
      refs.time.replaceChildren(
        h('span', { class: 'date', text: dayFormat.format(d) }),
        h('span', { class: 'clock', text: timeFormat.format(d) }),
      );
      refs.time.dateTime = d.toISOString();
      refs.time.title = when(view.createdAt);
    } else refs.time.textContent = '—';
    refs.duration.textContent = view.durationMs ? clock(view.durationMs) : '—';
    refs.status.dataset.status = view.status;
    refs.status.textContent = STATUS_LABELS[view.status] || view.status;
    const progress = progressOf(view);
    if (progress) refs.progress.replaceChildren(progress);
    else refs.progress.replaceChildren();

    setActionButton(refs.transcribe, view, 'transcribe', view.canTranscribe);
    setActionButton(refs.analyze, view, 'analyze', view.canAnalyze);
    row.classList.toggle('selected', Boolean(state.detail && state.detail.audioId === view.audioId));
  }

  function setActionButton(button, view, action, permission) {
    const pending = state.pending.has(`${action}:${view.audioId}`);
    const allowed = Boolean(permission && permission.allowed) && !pending;
    button.disabled = !allowed;
    button.title = pending ? 'Sending…' : (permission && permission.reason) || '';
  }

  function progressBar(value, max, what, text) {
    return h(
      'div',
      { class: 'row-progress' },
      h('progress', { max: String(Math.max(max, 1)), value: String(value), 'aria-label': `${what} progress: ${text}` }),
      h('span', { class: 'row-progress-text', text }),
    );
  }

  function progressOf(view) {
    const failed = (view.failedChunks || []).length;
    switch (view.status) {
      case 'transcribing': {
        const p = view.progress || { done: 0, total: view.chunkCount || 0 };
        const text = p.total ? `${p.done}/${p.total} chunks` : 'Starting…';
        return progressBar(
          p.done,
          p.total,
          'Transcription',
          failed ? `${text} · ${plural(failed, 'chunk')} retrying` : text,
        );
      }
      case 'failed': {
        const reason = (view.failure && view.failure.reason) || 'Processing failed';
        return h('div', { class: 'failure', text: failed ? `${reason} (${plural(failed, 'failed chunk')})` : reason });
      }
      case 'uploading':
        return h('span', { class: 'muted', text: 'Uploading…' });
      case 'uploaded':
        return h('span', { class: 'muted', text: 'Preparing…' });
      case 'chunking': {
        const c = view.chunking;
        if (!c || !c.totalMs) return h('span', { class: 'muted', text: 'Splitting into chunks…' });
        return progressBar(c.doneMs, c.totalMs, 'Chunking', `Splitting: ${clock(c.doneMs)} of ${clock(c.totalMs)}`);
      }
      case 'ready':
        return h('span', {
          class: 'muted',
          text: view.chunkCount ? plural(view.chunkCount, 'chunk') : 'Ready to transcribe',
        });
      case 'analyzing':
        return h('span', { class: 'muted', text: 'Analyzing…' });
      default:
        return typeof view.wordCount === 'number'
          ? h('span', { class: 'muted', text: plural(view.wordCount, 'word') })
          : null;
    }
  }

  // ---------------------------------------------------------------- list loading

  async function loadFirstPage() {
    try {
      const page = await api('GET', `/all?limit=${PAGE_SIZE}`);
      for (const item of page.items) upsert(item);
      if (!state.firstPageLoaded) {
        state.firstPageLoaded = true;
        state.nextCursor = page.nextCursor;
        els.loadMore.hidden = !state.nextCursor;
      }
      els.empty.hidden = state.recordings.size > 0;
      return true;
    } catch (err) {
      if (err.status !== 401) showAlert(`Could not load recordings: ${err.message}`);
      return false;
    }
  }

  async function loadMore() {
    if (!state.nextCursor) return;
    els.loadMore.disabled = true;
    try {
      const page = await api('GET', `/all?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(state.nextCursor)}`);
      for (const item of page.items) upsert(item);
      state.nextCursor = page.nextCursor;
      els.loadMore.hidden = !state.nextCursor;
    } catch (err) {
      if (err.status !== 401) showAlert(`Could not load more recordings: ${err.message}`);
    } finally {
      els.loadMore.disabled = false;
    }
  }

  async function refreshOne(audioId) {
    try {
      upsert(await api('GET', `/audios/${encodeURIComponent(audioId)}`));
    } catch {
      // the live stream or the next poll will bring it
    }
  }

  // ---------------------------------------------------------------- live updates

  function connectEvents() {
    stopEvents();
    if (!state.token || typeof EventSource === 'undefined') {
      startPolling();
      return;
    }
    const es = new EventSource(`/events?access_token=${encodeURIComponent(state.token)}`);
    state.events = es;
    es.addEventListener('recording', (e) => {
      try {
        upsert(JSON.parse(e.data));
      } catch {
        // ignore a malformed event
      }
    });
    es.onopen = () => {
      setConnection('live');
      stopPolling();
      // Catch up on anything that changed while the stream was down.
      if (state.firstPageLoaded) void loadFirstPage();
    };
    es.onerror = () => {
      if (state.events !== es) return;
      setConnection('polling');
      startPolling();
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. a non-200 answer): reconnect ourselves. The poll
        // detects an expired token and signs out.
        es.close();
        state.events = null;
        clearTimeout(state.sseRetryTimer);
        state.sseRetryTimer = setTimeout(() => state.signedIn && connectEvents(), SSE_RETRY_MS);
      }
    };
  }

  function stopEvents() {
    clearTimeout(state.sseRetryTimer);
    state.sseRetryTimer = null;
    if (state.events) state.events.close();
    state.events = null;
  }

  function startPolling() {
    if (state.pollTimer || !state.signedIn) return;
    state.pollTimer = setInterval(poll, POLL_MS);
    void poll();
  }

  function stopPolling() {
    clearInterval(state.pollTimer);
    state.pollTimer = null;
  }

  async function poll() {
    try {
      const page = await api('GET', `/all?limit=${Math.min(200, Math.max(PAGE_SIZE, state.recordings.size))}`);
      for (const item of page.items) upsert(item);
      if (!state.firstPageLoaded) {
        state.firstPageLoaded = true;
        state.nextCursor = page.nextCursor;
        els.loadMore.hidden = !state.nextCursor;
      }
      els.empty.hidden = state.recordings.size > 0;
    } catch {
      // offline: keep polling; a 401 has signed out already
    }
  }

  function stopLive() {
    stopEvents();
    stopPolling();
  }

  // ---------------------------------------------------------------- upload

  function competitorsMetadata() {
    const names = els.competitors.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return names.length ? JSON.stringify({ competitors: names }) : null;
  }

  function onUploadSubmit(event) {
    event.preventDefault();
    hideAlert();
    const file = els.fileInput.files && els.fileInput.files[0];
    if (!file) {
      showAlert('Choose an audio file to upload.');
      els.fileInput.focus();
      return;
    }
    const form = new FormData();
    const metadata = competitorsMetadata();
    if (metadata) form.append('metadata', metadata);
    if (els.auto.checked) {
      form.append('autoTranscribe', 'true');
      form.append('autoAnalyze', 'true');
    }
    form.append('file', file, file.name); // fields first, then the (large) file

    const xhr = new XMLHttpRequest();
    state.upload = xhr;
    xhr.open('POST', '/upload');
    xhr.setRequestHeader('Authorization', `Bearer ${state.token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    setUploading(true, `Uploading ${file.name}…`, 0);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.floor((e.loaded / e.total) * 100);
      setUploading(
        true,
        pct >= 100 ? 'Checking the audio…' : `Uploading ${file.name}: ${pct}% of ${bytes(e.total)}`,
        pct,
      );
    };
    xhr.onload = async () => {
      state.upload = null;
      if (xhr.status === 201) {
        let body = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = {};
        }
        setUploading(false);
        els.uploadForm.reset();
        announce(`${file.name} uploaded`);
        if (body.audioId) {
          if (!state.recordings.has(body.audioId)) upsert(placeholder(body.audioId, file));
          await refreshOne(body.audioId);
        }
        return;
      }
      setUploading(false);
      const err = await errorOf(xhr.status, xhr.responseText);
      if (xhr.status === 401) unauthorized(err);
      else showAlert(`Upload failed: ${err.message}`);
    };
    xhr.onerror = () => {
      state.upload = null;
      setUploading(false);
      showAlert('Upload failed: the server cannot be reached.');
    };
    xhr.onabort = () => {
      state.upload = null;
      setUploading(false);
      if (state.signedIn) showAlert('Upload cancelled.', 'info');
    };
    xhr.send(form);
  }

  /** Shown until the read model has the recording (the server answered before it registered it). */
  function placeholder(audioId, file) {
    const wait = { allowed: false, reason: 'the recording is being prepared' };
    return {
      audioId,
      filename: file.name,
      contentType: file.type,
      sizeBytes: file.size,
      createdAt: Date.now(),
      updatedAt: 0,
      status: 'uploaded',
      failure: null,
      progress: null,
      chunking: null,
      chunkCount: null,
      durationMs: null,
      failedChunks: [],
      wordCount: null,
      transcriptReady: false,
      analysisReady: false,
      canTranscribe: wait,
      canAnalyze: { allowed: false, reason: 'the recording has no transcript yet; transcribe it first' },
      metadata: null,
    };
  }

  function setUploading(active, text, pct) {
    els.uploadButton.disabled = active;
    els.fileInput.disabled = active;
    els.uploadCancel.hidden = !active;
    els.uploadProgress.hidden = !active;
    if (active) {
      els.uploadBar.value = pct || 0;
      els.uploadProgressText.textContent = text || '';
    } else {
      els.uploadBar.value = 0;
      els.uploadProgressText.textContent = '';
    }
  }

  // ---------------------------------------------------------------- row actions

  async function onTableClick(event) {
    const button = event.target.closest('button[data-action]');
    if (!button || button.disabled) return;
    const row = button.closest('tr[data-audio-id]');
    if (!row) return;
    const audioId = row.dataset.audioId;
    const action = button.dataset.action;
    if (action === 'view') {
      void openDetail(audioId);
      return;
    }
    const key = `${action}:${audioId}`;
    if (state.pending.has(key)) return;
    state.pending.add(key);
    rerender(audioId);
    hideAlert();
    try {
      await api('POST', `/${action}/${encodeURIComponent(audioId)}`, {});
      const entry = state.recordings.get(audioId);
      announce(
        `${action === 'transcribe' ? 'Transcription' : 'Analysis'} requested for ${entry ? entry.view.filename : 'the recording'}`,
      );
    } catch (err) {
      if (err.status !== 401) showAlert(`${action === 'transcribe' ? 'Transcribe' : 'Analyze'} failed: ${err.message}`);
    } finally {
      state.pending.delete(key);
      rerender(audioId);
      if (state.signedIn) await refreshOne(audioId);
    }
  }

  function rerender(audioId) {
    const entry = state.recordings.get(audioId);
    if (entry) renderRow(entry);
  }

  // ---------------------------------------------------------------- detail panel

  async function openDetail(audioId) {
    const previous = state.detail && state.detail.audioId;
    const seq = ++state.detailSeq;
    state.detail = { audioId, seq, status: null, transcriptReady: false, analysisReady: false };
    if (previous && previous !== audioId) rerender(previous);
    rerender(audioId);
    els.detail.hidden = false;
    if (previous !== audioId) {
      els.detailTitle.textContent = (
        state.recordings.get(audioId) || { view: { filename: 'Recording' } }
      ).view.filename;
      els.detailSub.replaceChildren();
      els.detailBody.replaceChildren(h('p', { class: 'loading', text: 'Loading…' }));
      els.detail.scrollIntoView({ behavior: 'smooth', block: 'start' });
      els.detail.focus({ preventScroll: true });
    }
    await loadDetail(seq);
  }

  async function loadDetail(seq) {
    const detail = state.detail;
    if (!detail || detail.seq !== seq) return;
    const id = encodeURIComponent(detail.audioId);
    els.detailBody.setAttribute('aria-busy', 'true');
    let view;
    try {
      view = await api('GET', `/audios/${id}`);
    } catch (err) {
      if (state.detail && state.detail.seq === seq) {
        els.detailBody.setAttribute('aria-busy', 'false');
        els.detailBody.replaceChildren(
          h('p', { class: 'notice', text: `Could not load the recording: ${err.message}` }),
        );
      }
      return;
    }
    const settle = (p) =>
      p.then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
    const [transcript, analysis] = await Promise.all([
      view.transcriptReady ? settle(api('GET', `/audios/${id}/transcript`)) : Promise.resolve(null),
      view.analysisReady ? settle(api('GET', `/audios/${id}/analysis`)) : Promise.resolve(null),
    ]);
    if (!state.detail || state.detail.seq !== seq) return; // another recording was opened meanwhile
    // The view's flags, not the fetches' outcome: a failed fetch must not reload in a loop.
    Object.assign(state.detail, {
      status: view.status,
      transcriptReady: view.transcriptReady,
      analysisReady: view.analysisReady,
    });
    upsert(view);
    renderDetail(view, transcript, analysis);
    els.detailBody.setAttribute('aria-busy', 'false');
  }

  /** Reloads the open panel when the recording gains a transcript or a (new) analysis. */
  function onDetailRecordingChanged(view) {
    const d = state.detail;
    if (d.status === null) return; // still loading
    renderDetailHeader(view, null);
    const gained = (view.transcriptReady && !d.transcriptReady) || (view.analysisReady && !d.analysisReady);
    const moved = view.status !== d.status;
    d.status = view.status;
    if (gained || moved) {
      d.seq = ++state.detailSeq;
      void loadDetail(d.seq);
      return;
    }
    const live = els.detailBody.querySelector('[data-live="transcript-progress"]');
    if (live) live.textContent = transcribingText(view);
  }

  function closeDetail() {
    const previous = state.detail && state.detail.audioId;
    state.detail = null;
    state.detailSeq++;
    els.detail.hidden = true;
    els.detailBody.replaceChildren();
    if (previous) {
      rerender(previous);
      const entry = state.recordings.get(previous);
      if (entry) entry.refs.view.focus();
    }
  }

  function renderDetailHeader(view, analysis) {
    els.detailTitle.textContent = view.filename || view.audioId;
    const parts = [`Uploaded ${when(view.createdAt)}`];
    if (view.durationMs) parts.push(`Duration ${clock(view.durationMs)}`);
    if (typeof view.wordCount === 'number') parts.push(plural(view.wordCount, 'word'));
    if (view.status === 'transcribing' && view.progress && view.progress.total)
      parts.push(`${view.progress.done}/${view.progress.total} chunks transcribed`);
    if (view.status === 'failed' && view.failure) parts.push(`Failed: ${view.failure.reason}`);
    const callType = analysis ? analysis.callType : els.detailSub.dataset.callType;
    if (callType && callType !== 'unknown') parts.push(`${capital(callType)} call`);
    if (analysis) els.detailSub.dataset.callType = analysis.callType || '';
    els.detailSub.replaceChildren(statusBadge(view.status), ' ', parts.join(' · '));
  }

  function renderDetail(view, transcriptResult, analysisResult) {
    const transcript = transcriptResult && transcriptResult.value;
    const analysis = analysisResult && analysisResult.value;
    delete els.detailSub.dataset.callType;
    renderDetailHeader(view, analysis);

    const speakers =
      (transcript && transcript.speakers) || (analysis && analysis.metrics.speakers.map((s) => s.speaker)) || [];
    const content = [];

    if (analysis) {
      content.push(
        panel(
          'Summary',
          'summary',
          h('p', { class: 'summary-text', text: analysis.summary || 'No summary.' }),
          competitorChips(view),
        ),
      );
    } else {
      content.push(analysisNotice(view, analysisResult));
    }

    const left = [transcriptPanel(view, transcript, transcriptResult, speakers)];
    const right = [];
    if (analysis) {
      content.push(metricsPanel(analysis.metrics, speakers));
      right.push(sentimentPanel(analysis.sentiment, analysis.metrics.durationMs || view.durationMs || 0, speakers));
      right.push(issuesPanel(analysis.issues, speakers));
      right.push(actionItemsPanel(analysis.actionItems, speakers));
    }
    if (right.length) content.push(h('div', { class: 'detail-grid' }, h('div', {}, left), h('div', {}, right)));
    else content.push(...left);
    if (analysis) {
      content.push(coachingPanel(analysis.coaching));
      content.push(quizPanel(analysis.quiz, view.audioId));
    }
    els.detailBody.replaceChildren(...content);
  }

  function panel(title, section, ...children) {
    const headingId = `detail-${section}-title`;
    return h(
      'section',
      { class: 'panel', 'data-section': section, 'aria-labelledby': headingId },
      h('h3', { id: headingId }, title),
      children,
    );
  }

  function countBadge(n) {
    return h('span', { class: 'count', text: String(n) });
  }

  function competitorChips(view) {
    const competitors = view.metadata && Array.isArray(view.metadata.competitors) ? view.metadata.competitors : [];
    if (!competitors.length) return null;
    return h(
      'div',
      { class: 'chips' },
      h('span', { class: 'muted', text: 'Competitors watched:' }),
      competitors.map((c) => h('span', { class: 'badge', text: String(c) })),
    );
  }

  function analysisNotice(view, analysisResult) {
    let text;
    if (analysisResult && analysisResult.error)
      text = `The analysis could not be loaded: ${analysisResult.error.message}`;
    else if (view.status === 'analyzing') text = 'The analysis is running; results appear here when it finishes.';
    else if (view.status === 'failed' && view.failure && view.transcriptReady)
      text = `The analysis failed: ${view.failure.reason}. You can run it again with Analyze.`;
    else if (view.canAnalyze && view.canAnalyze.allowed)
      text = 'No analysis yet. Click Analyze to get metrics, sentiment, issues, coaching and a quiz.';
    else text = `No analysis yet: ${(view.canAnalyze && view.canAnalyze.reason) || 'transcribe the recording first'}.`;
    return h('p', { class: 'notice', 'data-section': 'analysis-pending', text });
  }

  // Transcript ----------------------------------------------------------------

  function transcribingText(view) {
    const p = view.progress;
    return `Transcribing${p && p.total ? `: ${p.done} of ${p.total} chunks done` : '…'} The transcript appears here when it is complete.`;
  }

  function transcriptPanel(view, transcript, result, speakers) {
    if (!transcript) {
      let text;
      if (result && result.error) text = `The transcript could not be loaded: ${result.error.message}`;
      else if (view.status === 'transcribing') {
        return panel(
          'Transcript',
          'transcript',
          h('p', { class: 'notice', 'data-live': 'transcript-progress', text: transcribingText(view) }),
        );
      } else if (view.canTranscribe && view.canTranscribe.allowed)
        text = 'No transcript yet. Click Transcribe to start.';
      else
        text = `No transcript yet: ${(view.canTranscribe && view.canTranscribe.reason) || 'the recording is being prepared'}.`;
      return panel('Transcript', 'transcript', h('p', { class: 'notice', text }));
    }
    const segments = transcript.segments || [];
    const legend = h(
      'div',
      { class: 'legend' },
      speakers.map((s) =>
        h(
          'span',
          {},
          h('span', { class: 'legend-swatch', style: { background: speakerColour(s, speakers) } }),
          capital(s),
        ),
      ),
      transcript.engine
        ? h('span', { text: `Engine: ${transcript.engine}${transcript.language ? ` (${transcript.language})` : ''}` })
        : null,
    );
    const list = h(
      'div',
      { class: 'transcript', tabindex: '0', role: 'region', 'aria-label': 'Transcript' },
      segments.length
        ? segments.map((seg) =>
            h(
              'div',
              { class: 'segment', 'data-speaker': seg.speaker },
              h(
                'div',
                { class: 'segment-who' },
                speakerLabel(seg.speaker, speakers),
                h('span', { class: 'timestamp', text: clock(seg.startMs) }),
              ),
              h('p', { class: 'segment-text', text: seg.text }),
            ),
          )
        : h('p', { class: 'notice', text: 'No speech was recognised in this recording.' }),
    );
    const title = h('span', {}, 'Transcript ', countBadge(`${segments.length} turns`));
    return panel(title, 'transcript', legend, list);
  }

  // Metrics -------------------------------------------------------------------

  function metricsPanel(metrics, speakers) {
    const fillersOf = (speaker) => (metrics.fillerWords || []).find((f) => f.speaker === speaker);
    const topWords = (f) =>
      f && f.byWord.length
        ? f.byWord
            .slice(0, 4)
            .map((w) => `${w.word} ×${w.count}`)
            .join(', ')
        : '';
    const table = h(
      'table',
      { class: 'metrics' },
      h('caption', { class: 'visually-hidden', text: 'Per-speaker metrics' }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Speaker', 'Talk ratio', 'WPM', 'Longest monologue', 'Questions', 'Interruptions', 'Fillers'].map((t) =>
            h('th', { scope: 'col', text: t }),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        (metrics.speakers || []).map((s) => {
          const fillers = fillersOf(s.speaker);
          return h(
            'tr',
            { 'data-speaker': s.speaker },
            h('th', { scope: 'row' }, speakerLabel(s.speaker, speakers)),
            h(
              'td',
              {},
              h(
                'div',
                { class: 'ratio' },
                h(
                  'div',
                  {
                    class: 'ratio-bar',
                    role: 'img',
                    'aria-label': `${capital(s.speaker)} talks ${percent(s.talkRatio)} of the time`,
                  },
                  h('div', {
                    class: 'ratio-fill',
                    style: { width: percent(s.talkRatio), background: speakerColour(s.speaker, speakers) },
                  }),
                ),
                h('span', { class: 'ratio-value', text: percent(s.talkRatio) }),
              ),
            ),
            h('td', { class: 'num', text: Math.round(s.wordsPerMinute) }),
            h('td', { class: 'num', text: clock(s.longestMonologueMs) }),
            h('td', { class: 'num', text: s.questionsAsked }),
            h('td', { class: 'num', text: s.interruptions }),
            h('td', { class: 'num', title: topWords(fillers), text: fillers ? fillers.total : 0 }),
          );
        }),
      ),
    );
    const totalFillers = (metrics.fillerWords || []).reduce((n, f) => n + f.total, 0);
    const allWords = new Map();
    for (const f of metrics.fillerWords || [])
      for (const w of f.byWord) allWords.set(w.word, (allWords.get(w.word) || 0) + w.count);
    const topAll = [...allWords.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([w, c]) => `${w} ×${c}`)
      .join(', ');
    const mono = metrics.longestMonologue;
    const stats = h(
      'dl',
      { class: 'stat-grid' },
      stat('Call duration', clock(metrics.durationMs)),
      stat('Silence share', percent(metrics.silenceShare)),
      stat(
        'Interruptions',
        String(metrics.interruptions),
        metrics.overtalkMs ? `${clock(metrics.overtalkMs)} overtalk` : null,
      ),
      stat(
        'Longest monologue',
        mono ? clock(mono.durationMs) : '—',
        mono ? `${capital(mono.speaker)} at ${clock(mono.startMs)}` : null,
      ),
      stat('Filler words', String(totalFillers), topAll || null),
    );
    return panel(
      'Metrics',
      'metrics',
      h('div', { class: 'metrics-layout' }, h('div', { class: 'table-wrap' }, table), stats),
    );
  }

  function stat(label, value, note) {
    return h(
      'div',
      { class: 'stat' },
      h('dt', { text: label }),
      h('dd', {}, value, note ? [' ', h('small', { text: note })] : null),
    );
  }

  // Sentiment -----------------------------------------------------------------

  function sentimentBadge(prefix, s) {
    return h('span', {
      class: 'badge sentiment',
      'data-label': s.label,
      text: `${prefix}${capital(s.label)} (${signed(s.score)})`,
    });
  }

  function sentimentPanel(sentiment, durationMs, speakers) {
    const row = h(
      'div',
      { class: 'sentiment-row' },
      sentimentBadge('Overall: ', sentiment.overall),
      (sentiment.bySpeaker || []).map((s) => sentimentBadge(`${capital(s.speaker)}: `, s)),
    );
    const shifts = (sentiment.shifts || []).length
      ? h(
          'ul',
          { class: 'shifts', 'aria-label': 'Sentiment shifts' },
          sentiment.shifts.map((s) =>
            h(
              'li',
              {},
              h('span', { class: 'timestamp', text: clock(s.atMs) }),
              ' ',
              speakerLabel(s.speaker, speakers),
              ` turned ${s.from} → ${s.to}`,
              s.quote ? h('blockquote', { class: 'quote', text: `“${s.quote}”` }) : null,
            ),
          ),
        )
      : null;
    return panel(
      'Sentiment',
      'sentiment',
      row,
      sentimentTimeline(sentiment.timeline || [], durationMs, speakers),
      shifts,
    );
  }

  /** A small line chart of sentiment per speaker over the call, from -1 to +1. */
  function sentimentTimeline(points, durationMs, speakers) {
    if (!points.length) return h('p', { class: 'muted', text: 'Not enough speech for a sentiment timeline.' });
    const W = 600;
    const H = 150;
    const pad = { l: 30, r: 10, t: 10, b: 22 };
    const end = Math.max(durationMs || 0, ...points.map((p) => p.endMs), 1);
    const x = (ms) => pad.l + (ms / end) * (W - pad.l - pad.r);
    const y = (score) => pad.t + ((1 - score) / 2) * (H - pad.t - pad.b);
    const bySpeaker = new Map();
    for (const p of points) {
      if (!bySpeaker.has(p.speaker)) bySpeaker.set(p.speaker, []);
      bySpeaker.get(p.speaker).push(p);
    }
    const label = [...bySpeaker.entries()]
      .map(([s, ps]) => `${s}: ${ps.map((p) => signed(p.score)).join(', ')}`)
      .join('; ');
    const chart = svg(
      'svg',
      {
        class: 'timeline-svg',
        viewBox: `0 0 ${W} ${H}`,
        role: 'img',
        'aria-label': `Sentiment over time (-1 negative to +1 positive). ${label}`,
      },
      svg('line', { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), stroke: '#b8c0cf', 'stroke-dasharray': '4 4' }),
      svg('line', { x1: pad.l, x2: W - pad.r, y1: y(1), y2: y(1), stroke: '#e2e6ef' }),
      svg('line', { x1: pad.l, x2: W - pad.r, y1: y(-1), y2: y(-1), stroke: '#e2e6ef' }),
      svg('text', { x: 4, y: y(1) + 4, 'font-size': 10, fill: '#5d6779', text: '+1' }),
      svg('text', { x: 10, y: y(0) + 4, 'font-size': 10, fill: '#5d6779', text: '0' }),
      svg('text', { x: 6, y: y(-1) + 4, 'font-size': 10, fill: '#5d6779', text: '−1' }),
      svg('text', { x: pad.l, y: H - 6, 'font-size': 10, fill: '#5d6779', text: '00:00' }),
      svg('text', { x: W - pad.r, y: H - 6, 'font-size': 10, fill: '#5d6779', 'text-anchor': 'end', text: clock(end) }),
    );
    for (const [speaker, ps] of bySpeaker) {
      const colour = speakerColour(speaker, speakers);
      const sorted = ps.slice().sort((a, b) => a.startMs - b.startMs);
      const coords = sorted.map((p) => `${x((p.startMs + p.endMs) / 2).toFixed(1)},${y(p.score).toFixed(1)}`);
      if (coords.length > 1)
        chart.append(
          svg('polyline', {
            points: coords.join(' '),
            fill: 'none',
            stroke: colour,
            'stroke-width': 2,
            'stroke-linejoin': 'round',
            opacity: 0.85,
          }),
        );
      for (const p of sorted) {
        chart.append(
          svg(
            'circle',
            { cx: x((p.startMs + p.endMs) / 2).toFixed(1), cy: y(p.score).toFixed(1), r: 3.2, fill: colour },
            svg('title', { text: `${capital(speaker)} at ${clock(p.startMs)}: ${signed(p.score)}` }),
          ),
        );
      }
    }
    const legend = h(
      'div',
      { class: 'legend', 'aria-hidden': 'true' },
      [...bySpeaker.keys()].map((s) =>
        h(
          'span',
          {},
          h('span', { class: 'legend-swatch', style: { background: speakerColour(s, speakers) } }),
          capital(s),
        ),
      ),
    );
    return h('div', {}, chart, legend);
  }

  // Issues --------------------------------------------------------------------

  function issuesPanel(issues, speakers) {
    const title = h('span', {}, 'Issues & objections ', countBadge(issues.length));
    if (!issues.length)
      return panel(title, 'issues', h('p', { class: 'muted', text: 'No objections or issues were detected.' }));
    const list = h(
      'ul',
      { class: 'issues' },
      issues
        .slice()
        .sort((a, b) => a.startMs - b.startMs)
        .map((issue) =>
          h(
            'li',
            { class: 'issue', 'data-issue': '', 'data-type': issue.type },
            h(
              'div',
              { class: 'issue-head' },
              h('span', { class: 'badge type-badge', 'data-type': issue.type, text: issue.type }),
              h('span', { class: 'timestamp', text: clock(issue.startMs) }),
              speakerLabel(issue.speaker, speakers),
              h('span', { text: `${percent(issue.confidence)} confidence` }),
            ),
            h('blockquote', { class: 'quote', text: `“${issue.quote}”` }),
          ),
        ),
    );
    return panel(title, 'issues', list);
  }

  // Coaching ------------------------------------------------------------------

  function coachingPanel(items) {
    const title = h('span', {}, 'Coaching ', countBadge(items.length));
    if (!items.length)
      return panel(title, 'coaching', h('p', { class: 'muted', text: 'Nothing to coach on this call.' }));
    const order = { warning: 0, suggestion: 1, info: 2 };
    const cards = items
      .slice()
      .sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3))
      .map((c) => {
        const b = c.basis || {};
        const numbers = [];
        if (typeof b.value === 'number') numbers.push(`This call: ${metricValue(b.metric, b.value)}`);
        if (typeof b.benchmarkValue === 'number') numbers.push(`Benchmark: ${metricValue(b.metric, b.benchmarkValue)}`);
        return h(
          'article',
          { class: 'coach-card', 'data-coaching': c.id, 'data-severity': c.severity },
          h('span', { class: 'badge severity', 'data-severity': c.severity, text: c.severity }),
          h('h4', { text: c.title }),
          h('p', { text: c.recommendation }),
          h(
            'div',
            { class: 'basis' },
            b.benchmark ? h('div', {}, 'Benchmark: ', h('strong', { text: b.benchmark })) : null,
            numbers.length ? h('div', { text: numbers.join(' · ') }) : null,
            b.metric || typeof b.atMs === 'number'
              ? h('div', {
                  text: [
                    b.metric ? `Metric: ${b.metric}` : null,
                    typeof b.atMs === 'number' ? `At ${clock(b.atMs)}` : null,
                  ]
                    .filter(Boolean)
                    .join(' · '),
                })
              : null,
            b.quote ? h('blockquote', { class: 'quote', text: `“${b.quote}”` }) : null,
          ),
        );
      });
    return panel(title, 'coaching', h('div', { class: 'coaching-list' }, cards));
  }

  // Action items --------------------------------------------------------------

  function actionItemsPanel(items, speakers) {
    const title = h('span', {}, 'Action items ', countBadge(items.length));
    if (!items.length)
      return panel(
        title,
        'action-items',
        h('p', { class: 'muted', text: 'No follow-ups were promised on this call.' }),
      );
    return panel(
      title,
      'action-items',
      h(
        'ul',
        { class: 'actions-list' },
        items.map((a) =>
          h(
            'li',
            { 'data-action-item': '' },
            h('span', { class: 'check', 'aria-hidden': 'true' }),
            h(
              'div',
              {},
              h('div', { text: a.text }),
              h(
                'div',
                { class: 'action-meta' },
                a.owner ? ['Owner: ', speakerLabel(a.owner, speakers), ' · '] : 'Shared · ',
                a.dueText ? `Due: ${a.dueText} · ` : '',
                `At ${clock(a.atMs)}`,
              ),
            ),
          ),
        ),
      ),
    );
  }

  // Quiz ----------------------------------------------------------------------

  function quizPanel(questions, audioId) {
    const title = h('span', {}, 'Quiz ', countBadge(questions.length));
    const intro = h('p', { class: 'muted', text: 'Check what you took away from this call.' });
    const list = h(
      'div',
      { class: 'quiz' },
      questions.map((q, i) => {
        const legendId = `quiz-${audioId}-${i}-legend`;
        const name = `quiz-${audioId}-${i}`;
        const options = q.options.map((option, j) =>
          h(
            'label',
            { class: 'quiz-option' },
            h('input', { type: 'radio', name, value: String(j) }),
            h('span', { text: option }),
          ),
        );
        const feedback = h('div', { class: 'quiz-feedback', 'data-quiz-feedback': '', 'aria-live': 'polite' });
        const check = h('button', {
          type: 'button',
          class: 'btn btn-secondary btn-small',
          'aria-describedby': legendId,
          text: 'Check',
        });
        const fieldset = h(
          'fieldset',
          { class: 'quiz-question', 'data-quiz-question': String(i) },
          h('legend', { id: legendId, text: `${i + 1}. ${q.question}` }),
          options,
          h('div', { class: 'quiz-foot' }, check, feedback),
        );
        check.addEventListener('click', () => checkAnswer(fieldset, q, options, feedback));
        return fieldset;
      }),
    );
    return panel(title, 'quiz', intro, list);
  }

  function checkAnswer(fieldset, q, options, feedback) {
    const chosen = fieldset.querySelector('input[type="radio"]:checked');
    for (const o of options) o.classList.remove('correct', 'incorrect');
    if (!chosen) {
      feedback.dataset.result = 'none';
      feedback.replaceChildren(h('span', { class: 'muted', text: 'Choose an answer first.' }));
      return;
    }
    const index = Number(chosen.value);
    const right = index === q.answerIndex;
    options[q.answerIndex].classList.add('correct');
    if (!right) options[index].classList.add('incorrect');
    feedback.dataset.result = right ? 'correct' : 'incorrect';
    feedback.replaceChildren(
      h('span', {
        class: 'verdict',
        text: right ? 'Correct. ' : `Not quite: the answer is “${q.options[q.answerIndex]}”. `,
      }),
      h('span', { text: q.explanation }),
      typeof q.atMs === 'number' ? h('span', { class: 'muted', text: ` (see ${clock(q.atMs)})` }) : null,
    );
  }

  // ---------------------------------------------------------------- boot

  function boot() {
    Object.assign(els, {
      alert: $('alert'),
      alertText: document.querySelector('#alert .alert-text'),
      alertClose: document.querySelector('#alert .alert-close'),
      announcer: $('announcer'),
      connection: $('connection'),
      connectionText: document.querySelector('#connection .connection-text'),
      signOut: $('sign-out'),
      authCard: $('auth-card'),
      authForm: $('auth-form'),
      tokenInput: $('token-input'),
      app: $('app'),
      uploadForm: $('upload-form'),
      fileInput: $('file-input'),
      competitors: $('competitors-input'),
      auto: $('auto-input'),
      uploadButton: $('upload-button'),
      uploadCancel: $('upload-cancel'),
      uploadProgress: $('upload-progress'),
      uploadBar: $('upload-bar'),
      uploadProgressText: $('upload-progress-text'),
      tbody: $('recordings-body'),
      empty: $('empty'),
      loadMore: $('load-more'),
      refresh: $('refresh'),
      detail: $('detail'),
      detailTitle: $('detail-title'),
      detailSub: $('detail-sub'),
      detailBody: $('detail-body'),
      detailClose: $('detail-close'),
    });

    els.alertClose.addEventListener('click', hideAlert);
    els.signOut.addEventListener('click', () => signOut());
    els.authForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = normaliseToken(els.tokenInput.value);
      if (!token) {
        showAlert('Paste the access token first.');
        return;
      }
      hideAlert();
      storeToken(token);
      startApp();
    });
    els.uploadForm.addEventListener('submit', onUploadSubmit);
    els.uploadCancel.addEventListener('click', () => state.upload && state.upload.abort());
    els.tbody.addEventListener('click', onTableClick);
    els.loadMore.addEventListener('click', loadMore);
    els.refresh.addEventListener('click', () => void loadFirstPage());
    els.detailClose.addEventListener('click', closeDetail);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && state.detail && els.detail.contains(document.activeElement)) closeDetail();
    });
    // A new dashboard link opened in this tab.
    window.addEventListener('hashchange', () => {
      const token = takeTokenFromHash();
      if (!token) return;
      if (state.signedIn) signOut();
      storeToken(token);
      startApp();
    });

    const fromLink = takeTokenFromHash();
    if (fromLink) storeToken(fromLink);
    const token = fromLink || storedToken();
    if (token) {
      state.token = token;
      startApp();
    } else {
      setConnection('offline');
      showSignIn();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
