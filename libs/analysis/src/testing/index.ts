/** Spec helpers of the analysis library, for its own specs and those of the analyst adapters. */
export { aTranscript, transcriptFromDialogue, TranscriptBuilder, type TurnOptions } from './transcript-builder';

/** A short sales call where the customer objects to the price and the agent answers. */
export const PRICE_OBJECTION_DIALOGUE = [
  'A|hi thanks for calling how can i help you today',
  'C|i want to upgrade but honestly the price is too expensive for us',
  'A|i understand what budget did you have in mind',
  'C|maybe half of that',
  'A|we can look at the annual plan which is cheaper would that work for you',
  'C|yes that sounds great thank you so much',
].join('\n');
