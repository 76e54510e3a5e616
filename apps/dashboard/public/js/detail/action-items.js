// @ts-check
/** Follow-ups promised on the call: who, by when, and where it was said. */
import { h } from '../dom.js';
import { clock } from '../format.js';
import { countBadge, muted, panel, speakerLabel } from './parts.js';

/** @typedef {import('../types.js').ActionItem} ActionItem */

/**
 * @param {ReadonlyArray<ActionItem>} items
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} [names] the owner's names by label (transcript corrections)
 */
export function actionItemsPanel(items, speakers, names = null) {
  const count = countBadge(items.length);
  if (!items.length)
    return panel('Action items', 'action-items', count, muted('No follow-ups were promised on this call.'));
  return panel(
    'Action items',
    'action-items',
    count,
    h(
      'ul',
      { class: 'actions-list' },
      items.map((a) =>
        h(
          'li',
          { 'data-action-item': '', 'data-at-ms': a.atMs },
          h('span', { class: 'check', 'aria-hidden': 'true' }),
          h(
            'div',
            {},
            h('div', { text: a.text }),
            h(
              'div',
              { class: 'action-meta' },
              a.owner ? ['Owner: ', speakerLabel(a.owner, speakers, names), ' · '] : 'Shared · ',
              a.dueText ? `Due: ${a.dueText} · ` : '',
              `At ${clock(a.atMs)}`,
            ),
          ),
        ),
      ),
    ),
  );
}
