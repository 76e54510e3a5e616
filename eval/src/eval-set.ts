/**
 * The labelled calls of eval/calls/<half>/: `<id>.txt` (the dialogue, "A|text" / "C|text" a
 * line) and `<id>.truth.json` (the labels). The format is described in eval/README.md; this
 * module reads it strictly, so a label that points at a line that does not exist, or at the
 * wrong speaker, fails loudly instead of scoring as a miss.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * tuning: the calls the rules were first written against; development: the first held-out set,
 * measured once and then opened for tuning; held-out: never read while writing rules, reported
 * in aggregate only.
 */
export const HALVES = ['tuning', 'development', 'held-out'] as const;
export type Half = (typeof HALVES)[number];

/** The halves whose per-call misses may be printed and stored (all but the held-out one). */
export const OPEN_HALVES: readonly Half[] = ['tuning', 'development'];

export const EVAL_ROOT = join(__dirname, '..');
export const CALLS_DIR = join(EVAL_ROOT, 'calls');

const line = z.number().int().min(1);
const label = z.enum(['positive', 'neutral', 'negative']);
const party = z.object({ name: z.string().nullable().optional(), company: z.string().nullable().optional() });

export const TruthSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  callType: z.string(),
  language: z.string().min(2),
  agent: party.passthrough(),
  customer: party.extend({ role: z.string().nullable().optional() }).passthrough(),
  issues: z.array(z.object({ type: z.string(), line, quote: z.string().optional() })),
  nonIssues: z.array(z.object({ line, why: z.string().optional() })).default([]),
  sentiment: z.object({ overall: label, agent: label, customer: label, close: label }),
  actionItems: z.array(
    z.object({ owner: z.enum(['agent', 'customer']), what: z.string(), due: z.string().nullable().optional(), line }),
  ),
  outcomes: z.array(z.object({ kind: z.string(), line, detail: z.string().optional() })).default([]),
  keyFacts: z.array(z.object({ fact: z.string(), answer: z.string(), kind: z.string(), line })),
  coachingMoments: z
    .array(z.object({ line, kind: z.string(), polarity: z.enum(['good', 'bad']), note: z.string().optional() }))
    .default([]),
  contradictedWarnings: z.array(z.string()).default([]),
});
export type Truth = z.infer<typeof TruthSchema>;

export interface DialogueLine {
  /** 1-based line number in the .txt file. */
  line: number;
  speaker: 'agent' | 'customer';
  text: string;
}

export interface EvalCall {
  half: Half;
  id: string;
  dialoguePath: string;
  dialogue: string;
  lines: DialogueLine[];
  truth: Truth;
}

export function parseDialogue(text: string, source = 'dialogue'): DialogueLine[] {
  const rows = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  return rows.map((row, i) => {
    const m = /^([AC])\|(.+)$/.exec(row);
    if (!m || m[1] === undefined || m[2] === undefined) {
      throw new Error(`${source}:${i + 1}: expected "A|text" or "C|text", got ${JSON.stringify(row.slice(0, 60))}`);
    }
    return { line: i + 1, speaker: m[1] === 'A' ? 'agent' : 'customer', text: m[2].trim() };
  });
}

function check(call: EvalCall): void {
  const { truth, lines, id } = call;
  const where = `${call.half}/${id}`;
  const fail = (msg: string): never => {
    throw new Error(`${where}.truth.json: ${msg}`);
  };
  if (truth.id !== id) fail(`id "${truth.id}" is not the file stem "${id}"`);
  const at = (n: number, what: string): DialogueLine =>
    lines[n - 1] ?? fail(`${what} points at line ${n}, but the dialogue has ${lines.length} lines`);
  for (const i of truth.issues) {
    const l = at(i.line, `issue ${i.type}`);
    if (i.quote && !l.text.includes(i.quote)) fail(`issue quote ${JSON.stringify(i.quote)} is not on line ${i.line}`);
  }
  for (const n of truth.nonIssues) at(n.line, 'nonIssue');
  for (const a of truth.actionItems) at(a.line, 'action item');
  for (const o of truth.outcomes) at(o.line, 'outcome');
  for (const k of truth.keyFacts) at(k.line, 'key fact');
  for (const c of truth.coachingMoments) at(c.line, 'coaching moment');
}

/** The calls of one half, sorted by id; an absent or empty folder gives none. */
export function loadHalf(half: Half, root = CALLS_DIR): EvalCall[] {
  const dir = join(root, half);
  if (!existsSync(dir)) return [];
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith('.truth.json'))
    .map((f) => f.slice(0, -'.truth.json'.length))
    .sort();
  return ids.map((id) => {
    const dialoguePath = join(dir, `${id}.txt`);
    const dialogue = readFileSync(dialoguePath, 'utf8');
    const parsed = TruthSchema.safeParse(JSON.parse(readFileSync(join(dir, `${id}.truth.json`), 'utf8')));
    if (!parsed.success) {
      throw new Error(
        `${half}/${id}.truth.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const call: EvalCall = {
      half,
      id,
      dialoguePath,
      dialogue,
      lines: parseDialogue(dialogue, `${half}/${id}.txt`),
      truth: parsed.data,
    };
    check(call);
    return call;
  });
}

/** Whether a half has any labelled call, without reading one (the held-out half stays unread). */
export function halfIsPresent(half: Half, root = CALLS_DIR): boolean {
  const dir = join(root, half);
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.truth.json'));
}
