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
import { spanText, speakersOf, splitUtterances, tokenStartMs, type Utterance } from './utterances';

type OwnerRole = 'self' | 'other';

const VERBS =
  '(send|email|share|forward|follow up|set up|schedule|book|call|get back|loop|check|look into|put together|prepare|reach out|confirm|review|circle back|update|text|draft)';

const TRIGGERS: ReadonlyArray<{ role: OwnerRole; pattern: CompiledPattern }> = (
  [
    { role: 'self', source: `=(i|we) will ${VERBS}` },
    { role: 'self', source: `=(i|we) (can|could) ${VERBS}` },
    { role: 'self', source: '(i|we) (need|have) to (check|talk|ask|confirm|review|discuss|run|get|think|speak|look)' },
    { role: 'self', source: `=let me ${VERBS}` },
    { role: 'self', source: '=let me (find out|double check|get back)' },
    { role: 'self', source: '=(can|could|shall|should) we (book|schedule|set up|find|put|get|grab|plan)' },
    { role: 'self', source: '=let us (book|schedule|set up|meet|talk|follow up|plan|reconnect|touch base)' },
    { role: 'self', source: '=follow up' },
    { role: 'other', source: '=(send|email|forward|text|give) (me|us)' },
    { role: 'other', source: '=please (send|email|forward|call|share|text)' },
    { role: 'other', source: '=(can|could|would) you (send|email|share|forward|call|set up|schedule|book)' },
  ] satisfies ReadonlyArray<{ role: OwnerRole; source: string }>
).map(({ role, source }) => ({ role, pattern: compilePattern(source) }));

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

function dueTextIn(u: Utterance, fromToken: number): string | null {
  const matches = DUE.flatMap((p) => findPhrase(p, u.tokens)).sort((a, b) => a.start - b.start);
  const m = matches.find((x) => x.start >= fromToken) ?? matches[0];
  if (!m) return null;
  return spanText(u, m.start, m.end) || null;
}

/** Verbatim words from the trigger to the end of the utterance, at most MAX_ITEM_WORDS. */
function wordsFrom(u: Utterance, startToken: number): string {
  const first = u.tokenWord[startToken] ?? 0;
  return u.words
    .slice(first)
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
    const hits = TRIGGERS.flatMap((t) =>
      findPhrase(t.pattern, u.tokens).map((m) => ({ role: t.role, start: m.start })),
    ).sort((a, b) => a.start - b.start);
    let lastStart = -Infinity;
    for (const hit of hits) {
      if (hit.start - lastStart < SAME_ITEM_TOKENS) continue;
      lastStart = hit.start;
      const text = wordsFrom(u, hit.start);
      if (text === '') continue;
      items.push({
        text,
        owner: hit.role === 'self' ? u.speaker : otherOf(u.speaker),
        dueText: dueTextIn(u, hit.start),
        atMs: tokenStartMs(u, hit.start),
      });
    }
  }
  return items;
}

/** A booked next step: a meeting-type action item with a spoken date or time. */
export function isScheduledNextStep(item: ActionItem): boolean {
  return item.dueText !== null && tokenizeText(item.text).some((t) => MEETING_WORDS.has(t));
}
