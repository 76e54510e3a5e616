// @ts-check
/**
 * Pure formatting helpers. Nothing here touches the DOM, so the unit tests run the same code
 * the page runs.
 */

/** @param {number} n */
const pad2 = (n) => String(n).padStart(2, '0');

/**
 * mm:ss, or h:mm:ss from one hour; '—' for anything that is not a duration.
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function clock(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '—';
  const total = Math.floor(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${pad2(m)}:${pad2(s)}` : `${pad2(m)}:${pad2(s)}`;
}

/**
 * A rough time left: "under a minute", "about 4 min", "about 1 h 20 min"; '' when unknown.
 * @param {number | null | undefined} ms
 */
export function roughly(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `about ${minutes} min`;
  const m = minutes % 60;
  return `about ${Math.floor(minutes / 60)} h${m ? ` ${m} min` : ''}`;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/**
 * Date and time in the reader's locale; '—' when unknown.
 * @param {number | null | undefined} epochMs
 */
export function when(epochMs) {
  return epochMs ? dateTimeFormat.format(new Date(epochMs)) : '—';
}

/** @param {number} epochMs */
export const day = (epochMs) => dayFormat.format(new Date(epochMs));

/** @param {number} epochMs */
export const timeOfDay = (epochMs) => timeFormat.format(new Date(epochMs));

/**
 * 1024-based sizes: "512 B", "1.5 KB", "23 MB".
 * @param {number | null | undefined} n
 */
export function bytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value >= 10 || i === 0 ? Math.round(value) : value.toFixed(1)} ${units[i]}`;
}

/**
 * A 0..1 share as a whole percentage.
 * @param {number | null | undefined} share
 */
export const percent = (share) => (typeof share === 'number' ? `${Math.round(share * 100)}%` : '—');

/**
 * A -1..+1 score with its sign and two decimals.
 * @param {number | null | undefined} score
 */
export const signed = (score) => (typeof score === 'number' ? `${score > 0 ? '+' : ''}${score.toFixed(2)}` : '—');

/** @param {number} n */
export const round1 = (n) => (Math.round(n * 10) / 10).toLocaleString();

/**
 * "1 chunk", "2 chunks".
 * @param {number} n
 * @param {string} word
 */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * @param {string} s
 * @returns {string}
 */
export const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/**
 * Makes a server's reason fragment ("the recording could not be chunked") a sentence.
 * @param {string} s
 */
export function sentence(s) {
  const text = capital(String(s || '').trim());
  return !text || /[.!?…]$/.test(text) ? text : `${text}.`;
}

/**
 * A coaching metric's value, in the unit its name suggests.
 * @param {string | null | undefined} metric
 * @param {number | null | undefined} value
 */
export function metricValue(metric, value) {
  if (typeof value !== 'number') return '—';
  const name = String(metric || '').toLowerCase();
  if (/(ratio|share|rate|percent)/.test(name) && value >= 0 && value <= 1) return percent(value);
  if (/(ms$|millis|duration|monologue|time)/.test(name) && value > 1000) return clock(value);
  return round1(value);
}
