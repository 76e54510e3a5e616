// @ts-check
/** The quiz: one fieldset per question, checked in the page. */
import { h } from '../dom.js';
import { clock } from '../format.js';
import { countBadge, panel } from './parts.js';

/** @typedef {import('../types.js').QuizQuestion} QuizQuestion */

/**
 * The verdict on an answer.
 * @param {QuizQuestion} q
 * @param {number | null} chosen the option's index, or null when none is chosen
 * @returns {{ result: 'none' | 'correct' | 'incorrect', verdict: string, explanation: string, see: string | null }}
 */
export function verdict(q, chosen) {
  const see = typeof q.atMs === 'number' ? ` (see ${clock(q.atMs)})` : null;
  if (chosen === null) return { result: 'none', verdict: 'Choose an answer first.', explanation: '', see: null };
  const right = chosen === q.answerIndex;
  return {
    result: right ? 'correct' : 'incorrect',
    verdict: right ? 'Correct. ' : `Not quite: the answer is “${q.options[q.answerIndex]}”. `,
    explanation: q.explanation,
    see,
  };
}

/**
 * @param {ReadonlyArray<QuizQuestion>} questions
 * @param {string} audioId
 */
export function quizPanel(questions, audioId) {
  const intro = h('p', { class: 'muted', text: 'Check what you took away from this call.' });
  const list = h(
    'div',
    { class: 'quiz' },
    questions.map((q, i) => question(q, i, audioId)),
  );
  return panel('Quiz', 'quiz', countBadge(questions.length), intro, list);
}

/**
 * @param {QuizQuestion} q
 * @param {number} i
 * @param {string} audioId
 */
function question(q, i, audioId) {
  const legendId = `quiz-${audioId}-${i}-legend`;
  const name = `quiz-${audioId}-${i}`;
  const options = q.options.map((option, j) =>
    h(
      'label',
      { class: 'quiz-option' },
      h('input', { type: 'radio', name, value: String(j) }),
      h('span', { text: option }),
    ),
  );
  const feedback = h('div', { class: 'quiz-feedback', 'data-quiz-feedback': '', 'aria-live': 'polite' });
  const fieldset = h(
    'fieldset',
    { class: 'quiz-question', 'data-quiz-question': String(i) },
    h('legend', { id: legendId, text: `${i + 1}. ${q.question}` }),
    options,
    h(
      'div',
      { class: 'quiz-foot' },
      h('button', {
        type: 'button',
        class: 'btn btn-secondary btn-small',
        'aria-describedby': legendId,
        text: 'Check',
        onclick: () => check(),
      }),
      feedback,
    ),
  );

  function check() {
    const chosen = fieldset.querySelector('input[type="radio"]:checked');
    const index = chosen instanceof HTMLInputElement ? Number(chosen.value) : null;
    const v = verdict(q, index);
    for (const o of options) o.classList.remove('correct', 'incorrect');
    feedback.dataset.result = v.result;
    if (v.result === 'none') {
      feedback.replaceChildren(h('span', { class: 'muted', text: v.verdict }));
      return;
    }
    options[q.answerIndex]?.classList.add('correct');
    if (v.result === 'incorrect' && index !== null) options[index]?.classList.add('incorrect');
    feedback.replaceChildren(h('span', { class: 'verdict', text: v.verdict }), h('span', { text: v.explanation }));
    // Added after the panel was indexed, so it says itself that it seeks (player.js).
    if (v.see) {
      feedback.append(
        h('span', {
          class: 'muted seekable',
          'data-at-ms': q.atMs,
          tabindex: '0',
          title: 'Play from here',
          text: v.see,
        }),
      );
    }
  }
  return fieldset;
}
