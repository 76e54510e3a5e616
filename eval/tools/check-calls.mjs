#!/usr/bin/env node
// Checks labelled calls against eval/EVAL format: dialogue shape, truth-file shape, and that every
// line number and quote points at the dialogue. Usage: node eval/tools/check-calls.mjs <dir>...
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const CALL_TYPES = [
  'discovery',
  'demo',
  'negotiation',
  'renewal',
  'cold-call',
  'billing-support',
  'technical-support',
  'churn',
  'positive',
  'other',
];
const ISSUE_TYPES = [
  'price',
  'discount',
  'budget',
  'authority',
  'tender',
  'contract-term',
  'competitor',
  'timing',
  'need',
  'trust',
  'brush-off',
  'product',
  'support',
  'billing',
  'escalation',
  'repeat-contact',
  'churn-threat',
  'other',
];
const SENTIMENTS = ['positive', 'neutral', 'negative'];
const OUTCOMES = [
  'refund',
  'credit',
  'callback',
  'reference-number',
  'technician-visit',
  'fix',
  'discount',
  'meeting',
  'none',
];
const FACT_KINDS = [
  'money',
  'percent',
  'date',
  'person',
  'role',
  'organisation',
  'product',
  'competitor',
  'next-step',
  'root-cause',
  'number',
];
const WARNINGS = [
  'no-commitment',
  'no-next-step',
  'too-few-questions',
  'negative-close',
  'monologue',
  'low-talk-ratio',
];
const KEYS = [
  'id',
  'title',
  'callType',
  'language',
  'agent',
  'customer',
  'issues',
  'nonIssues',
  'sentiment',
  'actionItems',
  'outcomes',
  'keyFacts',
  'coachingMoments',
  'contradictedWarnings',
];

let errors = 0;
let warnings = 0;
const fail = (id, msg) => {
  errors++;
  console.log(`ERROR ${id}: ${msg}`);
};
const warn = (id, msg) => {
  warnings++;
  console.log(`warn  ${id}: ${msg}`);
};
const str = (v) => typeof v === 'string' && v.trim().length > 0;

function checkCall(dir, id) {
  const raw = readFileSync(join(dir, `${id}.txt`), 'utf8');
  if (!raw.endsWith('\n')) fail(id, 'dialogue must end with a newline (make-call.sh drops the last line otherwise)');
  const lines = raw.replace(/\n$/, '').split('\n');
  const turns = lines.map((l, i) => {
    const m = /^([AC])\|([^|]+)$/.exec(l);
    if (!m) fail(id, `line ${i + 1} is not "A|text" or "C|text": ${JSON.stringify(l)}`);
    // Letters may be accented (a Spanish call); punctuation and symbols must be ASCII.
    const bad = l.match(/[^\x20-\x7E\p{L}]/gu);
    if (bad) fail(id, `line ${i + 1} has non-ASCII punctuation or symbols: ${[...new Set(bad)].join(' ')}`);
    return m ? { who: m[1], text: m[2] } : { who: '?', text: l };
  });
  if (turns.length < 12 || turns.length > 45) fail(id, `${turns.length} turns, expected 12-45`);

  let t;
  try {
    t = JSON.parse(readFileSync(join(dir, `${id}.truth.json`), 'utf8'));
  } catch (e) {
    fail(id, `truth: ${e.message}`);
    return;
  }
  const keys = Object.keys(t);
  for (const k of KEYS) if (!(k in t)) fail(id, `truth lacks "${k}"`);
  for (const k of keys) if (!KEYS.includes(k)) fail(id, `truth has unknown key "${k}"`);
  if (t.id !== id) fail(id, `id "${t.id}" is not the file stem`);
  if (!str(t.title)) fail(id, 'title missing');
  if (!CALL_TYPES.includes(t.callType)) fail(id, `callType "${t.callType}"`);
  if (!/^[a-z]{2,3}$/.test(t.language ?? '')) fail(id, `language "${t.language}"`);
  if (!str(t.agent?.name) || !str(t.agent?.company)) fail(id, 'agent needs name and company');
  if (!str(t.customer?.name) || !str(t.customer?.company) || !str(t.customer?.role))
    fail(id, 'customer needs name, company and role');

  const line = (where, n) => {
    if (!Number.isInteger(n) || n < 1 || n > turns.length) {
      fail(id, `${where}: line ${n} out of 1-${turns.length}`);
      return undefined;
    }
    return turns[n - 1];
  };
  const arr = (k) => (Array.isArray(t[k]) ? t[k] : (fail(id, `${k} must be an array`), []));

  const issueLines = new Set();
  arr('issues').forEach((x, i) => {
    const w = `issues[${i}]`;
    if (!ISSUE_TYPES.includes(x.type)) fail(id, `${w}: type "${x.type}"`);
    const turn = line(w, x.line);
    if (!str(x.quote)) fail(id, `${w}: quote missing`);
    else if (turn && !turn.text.includes(x.quote)) fail(id, `${w}: quote not verbatim in line ${x.line}: "${x.quote}"`);
    if (turn?.who === 'A') warn(id, `${w}: issue on an agent line ${x.line}`);
    issueLines.add(x.line);
  });
  arr('nonIssues').forEach((x, i) => {
    const w = `nonIssues[${i}]`;
    line(w, x.line);
    if (!str(x.why)) fail(id, `${w}: why missing`);
    if (issueLines.has(x.line)) fail(id, `${w}: line ${x.line} is also an issue line`);
    else if (issueLines.has(x.line - 1) || issueLines.has(x.line + 1))
      warn(id, `${w}: line ${x.line} is next to an issue line`);
  });
  for (const k of ['overall', 'agent', 'customer', 'close']) {
    if (!SENTIMENTS.includes(t.sentiment?.[k])) fail(id, `sentiment.${k} "${t.sentiment?.[k]}"`);
  }
  arr('actionItems').forEach((x, i) => {
    const w = `actionItems[${i}]`;
    if (!['agent', 'customer'].includes(x.owner)) fail(id, `${w}: owner "${x.owner}"`);
    if (!str(x.what) || !str(x.due)) fail(id, `${w}: what and due are required`);
    line(w, x.line);
  });
  arr('outcomes').forEach((x, i) => {
    const w = `outcomes[${i}]`;
    if (!OUTCOMES.includes(x.kind)) fail(id, `${w}: kind "${x.kind}"`);
    if (!str(x.detail)) fail(id, `${w}: detail missing`);
    line(w, x.line);
  });
  const facts = arr('keyFacts');
  if (facts.length < 3 || facts.length > 6) fail(id, `${facts.length} key facts, expected 3-6`);
  facts.forEach((x, i) => {
    const w = `keyFacts[${i}]`;
    if (!FACT_KINDS.includes(x.kind)) fail(id, `${w}: kind "${x.kind}"`);
    if (!str(x.fact) || !str(x.answer)) fail(id, `${w}: fact and answer are required`);
    const turn = line(w, x.line);
    // A quiz key has to be checkable against the transcript, so the answer must be said on its line.
    if (turn && str(x.answer) && !turn.text.toLowerCase().includes(x.answer.toLowerCase())) {
      fail(id, `${w}: answer "${x.answer}" not in line ${x.line}`);
    }
  });
  arr('coachingMoments').forEach((x, i) => {
    const w = `coachingMoments[${i}]`;
    line(w, x.line);
    if (!str(x.kind) || !str(x.note)) fail(id, `${w}: kind and note are required`);
    if (!['good', 'bad'].includes(x.polarity)) fail(id, `${w}: polarity "${x.polarity}"`);
  });
  arr('contradictedWarnings').forEach((x) => {
    if (!WARNINGS.includes(x)) warn(id, `contradicted warning "${x}" is not one of the listed examples`);
  });

  const words = turns.reduce((n, x) => n + x.text.split(/\s+/).length, 0);
  return {
    id,
    callType: t.callType,
    language: t.language,
    turns: turns.length,
    words,
    issues: t.issues?.length,
    nonIssues: t.nonIssues?.length,
    actionItems: t.actionItems?.length,
    keyFacts: facts.length,
  };
}

const rows = [];
for (const dir of process.argv.slice(2)) {
  const stems = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
  for (const f of readdirSync(dir))
    if (f.endsWith('.truth.json') && !stems.includes(f.slice(0, -11))) fail(f, 'truth without dialogue');
  for (const id of stems) {
    if (!existsSync(join(dir, `${id}.truth.json`))) {
      fail(id, 'dialogue without truth file');
      continue;
    }
    const r = checkCall(dir, id);
    if (r) rows.push(r);
  }
}
console.table(rows);
console.log(`${rows.length} calls, ${errors} errors, ${warnings} warnings`);
process.exit(errors ? 1 : 0);
