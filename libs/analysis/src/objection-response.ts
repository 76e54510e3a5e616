/**
 * How the agent answered each customer issue: did the next agent turn acknowledge it
 * (empathy / validation) and did it ask a clarifying question?
 *
 * This is the "Acknowledge" and "Explore" steps of the LAER objection-handling model
 * (Listen, Acknowledge, Explore, Respond — Carew International) and the "Empathize" step
 * of the HEARD service-recovery model used for complaints.
 */
import { COMPLAINT_ISSUE_TYPES, type Issue, type IssueType } from './analysis.schema';
import { isBackchannel } from './conversation-metrics';
import { compilePattern, containsAny } from './phrase-matcher';
import { questionStarts } from './question-detector';
import { isSpeechWord } from './tokens';
import { AGENT, type Utterance } from './utterances';

/**
 * Sales objections (LAER applies) vs service complaints (HEARD applies). The objections are
 * OBJECTION_ISSUE_TYPES in the order the quiz draws its distractors from (its seeded shuffle
 * depends on that order, so it stays as it was); a test holds the two to the same set.
 */
export const OBJECTION_TYPES: readonly IssueType[] = [
  'price',
  'discount',
  'budget',
  'tender',
  'contract-term',
  'competitor',
  'timing',
  'authority',
  'need',
  'trust',
  'brush-off',
];
export const COMPLAINT_TYPES: readonly IssueType[] = COMPLAINT_ISSUE_TYPES;

export const EMPATHY_PATTERNS = [
  '=i am sorry',
  '=(so|very|really|truly) sorry',
  '=sorry (about|to hear|for)',
  '(i|we) apologize',
  '=apologies',
  '=i (completely|totally|really|fully|can)? understand',
  '=i can (imagine|see)',
  'how frustrating',
  '(that|this) (must|must be|sounds|is) (frustrating|painful|difficult|hard|tough|stressful|annoying)',
  '=that sounds (painful|frustrating|difficult|hard|tough|stressful|awful|terrible)',
  '=i hear you',
  '=(you are|you have every) (right|reason) to be (frustrated|upset|angry|annoyed)',
  '=i understand why you are (upset|frustrated|angry)',
  '=(that|this) should not have happened',
  '=(lo siento|siento mucho|le pido disculpas|mis disculpas|perdone las molestias|disculpe)',
  '=(lo entiendo|lo comprendo|tiene toda la razon|tiene razon)',
  '=(my|our) apologies',
  '=(that is|this is|it is) (on us|our fault|our mistake|our error|my fault|my mistake)',
  '=(the|that) (mistake|error) (is|was) (ours|on us|our fault)',
  '=you are (absolutely|completely|quite)? right',
  '=(i|we) (completely|totally|fully)? (understand|get) (your|the) (frustration|concern|worry)',
  '=(i would|anyone would|i would be|anyone would be) (frustrated|upset|annoyed|angry) (to|too|as well)?',
  '=(that|this) is (not okay|not good enough|not acceptable|unacceptable|awful|terrible)',
  '=(el error es nuestro|es culpa nuestra|es un error nuestro|tiene usted razon)',
].map(compilePattern);

const ACKNOWLEDGE_PATTERNS = [
  ...EMPATHY_PATTERNS,
  ...[
    '=(that|it)? makes (total|complete|perfect)? sense',
    '=understood',
    '=(fair|good|great|valid) (point|question|enough|concern)',
    '=that is (fair|understandable|a fair point|a good point|a great question|a good question|completely fair)',
    '=(thanks|thank you) for being (open|honest)',
    '=i (get|see) (it|that|where|what|why)',
    '=i (totally|completely) get',
    '=i appreciate',
    '=thank you for (sharing|telling|letting|raising|your patience|being honest)',
    '=of course',
    '=absolutely',
    '=no problem',
    '=got it',
    '=fair enough',
    '=(that is|that sounds) (fair|reasonable)',
    '=(thanks|thank you) for (flagging|bringing|pointing|explaining)',
    '=(good|important) to know',
  ].map(compilePattern),
];

export interface IssueResponse {
  issue: Issue;
  /** The agent's next turn, or null if the agent never answered before the call ended. */
  responseAtMs: number | null;
  responseQuote: string | null;
  acknowledged: boolean;
  empathetic: boolean;
  askedQuestion: boolean;
}

const MAX_RESPONSE_QUOTE_WORDS = 20;

/**
 * The agent's next turn after the issue: agent utterances starting after the issue
 * started, up to the next substantive customer utterance (backchannels don't end it).
 */
export function nextAgentTurn(utterances: readonly Utterance[], afterMs: number): Utterance[] {
  const turn: Utterance[] = [];
  for (const u of utterances) {
    if (u.startMs <= afterMs) continue;
    if (u.speaker === AGENT) turn.push(u);
    else if (turn.length > 0 && !isBackchannel(u)) break;
  }
  return turn;
}

export function analyseResponses(issues: readonly Issue[], utterances: readonly Utterance[]): IssueResponse[] {
  return issues
    .filter((i) => i.speaker !== AGENT)
    .map((issue) => {
      const turn = nextAgentTurn(utterances, issue.startMs);
      const first = turn[0];
      // The opening of the reply is where acknowledgement belongs; a "sorry" two
      // minutes into a pitch is not a response to this objection.
      const opening = turn.flatMap((u) => u.tokens).slice(0, 25);
      return {
        issue,
        responseAtMs: first?.startMs ?? null,
        responseQuote: first
          ? first.words
              .filter((w) => isSpeechWord(w.text))
              .slice(0, MAX_RESPONSE_QUOTE_WORDS)
              .map((w) => w.text)
              .join(' ')
          : null,
        acknowledged: containsAny(ACKNOWLEDGE_PATTERNS, opening),
        empathetic: containsAny(EMPATHY_PATTERNS, opening),
        askedQuestion: turn.some((u) => questionStarts(u.tokens).length > 0),
      };
    });
}

export function describeResponse(r: IssueResponse): string {
  if (r.responseAtMs === null) return 'Did not respond before the call ended';
  if (r.acknowledged && r.askedQuestion) return 'Acknowledged it and asked a clarifying question';
  if (r.acknowledged) return 'Acknowledged it but asked no question';
  if (r.askedQuestion) return 'Asked a question without acknowledging it';
  return 'Moved on without acknowledging it or asking a question';
}
