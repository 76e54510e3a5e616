// @ts-check
/**
 * The detail panel's downloads: the transcript as text, SubRip, WebVTT or JSON, and the
 * metrics as CSV. Each is fetched with the bearer token and saved through a blob URL, so no
 * token travels in an address and nothing runs inline.
 */
import { h } from '../dom.js';

/**
 * @typedef {import('../types.js').RecordingView} RecordingView
 * @typedef {{ label: string, format: string, what: 'transcript' | 'analysis', title: string }} ExportKind
 */

/** @type {ReadonlyArray<ExportKind>} */
export const EXPORTS = [
  { label: 'Text', format: 'txt', what: 'transcript', title: 'The transcript as plain text, one line per turn' },
  { label: 'SRT', format: 'srt', what: 'transcript', title: 'Subtitles (SubRip), with speaker names' },
  { label: 'WebVTT', format: 'vtt', what: 'transcript', title: 'Subtitles (WebVTT), with speaker voices' },
  { label: 'JSON', format: 'json', what: 'transcript', title: 'The transcript with every word and its times' },
  { label: 'Metrics CSV', format: 'csv', what: 'analysis', title: 'Talk ratio, questions, sentiment, issues…' },
];

/**
 * The address of one export.
 * @param {string} audioId
 * @param {ExportKind} kind
 */
export const exportPath = (audioId, kind) =>
  `/audios/${encodeURIComponent(audioId)}/${kind.what}?format=${kind.format}`;

/**
 * Saves a blob under a name, as a download.
 * @param {Blob} blob
 * @param {string} filename
 */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: the download may still be reading it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * @param {RecordingView} view
 * @param {(path: string) => Promise<{ blob: Blob, filename: string }>} download
 * @param {(message: string) => void} onError
 */
export function exportsPanel(view, download, onError) {
  const ready = { transcript: view.transcriptReady, analysis: view.analysisReady };
  if (!ready.transcript && !ready.analysis) return null;
  const status = h('span', { class: 'muted export-status', role: 'status' });
  return h(
    'div',
    { class: 'exports', 'data-section': 'exports' },
    h('span', { class: 'muted', text: 'Download:' }),
    EXPORTS.filter((k) => ready[k.what]).map((kind) =>
      h('button', {
        type: 'button',
        class: 'btn btn-ghost btn-small',
        'data-export': kind.format,
        title: kind.title,
        text: kind.label,
        onclick: (e) => {
          const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
          button.disabled = true;
          status.textContent = `Preparing ${kind.label}…`;
          download(exportPath(view.audioId, kind)).then(
            ({ blob, filename }) => {
              saveBlob(blob, filename);
              status.textContent = `Saved ${filename}`;
              button.disabled = false;
            },
            (err) => {
              status.textContent = '';
              button.disabled = false;
              onError(
                `Could not download the ${kind.label} export: ${err instanceof Error ? err.message : String(err)}`,
              );
            },
          );
        },
      }),
    ),
    status,
  );
}
