/**
 * Filler-word counting.
 *
 * Pocketsphinx's default dictionary rarely emits "um"/"uh" (they are usually absorbed as
 * silence or noise), so in practice the counts come mostly from lexical fillers. Those are
 * ambiguous ("would you like", "what kind of plan"), so each has a context rule that skips
 * the common non-filler uses. This is a heuristic, not a disfluency model.
 */
const HESITATIONS = new Set(['um', 'umm', 'uh', 'uhm', 'er', 'erm', 'ah', 'hmm', 'mm']);
const ALWAYS = new Set(['basically', 'actually', 'literally']);
/** "like" after these is a verb or comparison, not a filler. */
const LIKE_NOT_FILLER_AFTER = new Set(
  'would i we you they he she it to look looks looked looking feel feels felt sound sounds seem seems something anything nothing just more much not do did does really also still'.split(
    ' ',
  ),
);
/** "kind of"/"sort of" after these is a noun phrase ("what kind of plan"). */
const KIND_NOT_FILLER_AFTER = new Set(
  'what which this that the a any some same every one all these those other another different'.split(' '),
);
/** "you know" after these is the verb ("let you know", "do you know"). */
const YOU_KNOW_NOT_FILLER_AFTER = new Set('do did does if let would will as should not you to'.split(' '));

export interface FillerCount {
  word: string;
  count: number;
}

/** Filler occurrences in one token stream, keyed by the filler phrase. */
export function countFillers(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (w: string): void => {
    counts.set(w, (counts.get(w) ?? 0) + 1);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const next = tokens[i + 1];
    const prev = tokens[i - 1];
    if (HESITATIONS.has(t)) add(t === 'umm' || t === 'uhm' ? 'um' : t);
    else if (ALWAYS.has(t)) add(t);
    else if (t === 'like' && (prev === undefined || !LIKE_NOT_FILLER_AFTER.has(prev))) add('like');
    else if (
      (t === 'kind' || t === 'sort') &&
      next === 'of' &&
      (prev === undefined || !KIND_NOT_FILLER_AFTER.has(prev))
    ) {
      add(`${t} of`);
      i++;
    } else if (t === 'you' && next === 'know' && (prev === undefined || !YOU_KNOW_NOT_FILLER_AFTER.has(prev))) {
      add('you know');
      i++;
    } else if (t === 'i' && next === 'mean' && tokens[i + 2] !== 'to') {
      add('i mean');
      i++;
    }
  }
  return counts;
}

export function mergeCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** Sorted by count (desc), then alphabetically, for stable output. */
export function toFillerList(counts: Map<string, number>): FillerCount[] {
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || a.word.localeCompare(b.word));
}
