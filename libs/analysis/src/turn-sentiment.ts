/**
 * Turn-level sentiment: each utterance scored clause by clause (utterances.ts clausesOf), so
 *  - a negation's scope ends with its clause ("no | that is all | have a good day" is a polite
 *    close, while the lexicon alone reads the whole unpunctuated line as negated);
 *  - courtesy formulas count as mild politeness, whatever their words ("thank you", "have a
 *    good day", "muchas gracias"), and an apology or "I understand" as empathy, not distress;
 *  - after "but" the second clause counts double ("I was worried …, but they picked it up");
 *  - a grudging "fine" or a curt "just make sure …" is not a happy customer;
 *  - a clause that raises an issue is at most neutral in tone and takes the issue's weight
 *    (a discount demand or a cancellation threat reads as positive or neutral to a lexicon).
 * Spanish calls use a small lexicon of their own, since the wink model is English.
 */
import type { Issue, IssueType } from './analysis.schema';
import { compilePattern, containsAny, findPhrase } from './phrase-matcher';
import type { SentimentScorer, UtteranceScorer } from './sentiment';
import { cleanWord } from './tokens';
import { clausesOf, type Utterance } from './utterances';

/**
 * How much raising an issue weighs on a turn's tone. Complaints carry emotion; a sales
 * objection states a position ("the final decision is with Linda"), so it weighs little.
 */
const ISSUE_WEIGHT: Readonly<Record<IssueType, number>> = {
  'churn-threat': -0.6,
  escalation: -0.5,
  support: -0.5,
  billing: -0.4,
  product: -0.4,
  'repeat-contact': -0.4,
  other: -0.3,
  price: -0.15,
  'brush-off': -0.15,
  discount: -0.1,
  budget: -0.1,
  'contract-term': -0.1,
  trust: -0.1,
  need: -0.1,
  tender: -0.05,
  competitor: -0.05,
  timing: -0.05,
  authority: 0,
};

/** Politeness: never negative ("no | that is all | have a good day"). */
const COURTESY = [
  '=(thank you|thanks|thanks again|many thanks|cheers)',
  '=have a (good|great|nice|lovely) (day|week|weekend|evening|one|afternoon)',
  '=(you are welcome|my pleasure|no problem|not a problem|no worries|no bother|all good)',
  '=(muchas gracias|gracias|que tenga un buen dia|igualmente)',
].map(compilePattern);
/** Sign-offs carry no mood of their own. */
const SIGN_OFF = ['=(you too|bye|goodbye|talk soon|speak soon|take care|talk to you|hasta luego|adios)'].map(
  compilePattern,
);
/**
 * "No, that's all" answers "anything else?": no mood, and no weight beside the thanks that
 * usually follow it.
 */
const NOTHING_ELSE = [
  '=(no|nope)? (that is|that was|that will be|that would be) (all|it|everything) (for now|for today)?',
  '=(no)? (nada mas|eso es todo|es todo)',
  '=(no|nope|nah)',
].map(compilePattern);
/**
 * Thanks with a reason ("thanks for sorting it", "gracias por solucionarlo") is appreciation,
 * warmer than the formula alone.
 */
const GRATITUDE = [
  '=(thank you|thanks|many thanks|muchas gracias|gracias) (so much|very much|again|a lot)? (for|por)',
  '=(thank you|thanks|many thanks|muchas gracias|gracias) (so much|very much|both|all|a lot|again|ever so much|a million)',
].map(compilePattern);
const GRATITUDE_SCORE = 0.3;
/** A one-word verdict opening a turn ("Perfect.", "Great.", "Muy bien.") speaks for the turn. */
const VERDICT = [
  '=(perfect|great|excellent|brilliant|wonderful|lovely|fantastic|awesome|amazing|perfecto|perfecta|genial|estupendo|excelente|muy bien)',
].map(compilePattern);
const VERDICT_WEIGHT = 3;
const EMPATHY = [
  '=(i am|we are|so|really|very|truly) sorry',
  '=sorry (about|to hear|for|i|we|if)',
  '=sorry',
  '=(i|we) apologi*',
  '=i (completely|totally|really|fully)? understand',
  '=(that|this) (is|must be|sounds) (frustrating|annoying|difficult|hard|stressful)',
  '=(lo siento|le pido disculpas|disculpe|lo entiendo|lo comprendo)',
].map(compilePattern);
const GRUDGING = ['=(fine|whatever|if you say so|you can try)'].map(compilePattern);
const CURT = [
  '=just make sure',
  '=(i am|we are) done',
  '=(do not|dont) bother',
  // Distrust at the close: "I'll believe it when I see it", "this had better not happen again".
  '=believe it when (i|we) see it',
  '=(had|better) (better)? not happen again',
  '=(i am|we are) (still)? not (happy|pleased|satisfied|impressed)',
].map(compilePattern);

const ES_POSITIVE = new Set(
  'gracias bien perfecto perfecta perfectamente mejor genial excelente encantado encantada amable estupendo claro vale correcto'.split(
    ' ',
  ),
);
const ES_NEGATIVE = new Set(
  'mal problema problemas nunca error errores queja terrible fatal horrible enfadado harto inaceptable'.split(' '),
);

function spanishScore(tokens: readonly string[]): number {
  let score = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const negated = tokens[i - 1] === 'no' || tokens[i - 1] === 'nunca';
    if (ES_POSITIVE.has(t)) score += negated ? -0.3 : 0.3;
    if (ES_NEGATIVE.has(t)) score += negated ? 0.1 : -0.3;
  }
  return Math.max(-1, Math.min(1, score));
}

function clauseText(u: Utterance, start: number, end: number): string {
  const from = u.tokenWord[start] ?? 0;
  const to = (u.tokenWord[Math.max(start, end - 1)] ?? from) + 1;
  return u.words
    .slice(from, to)
    .map((w) => cleanWord(w.text))
    .filter((w) => w !== '')
    .join(' ');
}

/** The turn-level scorer for one call's utterances. */
export function turnScorer(opts: {
  scorer: SentimentScorer;
  language: string;
  issues: readonly Issue[];
}): UtteranceScorer {
  const spanish = opts.language.toLowerCase().startsWith('es');
  return (u: Utterance): number => {
    const own = opts.issues.filter((i) => i.speaker === u.speaker && i.startMs <= u.endMs && i.endMs >= u.startMs);
    let sum = 0;
    let weights = 0;
    for (const c of clausesOf(u)) {
      const tokens = u.tokens.slice(c.start, c.end);
      if (tokens.length === 0) continue;
      const lexical = (from: number, to: number): number =>
        spanish ? spanishScore(u.tokens.slice(from, to)) : opts.scorer(clauseText(u, from, to));
      const opening = (patterns: ReturnType<typeof compilePattern>[]): number =>
        patterns.flatMap((p) => findPhrase(p, tokens, 0)).find((m) => m.start === 0)?.end ?? 0;
      const courtesy = opening(COURTESY);
      const signOff = courtesy > 0 ? 0 : opening(SIGN_OFF);
      if (opening(NOTHING_ELSE) === tokens.length && clausesOf(u).length > 1) continue;
      const grateful = opening(GRATITUDE) > 0;
      let score: number;
      if (courtesy > 0 || signOff > 0) {
        // The formula scores as politeness (or nothing), what follows it on its own words:
        // "thank you | that helps a lot".
        const formulaEnd = courtesy || signOff;
        const floor = grateful ? GRATITUDE_SCORE : 0.1;
        const formula = courtesy > 0 ? Math.max(lexical(c.start, c.start + formulaEnd), floor) : 0;
        const restLength = tokens.length - formulaEnd;
        score =
          restLength > 0
            ? (formula * formulaEnd + lexical(c.start + formulaEnd, c.end) * restLength) / tokens.length
            : formula;
        // What the thanks are for is the reason to be thankful, not a mood of its own.
        if (grateful) score = Math.max(score, GRATITUDE_SCORE);
      } else {
        score = lexical(c.start, c.end);
        if (containsAny(EMPATHY, tokens)) score = Math.max(score, 0.1);
      }
      const whole = (patterns: ReturnType<typeof compilePattern>[]): boolean => opening(patterns) > 0;
      if (tokens.length <= 2 && whole(GRUDGING)) score = Math.min(score, -0.1);
      if (containsAny(CURT, tokens)) score = Math.min(score, -0.25);
      const from = u.words[u.tokenWord[c.start] ?? 0]?.startMs ?? u.startMs;
      const to = u.words[u.tokenWord[c.end - 1] ?? 0]?.endMs ?? u.endMs;
      const raised = own.filter((i) => i.startMs <= to && i.endMs >= from);
      if (raised.length > 0) score = Math.min(0, score) + Math.min(...raised.map((i) => ISSUE_WEIGHT[i.type]));
      // A hypothetical ("if there is another outage, we are gone") is a warning, half a mood.
      if (tokens.includes('if') || tokens.includes('si')) score *= 0.5;
      const verdict = tokens.length <= 2 && whole(VERDICT) && score > 0;
      const weight =
        (verdict ? Math.max(tokens.length, VERDICT_WEIGHT) : tokens.length) *
        (tokens[0] === 'but' || tokens[0] === 'pero' ? 2 : 1);
      sum += Math.max(-1, Math.min(1, score)) * weight;
      weights += weight;
    }
    return weights > 0 ? Math.max(-1, Math.min(1, sum / weights)) : 0;
  };
}
