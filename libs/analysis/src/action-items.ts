/**
 * Action items: commitments ("i'll send", "let me check"), requests ("send me an
 * invite") and proposals ("could we book thirty minutes"), with the spoken due date
 * ("next wednesday", "ten in the morning") when the same utterance has one.
 *
 * Owner: the speaker for commitments, the other party for requests (on two-party calls),
 * null when it cannot be told (mono recordings, group calls).
 */
import type { Transcript } from '@speech/contracts';
import type { ActionItem } from './analysis.schema';
import { compilePattern, findPhrase, type CompiledPattern } from './phrase-matcher';
import { isSpeechWord, tokenizeText } from './tokens';
import { clauseAt, clausesOf, spanText, speakersOf, splitUtterances, tokenStartMs, type Utterance } from './utterances';

type OwnerRole = 'self' | 'other';

const VERBS =
  '(send|email|share|forward|follow up|set up|schedule|book|call|get back|loop|check|look into|put together|prepare|reach out|confirm|review|circle back|update|text|draft|ask|put|add|switch|turn|take|escalate|chase|mark|move|arrange|organise|organize|get|have|talk|speak|pass|bring|join|make sure|sort out|fix|replace|refund|credit|cancel|remove|change|upload|assign|process|issue|waive|reverse|apply|ship|dispatch|order|raise|log|flag|note|copy|open|run|test|reset|push|release|hold|keep|reserve|block|give|bring|walk|bump|expedite|look|sign|approve|forward|introduce|connect|invite|install|come|visit|drop|resubmit|submit|include|attach|write|document|message|post|deliver|return|compare|quote|price|ping|pull|find|work out|figure out|investigate|handle|take care of|phone|ring|contact|let you know|keep you posted|inform|tell|transfer|pick up|collect|pay|file|lodge|close|upgrade|downgrade|migrate|configure|enable|disable|restart|try|print|scan|read|go through|walk you through|map|build|write up|type up|sit down|meet|demo|show|teach|train|set aside|hold off|lock in|rebook|reschedule|resend|refile|re run|redo|revise|rework|update you)';
/** Adverbs people put between "I will" and the verb ("I will also send"). */
const ADVERB = '(also|just|then|definitely|personally|now|still|first|quickly|today)?';

/** The phrases that make an action item, by whose it is: the speaker's side, or the other's. */
const TRIGGER_SOURCES: Record<OwnerRole, readonly string[]> = {
  self: [
    `=(i|we) will ${ADVERB} ${VERBS}`,
    `=(i|we) (am|are) going to ${VERBS}`,
    `=(i|we) (am|are) (now|just|also)? (asking|marking|sending|booking|escalating|arranging|adding|chasing|putting|setting up|updating|emailing|assigning|scheduling|forwarding|processing|issuing|crediting|refunding|waiving|removing|raising|logging|opening|flagging|noting|ordering|shipping|dispatching|reversing|applying|copying|preparing|drafting|reserving|holding|blocking|expediting|looping|texting|messaging|attaching|including|resubmitting|submitting|transferring|writing|resending|rebooking|refiling|filing|lodging|upgrading|emailing over|sending over)`,
    // What the speaker's side has just done for the other is an item too: "I've added a $25 credit".
    '=(i have|we have|i|we) (just|now|also)? (added|applied|issued|credited|refunded|waived|reversed|attached|escalated|rebooked|resubmitted)',
    `=(i|we) (can|could) ${VERBS}`,
    '=(can|could|shall|may) i (show|send|book|set up|call|schedule|give|email|arrange)',
    // "Shall I keep the Wednesday appointment for you?" offers to act.
    `=(shall|should) (i|we) ${VERBS}`,
    '=(i|we) would like (to)? (book|send|schedule|arrange|have|get) (a|an|the)?',
    // The speaker's side, said in the third person: "she will call you back", "you will get a text".
    '=(she|he|they|someone|somebody) will (call|email|send|contact|visit|come|text|be in touch|ring|reach out|get back|bring|install|replace|check|look|review|approve|join|arrive|be there|have)',
    // A named colleague: "Tobias will call you tomorrow morning".
    '=(*) will (call|email|ring|contact|text|phone|visit|send|be in touch with|reach out to|get back to|come back to|follow up with) you',
    '=(the|a|our|my) (technician|engineer|courier|team|specialist|supervisor|manager|colleague|driver|installer|account manager|adjuster|inspector) (will|is going to) (call|come|visit|arrive|be|contact|email|send|bring|install|replace|check|look|text|ring|reach out|get back|review|approve)',
    // The speaker will be where the other side needs them: "I'll be home", "we will be there".
    '=(i|we) will (be) (home|there|in|around|available|ready|on site|at the office|at home)',
    // Arranging someone on the speaker's side: "I would like a technician to check the cable".
    '=(i|we) (would like|want|will get|will have|am going to get|am going to have) (a|an|the|our|my|someone|somebody) (*)? (*)? to (check|come|look|call|visit|review|fix|replace|install|contact|send)',
    // Spanish present for an immediate act: "ahora mismo anulo la penalización".
    '=(ahora mismo|ahora|hoy mismo|en este momento) (le|se lo|se la|lo|la|te)? (anulo|envio|mando|reviso|cambio|aplico|pongo|devuelvo|hago|tramito|cancelo|quito|abro|paso|llamo|programo|reservo|dejo)',
    '=you will (get|receive|hear) (a|an|the|from)',
    '=it will be (back|there|done|fixed|credited|refunded|sorted|in)',
    '=(voy|vamos) a (dar|enviar|mandar|llamar|revisar|devolver|aplicar|cambiar|poner)',
    '=(te|le|os|les|se lo|se la|te lo|te la|se los) (preparo|mando|envio|paso|llamo|escribo|confirmo|digo|reservo|busco|hago|asigno|programo)',
    '=(hablo|hablamos|quedo|quedamos) con',
    '=(le|se lo|se la) (devuelvo|envio|mando|llamo|aplico|paso|doy|dejo|reservo|programo|anulo|abono|cambio)',
    '(i|we) (need|have) to (check|talk|ask|confirm|review|discuss|run|get|think|speak|look)',
    `=let me ${VERBS}`,
    '=let me (find out|double check|get back)',
    '=(can|could|shall|should) we (book|schedule|set up|find|put|get|grab|plan)',
    '=let us (book|schedule|set up|meet|talk|follow up|plan|reconnect|touch base)',
    '=follow up',
  ],
  other: [
    '=(send|email|forward|text|give) (me|us)',
    '=(send|email|forward) (it|them|that|this) (to|over to) (me|us)',
    '=(then|just|please)? call us back',
    '=please (send|email|forward|call|share|text)',
    '=(can|could|would) you (send|email|share|forward|call|set up|schedule|book)',
    // Asking the other side to act: "I need you to send the meter photo", "make sure you bring it".
    `=(i|we) (need|want|would need) you to ${VERBS}`,
    `=(make sure|be sure) (you|to) ${VERBS}`,
  ],
};

const TRIGGERS: ReadonlyArray<{ role: OwnerRole; pattern: CompiledPattern }> = (['self', 'other'] as const).flatMap(
  (role) => TRIGGER_SOURCES[role].map((source) => ({ role, pattern: compilePattern(source) })),
);

const DUE = [
  '=(next|this|on|by|until) (monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|quarter|morning|afternoon|evening)',
  '=(monday|tuesday|wednesday|thursday|friday|saturday|sunday) (morning|afternoon|evening)?',
  '=tomorrow (morning|afternoon|evening)?',
  '=(today|tonight)',
  '=(end of|by the end of) (the)? (day|week|month)',
  "=(at|by|around)? #num (o'clock|am|pm|thirty|fifteen|forty five)",
  '=#num in the (morning|afternoon|evening)',
  '=in #num (days|weeks|hours)',
  '=(later|later on) (today|this week|this afternoon)',
  '=(before|by|until) (the end of)? (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|noon)',
  '=on the (first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|fifteenth|twentieth)',
  '=(this|next) (week|month)',
  '=(within|in) #num (business|working)? (days|weeks|hours)',
  '=between #num and #num',
  '=the day before',
  '=(tonight|this evening)',
  '=ahora mismo',
  '=en un plazo de #num (dias|semanas)',
].map(compilePattern);

/** Words that make an action item a scheduled meeting, i.e. a booked next step. */
const MEETING_WORDS = new Set(
  'book booked schedule scheduled meeting meet invite calendar demo call session follow minutes hour slot chat'.split(
    ' ',
  ),
);

const MAX_ITEM_WORDS = 16;
/** Triggers this close together in one utterance are one item. */
const SAME_ITEM_TOKENS = 8;

function dueTextIn(u: Utterance, fromToken: number, toToken = u.tokens.length): string | null {
  const matches = DUE.flatMap((p) => findPhrase(p, u.tokens)).sort((a, b) => a.start - b.start);
  const inside = matches.filter((x) => x.start < toToken);
  const m = inside.find((x) => x.start >= fromToken) ?? (toToken === u.tokens.length ? inside[0] : undefined);
  if (!m) return null;
  // The words as spoken, without the punctuation an engine put after them ("by Friday,").
  return spanText(u, m.start, m.end).replace(/[^\p{L}\p{N}]+$/u, '') || null;
}

/** Verbatim words from the trigger to the item's end, at most MAX_ITEM_WORDS. */
function wordsFrom(u: Utterance, startToken: number, endToken = u.tokens.length): string {
  const first = u.tokenWord[startToken] ?? 0;
  const last = endToken >= u.tokens.length ? u.words.length : (u.tokenWord[endToken] ?? u.words.length);
  return u.words
    .slice(first, last)
    .filter((w) => isSpeechWord(w.text))
    .slice(0, MAX_ITEM_WORDS)
    .map((w) => w.text)
    .join(' ');
}

export function extractActionItems(transcript: Transcript, utterances = splitUtterances(transcript)): ActionItem[] {
  const speakers = speakersOf(transcript);
  const otherOf = (speaker: string): string | null => {
    const others = speakers.filter((s) => s !== speaker);
    return others.length === 1 ? (others[0] ?? null) : null;
  };
  const items: ActionItem[] = [];
  for (const u of utterances) {
    const clauses = clausesOf(u);
    const hits = TRIGGERS.flatMap((t) => findPhrase(t.pattern, u.tokens).map((m) => ({ role: t.role, start: m.start })))
      // "If you still want a supervisor, I will transfer you" is an offer on a condition, not a commitment.
      .filter((h) => {
        const c = clauseAt(clauses, h.start);
        return !u.tokens.slice(Math.max(0, c.start - 3), h.start).some((t) => t === 'if' || t === 'si');
      })
      .sort((a, b) => a.start - b.start);
    const kept: Array<{ start: number; role: OwnerRole }> = [];
    for (const hit of hits) {
      // Triggers close together are one item, unless the owner changes ("send me … and I will …").
      const last = kept[kept.length - 1];
      if (last && hit.start - last.start < SAME_ITEM_TOKENS && hit.role === last.role) continue;
      kept.push(hit);
    }
    kept.forEach((hit, k) => {
      // An item ends where the next one (with another owner) starts.
      const end = kept[k + 1]?.start ?? u.tokens.length;
      const text = wordsFrom(u, hit.start, end);
      if (text === '') return;
      items.push({
        text,
        owner: hit.role === 'self' ? u.speaker : otherOf(u.speaker),
        dueText: dueTextIn(u, hit.start, kept.length > 1 ? end : u.tokens.length),
        atMs: tokenStartMs(u, hit.start),
      });
    });
  }
  return items;
}

/** A booked next step: a meeting-type action item with a spoken date or time. */
export function isScheduledNextStep(item: ActionItem): boolean {
  return item.dueText !== null && tokenizeText(item.text).some((t) => MEETING_WORDS.has(t));
}

const PAST_DUE = /\b(last|ago|yesterday|earlier|before now)\b/;

/**
 * The call's next step: the agent's dated meeting, else the agent's dated commitment, else
 * any dated meeting, else any dated item; within a tier the first. A date in the past ("the
 * demo last week") is history, not a next step.
 */
export function nextStepOf(items: readonly ActionItem[], agent: string | null): ActionItem | null {
  const dated = items.filter((i) => i.dueText !== null && !PAST_DUE.test(i.dueText));
  const byAgent = (i: ActionItem): boolean => agent !== null && i.owner === agent;
  const tiers = [
    dated.filter((i) => byAgent(i) && isScheduledNextStep(i)),
    dated.filter(byAgent),
    dated.filter(isScheduledNextStep),
    dated,
  ];
  return tiers.find((t) => t.length > 0)?.[0] ?? null;
}
