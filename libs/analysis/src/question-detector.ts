/**
 * Question detection without punctuation.
 *
 * Pocketsphinx output has no "?", so we use the lexical shape of English questions:
 * a wh-word followed by an auxiliary or quantifier ("how much", "what made"), subject-
 * auxiliary inversion ("could we", "does the quote", "is there"), and a few imperative
 * question openers that call-coaching tools also count ("tell me about", "walk me
 * through"). Utterances are pause-delimited (utterances.ts) but speakers run sentences
 * together, so cues are searched anywhere in the utterance; starts closer than
 * MERGE_WINDOW tokens count once ("how much data are we talking about" is one question).
 */
import { compilePattern, findPhrase } from './phrase-matcher';

const WH = new Set(['what', 'how', 'why', 'when', 'where', 'who', 'which']);
const MODALS = new Set('can could would will should may might shall'.split(' '));
const AUX = new Set([...MODALS, ...'do does did are is was were have has had am'.split(' ')]);
/** Auxiliaries that also take a noun-phrase subject ("does the quote include ..."). */
const AUX_WITH_NOUN_SUBJECT = new Set([...MODALS, 'do', 'does', 'did']);
const PERSONAL_SUBJECTS = new Set('you we i they he she'.split(' '));
const PRONOUN_SUBJECTS = new Set([
  ...PERSONAL_SUBJECTS,
  ...'it there this that anyone anybody someone anything everyone'.split(' '),
]);
const DETERMINER_SUBJECTS = new Set('the your our their my this that any these those'.split(' '));
const WH_FOLLOWERS = new Set([
  ...AUX,
  ...'much many long often about kind sort type made makes else exactly happened happens brought brings led if come far soon big quickly specifically part'.split(
    ' ',
  ),
]);
/** Words after which a wh-word introduces a clause, not a question ("i know what is ..."). */
const WH_BLOCKERS = new Set(
  'know knew understand see saw is was be that matter sure idea decide figure out explain show tell ask asked wonder about exactly regardless'.split(
    ' ',
  ),
);
/** Words after which "aux + subject" is part of a clause ("if you could", "than we do"). */
const CLAUSE_WORDS = new Set([...WH, ...'if whether as than'.split(' ')]);
const THIRD_SINGULAR = new Set('he she it that this there anyone anybody someone anything everyone'.split(' '));

/**
 * Would "<prev> <aux>" be a grammatical statement opening? ("we do the work", "that is
 * it"). If not ("you does the quote", "sorry about that can you"), the aux starts a question.
 */
function agrees(prev: string, aux: string): boolean {
  if (MODALS.has(aux) || aux === 'did' || aux === 'had') return true;
  if (THIRD_SINGULAR.has(prev)) return ['does', 'is', 'was', 'has'].includes(aux);
  if (prev === 'i') return ['am', 'was', 'do', 'have'].includes(aux);
  return ['do', 'are', 'were', 'have'].includes(aux);
}
const OPENERS = [
  'tell me (about|more)',
  'walk me through',
  'help me understand',
  'any (other)? (questions|thoughts|concerns)',
  'anything else',
  'how about',
  'what about',
].map(compilePattern);
/** Discourse markers that may precede an opener at a sentence start. */
const DISCOURSE = new Set(
  'so and but okay all right well great sure yes yeah now also then just perfect thanks good got it'.split(' '),
);

export const MERGE_WINDOW = 6;

function isWhQuestionAt(tokens: readonly string[], i: number): boolean {
  const t = tokens[i] ?? '';
  const next = tokens[i + 1];
  if (!WH.has(t) || next === undefined || !WH_FOLLOWERS.has(next)) return false;
  const prev = tokens[i - 1];
  return prev === undefined || !WH_BLOCKERS.has(prev);
}

function isInversionAt(tokens: readonly string[], i: number): boolean {
  const aux = tokens[i] ?? '';
  if (!AUX.has(aux)) return false;
  const j = tokens[i + 1] === 'not' ? i + 2 : i + 1;
  const subject = tokens[j];
  const after = tokens[j + 1];
  if (subject === undefined || after === undefined) return false;
  const subjectOk =
    PRONOUN_SUBJECTS.has(subject) || (AUX_WITH_NOUN_SUBJECT.has(aux) && DETERMINER_SUBJECTS.has(subject));
  if (!subjectOk) return false;
  if (subject === 'you' && after === 'know') return false; // "we can you know ..." is a filler
  const prev = tokens[i - 1];
  if (prev === undefined) return true;
  if (CLAUSE_WORDS.has(prev)) return false;
  if (!PRONOUN_SUBJECTS.has(prev)) return true;
  // A pronoun before a modal/do followed by a personal pronoun is never a statement
  // ("sorry about that can you tell me", "thank you can you"), so it starts a question.
  if (AUX_WITH_NOUN_SUBJECT.has(aux) && PERSONAL_SUBJECTS.has(subject)) return true;
  return !agrees(prev, aux);
}

/** Token indices where a question starts in this utterance. */
export function questionStarts(tokens: readonly string[]): number[] {
  const candidates = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    if (isWhQuestionAt(tokens, i) || isInversionAt(tokens, i)) candidates.add(i);
  }
  for (const p of OPENERS) {
    for (const m of findPhrase(p, tokens, 0)) {
      const prev = tokens[m.start - 1];
      if (prev === undefined || DISCOURSE.has(prev)) candidates.add(m.start);
    }
  }
  const starts: number[] = [];
  for (const i of [...candidates].sort((a, b) => a - b)) {
    const last = starts[starts.length - 1];
    if (last === undefined || i - last >= MERGE_WINDOW) starts.push(i);
  }
  return starts;
}

export function countQuestions(tokens: readonly string[]): number {
  return questionStarts(tokens).length;
}
