/**
 * Phrase taxonomy for customer objections and complaints, English and Spanish.
 *
 * Patterns use the phrase-matcher syntax: `(a|b)` alternatives, `?` optional, `#num` number
 * word, `word*` prefix, and up to two extra words of slack inside a match (`=` for none). They
 * are written against canonical tokens: contractions expanded ("don't" -> "do not"), "too"
 * folded into "to" (so "too expensive" matches the ASR "to expensive"), accents folded.
 * Keep patterns general (no product or company names): custom competitor names come in
 * through AnalyzeOptions.competitors, and names the call itself gives through the facts.
 *
 * `guards` are the negative side: a match whose clause also matches a guard is not that
 * issue ("that is a lot better" is praise, "what does it cost" is a question, "our budget
 * meeting" is a date). `absorbable` rules only colour another issue: an outburst ("this is
 * ridiculous") in a turn that already raises an issue is not a second one.
 *
 * `confidence` is the prior that a match really is this kind of issue; specific phrases
 * ("charged twice") score higher than vague ones ("expensive").
 */
import type { IssueType } from './analysis.schema';

export interface IssueRule {
  type: IssueType;
  confidence: number;
  patterns: readonly string[];
  /** Clause-level vetoes. */
  guards?: readonly string[];
  /** Dropped when the same utterance raises another issue. */
  absorbable?: boolean;
}

const PEOPLE =
  '(boss|manager|team|legal|lawyer|procurement|purchasing|finance|cfo|ceo|cto|board|director|partner|partners|owner|wife|husband|it|security|leadership|management|vp|head)';

/** Praise and acceptance that share words with objections. */
const PRAISE_GUARDS = [
  '(a lot|much|way|so much|far) (better|faster|easier|cheaper|nicer|simpler|quicker)',
  '=(not|never) (expensive|pricey|costly|bad|a problem) at all',
  '=not (that|too|to|very) (expensive|pricey|costly)',
  '=(within|in line with|under) (what|our|the) (we|budget|expected)',
  '=(that|it) (is|sounds|seems) (fair|reasonable|fine|good|great|okay)',
  '=(no|never|not any) (problem|problems|issue|issues|complaints|downtime|outages)',
];

/** Questions about a price or a cost are not objections to it. */
const PRICE_QUESTION_GUARDS = [
  '=(what|how much) (does|do|will|would|is|would) (that|it|this|the)? (cost|be|come to)',
  '=(will|would|do|does) (i|we) (have to)? pay (for|anything)',
  '=(is|will) (that|it|there) (a)? (charge|cost|fee)',
];

export const OBJECTION_TAXONOMY: readonly IssueRule[] = [
  {
    type: 'price',
    confidence: 0.85,
    patterns: [
      'too (expensive|pricey|costly|much money)',
      '(price|prices|pricing|cost|quote|number|rate) (is|was|are|seems|looks)? (almost|nearly|about|like|still)? (double|twice|triple|higher|high|steep|a lot|too high|to high)',
      '(cost|costs|costing|charge|charging) too much',
      '(over|above|outside|out of|beyond|blow) (our|the|my)? budget',
      '(can|could) not afford',
      '(more|much more) than (we|i) (pay|paid|want to pay|expected|budgeted)',
      '=more than (we|i) (were|was) (expecting|hoping)',
      '=out of (our|my) price range',
      '=(that|it|this) is (expensive|pricey|steep|a lot of money)',
      '=the problem is the (number|price|cost|pricing)',
      '(price|pricing|cost) (is|was)? (a|the|our)? (problem|concern|issue|sticking point)',
      '=(your|the) (price|prices|pricing|quote|rate|fee|fees|subscription) (went|has gone|have gone|is going|goes|going) up',
      '=(price|precio) (is|es)? (muy)? (alto|caro)',
      '=(es|esta) (muy|demasiado) caro',
    ],
    guards: [...PRAISE_GUARDS, ...PRICE_QUESTION_GUARDS, '=(lower|cheaper|better) (price|offer|deal|rate)'],
  },
  {
    type: 'discount',
    confidence: 0.85,
    patterns: [
      '#num percent off',
      '(need|want|expect|looking for|asking for) (a|some|at least|more of a|a bigger|a better)? (discount|price cut|better price|better deal|lower price)',
      '=(any|a|some) discount',
      '(price|cost|number) (needs|has|have) to (come|go) (back)? down',
      '(bring|get) (the|that)? (price|cost|number) down',
      '(still|well|way)? short of what (i|we)',
      '(can|could) you do (better|any better|something on the price)',
      '(match|beat) (their|that|the|this) (price|quote|offer)',
      '(any|some|a bit of) flexibility (on|with|in) (the)? (price|pricing|rate|cost|number)',
      '=(hoping|looking) for a (better|lower) (rate|price|deal)',
      '(lower|cheaper|better) (price|offer|deal|rate)',
      '=(un|algun) descuento',
    ],
    guards: PRAISE_GUARDS,
  },
  {
    type: 'budget',
    confidence: 0.85,
    patterns: [
      'cut (software|it|our|the|all)? (spend|spending|budget|budgets|costs)',
      '(budget|spending|hiring) (cuts|cut|freeze|frozen|is frozen)',
      '(no|not have the|not have a|not have any|tight|limited) budget',
      'budget (is|was|has been)? (tight|limited|gone|spent|frozen|cut)',
      '(asked|told|need|have) to (cut|reduce|save|trim) (costs|spend|spending|#num percent)',
      '=(been|were|was) (asked|told) to (cut|reduce|trim)',
      '=(no tenemos|sin) presupuesto',
    ],
    guards: ['budget (meeting|review|planning|call|cycle|approval)', ...PRAISE_GUARDS],
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
      '=(need|needs|have|has|get) (*)? to approve',
      'not (my|only my) (decision|call)',
      '(am|is) not the (decision maker|one who decides|right person|person who decides)',
      'not up to me',
      '(final|the) (decision|call|say) (is|lies|rests|sits) with',
      '=(she|he|they) (signs|approves|decides|signs off) (anything|everything|any|all|on)',
      '=(signs|approves) (anything|everything|any deal|all deals) (over|above)',
    ],
    // Checking a fact is not handing the decision to someone else.
    guards: ['=(not sure|do not know|no idea)'],
  },
  {
    type: 'tender',
    confidence: 0.85,
    patterns: [
      '(go|going|put it|put this|take it|goes) (out)? to (tender|bid)',
      '(tender|tendering|rfp|rfq|request for proposal|competitive bid|competitive bids|competitive bidding)',
      '(have|need|required) to get (other|three|more|competing|several) (quotes|bids|offers)',
      'procurement (process|rules|policy|requires)',
      '=(licitacion|concurso)',
    ],
  },
  {
    type: 'contract-term',
    confidence: 0.8,
    patterns: [
      '(can not|cannot|will not|do not want to|not going to|are not able to) (commit|sign|lock) (to|into|up for|us into|for)? (#num|a|three|two|five)? (year|years|months|long)',
      '(locked|lock|tied) (in|into|up)',
      '(auto|automatic) (renewal|renew)',
      '(notice period|cancellation clause|termination clause|exit clause|early termination)',
      '(get|got|getting) out of the contract',
      '(contract|term|commitment) (is|seems)? (too|to) long',
      '(sla|service level) (terms|clause|penalties|credits)',
      '=#num years at most',
      '=(permanencia|clausula)',
    ],
    guards: PRAISE_GUARDS,
  },
  {
    type: 'competitor',
    confidence: 0.75,
    patterns: [
      // "us" is often heard as "as" by pocketsphinx.
      '=quoted (us|me|as)',
      '(their|a|another|the other) quote',
      '(other|another|different) (vendor|vendors|provider|providers|company|companies|supplier|suppliers|solution|solutions|tool|tools|option|options|platform)',
      '(competitor|competitors|competition)',
      '(currently|already) (use|using|have|work with|working with|pay for|paying for)',
      '(switch|switching|switched) (to|from|over to|providers|vendors)',
      '(went|go|going) with (another|someone|them|a different)',
      '(looking|look|looked) at (other|another|alternatives|a few)',
      'shopping around',
      '(our|the) (current|existing|old) (vendor|provider|system|solution|supplier)',
      'offered (us|me)',
      '=half (your|the) price',
      '=(cheaper|less) than (you|yours|your)',
    ],
    // "I am switching to another provider" is a threat to leave (churn-threat), not a comparison.
    guards: [
      '=(switch|turn|switching) (it)? (on|off)',
      '=(switching|switch|move|moving|go|going|leave|leaving) (over)? to (another|a different|someone else)',
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
      '=in the middle of (something|a meeting|a call|work)',
      '=not (before|until) (january|february|march|april|may|june|july|august|september|october|november|december|next)',
      '(peak|busy|high) season',
      '=(can not|cannot) (change|do) anything (then|now|until|before)',
    ],
    guards: ['=(not|no) (a)? problem'],
  },
  {
    type: 'need',
    confidence: 0.75,
    patterns: [
      '(we|i) (do not|not) (really)? need',
      'no need (for|to)',
      'not (a|really a|our) (priority|focus)',
      '(happy|satisfied|fine|good|okay) (with|using) (what we have|our current|the current|our existing|what we use|him|her|them|our *|spreadsheets|excel|paper)',
      '(been|are|were) (fine|happy|okay) (with|using) * (so far|for now|for years)',
      '(do not|not) see (the|any)? (value|point|need)',
      '(does not|not) (fit|apply to) (us|our)',
      'not (sure|convinced) (we|i) need',
      '=(our|my) (accountant|team|guy|it guy|partner|nephew|provider) (does|handles|takes care of|looks after) (it|that|this|them)',
    ],
    guards: ['=(fine|happy|okay|good) with (that|this|it|the offer|the price)'],
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
      '(any|some|a) (references|reference customer|reference customers|case studies|case study)',
      'share (a|some)? (reference|references)',
      '(prove|proof) (it|that)',
      '(safe|secure) with you',
      '(data)? (leak|breach|hack) (with|at|from)',
    ],
  },
  {
    type: 'brush-off',
    confidence: 0.8,
    patterns: [
      '=not interested',
      '=(just)? (send|email) me (an|some|the|in the)? (email|mail|information|info|details|brochure|something)',
      '=(i|we) (really)? (have|need|got) to go',
      '=(take|put) (me|us) off (your|the) list',
      '=(do not|stop) (call|calling) (me|us|here)',
      '=(we will|i will) (call|get back to) you (if|when)',
      '=how did you get (my|this) number',
      '=(we are|i am) (all)? set',
      '=(i|we) (have|need|got) to (run|jump)',
      '=no (me|nos) interesa',
    ],
  },
  {
    type: 'product',
    confidence: 0.8,
    patterns: [
      '(does not|is not|not|stopped|never) (work|working|works)',
      '(keeps|kept|keep) (crashing|dropping|freezing|failing|disconnecting|losing)',
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
      '(cuts|cutting|cut) out',
      '(not|stopped|never|keeps not) (syncing|loading|updating|connecting|saving|sending)',
      '(losing|lose|lost) (the|my|our)? (connection|signal|service|internet)',
      '=no funciona',
      '=se (cae|corta)',
      '=sin (senal|servicio|internet|conexion)',
    ],
    guards: [
      ...PRAISE_GUARDS,
      '=(it is|is) (back|working) (now)?',
      '=(could not|can not|did not) handle',
      // A fault that might come back is a condition, not a fault now.
      '=(will not|would not|does not|never) happen again',
      '=if there (is|are|was) (another|an|more|any)',
    ],
  },
  {
    type: 'support',
    confidence: 0.8,
    patterns: [
      '(nobody|no one|no body) (has)? (called|got|gets|calls|told|contacted|updated) (me|us)? (back|anything)?',
      '(never|did not|not) (called|call|get|got|gotten|heard) (me|us)? back',
      '(waited|waiting|been|was|kept) on hold',
      '(hold|waiting|waited) for (an|over|more than|almost|about|like)? #num? (hour|hours|day|days|week|weeks|month|months)',
      'no (response|reply|answer|one answered|callback)',
      '(did not|never|not) (respond|reply|answer|responded|replied)',
      '(transferred|passed) (again|around|#num times|to someone else)',
      '(ticket|case|complaint|claim) (is|was|still|has been)? (open|not resolved|unresolved|ignored|stuck)',
      '(terrible|bad|poor|awful|horrible|worst) (service|support|customer service)',
      'still (not|has not|have not|is not) (fixed|resolved|sorted)',
      '(nothing|nada) (happened|ha pasado)',
      '=nadie me (ha)? (llamado|dicho|llamo)',
    ],
  },
  {
    type: 'support',
    confidence: 0.6,
    absorbable: true,
    patterns: [
      '=(this|that|it) is (terrible|unacceptable|ridiculous|awful|a joke|outrageous|horrible|a disgrace)',
      '=(unacceptable|ridiculous|outrageous)',
      '=(es|esto es) (inaceptable|increible|una verguenza)',
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
      '(invoice|invoices|invoiced) (is|was|are)? (wrong|incorrect|to high|higher|double)',
      '(bill|invoice|statement) (is|was)? (wrong|incorrect|to high|higher)',
      '(late|cancellation|hidden|extra|unexpected|duplicate) (fee|fees|charge|charges|payment|payments)',
      '(never|did not) (ask|asked|order|ordered|sign up|signed up|agree|agreed) for (that|this|it|the|a)',
      '(needed|need) (that|the|my) money',
      '(charge|charges|payment|payments) (i|we) (do not|did not) (recognise|recognize|understand|authorize|authorise)',
      '=(bill|invoice) (is)? (so|this|that) high',
      '=(me han|han|me) (cobrado|cobraron|cobran)',
      '(cobro|cargo|cargos) (de mas|extra|indebido|que no)',
      '=nunca (pedi|contrate|solicite)',
      '(factura|recibo) (esta)? (mal|incorrecta|equivocada)',
      '=#num (dias|semanas) es (mucho|demasiado)',
    ],
    guards: ['=(thanks|thank you|gracias) (for)? (the)? (refund|reembolso)'],
  },
  {
    type: 'escalation',
    confidence: 0.85,
    patterns: [
      '(speak|talk) to (a|your|the) (manager|supervisor|team leader|boss|someone senior)',
      '(want|need|get me) (a|your|the) (manager|supervisor)',
      '=escalate (this|it)',
      '=put me through to',
      '=(want|need) (this|it) escalated',
      '(hablar|habla) con (un|el|su) (supervisor|responsable|encargado|jefe)',
    ],
  },
  {
    type: 'repeat-contact',
    confidence: 0.85,
    patterns: [
      '(second|third|fourth|fifth|#num) time (i|we)? (have|am|are)? (called|calling|call|phoned|phoning)',
      '=(this is|it is) the (second|third|fourth|fifth) time (this week|today|this month)',
      '(called|phoned|rang) (about|for) (this|it) before',
      '(i|we) have (called|phoned) (about this|about it)? (before|already|several times|#num times)',
      '=calling about (my|the|this) * again',
      '=(my|the|this is my|this is the) (second|third|fourth|fifth) call (about|for)',
      '(ya)? (llame|he llamado) (la semana pasada|antes|ayer|varias veces)',
      '=(called|call|calling|emailed|phoned) (#num|several|many|multiple|so many) times',
    ],
  },
  {
    type: 'churn-threat',
    confidence: 0.85,
    patterns: [
      '(cancel|close|terminate|end) (my|our|the) (account|subscription|service|contract|policy|membership)',
      '(want|going|need|have) to cancel',
      '(switching|switch|move|moving|go|going|leave|leaving) (to|over to) (another|a different|someone else|a competitor|your competitor)',
      '=(we are|i am|we will be|i will be) (gone|leaving|out)',
      '=(i|we) will cancel',
      '=(i am|we are) done with (you|your)',
      '(thinking|think) (of|about) (moving|leaving|switching|cancelling|canceling|taking)',
      '(move|moving|take|taking) (my|our) (*)? (*)? (business|policies|policy|account|money|custom) (somewhere|elsewhere)',
      '=(me doy|darme|nos damos|darnos) de baja',
      '=(cancelar|cambiarme|irme) (el|la|de|a otra)',
    ],
    guards: ['=hold off on (cancelling|canceling)'],
  },
  {
    type: 'other',
    confidence: 0.6,
    patterns: ['file a complaint', '(want|going) to complain', '=(poner|presentar) una (queja|reclamacion)'],
  },
];
