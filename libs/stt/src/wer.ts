/** Word error rate, for evaluating engines against reference transcripts (not used at run time). */

export interface WerResult {
  /** (substitutions + deletions + insertions) / refWords; 0 for two empty texts, Infinity for a hypothesis against an empty reference. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  refWords: number;
}

/**
 * Lowercases, turns punctuation into spaces (an apostrophe inside a word is kept: "don't" stays
 * one word, as in the engines' dictionaries), and splits on whitespace. Numbers are not spelled
 * out: "40" and "forty" are different words, so a reference must be written the way engines spell.
 */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** Levenshtein alignment on words with unit costs; counts are taken from one optimal alignment. */
export function wordErrorRate(reference: string, hypothesis: string): WerResult {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  const n = ref.length;
  const m = hyp.length;
  // One row of costs plus parallel rows of (S, D, I) counts: O(n·m) time, O(m) memory.
  let cost = new Uint32Array(m + 1);
  let sub = new Uint32Array(m + 1);
  let del = new Uint32Array(m + 1);
  let ins = new Uint32Array(m + 1);
  for (let j = 0; j <= m; j++) {
    cost[j] = j;
    ins[j] = j;
  }
  for (let i = 1; i <= n; i++) {
    const nCost = new Uint32Array(m + 1);
    const nSub = new Uint32Array(m + 1);
    const nDel = new Uint32Array(m + 1);
    const nIns = new Uint32Array(m + 1);
    nCost[0] = i;
    nDel[0] = i;
    for (let j = 1; j <= m; j++) {
      const same = ref[i - 1] === hyp[j - 1];
      const diag = cost[j - 1] + (same ? 0 : 1);
      const up = cost[j] + 1; // deletion: a reference word with no hypothesis word
      const left = nCost[j - 1] + 1; // insertion: a hypothesis word with no reference word
      // Prefer the diagonal on ties, so "a b" vs "a c" is one substitution, not a deletion plus an insertion.
      if (diag <= up && diag <= left) {
        nCost[j] = diag;
        nSub[j] = sub[j - 1] + (same ? 0 : 1);
        nDel[j] = del[j - 1];
        nIns[j] = ins[j - 1];
      } else if (up <= left) {
        nCost[j] = up;
        nSub[j] = sub[j];
        nDel[j] = del[j] + 1;
        nIns[j] = ins[j];
      } else {
        nCost[j] = left;
        nSub[j] = nSub[j - 1];
        nDel[j] = nDel[j - 1];
        nIns[j] = nIns[j - 1] + 1;
      }
    }
    cost = nCost;
    sub = nSub;
    del = nDel;
    ins = nIns;
  }
  const substitutions = sub[m];
  const deletions = del[m];
  const insertions = ins[m];
  const errors = substitutions + deletions + insertions;
  return {
    wer: n === 0 ? (errors === 0 ? 0 : Infinity) : errors / n,
    substitutions,
    deletions,
    insertions,
    refWords: n,
  };
}

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: [number, string][] = [
  [1e9, 'billion'],
  [1e6, 'million'],
  [1e3, 'thousand'],
  [100, 'hundred'],
];

/** 2000 → "two thousand", 45 → "forty five" (no "and", no hyphen: as WER splits words). */
export function integerWords(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`not a whole number ≥ 0: ${n}`);
  if (n < 20) return ONES[n] as string;
  if (n < 100) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${ONES[n % 10]}` : ''}`;
  for (const [size, name] of SCALES) {
    if (n >= size) {
      const rest = n % size;
      return `${integerWords(Math.floor(n / size))} ${name}${rest ? ` ${integerWords(rest)}` : ''}`;
    }
  }
  return String(n);
}

/**
 * Spells out the numbers Whisper writes as digits, so "$2,000" and "two thousand dollars" score
 * the same (a reference spells numbers, Whisper mostly does not): currency, thousands separators,
 * percentages, decimals ("2.5" → "two point five"), clock times ("10:30" → "ten thirty") and
 * phone numbers (dash-joined digit groups, digit by digit).
 */
export function spellNumbers(text: string): string {
  // Digit groups joined by dashes are read digit by digit: a phone number ("555-213-1100" is
  // "five five five two one three one one zero zero"), not three cardinals.
  const digitwise = text.replace(
    /\d+(?:\s*-\s*\d+)+/g,
    (m) => ` ${[...m.replace(/\D/g, '')].map((d) => ONES[Number(d)]).join(' ')} `,
  );
  return digitwise.replace(
    /([$€£])?(\d{1,3}(?:,\d{3})+|\d+)(?:([.:])(\d+))?(%)?/g,
    (
      _m,
      cur: string | undefined,
      int: string,
      sep: string | undefined,
      frac: string | undefined,
      pct: string | undefined,
    ) => {
      const whole = integerWords(Number(int.replace(/,/g, '')));
      let out = whole;
      if (sep === ':' && frac) out = `${whole} ${Number(frac) === 0 ? '' : integerWords(Number(frac))}`.trim();
      else if (sep === '.' && frac) out = `${whole} point ${[...frac].map((d) => ONES[Number(d)]).join(' ')}`;
      if (pct) out += ' percent';
      if (cur) out += cur === '$' ? ' dollars' : cur === '€' ? ' euros' : ' pounds';
      return ` ${out} `;
    },
  );
}

/** WER with numbers spelled out in both texts (spellNumbers): what the benchmarks and tests score Whisper by. */
export function spokenWordErrorRate(reference: string, hypothesis: string): WerResult {
  const spoken = (t: string) =>
    spellNumbers(t).replace(/\b(mr|mrs|dr)\b\.?/gi, (a) => ABBREVIATIONS[a.replace('.', '').toLowerCase()] ?? a);
  return wordErrorRate(spoken(reference), spoken(hypothesis));
}

/** The titles Whisper abbreviates ("Mr.") where a reference spells them ("mister"). */
const ABBREVIATIONS: Readonly<Record<string, string>> = { mr: 'mister', mrs: 'missus', dr: 'doctor' };
