/**
 * Token normalisation shared by every rule in this library.
 *
 * Offline STT (pocketsphinx) emits lowercase words without punctuation, sometimes with
 * alternate-pronunciation suffixes ("the(2)") and non-speech markers ("<sil>", "[noise]").
 * Rules match on a canonical token stream; each token remembers which transcript word it
 * came from so quotes can always be rebuilt from the words that were actually recognised.
 */

/** Contractions are expanded so a rule written as "do not need" also matches "don't need". */
const CONTRACTIONS: Readonly<Record<string, readonly string[]>> = {
  "don't": ['do', 'not'],
  "doesn't": ['does', 'not'],
  "didn't": ['did', 'not'],
  "can't": ['can', 'not'],
  cannot: ['can', 'not'],
  "won't": ['will', 'not'],
  "wouldn't": ['would', 'not'],
  "couldn't": ['could', 'not'],
  "shouldn't": ['should', 'not'],
  "isn't": ['is', 'not'],
  "aren't": ['are', 'not'],
  "wasn't": ['was', 'not'],
  "weren't": ['were', 'not'],
  "haven't": ['have', 'not'],
  "hasn't": ['has', 'not'],
  "hadn't": ['had', 'not'],
  "i'm": ['i', 'am'],
  "you're": ['you', 'are'],
  "we're": ['we', 'are'],
  "they're": ['they', 'are'],
  "it's": ['it', 'is'],
  "that's": ['that', 'is'],
  "there's": ['there', 'is'],
  "what's": ['what', 'is'],
  "how's": ['how', 'is'],
  "who's": ['who', 'is'],
  "let's": ['let', 'us'],
  "i'll": ['i', 'will'],
  "you'll": ['you', 'will'],
  "we'll": ['we', 'will'],
  "they'll": ['they', 'will'],
  "i've": ['i', 'have'],
  "you've": ['you', 'have'],
  "we've": ['we', 'have'],
  "they've": ['they', 'have'],
  "i'd": ['i', 'would'],
  "you'd": ['you', 'would'],
  "we'd": ['we', 'would'],
  "they'd": ['they', 'would'],
  "he'll": ['he', 'will'],
  "she'll": ['she', 'will'],
  "it'll": ['it', 'will'],
  "that'll": ['that', 'will'],
  "there'll": ['there', 'will'],
  "who'll": ['who', 'will'],
  "he's": ['he', 'is'],
  "she's": ['she', 'is'],
  "here's": ['here', 'is'],
  "nothing's": ['nothing', 'is'],
  "everything's": ['everything', 'is'],
  "something's": ['something', 'is'],
  "everyone's": ['everyone', 'is'],
  "nobody's": ['nobody', 'is'],
  "where's": ['where', 'is'],
  "when's": ['when', 'is'],
  "why's": ['why', 'is'],
  "he'd": ['he', 'would'],
  "she'd": ['she', 'would'],
  "it'd": ['it', 'would'],
  "that'd": ['that', 'would'],
  "there'd": ['there', 'would'],
  "there're": ['there', 'are'],
  "could've": ['could', 'have'],
  "would've": ['would', 'have'],
  "should've": ['should', 'have'],
  "must've": ['must', 'have'],
  "mustn't": ['must', 'not'],
  "needn't": ['need', 'not'],
  "shan't": ['shall', 'not'],
  "ain't": ['is', 'not'],
  gonna: ['going', 'to'],
  wanna: ['want', 'to'],
  gotta: ['got', 'to'],
};

/**
 * Homophones the recogniser confuses freely; mapping them to one spelling keeps
 * "too expensive" matching when it comes out as "to expensive".
 */
const HOMOPHONES: Readonly<Record<string, string>> = { too: 'to', ok: 'okay', alright: 'all right' };

/**
 * Canonical tokens that a transcript's words may turn into without spelling them as such
 * ("not" from "don't", "to" from "too"): a full-text index of the raw words cannot be asked
 * for them (trackers look candidates up in the search index by the other words of a phrase).
 */
export const REWRITTEN_TOKENS: ReadonlySet<string> = new Set([
  ...Object.values(CONTRACTIONS).flat(),
  ...Object.values(HOMOPHONES).flatMap((v) => v.split(' ')),
]);
/** Lowercase, drop pronunciation variants and punctuation. Returns '' for non-speech markers. */
export function cleanWord(raw: string): string {
  const lower = raw.trim().toLowerCase();
  if (/^(<[^>]*>|\[[^\]]*\]|\+\+.*\+\+)$/.test(lower)) return '';
  return (
    lower
      .replace(/\(\d+\)$/, '')
      .replace(/[’‘]/g, "'")
      // Accents folded, so Spanish "días" and "dias" (or an engine that drops accents) match.
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9']+/g, '')
      .replace(/^'+|'+$/g, '')
  );
}

/** True when a word ends a sentence in punctuated text ("day.", "you?"). */
export function endsSentence(raw: string): boolean {
  return /[.!?…]["')\]]*$/.test(raw.trim());
}

/** True when a word ends a clause in punctuated text ("Okay,", "Fine.", "well;"). */
export function endsClause(raw: string): boolean {
  return /[.!?…,;:]["')\]]*$/.test(raw.trim()) || /[—–]$/.test(raw.trim());
}

/** Canonical tokens for one word: expanded contractions, homophones merged. */
export function canonicalTokens(raw: string): string[] {
  const cleaned = cleanWord(raw);
  if (cleaned === '') return [];
  const expanded = CONTRACTIONS[cleaned] ?? [cleaned];
  return expanded.flatMap((t) => (HOMOPHONES[t] ?? t).split(' '));
}

/** Canonical tokens for free text (pattern words, custom competitor names). */
export function tokenizeText(text: string): string[] {
  return text.split(/[\s\-_/]+/).flatMap(canonicalTokens);
}

export interface TokenStream {
  /** Canonical tokens. */
  tokens: string[];
  /** For each token, the index of the source word it came from. */
  wordIndex: number[];
}

export function tokenStream(words: readonly { text: string }[]): TokenStream {
  const tokens: string[] = [];
  const wordIndex: number[] = [];
  words.forEach((w, i) => {
    for (const t of canonicalTokens(w.text)) {
      tokens.push(t);
      wordIndex.push(i);
    }
  });
  return { tokens, wordIndex };
}

/** True if the word is speech (not a recogniser marker or bare punctuation). */
export function isSpeechWord(raw: string): boolean {
  return cleanWord(raw) !== '';
}

const NUMBER_WORDS = new Set(
  (
    'a an one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen ' +
    'sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred ' +
    'thousand million billion grand k dozen couple few half ' +
    // Spanish, for the patterns written against it ("siete dias es mucho").
    'uno una dos tres cuatro cinco seis siete ocho nueve diez doce quince veinte treinta cuarenta cincuenta cien mil'
  ).split(' '),
);

export function isNumberToken(token: string): boolean {
  return NUMBER_WORDS.has(token) || /^\d+$/.test(token);
}
