// @ts-check
/**
 * The transcript panel: one block per speaker turn. Each segment carries its start and end
 * (`data-start-ms`, `data-end-ms`), the seam for a player that seeks and follows along.
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
    h('p', { class: 'segment-text', text: seg.text }),
  );
}
