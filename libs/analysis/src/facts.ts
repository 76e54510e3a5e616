/**
 * Facts first: what a call says, found before anything is judged. Entities (money, percentages,
 * counts, dates and times, reference numbers, people with their roles, organisations and
 * competitors), outcomes (refund, credit, discount, callback, reference number, technician
 * visit, fix, meeting) and the root cause of a problem. Issues, sentiment, coaching, the quiz
 * and the summary are built on them.
 *
 * Everything is read from canonical tokens (tokens.ts), so lower-case unpunctuated text
 * (pocketsphinx) works; where an engine gives case and punctuation (Whisper), capitalised
 * words help find names and brands. Every fact keeps the verbatim words it came from and
 * their time, so a quiz answer or a summary line can be checked against the transcript.
 */
import type { Transcript } from '@speech/contracts';
import type { Outcome, OutcomeKind } from './analysis.schema';
import { numberSpans, type NumberSpan } from './numbers';
import { compilePattern, findPhrase, type CompiledPattern } from './phrase-matcher';
import { AGENT, clauseAt, clausesOf, isCustomerSide, spanText, tokenStartMs, type Utterance } from './utterances';

export type EntityKind =
  'money' | 'percent' | 'count' | 'duration' | 'date' | 'reference' | 'person' | 'role' | 'organisation' | 'competitor';

export interface Entity {
  kind: EntityKind;
  /** The transcript's words, verbatim. */
  text: string;
  /** Comparable value: digits for numbers ("89"), lower-case words otherwise. */
  value: string;
  /** For numbers, the number itself. */
  number: number | null;
  speaker: string;
  atMs: number;
  utterance: number;
  /** Token range in the utterance. */
  start: number;
  end: number;
  /** A role this person was introduced with ("finance director"), or a competitor's context. */
  note: string | null;
}

export interface RootCause {
  text: string;
  atMs: number;
  utterance: number;
  start: number;
  end: number;
}

export interface Facts {
  entities: Entity[];
  outcomes: Outcome[];
  rootCause: RootCause | null;
  /** Names of people, lower case, as said (for matching later mentions). */
  people: Set<string>;
}

const CURRENCY = new Set(['dollars', 'dollar', 'bucks', 'euros', 'euro', 'pounds', 'pound', 'grand', 'cents']);
const PERCENT = new Set(['percent', 'percentage']);
const TIME_UNITS = new Set([
  'minute',
  'minutes',
  'hour',
  'hours',
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'year',
  'years',
  'dias',
  'semanas',
  'meses',
  'horas',
  'minutos',
  'anos',
]);
const REFERENCE_CUES = new Set([
  'reference',
  'ticket',
  'case',
  'claim',
  'incident',
  'incidencia',
  'referencia',
  'confirmation',
  'order',
]);
// "The card ending four four one nine" names the customer's own card or line, not a reference given.
const ACCOUNT_CUES = new Set([
  'account',
  'postcode',
  'zip',
  'phone',
  'cliente',
  'customer',
  'member',
  'ending',
  'ends',
  'card',
]);
const PRICE_CONTEXT = new Set([
  'price',
  'prices',
  'pricing',
  'cost',
  'costs',
  'quote',
  'quoted',
  'pay',
  'paid',
  'charge',
  'charged',
  'bill',
  'renewal',
  'month',
  'year',
  'euros',
  'dollars',
  'precio',
  'factura',
]);
const WEEKDAYS = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'lunes',
  'martes',
  'miercoles',
  'jueves',
  'viernes',
  'sabado',
  'domingo',
]);
const MONTHS = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
]);
/** "may" and "march" are also verbs: a month only with a date word next to it. */
const AMBIGUOUS_MONTHS = new Set(['may', 'march']);
const DAY_PARTS = new Set(['morning', 'afternoon', 'evening', 'night', 'noon', 'manana', 'tarde']);
const RELATIVE_DAYS = new Set(['today', 'tomorrow', 'tonight', 'hoy', 'manana']);
const DATE_LEADS = new Set(['next', 'this', 'on', 'by', 'before', 'until', 'from', 'after', 'el', 'antes', 'para']);

/** Roles, longest first so "it security lead" wins over "lead". */
const ROLES = [
  'chief financial officer',
  'finance director',
  'financial director',
  'it security lead',
  'security lead',
  'it lead',
  'it manager',
  'it director',
  'head of it',
  'head of procurement',
  'procurement manager',
  'account manager',
  'customer success manager',
  'team leader',
  'team lead',
  'office manager',
  'operations manager',
  'practice manager',
  'general manager',
  'store manager',
  'cfo',
  'ceo',
  'cto',
  'coo',
  'cio',
  'vp',
  'director',
  'owner',
  'founder',
  'supervisor',
  'manager',
  'accountant',
  'dispatcher',
  'adjuster',
  'technician',
  'engineer',
  'lawyer',
  'legal',
  'procurement',
  'boss',
  'partner',
].map((r) => r.split(' '));

/** Words that never start or continue a name. */
const NOT_NAME = new Set(
  (
    'i me my we our us you your he she him her his they them their it its this that these those there here a an the ' +
    'and or but so if then than to of in on at by for from with about into over under after before up down out off ' +
    'is am are was were be been being has have had do does did will would can could should shall may might must ' +
    'not no yes yeah okay ok sure fine just also too very really honestly well now last next this week month year ' +
    'today tomorrow tonight morning afternoon evening signs sign decides decide approve approves has who which what ' +
    'when where why how all any some every each other another more most less much many one two three four five six ' +
    'seven eight nine ten hi hello thanks thank please sorry bye good great nice new old call calls called ' +
    'el la los las un una de del y que en por para con se le lo su mi es esta'
  ).split(' '),
);

const NAME_INTROS: readonly CompiledPattern[] = [
  '=this is',
  '=my name is',
  '=it is',
  '=(hi|hello|hey|thanks|thank you|bye)',
  '=le atiende',
  '=soy',
].map(compilePattern);

/** Raw word of token t, for case and punctuation cues. */
function rawWord(u: Utterance, t: number): string {
  return u.words[u.tokenWord[t] ?? 0]?.text ?? '';
}

function isCapitalised(u: Utterance, t: number): boolean {
  const w = rawWord(u, t).replace(/^[^\p{L}]+/u, '');
  return /^\p{Lu}/u.test(w);
}

/** A sentence starts at token t in punctuated text (or at the utterance start). */
function sentenceStart(u: Utterance, t: number): boolean {
  if (t === 0) return true;
  return /[.!?…]["')\]]*$/.test(rawWord(u, t - 1).trim());
}

function hasMoneySymbol(u: Utterance, t: number): boolean {
  return /^[$€£]/.test(rawWord(u, t).trim());
}

function entity(
  u: Utterance,
  index: number,
  kind: EntityKind,
  start: number,
  end: number,
  value: string,
  number: number | null = null,
  note: string | null = null,
): Entity {
  return {
    kind,
    text: spanText(u, start, end),
    value,
    number,
    speaker: u.speaker,
    atMs: tokenStartMs(u, start),
    utterance: index,
    start,
    end,
    note,
  };
}

const CLOCK = new Set(["o'clock", 'oclock', 'am', 'pm', 'a.m', 'p.m']);

/** What a price is per: "per user per month", "a month", "each". */
const RATE_NOUNS = new Set(
  'month year week day hour user seat licence license mailbox store location site person head line truck vehicle unit room bed student clinic device pass'.split(
    ' ',
  ),
);

/** Extends a money span over its rate ("fifteen dollars per user per month"), at most twice. */
function rateEnd(toks: readonly string[], end: number): number {
  let e = end;
  for (let k = 0; k < 2; k++) {
    const w = toks[e];
    const noun = (toks[e + 1] ?? '').replace(/s$/, '');
    if ((w === 'per' || w === 'a' || w === 'an' || w === 'al' || w === 'por') && RATE_NOUNS.has(noun)) e += 2;
    else if (w === 'each' || w === 'apiece') e += 1;
    else break;
  }
  return e;
}

function numberEntities(u: Utterance, index: number): Entity[] {
  const out: Entity[] = [];
  const toks = u.tokens;
  const priceContext = toks.some((t) => PRICE_CONTEXT.has(t));
  for (const n of numberSpans(toks)) {
    const next = toks[n.end] ?? '';
    const next2 = toks[n.end + 1] ?? '';
    if (CURRENCY.has(next) || hasMoneySymbol(u, n.start)) {
      const end = rateEnd(toks, CURRENCY.has(next) ? n.end + 1 : n.end);
      out.push(
        entity(u, index, 'money', n.start, end, `${n.digits} ${CURRENCY.has(next) ? next : 'dollars'}`, n.value),
      );
      continue;
    }
    if (PERCENT.has(next) || (next === 'por' && next2 === 'ciento')) {
      out.push(entity(u, index, 'percent', n.start, n.end + (next === 'por' ? 2 : 1), `${n.digits} percent`, n.value));
      continue;
    }
    // "within five business days", "en un plazo de siete dias"
    const unit = TIME_UNITS.has(next) ? 1 : TIME_UNITS.has(next2) && /^(business|working|more)$/.test(next) ? 2 : 0;
    if (unit > 0 && n.form !== 'digits-spoken') {
      out.push(entity(u, index, 'duration', n.start, n.end + unit, `${n.digits} ${toks[n.end + unit - 1]}`, n.value));
      continue;
    }
    const cueBefore = toks.slice(Math.max(0, n.start - 4), n.start);
    if (n.form === 'digits-spoken' || cueBefore.some((t) => REFERENCE_CUES.has(t))) {
      if (cueBefore.some((t) => ACCOUNT_CUES.has(t)) && !cueBefore.some((t) => REFERENCE_CUES.has(t))) continue;
      // Letters read out before the digits belong to it ("r m four five five two").
      let start = n.start;
      while (
        start > 0 &&
        /^[a-z]$/.test(toks[start - 1] ?? '') &&
        !['a', 'i', 'y', 'o', 'e'].includes(toks[start - 1] ?? '')
      )
        start--;
      const letters = toks.slice(start, n.start).join('');
      out.push(entity(u, index, 'reference', start, n.end, `${letters}${n.digits}`, n.value));
      continue;
    }
    if (n.form === 'ordinal') continue; // dates take them
    if (
      priceContext &&
      n.value >= 10 &&
      (next === 'a' || next === 'per' || next === 'to' || next === '' || next === 'for')
    ) {
      out.push(entity(u, index, 'money', n.start, n.end, n.digits, n.value));
      continue;
    }
    // A count with what it counts: "forty trucks", "thirty bookings", "twelve no shows"; a
    // clock time ("two o'clock", "ten am") is not a count.
    if (CLOCK.has(next)) continue;
    if (next !== '' && !NOT_NAME.has(next) && !TIME_UNITS.has(next) && n.value >= 2) {
      const end = next2 !== '' && !NOT_NAME.has(next2) && /s$/.test(next2) && !/s$/.test(next) ? n.end + 2 : n.end + 1;
      out.push(entity(u, index, 'count', n.start, end, `${n.digits} ${toks.slice(n.end, end).join(' ')}`, n.value));
    }
  }
  return out;
}

function dateEntities(u: Utterance, index: number, numbers: readonly NumberSpan[]): Entity[] {
  const out: Entity[] = [];
  const toks = u.tokens;
  const numberAt = (t: number): NumberSpan | undefined => numbers.find((n) => n.start === t);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as string;
    let start = i;
    let end = -1;
    if (WEEKDAYS.has(t) || RELATIVE_DAYS.has(t) || (MONTHS.has(t) && !AMBIGUOUS_MONTHS.has(t))) end = i + 1;
    else if (AMBIGUOUS_MONTHS.has(t) && (numberAt(i + 1) || ['in', 'on', 'since', 'en'].includes(toks[i - 1] ?? '')))
      end = i + 1;
    else if ((t === 'next' || t === 'this' || t === 'last') && /^(week|month|quarter|year)$/.test(toks[i + 1] ?? ''))
      end = i + 2;
    else if (
      t === 'the' &&
      numberAt(i + 1)?.form === 'ordinal' &&
      !/^(time|one|thing|step)$/.test(toks[numberAt(i + 1)?.end ?? 0] ?? '')
    )
      end = numberAt(i + 1)?.end ?? i + 1;
    else if (t === 'end' && toks[i + 1] === 'of') {
      const k = toks[i + 2] === 'the' ? i + 3 : i + 2;
      if (/^(day|week|month|quarter|year)$/.test(toks[k] ?? '')) end = k + 1;
    } else if (t === 'ahora' && toks[i + 1] === 'mismo') end = i + 2;
    if (end < 0) continue;
    if (i > 0 && DATE_LEADS.has(toks[i - 1] ?? '')) start = i - 1;
    // Extend: "thursday the twelfth", "march thirty first", "tuesday at two", "between eight and twelve",
    // "today before five", "tomorrow noon", "thursday morning".
    for (;;) {
      const x = toks[end] ?? '';
      const n = numberAt(end);
      if (DAY_PARTS.has(x)) end++;
      else if (x === 'the' && numberAt(end + 1)?.form === 'ordinal') end = numberAt(end + 1)?.end ?? end + 1;
      else if (n && (MONTHS.has(toks[end - 1] ?? '') || n.form === 'ordinal')) end = n.end;
      else if ((x === 'at' || x === 'before' || x === 'by' || x === 'after' || x === 'around') && numberAt(end + 1))
        end = numberAt(end + 1)?.end ?? end + 1;
      else if (x === 'between' && numberAt(end + 1) && toks[numberAt(end + 1)?.end ?? 0] === 'and') {
        const second = numberAt((numberAt(end + 1)?.end ?? 0) + 1);
        if (!second) break;
        end = second.end;
      } else if (x === 'in' && toks[end + 1] === 'the' && DAY_PARTS.has(toks[end + 2] ?? '')) end += 3;
      else break;
    }
    out.push(entity(u, index, 'date', start, end, toks.slice(start, end).join(' ')));
    i = end - 1;
  }
  return out;
}

function roleAt(toks: readonly string[], i: number): string[] | null {
  for (const r of ROLES) if (r.every((w, k) => toks[i + k] === w)) return r;
  return null;
}

/** Is this an everyday word (in the English lexicon)? Names and brands mostly are not. */
export type KnownWord = (token: string) => boolean;

interface NameContext {
  cased: boolean;
  known: KnownWord;
}

/**
 * A name of one or two tokens at i, or null. With case, a name is capitalised; without it
 * (pocketsphinx), a name is a word the lexicon does not know ("priyanka", "stormvault").
 */
function nameAt(u: Utterance, i: number, ctx: NameContext): { start: number; end: number } | null {
  const toks = u.tokens;
  const first = toks[i];
  if (first === undefined || NOT_NAME.has(first) || /^\d/.test(first) || first.length < 2) return null;
  if (roleAt(toks, i)) return null;
  if (ctx.cased ? !isCapitalised(u, i) : ctx.known(first)) return null;
  let end = i + 1;
  const second = toks[end];
  if (
    second !== undefined &&
    !NOT_NAME.has(second) &&
    !roleAt(toks, end) &&
    (ctx.cased ? isCapitalised(u, end) : !ctx.known(second)) &&
    !/[.,;:!?]$/.test(rawWord(u, i))
  ) {
    end++;
  }
  return { start: i, end };
}

function peopleAndOrgs(u: Utterance, index: number, ctx: NameContext): Entity[] {
  const cased = ctx.cased;
  const out: Entity[] = [];
  const toks = u.tokens;
  for (let i = 0; i < toks.length; i++) {
    const role = roleAt(toks, i);
    if (role) {
      const roleEnd = i + role.length;
      out.push(entity(u, index, 'role', i, roleEnd, role.join(' ')));
      // "our finance director, Linda Park" / "my team leader angela"
      const name = nameAt(u, roleEnd, ctx);
      if (name && (toks[i - 1] === 'our' || toks[i - 1] === 'my' || toks[i - 1] === 'the' || toks[i - 1] === 'your')) {
        out.push(
          entity(
            u,
            index,
            'person',
            name.start,
            name.end,
            toks.slice(name.start, name.end).join(' '),
            null,
            role.join(' '),
          ),
        );
        i = name.end - 1;
      } else i = roleEnd - 1;
    }
  }
  for (const p of NAME_INTROS) {
    for (const m of findPhrase(p, toks, 0)) {
      const name = nameAt(u, m.end, ctx);
      if (!name) continue;
      // "it is Maya from Brightline": a person; "this is the second time": not a name.
      const from = toks[name.end] === 'from' ? nameAt(u, name.end + 1, ctx) : null;
      {
        out.push(entity(u, index, 'person', name.start, name.end, toks.slice(name.start, name.end).join(' ')));
      }
      if (from)
        out.push(entity(u, index, 'organisation', from.start, from.end, toks.slice(from.start, from.end).join(' ')));
    }
  }
  if (cased) {
    // Capitalised words inside a sentence are names or brands.
    for (let i = 0; i < toks.length; i++) {
      if (sentenceStart(u, i) || !isCapitalised(u, i) || NOT_NAME.has(toks[i] as string)) continue;
      if (WEEKDAYS.has(toks[i] as string) || MONTHS.has(toks[i] as string) || toks[i] === 'i') continue;
      if (out.some((e) => i >= e.start && i < e.end)) continue;
      const name = nameAt(u, i, ctx);
      if (!name) continue;
      const raw = rawWord(u, i);
      const brand = /\p{Ll}\p{Lu}/u.test(raw) || /^(from|at|using|use|on)$/.test(toks[i - 1] ?? '');
      out.push(
        entity(
          u,
          index,
          brand ? 'organisation' : 'person',
          name.start,
          name.end,
          toks.slice(name.start, name.end).join(' '),
        ),
      );
      i = name.end - 1;
    }
  }
  return out;
}

/** Competitor names: the name in "X quoted us", "looking at X", "switch to X", "we use X". */
const COMPETITOR_BEFORE = ['quoted', 'offered', 'charges', 'is cheaper', 'are cheaper', 'cotizo'].map((s) =>
  s.split(' '),
);
const COMPETITOR_GAP = new Set(['has', 'have', 'had', 'already', 'just', 'also', 'actually', 'recently']);
const COMPETITOR_AFTER: readonly CompiledPattern[] = [
  '=(looked|looking|look) at',
  '=(switch|switching|switched|move|moving|go|going) (over)? to',
  '=(talking|talked|speaking) to',
  '=(we|i) (already|currently|still)? (use|used|are using|have)',
  '=(went|go|going) with',
  // "We got a quote from Trackly", "an offer from …".
  '=(quote|quotes|offer|offers|proposal|bid|price) from',
  // "I've got a demo with Paybright", "we're with Halcyon".
  '=(a|the|our|their) (demo|trial|pilot|presentation|meeting) with',
  '=(we are|we have been|we have always been) with',
].map(compilePattern);

/** A name that gives a price or terms is a competitor: "Portside is at a dollar sixty five", "Portside agreed to ninety". */
const COMPETITOR_TERMS: readonly CompiledPattern[] = [
  '=(is|are|was|were|came in|come in) (at|under|below) (a|an|#num|about|around|just)',
  '=(agreed|offered|will do|would do|does|do|gave us|give us|quoted) (to|us|me)? (#num|a|an)',
].map(compilePattern);

function competitorEntities(
  u: Utterance,
  index: number,
  ctx: NameContext,
  agentPresent: boolean,
  own: Set<string>,
): Entity[] {
  if (!isCustomerSide(u.speaker, agentPresent)) return [];
  const out: Entity[] = [];
  const toks = u.tokens;
  const accept = (start: number, end: number, note: string): void => {
    const value = toks.slice(start, end).join(' ');
    if (own.has(value) || out.some((e) => e.value === value)) return;
    out.push(entity(u, index, 'competitor', start, end, value, null, note));
  };
  for (let i = 0; i < toks.length; i++) {
    for (const b of COMPETITOR_BEFORE) {
      // "Dialforge has already offered us": an auxiliary and an adverb may come between.
      let gap = 0;
      while (gap < 2 && COMPETITOR_GAP.has(toks[i + 1 + gap] ?? '')) gap++;
      if (!b.every((w, k) => toks[i + 1 + gap + k] === w)) continue;
      const name = nameAt(u, i, ctx);
      if (name && name.end === i + 1) accept(name.start, name.end, b.join(' '));
      else if (name && toks[name.start + 1] === b[0]) accept(name.start, name.start + 1, b.join(' '));
    }
  }
  for (const p of COMPETITOR_AFTER) {
    for (const m of findPhrase(p, toks, 0)) {
      const name = nameAt(u, m.end, ctx);
      if (!name || (toks[name.start] as string).length < 3) continue;
      accept(name.start, ctx.cased ? name.end : name.start + 1, p.source);
    }
  }
  // Only on cased text: a lower-case word before "is at" is rarely a name.
  if (ctx.cased) {
    for (const p of COMPETITOR_TERMS) {
      for (const m of findPhrase(p, toks, 0)) {
        if (m.start === 0) continue;
        const name = nameAt(u, m.start - 1, ctx) ?? nameAt(u, Math.max(0, m.start - 2), ctx);
        if (!name || name.end !== m.start || (toks[name.start] as string).length < 3) continue;
        accept(name.start, name.end, p.source);
      }
    }
  }
  return out;
}

/** A competitor named once is a competitor wherever the customer names it again ("not cancelling the Paybright demo"). */
function repeatedCompetitors(
  utterances: readonly Utterance[],
  found: readonly Entity[],
  agentPresent: boolean,
  people: ReadonlySet<string>,
): Entity[] {
  const names = [...new Set(found.filter((e) => e.kind === 'competitor').map((e) => e.value))]
    .filter((v) => !people.has(v))
    .map((v) => v.split(' '));
  const out: Entity[] = [];
  utterances.forEach((u, index) => {
    if (!isCustomerSide(u.speaker, agentPresent)) return;
    for (let i = 0; i < u.tokens.length; i++) {
      const name = names.find((n) => n.every((w, k) => u.tokens[i + k] === w));
      if (!name) continue;
      out.push(entity(u, index, 'competitor', i, i + name.length, name.join(' '), null, 'named before'));
      i += name.length - 1;
    }
  });
  return out;
}

interface OutcomeRule {
  kind: OutcomeKind;
  patterns: CompiledPattern[];
  /** Only the agent gives these on a stereo call. */
  agentOnly: boolean;
  /** Entity kinds that make the detail ("eighty nine dollars", "Thursday between eight and twelve"). */
  detail: readonly EntityKind[];
}

const OUTCOME_RULES: readonly OutcomeRule[] = [
  {
    kind: 'refund',
    patterns: [
      '(issued|issue|process|processed|give|given) (you)? a refund',
      'refund (of|for)',
      '(refunded|reimbursed)',
      'money back',
      '=le devuelvo',
      'reembolso',
      '=back on your (card|account)',
    ].map(compilePattern),
    agentOnly: true,
    detail: ['money', 'duration'],
  },
  {
    kind: 'credit',
    patterns: [
      '(added|add|apply|applied|give|put) (you)? (a|an)? #num? (dollar|euro|pound)? credit',
      '(a|one) month (free|for free)',
      '(waive|waived) the',
      '(descuento|credito|abono) de #num? (euros)? en la (proxima|siguiente) factura',
      'credit (to|on) your',
    ].map(compilePattern),
    agentOnly: true,
    detail: ['money'],
  },
  {
    kind: 'discount',
    patterns: ['(go|get|give|offer) (you)? (to)? #num percent', '#num percent off', 'keep you at', 'discount of'].map(
      compilePattern,
    ),
    agentOnly: true,
    detail: ['percent', 'money'],
  },
  {
    kind: 'callback',
    patterns: [
      'call you (back)? (today|tomorrow|on|next|this|before|in|at)',
      '=(could|can|shall|may) i call you back',
      '(will|to) call you back',
      '=(te|le) (llamo|llamamos|llamara)',
      'call you on',
      '=to call you',
    ].map(compilePattern),
    agentOnly: true,
    detail: ['date', 'person'],
  },
  {
    kind: 'reference-number',
    patterns: [
      '(reference|ticket|case|incident|confirmation) (number)? (for|is)',
      'quote (ticket|reference|case) (number)?',
      '(numero|referencia) de (incidencia|referencia|caso)',
      '=your (reference|ticket)',
    ].map(compilePattern),
    agentOnly: true,
    detail: ['reference'],
  },
  {
    kind: 'technician-visit',
    patterns: [
      '(technician|engineer) (to|will)? (check|come|visit|look|out)',
      '(send|book|booked|schedule) (a|an)? (technician|engineer)',
      'the visit',
    ].map(compilePattern),
    agentOnly: true,
    detail: ['date'],
  },
  {
    kind: 'fix',
    patterns: [
      '(update|upgrade|reset|repair|change) is (done|complete|finished)',
      '(it is|is) fixed (now)?',
      '(have|has) (also)? (turned off|fixed|reset|updated|removed|cancelled|corrected|resolved)',
      '=you are now on',
      '=(voy|vamos) a dar de baja',
      '(dado|di) de baja',
    ].map(compilePattern),
    agentOnly: true,
    detail: [],
  },
  {
    kind: 'meeting',
    patterns: [
      '(show|give) you (and #num? \\w+)? (a|the)? demo',
      '(book|schedule|set up|arrange) (a|the)? (call|meeting|demo|session) with',
      '(could|can|shall) we (book|schedule|set up|meet)',
    ].map(compilePattern),
    agentOnly: true,
    detail: ['date', 'person'],
  },
];

function findOutcomes(utterances: readonly Utterance[], entities: readonly Entity[], agentPresent: boolean): Outcome[] {
  const out: Outcome[] = [];
  utterances.forEach((u, index) => {
    if (agentPresent && u.speaker !== AGENT) return;
    const clauses = clausesOf(u);
    for (const rule of OUTCOME_RULES) {
      const m = rule.patterns.flatMap((p) => findPhrase(p, u.tokens)).sort((a, b) => a.start - b.start)[0];
      if (!m) continue;
      // A conditional or a question about it is not a given outcome ("if you want a refund").
      const clause = clauseAt(clauses, m.start);
      if (u.tokens.slice(clause.start, m.start).some((t) => t === 'if' || t === 'si')) continue;
      const near = entities.filter((e) => e.utterance === index && rule.detail.includes(e.kind));
      const detail = near.length ? near.map((e) => e.text).join(', ') : null;
      const from = Math.max(0, m.start - 2);
      out.push({
        kind: rule.kind,
        quote: spanText(u, from, Math.min(u.tokens.length, Math.max(m.end + 6, from + 6))),
        speaker: u.speaker,
        atMs: tokenStartMs(u, m.start),
        detail,
      });
    }
  });
  return out;
}

const ROOT_CAUSE: readonly CompiledPattern[] = [
  '=which is what caused (this|it|that)',
  '=(that|this|which) is (what|why) (caused|happened)',
  '=caused by',
  '=(it is|it was) (mostly)? (the|your|a) (router|software|firmware|cable|line|system|autopay|setting|server|network)',
  '=the (fault|problem|issue|cause) (is|was)',
  '=(was|were) set up twice',
  '=because the (fault|problem|issue)',
].map(compilePattern);

function findRootCause(utterances: readonly Utterance[], agentPresent: boolean): RootCause | null {
  for (let index = 0; index < utterances.length; index++) {
    const u = utterances[index] as Utterance;
    if (agentPresent && u.speaker !== AGENT) continue;
    const m = ROOT_CAUSE.flatMap((p) => findPhrase(p, u.tokens)).sort((a, b) => a.start - b.start)[0];
    if (!m) continue;
    const clause = clauseAt(clausesOf(u), m.start);
    const start = Math.max(clause.start, m.start - 8);
    const end = Math.min(u.tokens.length, Math.max(clause.end, m.end + 2), start + 16);
    return { text: spanText(u, start, end), atMs: tokenStartMs(u, start), utterance: index, start, end };
  }
  return null;
}

/** True when the engine gave case and punctuation (Whisper, typed text). */
export function isCased(transcript: Transcript): boolean {
  const words = transcript.segments.flatMap((s) => s.words).slice(0, 400);
  if (words.length === 0) return false;
  const capitals = words.filter((w) => /^\p{Lu}/u.test(w.text)).length;
  const punct = words.filter((w) => /[.,?!]$/.test(w.text)).length;
  return capitals / words.length > 0.04 && punct / words.length > 0.03;
}

export function extractFacts(
  transcript: Transcript,
  utterances: readonly Utterance[],
  agentPresent: boolean,
  known: KnownWord,
): Facts {
  const ctx: NameContext = { cased: isCased(transcript), known };
  const entities: Entity[] = [];
  utterances.forEach((u, index) => {
    const numbers = numberSpans(u.tokens);
    entities.push(...numberEntities(u, index), ...dateEntities(u, index, numbers), ...peopleAndOrgs(u, index, ctx));
  });
  // The agent's own company and people are never competitors: the names the agent gives in
  // its first two turns (the introduction), not every name the agent repeats later ("so you
  // use Rosterly today?").
  const agentTurns = utterances.flatMap((u, i) => (u.speaker === AGENT ? [i] : []));
  const introUntil = agentTurns[1] ?? agentTurns[0] ?? -1;
  const own = new Set(
    entities
      .filter(
        (e) =>
          (e.kind === 'organisation' || e.kind === 'person') &&
          (!agentPresent || (e.speaker === AGENT && e.utterance <= introUntil)),
      )
      .map((e) => e.value),
  );
  utterances.forEach((u, index) => entities.push(...competitorEntities(u, index, ctx, agentPresent, own)));
  // A name introduced once is a person wherever it comes up again.
  const people = new Set(
    entities.filter((e) => e.kind === 'person').flatMap((e) => [e.value, e.value.split(' ')[0] as string]),
  );
  entities.push(...repeatedCompetitors(utterances, entities, agentPresent, people));
  entities.sort((a, b) => a.atMs - b.atMs || a.start - b.start);
  return {
    entities: dedupe(entities),
    outcomes: findOutcomes(utterances, entities, agentPresent),
    rootCause: findRootCause(utterances, agentPresent),
    people,
  };
}

/** Overlapping entities of one utterance: the first found wins (linear in the call's length). */
function dedupe(entities: readonly Entity[]): Entity[] {
  const out: Entity[] = [];
  const byUtterance = new Map<number, Entity[]>();
  for (const e of entities) {
    const same = byUtterance.get(e.utterance) ?? [];
    const clash = same.find(
      (o) =>
        o.start < e.end && e.start < o.end && (o.kind === e.kind || o.kind === 'competitor' || e.kind === 'person'),
    );
    if (!clash) {
      out.push(e);
      same.push(e);
      byUtterance.set(e.utterance, same);
    }
  }
  return out;
}
