// @ts-check
/**
 * The transcript panel: one block per speaker turn. Each segment carries its start and end
 * (`data-start-ms`, `data-end-ms`) and each word its own, which the player (player.js) seeks to
 * and follows along.
 */
import { h } from '../dom.js';
import { transcriptNotice } from '../status.js';
import { correctionsBar, editButton } from './corrections.js';
import { countBadge, namedLegend, panel, speakerLabel, timestamp } from './parts.js';

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
 * @param {import('./corrections.js').CorrectionTools | null} [tools] corrections (absent: read-only)
 */
export function transcriptPanel(view, transcript, loadError, speakers, tools = null) {
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
  const names = transcript.speakerNames || null;
  // Edits are made on the corrected transcript; the original is shown read-only.
  const editable = tools && !tools.original ? tools : null;
  const engine = transcript.engine
    ? h('span', { text: `Engine: ${transcript.engine}${transcript.language ? ` (${transcript.language})` : ''}` })
    : null;
  const list = h(
    'div',
    { class: 'transcript', tabindex: '0', role: 'region', 'aria-label': 'Transcript' },
    segments.length
      ? segments.map((seg, i) => segmentBlock(seg, speakers, names, i, editable))
      : h('p', { class: 'notice', text: 'No speech was recognised in this recording.' }),
  );
  return panel(
    'Transcript',
    'transcript',
    countBadge(`${segments.length} turns`),
    namedLegend(speakers, speakers, names, engine),
    tools ? correctionsBar(transcript, speakers, tools) : null,
    list,
  );
}

/**
 * @param {Segment} seg
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} names
 * @param {number} index
 * @param {import('./corrections.js').CorrectionTools | null} tools
 */
function segmentBlock(seg, speakers, names, index, tools) {
  return h(
    'div',
    {
      class: 'segment',
      'data-speaker': seg.speaker,
      'data-start-ms': String(seg.startMs),
      'data-end-ms': String(seg.endMs),
      'data-edited': seg.edited ? 'true' : null,
    },
    h(
      'div',
      { class: 'segment-who' },
      speakerLabel(seg.speaker, speakers, names),
      timestamp(seg.startMs),
      seg.edited ? h('span', { class: 'muted', text: 'edited' }) : null,
      tools ? editButton(seg, index, tools) : null,
    ),
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
