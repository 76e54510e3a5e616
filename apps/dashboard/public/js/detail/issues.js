// @ts-check
/** Issues and objections, in the order they were raised. */
import { h } from '../dom.js';
import { percent } from '../format.js';
import { countBadge, muted, panel, quote, speakerLabel, timestamp } from './parts.js';

/** @typedef {import('../types.js').Issue} Issue */

/**
 * @param {ReadonlyArray<Issue>} issues
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} [names] the owner's names by label (transcript corrections)
 */
export function issuesPanel(issues, speakers, names = null) {
  const count = countBadge(issues.length);
  if (!issues.length)
    return panel('Issues & objections', 'issues', count, muted('No objections or issues were detected.'));
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
            timestamp(issue.startMs),
            speakerLabel(issue.speaker, speakers, names),
            h('span', { text: `${percent(issue.confidence)} confidence` }),
          ),
          quote(issue.quote),
        ),
      ),
  );
  return panel('Issues & objections', 'issues', count, list);
}
