/**
 * Phrase taxonomy for customer objections and complaints.
 *
 * Patterns use the phrase-matcher syntax: `(a|b)` alternatives, `?` optional, `#num`
 * number word, `word*` prefix, and up to two extra words of slack inside a match. They
 * are written against canonical tokens: contractions are expanded ("don't" -> "do not")
 * and "too" is folded into "to", so "too expensive" also matches the common ASR output
 * "to expensive". Keep patterns general (no product or company names): custom competitor
 * names come in through AnalyzeOptions.competitors.
 *
 * `confidence` is the prior that a match really is this kind of issue; specific phrases
 * ("charged twice") score higher than vague ones ("expensive").
 */
import type { IssueType } from './analysis.schema';

export interface IssueRule {
  type: IssueType;
  confidence: number;
  patterns: readonly string[];
}

const PEOPLE =
  '(boss|manager|team|legal|lawyer|procurement|purchasing|finance|cfo|ceo|cto|board|director|partner|partners|owner|wife|husband|it|security|leadership|management|vp|head)';

export const OBJECTION_TAXONOMY: readonly IssueRule[] = [
  {
    type: 'price',
    confidence: 0.85,
    patterns: [
      'too (expensive|pricey|costly|much money)',
      '(price|prices|pricing|cost|quote) (is|was|are|seems|looks)? (almost|nearly|about|like)? (double|twice|triple|higher|high|steep|a lot)',
      '(cost|costs|costing|charge|charging) too much',
      '(over|above|outside|out of|beyond|blow) (our|the|my)? budget',
      '(no|not have the|not have a|not have any|tight) budget',
      'budget (is|was)? (tight|limited|gone|spent)',
      '(can|could) not afford',
      '(cheaper|less expensive)',
      '(lower|better|best|cheaper) (price|offer|deal|rate)',
      '(any|a|some) discount',
      '(price|pricing|cost) (is|was)? (a|the|our)? (problem|concern|issue|sticking point)',
      '(more|much more) than (we|i) (pay|paid|want to pay|expected|budgeted)',
      '(that|it|this) is (a lot|expensive|pricey|steep)',
    ],
  },
  {
    type: 'competitor',
    confidence: 0.75,
    patterns: [
      'quoted (us|me)',
      '(their|a|another|the other) quote',
      '(other|another|different) (vendor|vendors|provider|providers|company|companies|supplier|suppliers|solution|solutions|tool|tools|option|options|platform)',
      '(competitor|competitors|competition)',
      '(currently|already) (use|using|have|work with|working with|pay for|paying for)',
      '(switch|switching|switched) (to|from|over to|providers|vendors)',
      '(went|go|going) with (another|someone|them|a different)',
      '(looking|look) at (other|another|alternatives|a few)',
      'shopping around',
      '(our|the) (current|existing|old) (vendor|provider|system|solution|supplier|contract)',
      'offered (us|me)',
    ],
  },
  {
    type: 'timing',
    confidence: 0.8,
    patterns: [
      'only (have|got) (about|like|around|maybe)? #num (minutes|minute|mins)',
      '(do not|not) have (much|a lot of|enough)? time',
      'not (a|the) (right|good|best) time',
      '(bad|busy|crazy|hectic) time',
      '(next|following) (quarter|year|fiscal year)',
      'not ready',
      '(to|really|very|pretty|super|extremely|am|are) busy',
      'call (me|us)? back (later|another time|next)',
      '(in a|kind of in a) (hurry|rush)',
      '(running|am running) late',
      'short on time',
      'keep (it|this) (short|quick|brief)',
      'hard stop',
      '(can|could) (only)? give you (about|like|around|maybe|just)? #num (minutes|minute|mins)',
      '(a|another|board) (meeting|call) (right|straight|directly) after',
      '=not (right)? now',
      '(revisit|circle back|talk again) (later|next|in)',
    ],
  },
  {
    type: 'authority',
    confidence: 0.85,
    patterns: [
      `(talk|speak|check|discuss|consult|run it|run this|run that|loop in|sync) (to|with|by)? (my|our) ${PEOPLE}`,
      `=(talk|speak|check|discuss|consult|run it|run this|run that|loop in|sync) (to|with|by)? the ${PEOPLE}`,
      'before (we|i) (sign|commit|decide|buy|purchase|move forward)',
      '(need|get|needs|requires|require) (approval|sign off|signoff|buy in|a sign off)',
      '(has|have|need|needs) to (approve|sign off|sign it off)',
      'not (my|only my) (decision|call)',
      '(am|is) not the (decision maker|one who decides|right person|person who decides)',
      'not up to me',
    ],
  },
  {
    type: 'need',
    confidence: 0.75,
    patterns: [
      '(we|i) (do not|not) (really)? need',
      'no need (for|to)',
      'not (a|really a|our) (priority|focus)',
      '(happy|satisfied|fine|good) with (what we have|our current|the current|our existing|what we use)',
      'not (interested|looking)',
      '(do not|not) see (the|any)? (value|point|need)',
      '(does not|not) (fit|apply to) (us|our)',
      'not (sure|convinced) (we|i) need',
    ],
  },
  {
    type: 'trust',
    confidence: 0.75,
    patterns: [
      '(do not|not) trust',
      '(sounds|seems|is) to good to be true',
      '(sounds like|is this|this is) a scam',
      '(heard|read|seen) (bad|negative|mixed|terrible) (things|reviews|stories)',
      'bad (reviews|experience|experiences)',
      '(never|not) heard of (you|your company|your product)',
      'how (do|can|would) (i|we) know',
      '(got|been|were) burned',
      '(skeptical|sceptical)',
      '(do not|not) believe (you|your|them|this is|that is)',
      '(any|some) (references|case studies)',
      '(prove|proof) (it|that)',
    ],
  },
  {
    type: 'product',
    confidence: 0.8,
    patterns: [
      '(does not|is not|not|stopped|never) (work|working|works)',
      '(keeps|kept|keep) (crashing|dropping|freezing|failing|disconnecting)',
      '(crashed|crashes|crashing)',
      '(broken|broke)',
      '(is|was|went|are|been|being|goes) down',
      '(outage|outages)',
      'no (signal|service|connection|internet|network|coverage|power|dial tone)',
      '(can not|could not|unable to) (connect|log in|login|access|make calls|make any calls|place calls|send|receive|reach|open|load|get through|get online)',
      'missing (a|the|some)? (feature|features|function)',
      '(does not|do not|not) (support|integrate with)',
      '(does not|do not|not) have (the|a|an|that)? (feature|option|integration|ability)',
      'lost (data|files|work|business|everything|all)',
      '(bug|bugs|glitch|glitches|error|errors)',
      '(to|very|really|so|extremely) slow',
      'not (reliable|stable)',
    ],
  },
  {
    type: 'support',
    confidence: 0.8,
    patterns: [
      '(nobody|no one|no body) (called|got|gets|calls) (me|us)? back',
      '(never|did not|not) (called|call|get|got|gotten|heard) (me|us)? back',
      '(waited|waiting|been|was|kept) on hold',
      '(hold|waiting|waited) for (an|over|more than|almost|about|like)? #num? (hour|hours|days|weeks)',
      'no (response|reply|answer|one answered|callback)',
      '(did not|never|not) (respond|reply|answer|responded|replied)',
      '(called|call|calling|emailed|phoned) (#num|several|many|multiple|so many) times',
      '(third|second|fourth|fifth) time (i|we)? (have|am|are)? (called|calling|call)',
      '(transferred|passed) (again|around|#num times|to someone else)',
      '=(speak|talk) to (a|your|the) (manager|supervisor)',
      '(ticket|case|complaint) (is|was|still|has been)? (open|not resolved|unresolved|ignored)',
      '(terrible|bad|poor|awful|horrible|worst) (service|support|customer service)',
      'still (not|has not|have not|is not) (fixed|resolved|sorted)',
    ],
  },
  {
    type: 'billing',
    confidence: 0.85,
    patterns: [
      'charged (me|us)? (twice|double|two times|to much|wrong|again|extra)',
      '(double|over) (charged|billed)',
      '(overcharged|overbilled)',
      '(refund|refunds|refunded|reimburse)',
      '(invoice|invoices|invoiced)',
      '(bill|invoice|statement) (is|was)? (wrong|incorrect|to high|higher)',
      '(my|the|this|our|last) (bill|bills)',
      '(billing|billed)',
      '(late|cancellation|hidden|extra|unexpected) (fee|fees|charge|charges)',
      '(a|some|the) credit (on|to|for)',
    ],
  },
  {
    type: 'other',
    confidence: 0.6,
    patterns: [
      '(cancel|close|terminate) (my|our|the) (account|subscription|service|contract)',
      '(want|going|need) to cancel',
      'file a complaint',
      '(this|that|it) is (terrible|unacceptable|ridiculous|awful|a joke|outrageous|horrible)',
      '(unacceptable|ridiculous|outrageous)',
    ],
  },
];
