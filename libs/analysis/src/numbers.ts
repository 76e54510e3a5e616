/**
 * Numbers as people say them, found in canonical tokens (tokens.ts): "eighty nine", "sixty two
 * thousand", "three hundred and seventy five", prices said "one forty nine", digit strings read
 * one by one ("four four one eight"), Spanish "cuarenta y cinco", ordinals ("the twelfth",
 * "march thirty first") and digits as engines with punctuation write them ("89").
 */

const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  cero: 0,
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  once: 11,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  dieciseis: 16,
  diecisiete: 17,
  dieciocho: 18,
  diecinueve: 19,
  veinte: 20,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
};
const SCALES: Readonly<Record<string, number>> = {
  hundred: 100,
  cien: 100,
  ciento: 100,
  cientos: 100,
  thousand: 1000,
  mil: 1000,
  million: 1_000_000,
  millon: 1_000_000,
};
const ORDINALS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

export type NumberForm = 'cardinal' | 'ordinal' | 'digits-spoken';

export interface NumberSpan {
  /** Token range [start, end). */
  start: number;
  end: number;
  value: number;
  form: NumberForm;
  /** The value as digits ("4418" for a digit string, "149" for "one forty nine"). */
  digits: string;
}

const isUnit = (t: string): boolean => t in UNITS;
const isTen = (t: string): boolean => t in TENS;
const isScale = (t: string): boolean => t in SCALES;
export const isNumberWordToken = (t: string): boolean =>
  isUnit(t) || isTen(t) || isScale(t) || t in ORDINALS || /^\d+$/.test(t);

function valueOf(words: readonly string[]): { value: number; form: NumberForm; digits: string } {
  const [h, t, u] = words;
  // Prices said "one forty nine": hundreds, then tens and units.
  if (
    words.length <= 3 &&
    h !== undefined &&
    t !== undefined &&
    isUnit(h) &&
    (UNITS[h] as number) < 10 &&
    isTen(t) &&
    (u === undefined || (isUnit(u) && (UNITS[u] as number) < 10))
  ) {
    const v = (UNITS[h] as number) * 100 + (TENS[t] as number) + (u === undefined ? 0 : (UNITS[u] as number));
    return { value: v, form: 'cardinal', digits: String(v) };
  }
  let total = 0;
  let current = 0;
  let last: 'unit' | 'ten' | 'scale' | 'ordinal' | null = null;
  let spoken = false;
  let form: NumberForm = 'cardinal';
  const pieces: string[] = [];
  for (const w of words) {
    if (/^\d+$/.test(w)) {
      if (last !== null) spoken = true;
      current = current * 10 ** w.length + Number(w);
      pieces.push(w);
      last = 'unit';
    } else if (isUnit(w)) {
      const v = UNITS[w] as number;
      if (last === 'unit' || last === 'ordinal' || (last === 'ten' && v >= 10)) spoken = true;
      current += v;
      pieces.push(String(v));
      last = 'unit';
    } else if (isTen(w)) {
      if (last === 'unit' || last === 'ten') spoken = true;
      current += TENS[w] as number;
      pieces.push(String(TENS[w]));
      last = 'ten';
    } else if (isScale(w)) {
      const s = SCALES[w] as number;
      if (s >= 1000) {
        total += Math.max(1, current) * s;
        current = 0;
      } else current = Math.max(1, current) * s;
      last = 'scale';
    } else if (w in ORDINALS) {
      current += ORDINALS[w] as number;
      pieces.push(String(ORDINALS[w]));
      form = 'ordinal';
      last = 'ordinal';
    }
  }
  if (spoken && !words.some(isScale)) {
    const digits = pieces.join('');
    return { value: Number(digits), form: 'digits-spoken', digits };
  }
  const value = total + current;
  return { value, form, digits: String(value) };
}

/** Every number in the tokens, longest runs first, non-overlapping, in order. */
export function numberSpans(tokens: readonly string[]): NumberSpan[] {
  const out: NumberSpan[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (!isNumberWordToken(t) || (isScale(t) && t !== 'hundred' && t !== 'thousand')) continue;
    const run: string[] = [];
    let j = i;
    while (j < tokens.length) {
      const x = tokens[j] as string;
      const prev = run[run.length - 1] ?? '';
      if (isNumberWordToken(x)) {
        // An ordinal ends a run ("thirty first"), and nothing but a scale follows one.
        if (prev in ORDINALS) break;
        run.push(x);
      } else if (
        ((x === 'and' && isScale(prev)) || (x === 'y' && isTen(prev))) &&
        isNumberWordToken(tokens[j + 1] ?? '')
      ) {
        /* "three hundred and seventy five", "cuarenta y cinco" */
      } else break;
      j++;
    }
    if (run.length === 0) continue;
    const { value, form, digits } = valueOf(run);
    out.push({ start: i, end: j, value, form, digits });
    i = j - 1;
  }
  return out;
}

/** Each language's words for the units (to 19 in English, to 20 in Spanish) and the tens. */
const NUMBER_WORDS = {
  en: {
    units:
      'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
        ' ',
      ),
    tens: ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'],
  },
  es: {
    units:
      'cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciseis diecisiete dieciocho diecinueve veinte'.split(
        ' ',
      ),
    tens: ['', '', 'veinte', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'],
  },
};

/** English words for 0..999,999 ("sixty two thousand"), for distractors in the call's own style. */
export function numberToWords(n: number): string {
  const { units, tens } = NUMBER_WORDS.en;
  const v = Math.round(Math.abs(n));
  if (v < 20) return units[v] as string;
  if (v < 100) return `${tens[Math.floor(v / 10)]}${v % 10 ? ` ${units[v % 10]}` : ''}`;
  if (v < 1000) return `${units[Math.floor(v / 100)]} hundred${v % 100 ? ` and ${numberToWords(v % 100)}` : ''}`;
  if (v < 1_000_000)
    return `${numberToWords(Math.floor(v / 1000))} thousand${v % 1000 ? ` ${numberToWords(v % 1000)}` : ''}`;
  return String(v);
}

/** Spanish words for 0..999 ("cuarenta y cinco"); larger values as digits. */
export function numberToSpanish(n: number): string {
  const { units, tens } = NUMBER_WORDS.es;
  const v = Math.round(Math.abs(n));
  if (v <= 20) return units[v] as string;
  if (v < 30) return `veinti${units[v % 10]}`;
  if (v < 100) return `${tens[Math.floor(v / 10)]}${v % 10 ? ` y ${units[v % 10]}` : ''}`;
  if (v === 100) return 'cien';
  if (v < 200) return `ciento ${numberToSpanish(v % 100)}`;
  return String(v);
}
