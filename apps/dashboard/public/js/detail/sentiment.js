// @ts-check
/** The sentiment panel: overall and per-speaker scores, the timeline, and the shifts. */
import { h } from '../dom.js';
import { capital, signed } from '../format.js';
import { speakerDisplay } from '../corrections.js';
import { panel, quote, speakerLabel, timestamp } from './parts.js';
import { sentimentChart } from './sentiment-chart.js';

/** @typedef {import('../types.js').Sentiment} Sentiment */

/**
 * @param {string} prefix
 * @param {{ label: string, score: number }} s
 */
function sentimentBadge(prefix, s) {
  return h('span', {
    class: 'badge sentiment',
    'data-label': s.label,
    text: `${prefix}${capital(s.label)} (${signed(s.score)})`,
  });
}

/**
 * @param {Sentiment} sentiment
 * @param {number} durationMs
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} [names] the owner's names by label (transcript corrections)
 */
export function sentimentPanel(sentiment, durationMs, speakers, names = null) {
  const scores = h(
    'div',
    { class: 'sentiment-row' },
    sentimentBadge('Overall: ', sentiment.overall),
    (sentiment.bySpeaker || []).map((s) =>
      sentimentBadge(`${names ? speakerDisplay(s.speaker, names) : capital(s.speaker)}: `, s),
    ),
  );
  const shifts = (sentiment.shifts || []).length
    ? h(
        'ul',
        { class: 'shifts', 'aria-label': 'Sentiment shifts' },
        sentiment.shifts.map((s) =>
          h(
            'li',
            {},
            timestamp(s.atMs),
            ' ',
            speakerLabel(s.speaker, speakers, names),
            ` turned ${s.from} → ${s.to}`,
            s.quote ? quote(s.quote) : null,
          ),
        ),
      )
    : null;
  return panel(
    'Sentiment',
    'sentiment',
    null,
    scores,
    sentimentChart(sentiment.timeline || [], durationMs, speakers),
    shifts,
  );
}
