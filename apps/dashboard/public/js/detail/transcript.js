// @ts-check
/**
 * The transcript panel: one block per speaker turn. Each segment carries its start and end
 * (`data-start-ms`, `data-end-ms`) and each word its own, which the player (player.js) seeks to
 * and follows along.
 */
import { h } from '../dom.js';
import { transcriptNotice } from '../status.js';
import { countBadge, legend, panel, speakerLabel, timestamp } from './parts.js';

/**
 * @typedef {import('../types.js').RecordingView} RecordingView
 * @typedef {import('../types.js').Transcript} Transcript
 * @typedef {import('../types.js').Segment} Segment
 */

/**
 * @param {RecordingView} view
 * @param {Transcript | null} transcript
 * @param {string | null} loadError
 * @param {ReadonlyArray<string>} speakers
 */
export function transcriptPanel(view, transcript, loadError, speakers) {
  if (!transcript) {
    const notice = transcriptNotice(view, loadError);
    return panel(
      'Transcript',
      'transcript',
      null,
      h('p', { class: 'notice', 'data-live': notice.live ? 'transcript-progress' : null, text: notice.text }),
    );
  }
  const segments = transcript.segments || [];
  const engine = transcript.engine
    ? h('span', { text: `Engine: ${transcript.engine}${transcript.language ? ` (${transcript.language})` : ''}` })
    : null;
  const list = h(
    'div',
    { class: 'transcript', tabindex: '0', role: 'region', 'aria-label': 'Transcript' },
    segments.length
      ? segments.map((seg) => segmentBlock(seg, speakers))
      : h('p', { class: 'notice', text: 'No speech was recognised in this recording.' }),
  );
  return panel(
    'Transcript',
    'transcript',
    countBadge(`${segments.length} turns`),
    legend(speakers, speakers, engine),
    list,
  );
}

/**
 * @param {Segment} seg
 * @param {ReadonlyArray<string>} speakers
 */
function segmentBlock(seg, speakers) {
  return h(
    'div',
    {
      class: 'segment',
      'data-speaker': seg.speaker,
      'data-start-ms': String(seg.startMs),
      'data-end-ms': String(seg.endMs),
    },
    h('div', { class: 'segment-who' }, speakerLabel(seg.speaker, speakers), timestamp(seg.startMs)),
    h('p', { class: 'segment-text' }, segmentWords(seg)),
  );
}

/**
 * The turn's words, each with its times (`data-word-start-ms`, `data-word-end-ms`: the player
 * seeks to a clicked word and highlights the one being spoken), or its text when the engine
 * gave no words.
 * @param {Segment} seg
 * @returns {import('../dom.js').Child}
 */
export function segmentWords(seg) {
  const words = (seg.words || []).filter((w) => w.text.trim());
  if (!words.length) return seg.text;
  return words.map((w, i) => [
    i ? ' ' : null,
    h('span', {
      class: 'word',
      'data-word-start-ms': String(w.startMs),
      'data-word-end-ms': String(w.endMs),
      text: w.text.trim(),
    }),
  ]);
}
