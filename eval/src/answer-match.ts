/**
 * Does a quiz option give a key fact's answer? Both are reduced to content tokens: lower
 * case, accents and punctuation dropped, number words as digits ("eighty nine dollars" and
 * "$89" are both "89 dollars"; "four four one eight" is "4418"), a few stop words dropped.
 * An option gives the answer when it holds all of the answer's tokens, or when it is a part of
 * the answer that carries at least half of it ("Linda" for "Linda Park").
 */

const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  oh: 0,
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
  un: 1,
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
  thousand: 1000,
  mil: 1000,
  million: 1_000_000,
};

const STOP = new Set(
  'a an the of to in on at and or is are was be it its that this for with by de la el los las en un una y que'.split(
    ' ',
  ),
);

function isNumberWord(t: string): boolean {
  return t in UNITS || t in TENS || t in SCALES;
}

/** Digits for a run of number words; digit strings spoken one by one are concatenated. */
export function numberRun(words: readonly string[]): string {
  // Prices are said "one forty nine": hundreds, then tens and units.
  const [h, t, u] = words;
  if (
    h !== undefined &&
    t !== undefined &&
    h in UNITS &&
    t in TENS &&
    (u === undefined || u in UNITS) &&
    words.length <= 3
  ) {
    return String((UNITS[h] as number) * 100 + (TENS[t] as number) + (u === undefined ? 0 : (UNITS[u] as number)));
  }
  let total = 0;
  let current = 0;
  let lastKind: 'unit' | 'ten' | 'scale' | null = null;
  const digitString: string[] = [];
  let spelled = false;
  for (const w of words) {
    if (w in UNITS) {
      const v = UNITS[w] as number;
      if (lastKind === 'unit' || (lastKind === 'ten' && v >= 10)) spelled = true;
      current += v;
      lastKind = 'unit';
      digitString.push(String(v));
    } else if (w in TENS) {
      if (lastKind === 'unit' || lastKind === 'ten') spelled = true;
      current += TENS[w] as number;
      lastKind = 'ten';
      digitString.push(String(TENS[w]));
    } else if (w in SCALES) {
      const s = SCALES[w] as number;
      if (s >= 1000) {
        total += Math.max(1, current) * s;
        current = 0;
      } else current = Math.max(1, current) * s;
      lastKind = 'scale';
    }
  }
  if (spelled && words.every((w) => !(w in SCALES))) return digitString.join('');
  return String(total + current);
}

export function contentTokens(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\$(\d[\d,]*(?:\.\d+)?)/g, '$1 dollars ')
    .replace(/(\d),(\d{3})/g, '$1$2')
    .replace(/(\d)%/g, '$1 percent')
    .replace(/[^a-z0-9.]+/g, ' ')
    .replace(/(^|\s)\.|\.(\s|$)/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (isNumberWord(w)) {
      const run: string[] = [];
      let j = i;
      // "and" / "y" join number words ("three hundred and seventy five", "cuarenta y cinco").
      while (j < words.length) {
        const x = words[j] as string;
        if (isNumberWord(x)) run.push(x);
        else if (
          ((x === 'and' && (run[run.length - 1] ?? '') in SCALES) ||
            (x === 'y' && (run[run.length - 1] ?? '') in TENS)) &&
          isNumberWord(words[j + 1] ?? '')
        ) {
          /* joiner */
        } else break;
        j++;
      }
      out.push(numberRun(run));
      i = j - 1;
      continue;
    }
    if (
      w === 'point' &&
      out.length > 0 &&
      /^\d+$/.test(out[out.length - 1] ?? '') &&
      isNumberWord(words[i + 1] ?? '')
    ) {
      const digits = numberRun([words[i + 1] as string]);
      out[out.length - 1] = `${out[out.length - 1]}.${digits}`;
      i++;
      continue;
    }
    if (STOP.has(w)) continue;
    out.push(w);
  }
  return out;
}

/** True when the option gives the answer (see the module comment). */
export function givesAnswer(option: string, answer: string): boolean {
  const o = contentTokens(option);
  const a = contentTokens(answer);
  if (a.length === 0 || o.length === 0) return false;
  const os = new Set(o);
  if (a.every((t) => os.has(t))) return true;
  const joinedO = o.join('');
  const joinedA = a.join('');
  if (/^\d+$/.test(joinedA) && joinedO.includes(joinedA)) return true;
  const as = new Set(a);
  return o.every((t) => as.has(t)) && o.length * 2 >= a.length;
}
