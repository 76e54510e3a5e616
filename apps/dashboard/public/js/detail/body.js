// @ts-check
/**
 * The detail panel's content for one recording: the summary (or why there is no analysis
 * yet), the transcript beside sentiment, issues and action items, then metrics, coaching and
 * the quiz. New panels (player, versions, exports) are composed here.
 */
import { h } from '../dom.js';
import { analysisNotice } from '../status.js';
import { competitorsOf } from '../state.js';
import { actionItemsPanel } from './action-items.js';
import { coachingPanel } from './coaching.js';
import { issuesPanel } from './issues.js';
import { metricsPanel } from './metrics.js';
import { panel } from './parts.js';
import { quizPanel } from './quiz.js';
import { sentimentPanel } from './sentiment.js';
import { transcriptPanel } from './transcript.js';

/**
 * @typedef {import('../types.js').RecordingView} RecordingView
 * @typedef {import('../types.js').Transcript} Transcript
 * @typedef {import('../types.js').Analysis} Analysis
 */

/**
 * @template T
 * @typedef {import('../types.js').Settled<T>} Settled
 */

/**
 * Speakers in the transcript's order, else the analysis's.
 * @param {Transcript | null} transcript
 * @param {Analysis | null} analysis
 * @returns {string[]}
 */
export function speakersOf(transcript, analysis) {
  if (transcript && transcript.speakers && transcript.speakers.length) return transcript.speakers;
  return analysis ? analysis.metrics.speakers.map((s) => s.speaker) : [];
}

/**
 * @param {RecordingView} view
 * @param {Settled<Transcript> | null} transcriptResult null when there is no transcript yet
 * @param {Settled<Analysis> | null} analysisResult null when there is no analysis yet
 * @param {import('./corrections.js').CorrectionTools | null} [tools] the transcript's corrections
 * @returns {Node[]}
 */
export function detailBody(view, transcriptResult, analysisResult, tools = null) {
  const transcript = (transcriptResult && transcriptResult.value) || null;
  const analysis = (analysisResult && analysisResult.value) || null;
  const speakers = speakersOf(transcript, analysis);
  const names = (transcript && transcript.speakerNames) || null;
  const transcriptError = transcriptResult && transcriptResult.error ? transcriptResult.error.message : null;
  const transcriptBlock = transcriptPanel(view, transcript, transcriptError, speakers, transcript ? tools : null);

  if (!analysis) {
    const analysisError = analysisResult && analysisResult.error ? analysisResult.error.message : null;
    return [
      h('p', { class: 'notice', 'data-section': 'analysis-pending', text: analysisNotice(view, analysisError) }),
      transcriptBlock,
    ];
  }
  const durationMs = analysis.metrics.durationMs || view.durationMs || 0;
  return [
    summaryPanel(view, analysis),
    metricsPanel(analysis.metrics, speakers, names),
    h(
      'div',
      { class: 'detail-grid' },
      h('div', {}, transcriptBlock),
      h(
        'div',
        {},
        sentimentPanel(analysis.sentiment, durationMs, speakers, names),
        issuesPanel(analysis.issues, speakers, names),
        actionItemsPanel(analysis.actionItems, speakers, names),
      ),
    ),
    coachingPanel(analysis.coaching),
    quizPanel(analysis.quiz, view.audioId),
  ];
}

/**
 * @param {RecordingView} view
 * @param {Analysis} analysis
 */
function summaryPanel(view, analysis) {
  const competitors = competitorsOf(view);
  return panel(
    'Summary',
    'summary',
    null,
    h('p', { class: 'summary-text', text: analysis.summary || 'No summary.' }),
    competitors.length
      ? h(
          'div',
          { class: 'chips' },
          h('span', { class: 'muted', text: 'Competitors watched:' }),
          competitors.map((c) => h('span', { class: 'badge', text: c })),
        )
      : null,
  );
}
