// @ts-check
/**
 * The version picker of the detail panel: a recording analysed more than once (another
 * provider, a new model) keeps every analysis, and the user opens any of them in the same
 * panels. Newest first, labelled by time and analyst; the latest is the default.
 */
import { h } from '../dom.js';

/**
 * @typedef {import('../types.js').AnalysisVersion} AnalysisVersion
 * @typedef {{ value: string, label: string, selected: boolean }} VersionChoice
 */

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * When a version was made, to the second (two analyses a minute apart must read apart); '—'
 * when unknown.
 * @param {number | null} epochMs
 */
export const versionTime = (epochMs) => (epochMs ? timeFormat.format(new Date(epochMs)) : '—');

/**
 * "12 Mar 2025, 14:05:09 · llm:openai (gpt-4o-mini) · latest"; an analysis from before versions
 * were kept names no analyst.
 * @param {AnalysisVersion} v
 */
export function versionLabel(v) {
  const analyst = v.analyst ? `${v.analyst}${v.model ? ` (${v.model})` : ''}` : 'analyst not recorded';
  return [versionTime(v.completedAt), analyst, v.latest ? 'latest' : null].filter(Boolean).join(' · ');
}

/**
 * The picker's options in the server's order (newest first), or null when there is nothing to
 * choose from (one analysis or none).
 * @param {ReadonlyArray<AnalysisVersion>} versions
 * @param {string | null} chosen the analysisId shown, null for the latest
 * @returns {VersionChoice[] | null}
 */
export function versionChoices(versions, chosen) {
  if (versions.length < 2) return null;
  const shown = chosen && versions.some((v) => v.analysisId === chosen) ? chosen : null;
  return versions.map((v) => ({
    value: v.analysisId,
    label: versionLabel(v),
    selected: shown ? v.analysisId === shown : v.latest,
  }));
}

/**
 * @param {ReadonlyArray<AnalysisVersion>} versions
 * @param {string | null} chosen
 * @param {(analysisId: string) => void} onPick
 * @returns {HTMLElement | null}
 */
export function versionPicker(versions, chosen, onPick) {
  const choices = versionChoices(versions, chosen);
  if (!choices) return null;
  const select = h(
    'select',
    {
      id: 'analysis-version',
      onchange: () => onPick(select.value),
    },
    choices.map((c) => h('option', { value: c.value, selected: c.selected, text: c.label })),
  );
  return h(
    'div',
    { class: 'versions', 'data-section': 'versions' },
    h('label', { for: 'analysis-version', text: 'Analysis version' }),
    select,
    h('span', { class: 'muted', text: `${versions.length} analyses, newest first` }),
  );
}
