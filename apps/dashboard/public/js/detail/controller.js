// @ts-check
/**
 * The detail panel of one recording: opening and closing it, loading its transcript and
 * analysis, and reloading when the recording gains one (or changes status) while it is open.
 * Every load carries a sequence number, so an answer for a recording that is no longer
 * shown is dropped.
 */
import { h } from '../dom.js';
import { statusLabel, detailFacts, transcribingText } from '../status.js';
import { detailBody } from './body.js';
import { exportsPanel } from './exports.js';
import { createPlayer } from './player.js';
import { versionPicker } from './versions.js';
import { duplicateButton } from '../duplicate.js';
import { displayTitle } from '../details.js';
import { createDetailsEditor } from './details-form.js';
import { correctionErrorText } from '../corrections.js';

/**
 * @typedef {import('../types.js').RecordingView} RecordingView
 * @typedef {import('../types.js').Analysis} Analysis
 * @typedef {import('../types.js').Transcript} Transcript
 * @typedef {import('../api.js').Api} Api
 * @typedef {import('../state.js').DashboardState} DashboardState
 * @typedef {import('../recordings.js').Recordings} Recordings
 * @typedef {import('../table.js').Table} Table
 */

/**
 * @template T
 * @typedef {import('../types.js').Settled<T>} Settled
 */

/**
 * @typedef {object} DetailEls
 * @property {HTMLElement} section
 * @property {HTMLElement} title
 * @property {HTMLElement} sub
 * @property {HTMLElement} body
 * @property {HTMLButtonElement} close
 * @property {HTMLButtonElement} [remove] deletes the recording shown, after a confirmation
 * @property {HTMLButtonElement} [edit] opens the form that edits the recording's details
 * @property {HTMLElement} [details] where its details (and that form) are shown
 */

/**
 * What the open panel shows: its load's sequence number, the view flags it was rendered
 * from (status null while the first load runs), and the analysis version the user picked
 * (null: the latest).
 * `original`: the merged transcript is shown instead of the corrected one; `notice`: what the
 * last correction's save said, shown once the panel is drawn again; `focus`: where the keyboard
 * goes after the next load (a selector: the button the user pressed).
 * @typedef {{ audioId: string, seq: number, status: string | null, transcriptReady: boolean,
 *   analysisReady: boolean, callType: string | null, analysisId: string | null, original: boolean,
 *   notice: string | null, focus: string | null }} Shown
 */

/** How often, and how many times, a saved correction is looked for in the read model. */
const CORRECTION_POLL_MS = 250;
const CORRECTION_POLLS = 40;

/**
 * @template T
 * @param {Promise<T>} p
 * @returns {Promise<Settled<T>>}
 */
const settle = (p) =>
  p.then(
    (value) => ({ value }),
    (error) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
  );

/**
 * @param {DetailEls} els
 * @param {{ api: Api, state: DashboardState, recordings: Recordings, table: Table,
 *   onError?: (message: string) => void, confirm?: (question: string) => boolean }} deps
 */
export function createDetail(els, deps) {
  const { api, state, recordings } = deps;
  /** @type {Shown | null} */
  let shown = null;
  let seq = 0;
  /**
   * The open recording's player. It lives as long as the panel shows that recording, so a
   * reload (the analysis arrived) keeps the position and the speed.
   * @type {import('./player.js').Player | null}
   */
  let player = null;
  /** The user just picked a version: the next render puts the focus back on the picker. */
  let repick = false;
  /** The details and their form, when the page has a place for them. */
  const editor =
    els.edit && els.details
      ? createDetailsEditor(
          { container: els.details, button: els.edit },
          {
            save: async (audioId, changes) => (await api.editDetails(audioId, changes)).details,
            onSaved: (audioId, details) => {
              // The live stream brings the read model's view too; the page shows the saved details now.
              const current = state.recordings.get(audioId);
              if (current) recordings.upsert({ ...current, details });
            },
          },
        )
      : null;

  /** @param {string} audioId */
  function playerFor(audioId) {
    if (player && player.audioId === audioId) return player;
    if (player) player.destroy();
    const src = api.audioUrl(audioId);
    player = src ? createPlayer({ audioId, src }) : null;
    return player;
  }

  function dropPlayer() {
    if (player) player.destroy();
    player = null;
  }

  /** Where the player goes once the panel has loaded (a search hit's time), or null. */
  /** @type {number | null} */
  let seekOnLoad = null;

  /**
   * @param {string} audioId
   * @param {{ atMs?: number | null }} [opts] atMs: the player starts there (a search hit)
   */
  async function open(audioId, opts = {}) {
    seekOnLoad = typeof opts.atMs === 'number' ? opts.atMs : null;
    const previous = shown && shown.audioId;
    shown = {
      audioId,
      seq: ++seq,
      status: null,
      transcriptReady: false,
      analysisReady: false,
      callType: null,
      analysisId: null,
      original: false,
      notice: null,
      focus: null,
    };
    state.selected = audioId;
    if (previous && previous !== audioId) recordings.rerender(previous);
    recordings.rerender(audioId);
    els.section.hidden = false;
    if (previous !== audioId) {
      dropPlayer();
      const view = recordings.get(audioId);
      els.title.textContent = view ? displayTitle(view) : 'Recording';
      els.sub.replaceChildren();
      editor?.show(view ?? null);
      els.body.replaceChildren(h('p', { class: 'loading', text: 'Loading…' }));
      els.section.scrollIntoView({ behavior: 'smooth', block: 'start' });
      els.section.focus({ preventScroll: true });
    }
    await load(shown.seq);
  }

  /** @param {number} mySeq */
  async function load(mySeq) {
    if (!shown || shown.seq !== mySeq) return;
    const audioId = shown.audioId;
    els.body.setAttribute('aria-busy', 'true');
    let view;
    try {
      view = await api.recording(audioId);
    } catch (err) {
      if (shown && shown.seq === mySeq) {
        els.body.setAttribute('aria-busy', 'false');
        const message = err instanceof Error ? err.message : String(err);
        els.body.replaceChildren(h('p', { class: 'notice', text: `Could not load the recording: ${message}` }));
      }
      return;
    }
    const picked = shown.analysisId;
    const original = shown.original;
    const [transcript, analysis, versions, corrections] = await Promise.all([
      view.transcriptReady ? settle(api.transcript(audioId, { original })) : Promise.resolve(null),
      !view.analysisReady
        ? Promise.resolve(null)
        : settle(picked ? api.analysisVersion(audioId, picked) : api.analysis(audioId)),
      view.analysisReady ? settle(api.analyses(audioId)) : Promise.resolve(null),
      view.transcriptReady ? settle(api.corrections(audioId)) : Promise.resolve(null),
    ]);
    if (!shown || shown.seq !== mySeq) return; // another recording was opened meanwhile
    // The view's flags, not the fetches' outcome: a failed fetch must not reload in a loop.
    shown.status = view.status;
    shown.transcriptReady = view.transcriptReady;
    shown.analysisReady = view.analysisReady;
    shown.callType = analysis && analysis.value ? analysis.value.callType : null;
    recordings.upsert(view);
    renderHeader(view);
    // The source is stored from `uploaded` on; before that there is nothing to play.
    const p = view.status === 'uploading' ? null : playerFor(audioId);
    const downloads = exportsPanel(view, (path) => api.download(path), deps.onError || (() => undefined));
    // Without the list (it failed to load) the panel shows the analysis alone, as before.
    const picker = versions && versions.value ? versionPicker(versions.value.items, picked, pick) : null;
    els.body.replaceChildren(
      ...(p ? [p.element] : []),
      ...(downloads ? [downloads] : []),
      ...(picker ? [picker] : []),
      ...detailBody(view, transcript, analysis, toolsFor(audioId, corrections)),
    );
    shown.notice = null;
    if (shown.focus) {
      const target = els.body.querySelector(shown.focus);
      shown.focus = null;
      if (target instanceof HTMLElement) target.focus();
    }
    if (p) p.index(els.body);
    if (picker && repick) {
      repick = false;
      const select = picker.querySelector('select');
      if (select) select.focus();
    }
    if (p && seekOnLoad !== null) {
      p.seek(seekOnLoad);
      seekOnLoad = null;
    }
    els.body.setAttribute('aria-busy', 'false');
  }

  /**
   * The transcript panel's correction tools for the recording shown.
   * @param {string} audioId
   * @param {Settled<import('../types.js').CorrectionsView> | null} corrections
   * @returns {import('./corrections.js').CorrectionTools | null}
   */
  function toolsFor(audioId, corrections) {
    if (!shown || shown.audioId !== audioId) return null;
    return {
      original: shown.original,
      state: corrections && corrections.value ? corrections.value : null,
      notice: shown.notice,
      correct: (change, focus) => correct(audioId, change, focus),
      toggleOriginal: () => {
        if (!shown || shown.audioId !== audioId) return;
        shown.original = !shown.original;
        shown.focus = '[data-corrections-action="original"]';
        shown.seq = ++seq;
        void load(shown.seq);
      },
    };
  }

  /**
   * Saves a correction, waits until the read model has it (the gateway answers first), then
   * draws the panel again with the keyboard on `focus`. Someone else's save meanwhile (409):
   * the panel is reloaded with the reason shown, and the error goes to the caller too.
   * @param {string} audioId
   * @param {import('../corrections.js').CorrectionChange} change
   * @param {string} focus
   */
  async function correct(audioId, change, focus) {
    try {
      const saved = await api.correctTranscript(audioId, change);
      for (let i = 0; i < CORRECTION_POLLS; i++) {
        const now = await api.corrections(audioId).catch(() => null);
        if (now && now.revision >= saved.revision) break;
        await new Promise((resolve) => setTimeout(resolve, CORRECTION_POLL_MS));
      }
    } catch (err) {
      const e = /** @type {{ code?: string }} */ (err);
      if (shown && shown.audioId === audioId && (e.code === 'CORRECTIONS.STALE' || e.code === 'CORRECTIONS.CONFLICT')) {
        shown.notice = correctionErrorText(err);
        shown.seq = ++seq;
        void load(shown.seq);
      }
      throw err;
    }
    if (!shown || shown.audioId !== audioId) return;
    shown.focus = focus;
    shown.seq = ++seq;
    await load(shown.seq);
  }

  /**
   * Opens another analysis version in the panels (the latest is shown as the default).
   * @param {string} analysisId
   */
  function pick(analysisId) {
    if (!shown) return;
    shown.analysisId = analysisId;
    shown.seq = ++seq;
    repick = true; // the picker is built anew: keep the keyboard on it
    void load(shown.seq);
  }

  /** @param {RecordingView} view */
  function renderHeader(view) {
    els.title.textContent = displayTitle(view);
    editor?.show(view);
    const badge = h('span', { class: 'badge status', 'data-status': view.status, text: statusLabel(view.status) });
    els.sub.replaceChildren(badge, ' ', detailFacts(view, shown ? shown.callType : null).join(' · '));
    const first = duplicateButton(view, (audioId) => void open(audioId));
    if (first) els.sub.append(' ', first);
  }

  /**
   * A newer view of some recording arrived.
   * @param {RecordingView} view
   */
  function onRecording(view) {
    if (!shown || shown.audioId !== view.audioId || shown.status === null) return;
    renderHeader(view);
    const gained = (view.transcriptReady && !shown.transcriptReady) || (view.analysisReady && !shown.analysisReady);
    const moved = view.status !== shown.status;
    shown.status = view.status;
    // A new analysis (the status moved on): it is shown, not the version picked before.
    if (moved) shown.analysisId = null;
    if (gained || moved) {
      shown.seq = ++seq;
      void load(shown.seq);
      return;
    }
    const live = els.body.querySelector('[data-live="transcript-progress"]');
    if (live) live.textContent = transcribingText(view);
  }

  function close() {
    const previous = shown && shown.audioId;
    shown = null;
    seq++;
    state.selected = null;
    dropPlayer();
    editor?.show(null);
    els.section.hidden = true;
    els.body.replaceChildren();
    if (previous) {
      recordings.rerender(previous);
      deps.table.focus(previous, 'view');
    }
  }

  /** Delete, once the user confirmed: the recording and everything made from it go. */
  async function removeShown() {
    if (!shown) return;
    const audioId = shown.audioId;
    const known = state.recordings.get(audioId);
    const name = known ? displayTitle(known) : 'this recording';
    const ask = deps.confirm ?? ((q) => window.confirm(q));
    if (!ask(`Delete ${name}? Its audio, transcript and every analysis are removed for good.`)) return;
    if (els.remove) els.remove.disabled = true;
    try {
      await api.remove(audioId);
      if (shown && shown.audioId === audioId) close();
      recordings.remove(audioId);
    } catch (err) {
      deps.onError?.(`Delete failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (els.remove) els.remove.disabled = false;
    }
  }

  recordings.onChange(onRecording);
  els.close.addEventListener('click', close);
  els.remove?.addEventListener('click', () => void removeShown());
  // Times anywhere in the panel seek the player (player.js says which clicks count).
  els.body.addEventListener('click', (e) => {
    if (player && shown) player.onClick(e);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && shown && els.section.contains(document.activeElement)) close();
    else if (player && shown && !els.section.hidden) player.onKey(e);
  });

  return {
    open,
    close,
    removeShown,
    /** The open recording's player, or null. */
    get player() {
      return player;
    },
    /** The recording shown, or null. */
    get audioId() {
      return shown ? shown.audioId : null;
    },
  };
}

/** @typedef {ReturnType<typeof createDetail>} Detail */
