// @ts-check
/**
 * The detail panel's downloads: the transcript as text, SubRip, WebVTT or JSON, the metrics as
 * CSV, and the analysis as a printable report (HTML or PDF). Each is fetched with the bearer
 * token and saved through a blob URL, so no token travels in an address and nothing runs inline.
 */
import { h } from '../dom.js';

/**
 * @typedef {import('../types.js').RecordingView} RecordingView
 * @typedef {{ label: string, format: string, what: 'transcript' | 'analysis' | 'report', title: string }} ExportKind
 *   `what`: the route under /audios/:id; a report is offered once the analysis exists.
 */

/** @type {ReadonlyArray<ExportKind>} */
export const EXPORTS = [
  { label: 'Text', format: 'txt', what: 'transcript', title: 'The transcript as plain text, one line per turn' },
  { label: 'SRT', format: 'srt', what: 'transcript', title: 'Subtitles (SubRip), with speaker names' },
  { label: 'WebVTT', format: 'vtt', what: 'transcript', title: 'Subtitles (WebVTT), with speaker voices' },
  { label: 'JSON', format: 'json', what: 'transcript', title: 'The transcript with every word and its times' },
  { label: 'Metrics CSV', format: 'csv', what: 'analysis', title: 'Talk ratio, questions, sentiment, issues…' },
  { label: 'Report (HTML)', format: 'html', what: 'report', title: 'The analysis and transcript as a printable page' },
  { label: 'Report (PDF)', format: 'pdf', what: 'report', title: 'The analysis and transcript as a PDF' },
];

/**
 * The address of one export.
 * @param {string} audioId
 * @param {ExportKind} kind
 */
export const exportPath = (audioId, kind) =>
  `/audios/${encodeURIComponent(audioId)}/${kind.what}?format=${kind.format}`;

/**
 * The downloads a recording has: the transcript's once it is transcribed, the metrics and the
 * report once it is analysed.
 * @param {Pick<RecordingView, 'transcriptReady' | 'analysisReady'>} view
 * @returns {ExportKind[]}
 */
export function exportsOf(view) {
  const ready = { transcript: view.transcriptReady, analysis: view.analysisReady, report: view.analysisReady };
  return EXPORTS.filter((k) => ready[k.what]);
}

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
  const kinds = exportsOf(view);
  if (!kinds.length) return null;
  const status = h('span', { class: 'muted export-status', role: 'status' });
  return h(
    'div',
    { class: 'exports', 'data-section': 'exports' },
    h('span', { class: 'muted', text: 'Download:' }),
    kinds.map((kind) =>
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
