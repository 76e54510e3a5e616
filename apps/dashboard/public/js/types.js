// @ts-check
/**
 * The shapes the page reads from the API. They are the server's own types, imported for
 * type-checking only (JSDoc imports are comments, so nothing of them reaches the browser):
 * when a contract changes, `tsc -p apps/dashboard` fails here instead of the page breaking.
 *
 * @typedef {import('../../../../libs/contracts/src/recording-status').RecordingView} RecordingView
 * @typedef {import('../../../../libs/contracts/src/recording-status').RecordingStatus} RecordingStatus
 * @typedef {import('../../../../libs/contracts/src/recording-status').RecordingDetails} RecordingDetails
 *   What the owner wrote about a recording (`PATCH /audios/:id`).
 * @typedef {import('../../../../libs/contracts/src/recording-status').Permission} Permission
 * @typedef {import('../../../../libs/contracts/src/recording-status').AnalysisVersion} AnalysisVersion
 * @typedef {import('../../../../libs/contracts/src/recording-status').AnalysisVersionPage} AnalysisVersionPage
 *   `GET /audios/:id/analyses`, newest first.
 * @typedef {import('../../../../libs/contracts/src/transcript').Transcript} Transcript
 * @typedef {import('../../../../libs/contracts/src/transcript').Segment} Segment
 * @typedef {import('../../../../libs/contracts/src/transcript').CorrectionsView} CorrectionsView
 *   `GET /audios/:id/transcript/corrections`: the owner's corrections and their revisions.
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').AnalysisResult} Analysis
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').Metrics} Metrics
 * @typedef {Analysis['sentiment']} Sentiment
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').SentimentPoint} SentimentPoint
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').Issue} Issue
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').CoachingItem} CoachingItem
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').QuizQuestion} QuizQuestion
 * @typedef {import('../../../../libs/analysis/src/analysis.schema').ActionItem} ActionItem
 *
 * @typedef {import('../../../../libs/search/src/search-index.port').SearchPage} SearchPage
 *   `GET /search`: hits, best or newest first, and the next page's cursor.
 * @typedef {import('../../../../libs/search/src/search-index.port').SearchHit} SearchHit
 * @typedef {{ items: RecordingView[], nextCursor: string | null }} RecordingPage
 *   `GET /all`, newest first.
 * @typedef {'transcribe' | 'analyze' | 'cancel'} ProcessingAction
 *   The steps a user starts from a row (`POST /transcribe/:id`, `POST /analyze/:id`), and the cancel
 *   of a queued or running transcription (`POST /transcribe/:id/cancel`).
 * @typedef {'live' | 'polling' | 'offline'} ConnectionMode
 */

/**
 * A fetch that may fail without failing the whole panel.
 * @template T
 * @typedef {{ value: T, error?: undefined } | { value?: undefined, error: Error }} Settled
 */

export {};
