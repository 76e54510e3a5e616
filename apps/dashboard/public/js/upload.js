// @ts-check
/**
 * The upload form. XMLHttpRequest rather than fetch, because only it reports upload
 * progress. The form fields go first and the (possibly large) file last, so the server
 * knows the options before the bytes arrive.
 */
import { authHeaders, errorFromResponse } from './api.js';
import { competitorsMetadata, placeholderView } from './state.js';
import { uploadProgressText } from './status.js';

/**
 * @typedef {import('./api.js').ApiError} ApiError
 * @typedef {import('./notices.js').Notices} Notices
 * @typedef {import('./recordings.js').Recordings} Recordings
 */

/**
 * @typedef {object} UploadEls
 * @property {HTMLFormElement} form
 * @property {HTMLInputElement} file
 * @property {HTMLInputElement} competitors
 * @property {HTMLInputElement} auto
 * @property {HTMLButtonElement} submit
 * @property {HTMLButtonElement} cancel
 * @property {HTMLElement} progress
 * @property {HTMLProgressElement} bar
 * @property {HTMLElement} progressText
 */

/**
 * @param {UploadEls} els
 * @param {{ token: () => string | null, notices: Notices, recordings: Recordings, signedIn: () => boolean,
 *   onUnauthorized: (err: ApiError, token: string) => void, onAccepted: (token: string) => void,
 *   autoProcess: import('./prefs.js').Flag }} deps
 */
export function createUpload(els, deps) {
  /** @type {XMLHttpRequest | null} */
  let xhr = null;
  // Automatic processing is on by default; a user who turned it off finds it off next time.
  els.auto.checked = deps.autoProcess.get();
  els.auto.addEventListener('change', () => deps.autoProcess.set(els.auto.checked));

  /**
   * @param {boolean} active
   * @param {string} [text]
   * @param {number} [pct]
   */
  function setUploading(active, text, pct) {
    els.submit.disabled = active;
    els.file.disabled = active;
    els.cancel.hidden = !active;
    els.progress.hidden = !active;
    els.bar.value = active ? pct || 0 : 0;
    els.progressText.textContent = active ? text || '' : '';
  }

  /** @param {SubmitEvent} event */
  function onSubmit(event) {
    event.preventDefault();
    deps.notices.hideAlert('general');
    const file = els.file.files && els.file.files[0];
    const token = deps.token();
    if (!file) {
      deps.notices.showAlert('Choose an audio file to upload.');
      els.file.focus();
      return;
    }
    if (!token) return;
    const form = new FormData();
    const metadata = competitorsMetadata(els.competitors.value);
    if (metadata) form.append('metadata', metadata);
    if (els.auto.checked) {
      form.append('autoTranscribe', 'true');
      form.append('autoAnalyze', 'true');
    }
    form.append('file', file, file.name);

    const request = new XMLHttpRequest();
    xhr = request;
    request.open('POST', '/upload');
    for (const [name, value] of Object.entries(authHeaders(token))) request.setRequestHeader(name, value);
    setUploading(true, `Uploading ${file.name}…`, 0);
    request.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const { pct, text } = uploadProgressText(file.name, e.loaded, e.total);
      setUploading(true, text, pct);
    };
    request.onload = () => {
      xhr = null;
      setUploading(false);
      if (request.status === 201) {
        void uploaded(file, request.responseText, token);
        return;
      }
      const err = errorFromResponse(request.status, request.responseText);
      if (request.status === 401) deps.onUnauthorized(err, token);
      else deps.notices.showAlert(`Upload failed: ${err.message}`);
    };
    request.onerror = () => {
      xhr = null;
      setUploading(false);
      deps.notices.showAlert('Upload failed: the server cannot be reached.');
    };
    request.onabort = () => {
      xhr = null;
      setUploading(false);
      if (deps.signedIn()) deps.notices.showAlert('Upload cancelled.', { kind: 'info' });
    };
    request.send(form);
  }

  /**
   * @param {File} file
   * @param {string} responseText
   * @param {string} token
   */
  async function uploaded(file, responseText, token) {
    deps.onAccepted(token);
    /** @type {{ audioId?: unknown }} */
    let body = {};
    try {
      body = JSON.parse(responseText);
    } catch {
      // a 201 without a body: the stream or the next poll shows the row
    }
    // The user's choice of automatic processing stays for the next upload.
    els.form.reset();
    els.auto.checked = deps.autoProcess.get();
    deps.notices.announce(`${file.name} uploaded`);
    if (typeof body.audioId !== 'string') return;
    if (!deps.recordings.get(body.audioId)) deps.recordings.upsert(placeholderView(body.audioId, file, Date.now()));
    await deps.recordings.refreshOne(body.audioId);
  }

  els.form.addEventListener('submit', onSubmit);
  els.cancel.addEventListener('click', () => xhr && xhr.abort());

  return {
    /** Stops a running upload (on sign-out). */
    abort() {
      if (xhr) xhr.abort();
    },
  };
}
