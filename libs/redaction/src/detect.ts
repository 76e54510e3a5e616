/**
 * PII detection over a transcript's words (pure functions, no I/O).
 *
 * The words of all segments are read as one sequence of tokens in transcript order; digit runs
 * are read per speaker (a customer reading a card number across the agent's "mhm" is one run),
 * cue words are looked up in the words just before a span, whoever said them ("what's your
 * social?" — "one two three …").
 *
 *  - email: written (`john.smith@gmail.com`, `john.smith at gmail.com`) or spoken
 *    ("john dot smith at gmail dot com").
 *  - address: a house number, up to four words and a street type ("42 Elm Street",
 *    "twelve oak avenue"), extended by an apartment, city, state and ZIP; or what follows
 *    "I live at", "my address is" when it holds a number, a street type or a capitalised word.
 *  - card, ssn, phone, account: digit runs, digits as written ("4111 1111", "555-123-4567") or
 *    spoken ("four one one one", "double four", "oh" for zero, "twenty one", "eight hundred"),
 *    across Whisper's punctuation and fillers ("uh"), classified by the nearest cue word and by
 *    shape: 13–19 digits passing Luhn are a card; 3-2-4 digits a social-security number;
 *    10 digits (or 11 starting with 1, or a leading +) a phone number; 6+ digits after
 *    "account", "member", "policy" an account number; unlabelled runs of 9+ digits an account.
 *    Reference, confirmation, case, ticket and order numbers are redacted as accounts when the
 *    customer says them, and kept when the agent gives them out (the company's own reference,
 *    which coaching checks for). Model, part, SKU, serial and version numbers are kept.
 *  - name: the words after "my name is", "speaking with", "Mr", "spelled", and (in cased text,
 *    as Whisper writes it) a capitalised word after "this is", "I'm", "hi", "thanks"; every
 *    later or earlier mention of a name found that way is redacted too.
 *
 * wink-eng-lite-web-model's entity recognition has no person or place types (it finds dates,
 * amounts, emails, URLs); names and addresses therefore come from cues and case.
 */

export const PII_KINDS = ['card', 'ssn', 'account', 'phone', 'email', 'name', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];
export type PiiCounts = Record<PiiKind, number>;

export const PLACEHOLDERS: Readonly<Record<PiiKind, string>> = {
  card: '[CARD]',
  ssn: '[SSN]',
  account: '[ACCOUNT]',
  phone: '[PHONE]',
  email: '[EMAIL]',
  name: '[NAME]',
  address: '[ADDRESS]',
};

export function zeroCounts(): PiiCounts {
  return { card: 0, ssn: 0, account: 0, phone: 0, email: 0, name: 0, address: 0 };
}

/** One word as the detector reads it. */
export interface Token {
  /** The word as written (Whisper: cased, with punctuation). */
  raw: string;
  /** Lower case, surrounding punctuation removed. */
  norm: string;
  speaker: string;
  startMs: number;
  endMs: number;
}

/** Tokens [from, to) of one kind; `from`/`to` index the token sequence given. */
export interface PiiSpan {
  kind: PiiKind;
  /** Token indices of the span (one speaker's; not necessarily consecutive across speakers). */
  tokens: number[];
}

export interface DetectOptions {
  /** Tokens before this index are context only (cues, names): no span starts there. */
  from?: number;
  /** Names found earlier (lower case), redacted wherever they come up; found names are added. */
  knownNames?: Set<string>;
}

export function normalize(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[^\p{L}\p{N}@+[]+|[^\p{L}\p{N}\]]+$/gu, '');
}

export function tokenOf(raw: string, speaker: string, startMs = 0, endMs = 0): Token {
  return { raw: raw.trim(), norm: normalize(raw), speaker, startMs, endMs };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const UNIT: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};
const TEEN: Readonly<Record<string, string>> = {
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
};
const TENS: Readonly<Record<string, string>> = {
  twenty: '2',
  thirty: '3',
  forty: '4',
  fifty: '5',
  sixty: '6',
  seventy: '7',
  eighty: '8',
  ninety: '9',
};
const REPEAT: Readonly<Record<string, number>> = { double: 2, triple: 3 };
/** Said between the digits of one number without ending it. */
const RUN_FILLERS = new Set(['uh', 'um', 'er', 'erm', 'ah', 'hmm', 'mm', 'dash', 'hyphen', 'space']);
/** Longest pause inside one digit run. */
const RUN_GAP_MS = 4000;
/** How far back (tokens) a cue word counts for the span after it. */
const CUE_WINDOW = 8;

type Cue = 'card' | 'card-code' | 'ssn' | 'phone' | 'account' | 'reference' | 'zip' | 'keep';

const CUE_WORDS: ReadonlyArray<[RegExp, Cue]> = [
  [/^(cvv|cvc|cvv2|expiry|expiration|expires|exp)$/, 'card-code'],
  [/^(card|visa|mastercard|amex|discover|credit|debit)$/, 'card'],
  [/^(social|ssn|ss)$/, 'ssn'],
  [/^(phone|cell|mobile|telephone|landline|fax|callback|call|reach|text|dial)$/, 'phone'],
  [/^(account|acct|member|membership|policy|routing|iban|customer|subscriber|billing|id|pin)$/, 'account'],
  [/^(reference|ref|confirmation|case|ticket|order|claim|tracking|invoice)$/, 'reference'],
  [/^(zip|zipcode|postal|postcode)$/, 'zip'],
  [/^(model|part|sku|serial|version|item|extension|ext|room|floor|page|step|line|number\d)$/, 'keep'],
];

const MONTHS = new Set(
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(
    ' ',
  ),
);

const STREET_TYPES = new Set(
  'street st avenue ave road rd lane ln drive dr boulevard blvd court ct way place pl terrace circle cir parkway pkwy highway hwy square sq trail crescent close alley plaza'.split(
    ' ',
  ),
);
const UNIT_WORDS = new Set(['apartment', 'apt', 'suite', 'unit', 'flat', 'building', 'bldg']);

/** Words that never start or continue a name (nor a street name). */
const NOT_NAME = new Set(
  (
    'i me my we our us you your he she him her his they them their it its this that these those there here a an the ' +
    'and or but so if then than to of in on at by for from with about into over under after before up down out off ' +
    'is am are was were be been being has have had do does did will would can could should shall may might must ' +
    'not no yes yeah yep okay ok sure fine just also too very really honestly well now last next week month year ' +
    'today tomorrow tonight morning afternoon evening all any some every each other another more most less much ' +
    'many hi hello hey thanks thank please sorry bye good great nice new old calling call called going trying ' +
    'looking glad happy here speaking back sir madam maam mister miss gonna wanna still actually currently right ' +
    'what who why how when where which whose one two three four five six seven eight nine ten zero oh ' +
    'mr mrs ms dr mister prof ' +
    'monday tuesday wednesday thursday friday saturday sunday ' +
    [...MONTHS].join(' ')
  ).split(' '),
);

const STRONG_NAME_CUES: readonly string[][] = [
  'my name is',
  'my names',
  "my name's",
  'name is',
  'first name is',
  'last name is',
  'surname is',
  'full name is',
  'name on the card is',
  'name on the account is',
  'speaking with',
  'you are speaking with',
  'talking to',
  'ask for',
  'spelled',
  'spelt',
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'mister',
].map((c) => c.split(' '));
/** Cues that need case to tell a name ("this is Laura") from other words ("this is great"). */
const WEAK_NAME_CUES: readonly string[][] = [
  'this is',
  "it's",
  'it is',
  "i'm",
  'i am',
  'im',
  'hi',
  'hello',
  'hey',
  'thanks',
  'thank you',
  'bye',
  'dear',
].map((c) => c.split(' '));

const ADDRESS_CUES: readonly string[][] = [
  'live at',
  'live on',
  'my address is',
  'address is',
  'the address is',
  'home address is',
  'billing address is',
  'shipping address is',
  'reside at',
  'ship it to',
  'send it to',
  'mail it to',
  'deliver it to',
].map((c) => c.split(' '));

const TLD_END = /\.(com|org|net|edu|gov|io|co|uk|us|info|biz|me|ca|de)[.,;:!?]*$/i;
const TLDS = new Set('com org net edu gov io co uk us info biz me ca de fr au in ai app dev mil'.split(' '));

// ---------------------------------------------------------------------------------------------
// Helpers

function phraseEndsAt(tokens: readonly Token[], end: number, phrase: readonly string[]): boolean {
  if (end - phrase.length < 0) return false;
  for (let k = 0; k < phrase.length; k++) {
    if (tokens[end - phrase.length + k]?.norm !== phrase[k]) return false;
  }
  return true;
}

const isCapitalised = (t: Token): boolean => /^[^\p{L}]*\p{Lu}/u.test(t.raw);
const endsClause = (t: Token): boolean => /[.,;:!?]["')\]]*$/.test(t.raw);
const endsSentence = (t: Token): boolean => /[.!?]["')\]]*$/.test(t.raw);
const alpha = (t: Token | undefined): boolean => t !== undefined && /^[\p{L}][\p{L}'-]*$/u.test(t.norm);
const isPlaceholder = (t: Token): boolean => /^\[[A-Z]+\]/.test(t.raw.replace(/^[^[]*/, ''));

/** Luhn checksum (cards). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** A US social-security number's shape: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = digits.slice(0, 3);
  return (
    area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000'
  );
}

// ---------------------------------------------------------------------------------------------
// Digits

/** The digits a token contributes to a run, or null when it is not part of a digit run. */
interface DigitPiece {
  digits: string;
  /** Digit groups as written ("123-45-6789" → [3, 2, 4]); spoken digits are one group each. */
  groups: number[];
  plus: boolean;
  spoken: boolean;
}

function writtenDigits(raw: string): DigitPiece | null {
  const core = raw
    .trim()
    .replace(/[.,;:!?"')\]-]+$/, '')
    .replace(/^["'([-]+/, '');
  if (core === '' || /^[$€£¥]/.test(core) || /[:/%]/.test(core)) return null;
  if (!/^\+?\(?\d[\d\-.() ]*$/.test(core)) return null;
  // 89,000 (handled above: comma not allowed), 3.5 or 12.99: an amount, not a digit string.
  if (/^\d+\.\d{1,2}$/.test(core)) return null;
  const groups = core
    .split(/[-.() +]+/)
    .filter(Boolean)
    .map((g) => g.length);
  return { digits: core.replace(/\D/g, ''), groups, plus: core.startsWith('+'), spoken: false };
}

/**
 * A run's digits, token by token: spoken words may need the next word ("twenty" "one",
 * "double" "four", "eight" "hundred"), so pieces are built over the whole stream.
 */
interface RunItem {
  /** Token indices this item came from. */
  tokens: number[];
  piece: DigitPiece;
}

function spokenParts(norm: string): string[] {
  return norm.split('-').filter(Boolean);
}

function isSpokenDigitWord(w: string): boolean {
  return w in UNIT || w in TEEN || w in TENS || w in REPEAT || w === 'hundred';
}

/** Did someone else say more than a backchannel ("mhm", "okay, go on") between tokens a and b? */
function otherTurnBetween(tokens: readonly Token[], a: number, b: number): boolean {
  if (b - a - 1 > 3) return true;
  for (let k = a + 1; k < b; k++) if (/\?/.test(tokens[k]?.raw ?? '')) return true;
  return false;
}

/** Reads the digit items of one speaker's token stream positions `idx` (indices into tokens). */
function digitRuns(tokens: readonly Token[], idx: readonly number[], covered: ReadonlySet<number>): RunItem[][] {
  const runs: RunItem[][] = [];
  let run: RunItem[] = [];
  let lastEnd = -Infinity;
  let pendingRepeat = 1;
  let lastWasTens = false;
  const close = (): void => {
    // A run never starts with a lone "oh" ("Oh, four one one …").
    while (run.length && run[0]?.piece.digits === '0' && /^o(h)?$/.test(tokens[run[0].tokens[0] as number]?.norm ?? ''))
      run.shift();
    if (run.length) runs.push(run);
    run = [];
    pendingRepeat = 1;
    lastWasTens = false;
  };
  let prev = -1;
  for (const i of idx) {
    const t = tokens[i] as Token;
    if (run.length && prev >= 0 && i - prev > 1 && otherTurnBetween(tokens, prev, i)) close();
    prev = i;
    if (covered.has(i) || (run.length && t.startMs - lastEnd > RUN_GAP_MS)) close();
    if (covered.has(i)) continue;
    const written = writtenDigits(t.raw);
    if (written && written.digits.length > 0) {
      run.push({ tokens: [i], piece: written });
      lastEnd = t.endMs;
      pendingRepeat = 1;
      lastWasTens = false;
      continue;
    }
    const parts = spokenParts(t.norm);
    if (parts.length && parts.every(isSpokenDigitWord)) {
      // "oh" and "o" are digits only inside a run or right before another digit word.
      for (const p of parts) {
        if (p in REPEAT) {
          pendingRepeat = REPEAT[p] as number;
          lastWasTens = false;
          continue;
        }
        const last = run[run.length - 1];
        if (p === 'hundred') {
          if (last && last.piece.spoken && last.piece.digits.length === 1) {
            last.piece.digits += '00';
            last.piece.groups = [last.piece.digits.length];
            if (!last.tokens.includes(i)) last.tokens.push(i);
          } else {
            close();
          }
          lastWasTens = false;
          continue;
        }
        if (lastWasTens && p in UNIT && p !== 'oh' && p !== 'o' && p !== 'zero' && last) {
          // "twenty one" → 21
          last.piece.digits = `${last.piece.digits.slice(0, -1)}${UNIT[p]}`;
          if (!last.tokens.includes(i)) last.tokens.push(i);
          lastWasTens = false;
          continue;
        }
        const d = p in UNIT ? (UNIT[p] as string) : p in TEEN ? (TEEN[p] as string) : `${TENS[p] as string}0`;
        const digits = d.repeat(pendingRepeat);
        pendingRepeat = 1;
        run.push({ tokens: [i], piece: { digits, groups: [digits.length], plus: false, spoken: true } });
        lastWasTens = p in TENS;
      }
      lastEnd = t.endMs;
      continue;
    }
    if (run.length && (RUN_FILLERS.has(t.norm) || t.norm === '')) {
      lastEnd = t.endMs;
      continue;
    }
    close();
  }
  close();
  return runs;
}

/**
 * The cue for the span at token `at`: among the cue words of the CUE_WINDOW tokens before it, one
 * followed by "number" ("the card number on the account") if any, else the nearest.
 */
function cueBefore(tokens: readonly Token[], at: number): { cue: Cue; index: number } | null {
  let nearest: { cue: Cue; index: number } | null = null;
  for (let k = at - 1; k >= 0 && k >= at - CUE_WINDOW; k--) {
    const c = cueAt(tokens, k, at);
    if (!c) continue;
    if (c.cue === 'keep') return nearest ?? c;
    if (NUMBER_NOUNS.has(tokens[k + 1]?.norm ?? '')) return c;
    nearest ??= c;
  }
  return nearest;
}
const NUMBER_NOUNS = new Set(['number', 'numbers', 'no', '#']);

function cueAt(tokens: readonly Token[], k: number, at: number): { cue: Cue; index: number } | null {
  const w = tokens[k]?.norm ?? '';
  if (MONTHS.has(w) && k === at - 1) return { cue: 'keep', index: k };
  if (w === 'security') {
    if (tokens[k - 1]?.norm === 'social') return { cue: 'ssn', index: k };
    if (tokens[k + 1]?.norm === 'code') return { cue: 'card-code', index: k };
    return null;
  }
  for (const [re, cue] of CUE_WORDS) {
    if (!re.test(w)) continue;
    // "order 200 units" is a quantity; "order number …" a reference.
    if (cue === 'reference' && !/^(reference|ref|confirmation)$/.test(w) && !REF_NOUNS.has(tokens[k + 1]?.norm ?? ''))
      return null;
    // "the second account holder": the person, not the number.
    if (cue === 'account' && HOLDER_NOUNS.has(tokens[k + 1]?.norm ?? '')) return null;
    return { cue, index: k };
  }
  return null;
}
const HOLDER_NOUNS = new Set(['holder', 'holders', 'owner', 'owners', 'name', 'manager', 'team']);
const REF_NOUNS = new Set(['number', 'numbers', 'no', 'id', 'code', '#', 'is']);

interface Classified {
  kind: PiiKind | null;
  items: RunItem[];
}

/** Which PII a digit run is, if any; a run may hold a card and its code, or be split. */
function classifyRun(
  tokens: readonly Token[],
  run: RunItem[],
  inherited?: { cue: Cue; index: number } | null,
): Classified[] {
  const first = run[0]?.tokens[0] as number;
  const digits = run.map((r) => r.piece.digits).join('');
  const n = digits.length;
  const groups = run.flatMap((r) => r.piece.groups);
  const speaker = tokens[first]?.speaker ?? '';
  // A piece of a longer run takes the cue of the whole run (the words before it are digits).
  const found = inherited === undefined ? cueBefore(tokens, first) : inherited;
  const cue = found?.cue ?? null;
  const whole = (kind: PiiKind | null): Classified[] => [{ kind, items: run }];

  switch (cue) {
    case 'keep':
      return whole(null);
    case 'card':
      if (n >= 12 && n <= 19) return whole('card');
      if (n >= 3 && n <= 4) return whole('card'); // "the last four on the card", a code
      break;
    case 'card-code':
      if (n >= 3 && n <= 6) return whole('card');
      break;
    case 'ssn':
      if (n === 9 || n === 4) return whole('ssn');
      break;
    case 'phone':
      if (n >= 7 && n <= 15) return whole('phone');
      break;
    case 'account':
      if (n >= 6) return whole('account');
      break;
    case 'reference':
      if (n >= 6) return whole(speaker === 'agent' ? null : 'account');
      break;
    case 'zip':
      if (n === 5 || n === 9) return whole('address');
      break;
  }
  // Shape alone: a card anywhere in the run (aligned to its items), with a code read after it.
  const card = findCard(run);
  if (card) {
    const out: Classified[] = [];
    if (card.from > 0) out.push(...classifyRun(tokens, run.slice(0, card.from), found));
    let to = card.to;
    const rest = run.slice(to);
    const restDigits = rest.map((r) => r.piece.digits).join('').length;
    // A code or expiry read after it, or (asked for a card) the rest of what was read.
    if (rest.length && (restDigits <= 4 || cue === 'card' || cue === 'card-code')) to = run.length;
    out.push({ kind: 'card', items: run.slice(card.from, to) });
    if (to < run.length) out.push(...classifyRun(tokens, run.slice(to), found));
    // What is left of a long read-out around a card (ASR repeating digits) goes with it.
    return out.map((c) =>
      c.kind === null && c.items.map((r) => r.piece.digits).join('').length >= 3 ? { ...c, kind: 'card' } : c,
    );
  }
  if (n === 9 && groups.length === 3 && groups[0] === 3 && groups[1] === 2 && groups[2] === 4 && ssnValid(digits))
    return whole('ssn');
  if (run.some((r) => r.piece.plus) && n >= 8 && n <= 15) return whole('phone');
  if (n === 10 && /^[2-9]/.test(digits)) return whole('phone');
  if (n === 11 && digits.startsWith('1')) return whole('phone');
  if (n === 7 && groups.length === 2 && groups[0] === 3 && groups[1] === 4) return whole('phone');
  if (n >= 9) return whole(cue === 'reference' && speaker === 'agent' ? null : 'account');
  // What ASR made of a number asked for ("my phone number is 555 - IDs amplifier 3 -8849"): the
  // pieces after "card/phone/account/social number" are still redacted.
  const strong = found;
  if (strong && n >= 3 && (NUMBER_NOUNS.has(tokens[strong.index + 1]?.norm ?? '') || strong.cue === 'ssn')) {
    const kind = PARTIAL_KIND[strong.cue];
    if (kind && !(strong.cue === 'reference' && speaker === 'agent')) return whole(kind);
  }
  return whole(null);
}

/** Card lengths, most common first: a longer Luhn-valid run is likelier a card plus its code. */
const CARD_LENGTH_RANK = [16, 15, 19, 13, 14, 17, 18];

const PARTIAL_KIND: Partial<Record<Cue, PiiKind>> = {
  card: 'card',
  'card-code': 'card',
  ssn: 'ssn',
  phone: 'phone',
  account: 'account',
  reference: 'account',
};

function findCard(run: RunItem[]): { from: number; to: number } | null {
  let best: { from: number; to: number; len: number } | null = null;
  const rank = (len: number): number => CARD_LENGTH_RANK.indexOf(len);
  for (let a = 0; a < run.length; a++) {
    let digits = '';
    for (let b = a; b < run.length; b++) {
      digits += run[b]?.piece.digits ?? '';
      if (digits.length > 19) break;
      if (digits.length >= 13 && luhnValid(digits) && !/^(\d)\1+$/.test(digits)) {
        if (!best || rank(digits.length) < rank(best.len)) best = { from: a, to: b + 1, len: digits.length };
      }
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Emails

const LOCAL_JOINERS: Readonly<Record<string, string>> = {
  dot: '.',
  period: '.',
  underscore: '_',
  dash: '-',
  hyphen: '-',
};

function isLocalWord(t: Token | undefined): boolean {
  return t !== undefined && /^[\p{L}\p{N}][\p{L}\p{N}._+-]*$/u.test(t.norm) && !(t.norm in LOCAL_JOINERS);
}

/** Where a spoken or half-written domain starting at `i` ends (exclusive), or -1. */
function domainEnd(tokens: readonly Token[], i: number): number {
  const t = tokens[i];
  if (!t) return -1;
  // "gmail.com" written as one word
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(t.norm) && TLDS.has(t.norm.split('.').pop() as string)) return i + 1;
  if (!/^[a-z0-9-]+$/.test(t.norm)) return -1;
  let j = i + 1;
  let end = -1;
  while (tokens[j]?.norm === 'dot' && tokens[j + 1] && /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(tokens[j + 1]?.norm ?? '')) {
    const label = tokens[j + 1] as Token;
    if (TLDS.has(label.norm.split('.').pop() as string)) end = j + 2;
    j += 2;
  }
  return end;
}

function findEmails(tokens: readonly Token[], from: number, covered: Set<number>, out: PiiSpan[]): void {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (covered.has(i)) continue;
    if (/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/u.test(t.norm)) {
      add(out, covered, 'email', [i]);
      continue;
    }
    // What ASR writes of a spoken address: "john .smith .com", "smith at gmail.com".
    if (
      TLD_END.test(t.raw) &&
      !/^(www\.|https?:)/i.test(t.raw) &&
      !/^(visit|website|site|www|go)$/.test(tokens[i - 1]?.norm ?? '')
    ) {
      let start = i;
      while (
        start > from &&
        /^[.@]/.test(tokens[start]?.raw ?? '') &&
        !covered.has(start - 1) &&
        tokens[start - 1]?.speaker === t.speaker
      )
        start--;
      if (start < i || /@/.test(t.raw) || tokens[i - 1]?.norm === 'at') {
        if (tokens[i - 1]?.norm === 'at' && start === i && isLocalWord(tokens[i - 2]) && !covered.has(i - 2)) {
          start = i - 2;
          // "john .smith at gmail.com"
          while (start > from && /^[.@_]/.test(tokens[start]?.raw ?? '') && !covered.has(start - 1)) start--;
        }
        add(out, covered, 'email', range(start, i + 1));
        continue;
      }
    }
    if (t.norm !== 'at' && t.norm !== '@') continue;
    const end = domainEnd(tokens, i + 1);
    if (end < 0) continue;
    // The local part: words joined by "dot"/"underscore", or letters spelled one by one.
    let k = i - 1;
    if (!isLocalWord(tokens[k]) || covered.has(k) || tokens[k]?.speaker !== t.speaker) continue;
    let start = k;
    k--;
    while (k >= from && start - k <= 12) {
      const w = tokens[k] as Token;
      if (w.norm in LOCAL_JOINERS && isLocalWord(tokens[k - 1])) {
        start = k - 1;
        k -= 2;
      } else if (w.norm.length === 1 && /\p{L}|\p{N}/u.test(w.norm) && (tokens[start]?.norm.length ?? 0) === 1) {
        start = k;
        k--;
      } else break;
    }
    const span: number[] = [];
    for (let x = start; x < end; x++) span.push(x);
    add(out, covered, 'email', span);
    i = end - 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses

function isHouseNumber(t: Token | undefined): boolean {
  if (!t) return false;
  if (/^\d[\da-z]{0,5}$/.test(t.norm) && /^\d+[a-z]?$|^\d[a-z]\d$/.test(t.norm)) return true;
  return (
    spokenParts(t.norm).length > 0 &&
    spokenParts(t.norm).every((p) => p in UNIT || p in TEEN || p in TENS || p === 'hundred')
  );
}

/** An address at `i` (its house number), or null: number, 1–4 street-name words, street type. */
function streetAt(tokens: readonly Token[], i: number): number | null {
  if (!isHouseNumber(tokens[i])) return null;
  let j = i;
  // a spoken house number may take several words ("twelve thirty four")
  while (j + 1 < tokens.length && j - i < 3 && isHouseNumber(tokens[j + 1]) && !endsClause(tokens[j] as Token)) j++;
  const speaker = tokens[i]?.speaker;
  for (let k = j + 1; k <= j + 5 && k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.speaker !== speaker) return null;
    if (STREET_TYPES.has(t.norm) && k > j + 1) return k + 1;
    if (!alpha(t) || NOT_NAME.has(t.norm)) return null;
    if (endsClause(t)) return null;
  }
  return null;
}

/** Extends an address over ", Apt 4B, Springfield, Illinois 62704". */
function extendAddress(tokens: readonly Token[], end: number): number {
  const speaker = tokens[end - 1]?.speaker;
  let j = end;
  let words = 0;
  while (j < tokens.length && words < 8) {
    const t = tokens[j] as Token;
    if (t.speaker !== speaker) break;
    if (endsSentence(tokens[j - 1] as Token)) break;
    if (UNIT_WORDS.has(t.norm) || (t.norm === 'number' && UNIT_WORDS.has(tokens[j - 1]?.norm ?? ''))) {
      j++;
      words++;
      continue;
    }
    if (
      /^\d{5}(-\d{4})?$/.test(t.norm) ||
      (/^\d{1,5}[a-z]?$/.test(t.norm) && UNIT_WORDS.has(tokens[j - 1]?.norm ?? ''))
    ) {
      j++;
      words++;
      continue;
    }
    if (/^[a-z]$/.test(t.norm) && UNIT_WORDS.has(tokens[j - 2]?.norm ?? '')) {
      j++;
      continue;
    }
    if (alpha(t) && isCapitalised(t) && !NOT_NAME.has(t.norm)) {
      j++;
      words++;
      continue;
    }
    break;
  }
  return j;
}

function findAddresses(tokens: readonly Token[], from: number, covered: Set<number>, out: PiiSpan[]): void {
  for (let i = from; i < tokens.length; i++) {
    if (covered.has(i)) continue;
    const end = streetAt(tokens, i);
    if (end !== null) {
      const to = extendAddress(tokens, end);
      add(out, covered, 'address', range(i, to));
      i = to - 1;
      continue;
    }
    const cue = ADDRESS_CUES.find((c) => phraseEndsAt(tokens, i, c));
    if (!cue) continue;
    // What follows the cue, to the end of the clause (at most 12 words).
    const speaker = tokens[i]?.speaker;
    let j = i;
    while (j < tokens.length && j - i < 12 && tokens[j]?.speaker === speaker && !covered.has(j)) {
      const t = tokens[j] as Token;
      if (j > i && /^(and|but|so|because|which|if)$/.test(t.norm)) break;
      j++;
      if (endsSentence(t)) break;
    }
    const span = range(i, j);
    const specific = span.some((x) => {
      const t = tokens[x] as Token;
      return isHouseNumber(t) || STREET_TYPES.has(t.norm) || (isCapitalised(t) && !NOT_NAME.has(t.norm));
    });
    if (span.length && specific) {
      add(out, covered, 'address', span);
      i = j - 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Names

function nameWords(tokens: readonly Token[], at: number, cased: boolean, strong: boolean): number[] {
  const speaker = tokens[at]?.speaker;
  const out: number[] = [];
  for (let k = at; k < tokens.length && out.length < 3; k++) {
    const t = tokens[k] as Token;
    if (t.speaker !== speaker || !alpha(t) || NOT_NAME.has(t.norm) || isPlaceholder(t)) break;
    if (t.norm.length < 2 && !strong) break;
    if (cased && !isCapitalised(t)) break;
    if (!cased && !strong && out.length >= 1) break;
    out.push(k);
    if (endsClause(t)) break;
  }
  return out;
}

function findNames(
  tokens: readonly Token[],
  from: number,
  covered: Set<number>,
  out: PiiSpan[],
  known: Set<string>,
): void {
  // Is the text cased (Whisper) or all lower case (pocketsphinx)?
  const sample = tokens.slice(from, from + 400).filter((t) => alpha(t));
  const cased = sample.some((t) => isCapitalised(t) && t.norm !== 'i');
  for (let i = Math.max(0, from - 4); i < tokens.length; i++) {
    const strong = STRONG_NAME_CUES.some((c) => phraseEndsAt(tokens, i, c));
    const weak = !strong && WEAK_NAME_CUES.some((c) => phraseEndsAt(tokens, i, c));
    if (!strong && !weak) continue;
    // "Thank you. Visit …": a cue ends where its sentence does.
    if (weak && endsSentence(tokens[i - 1] as Token)) continue;
    if (weak && !cased) {
      // lower case: "this is laura from cedar cloud" still names laura
      if (!(alpha(tokens[i]) && !NOT_NAME.has(tokens[i]?.norm ?? '') && tokens[i + 1]?.norm === 'from')) continue;
    }
    if (weak && /^(with)$/.test(tokens[i - 1]?.norm ?? '') && !cased) continue;
    // "spelled j o h n": letters one by one
    let words = nameWords(tokens, i, cased, strong);
    if (/^(spelled|spelt)$/.test(tokens[i - 1]?.norm ?? '')) {
      words = [];
      for (let k = i; k < tokens.length && words.length < 20 && /^\p{L}$/u.test(tokens[k]?.norm ?? ''); k++)
        words.push(k);
    }
    words = words.filter((k) => !covered.has(k));
    if (words.length === 0 || words[0] < from) continue;
    for (const k of words) {
      const w = tokens[k] as Token;
      if (w.norm.length >= 2) known.add(w.norm);
    }
    add(out, covered, 'name', words);
    i = (words[words.length - 1] as number) + 0;
  }
  // Every other mention of a name found above.
  if (known.size === 0) return;
  for (let i = from; i < tokens.length; i++) {
    if (covered.has(i)) continue;
    const t = tokens[i] as Token;
    if (!known.has(t.norm)) continue;
    const span = [i];
    while (
      i + 1 < tokens.length &&
      !covered.has(i + 1) &&
      known.has(tokens[i + 1]?.norm ?? '') &&
      !endsClause(tokens[i] as Token)
    )
      span.push(++i);
    add(out, covered, 'name', span);
  }
}

// ---------------------------------------------------------------------------------------------

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let x = a; x < b; x++) out.push(x);
  return out;
}

function add(out: PiiSpan[], covered: Set<number>, kind: PiiKind, tokens: number[]): void {
  const free = tokens.filter((t) => !covered.has(t));
  if (free.length === 0) return;
  for (const t of free) covered.add(t);
  out.push({ kind, tokens: free });
}

/** Account numbers with letters ("AB1234567") after an account or reference cue. */
function findMixedIds(tokens: readonly Token[], from: number, covered: Set<number>, out: PiiSpan[]): void {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (covered.has(i) || !/^[a-z]*\d[a-z\d-]*$/.test(t.norm) || !/[a-z]/.test(t.norm)) continue;
    if (t.norm.replace(/\D/g, '').length < 5) continue;
    const cue = cueBefore(tokens, i)?.cue;
    if (cue === 'account' || (cue === 'reference' && t.speaker !== 'agent')) add(out, covered, 'account', [i]);
    else if (cue === 'card' || cue === 'ssn' || cue === 'phone') add(out, covered, cue, [i]);
  }
}

/** Every PII span in `tokens` at or after `opts.from`, each token in at most one span. */
export function detectPii(tokens: readonly Token[], opts: DetectOptions = {}): PiiSpan[] {
  const from = opts.from ?? 0;
  const known = opts.knownNames ?? new Set<string>();
  const covered = new Set<number>();
  for (let i = 0; i < from; i++) covered.add(i);
  for (let i = from; i < tokens.length; i++) if (isPlaceholder(tokens[i] as Token)) covered.add(i);
  const out: PiiSpan[] = [];
  findEmails(tokens, from, covered, out);
  findAddresses(tokens, from, covered, out);
  // Digit runs, one speaker's words at a time.
  const bySpeaker = new Map<string, number[]>();
  for (let i = from; i < tokens.length; i++) {
    const s = (tokens[i] as Token).speaker;
    const list = bySpeaker.get(s) ?? [];
    list.push(i);
    bySpeaker.set(s, list);
  }
  for (const idx of bySpeaker.values()) {
    for (const run of digitRuns(tokens, idx, covered)) {
      for (const c of classifyRun(tokens, run)) {
        if (c.kind)
          add(
            out,
            covered,
            c.kind,
            [...new Set(c.items.flatMap((r) => r.tokens))].sort((a, b) => a - b),
          );
      }
    }
  }
  findMixedIds(tokens, from, covered, out);
  findNames(tokens, from, covered, out, known);
  return out.sort((a, b) => (a.tokens[0] as number) - (b.tokens[0] as number));
}
