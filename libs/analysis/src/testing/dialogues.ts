/** A short sales call: the customer objects to the price, the agent answers; for figure and scorecard specs. */
export const PRICE_OBJECTION_DIALOGUE = [
  'A|hi thanks for calling how can i help you today',
  'C|i want to upgrade but honestly the price is too expensive for us',
  'A|i understand what budget did you have in mind',
  'C|maybe half of that',
  'A|we can look at the annual plan which is cheaper would that work for you',
  'C|yes that sounds great thank you so much',
].join('\n');
