/** Spec helpers of the analysis library, for its own specs and those of the analyst adapters. */
export { aTranscript, transcriptFromDialogue, TranscriptBuilder, type TurnOptions } from './transcript-builder';
export { PRICE_OBJECTION_DIALOGUE } from './dialogues';
