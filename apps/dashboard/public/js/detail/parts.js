// @ts-check
/** Pieces every detail panel uses: the panel frame, counts, speaker labels and timestamps. */
import { h } from '../dom.js';
import { speakerDisplay } from '../corrections.js';
import { capital, clock } from '../format.js';

/** @typedef {import('../dom.js').Child} Child */

const NAMED_TONES = new Set(['agent', 'customer', 'speaker']);
const EXTRA_TONES = 4;

/**
 * The colour family of a speaker (`data-tone`, coloured by CSS in both themes): the stereo
 * channels and the mono speaker have their own, others take one of four in turn.
 * @param {string} speaker
 * @param {ReadonlyArray<string>} speakers
 */
export function speakerTone(speaker, speakers) {
  if (NAMED_TONES.has(speaker)) return speaker;
  const i = Math.max(0, speakers.indexOf(speaker));
  return `extra-${i % EXTRA_TONES}`;
}

/**
 * @param {string} title
 * @param {string} section `data-section`, also the heading's id
 * @param {Node | null} heading what follows the title in the heading (a count)
 * @param {...Child} children
 */
export function panel(title, section, heading, ...children) {
  const headingId = `detail-${section}-title`;
  return h(
    'section',
    { class: 'panel', 'data-section': section, 'aria-labelledby': headingId },
    h('h3', { id: headingId }, title, heading ? [' ', heading] : null),
    ...children,
  );
}

/** @param {number | string} n */
export const countBadge = (n) => h('span', { class: 'count', text: String(n) });

/**
 * @param {string | null | undefined} speaker
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} [names] the owner's names by label (transcript corrections)
 */
export function speakerLabel(speaker, speakers, names) {
  const who = speaker || 'unknown';
  return h('span', {
    class: 'speaker-label',
    'data-tone': speakerTone(who, speakers),
    'data-speaker-label': who,
    text: speakerDisplay(who, names),
  });
}

/**
 * A moment of the call. `data-at-ms` is where a player will seek to.
 * @param {number} ms
 */
export const timestamp = (ms) => h('span', { class: 'timestamp', 'data-at-ms': String(ms), text: clock(ms) });

/** @param {string} text */
export const quote = (text) => h('blockquote', { class: 'quote', text: `“${text}”` });

/** @param {string} text */
export const muted = (text) => h('p', { class: 'muted', text });

/**
 * The colour key of a chart or transcript.
 * @param {ReadonlyArray<string>} shown
 * @param {ReadonlyArray<string>} speakers
 * @param {...Child} extra
 */
export function legend(shown, speakers, ...extra) {
  return namedLegend(shown, speakers, null, ...extra);
}

/**
 * The colour key with the owner's names for the speakers (the transcript, once corrected).
 * @param {ReadonlyArray<string>} shown
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null | undefined} names
 * @param {...Child} extra
 */
export function namedLegend(shown, speakers, names, ...extra) {
  return h(
    'div',
    { class: 'legend' },
    shown.map((s) =>
      h(
        'span',
        {},
        h('span', { class: 'legend-swatch', 'data-tone': speakerTone(s, speakers) }),
        names ? speakerDisplay(s, names) : capital(s),
      ),
    ),
    ...extra,
  );
}
