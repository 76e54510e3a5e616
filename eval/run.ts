/**
 * The insight evaluation: `npm run eval:insight`.
 *
 *   npm run eval:insight                 offline analyst (and a configured LLM) on the reference
 *                                        transcripts of each half, in both styles
 *   npm run eval:insight -- --e2e        also end to end: Festival audio through the platform
 *   npm run eval:insight -- --e2e-cached the analysts on the transcripts the last --e2e run kept
 *   npm run eval:insight -- --no-write   print only; leave eval/results as it is
 *
 * An LLM provider runs when LLM_PROVIDER=openai|azure-openai and its keys are set (see the
 * README's model providers); otherwise it is skipped with a one-line note. Writes
 * eval/results/latest.md and latest.json; end-to-end runs from an earlier invocation are kept
 * (with their own date) when this one does not run end to end.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OfflineAnalyst, type Analyst } from '@speech/analysis';
import { analystProviderEnvProblems, analystProviderEnvSchema, createAnalyst } from '@speech/llm-analyst';
import { runCachedEndToEnd, runEndToEnd } from './src/e2e-run';
import { EVAL_ROOT, HALVES, OPEN_HALVES, loadHalf, type EvalCall, type Half } from './src/eval-set';
import { runReference } from './src/reference-run';
import { TRANSCRIPT_STYLES } from './src/reference-transcript';
import { markdownDetails, markdownTables, type RunResult } from './src/report';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

interface StoredRun extends RunResult {
  measuredAt: string;
}

function configuredLlm(): { analyst: Analyst | null; note: string } {
  const parsed = analystProviderEnvSchema.safeParse(process.env);
  if (!parsed.success) return { analyst: null, note: `LLM: skipped, invalid configuration (${parsed.error.message})` };
  const cfg = parsed.data;
  if (cfg.LLM_PROVIDER === 'local')
    return { analyst: null, note: 'LLM: skipped (set LLM_PROVIDER=openai|azure-openai and its keys to score one)' };
  const problems = analystProviderEnvProblems(cfg);
  if (problems.length > 0) {
    return {
      analyst: null,
      note: `LLM: skipped, ${cfg.LLM_PROVIDER} is missing ${problems.map((p) => p.key).join(', ')}`,
    };
  }
  return { analyst: createAnalyst(cfg), note: `LLM: ${cfg.LLM_PROVIDER}` };
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const e2e = args.has('--e2e');
  const e2eCached = args.has('--e2e-cached');
  const write = !args.has('--no-write');
  const halves: EvalCall[][] = HALVES.map((h) => loadHalf(h));
  const measuredAt = new Date().toISOString();
  for (const [i, h] of HALVES.entries()) out(`${h}: ${halves[i]?.length ?? 0} calls`);

  const analysts: Analyst[] = [new OfflineAnalyst()];
  const llm = configuredLlm();
  out(llm.note);
  if (llm.analyst) analysts.push(llm.analyst);

  const runs: StoredRun[] = [];
  for (const calls of halves) {
    if (calls.length === 0) continue;
    for (const analyst of analysts) {
      for (const style of TRANSCRIPT_STYLES) {
        runs.push({ ...(await runReference(calls, analyst, style)), measuredAt });
      }
    }
  }
  if (e2e) {
    for (const r of await runEndToEnd(halves, (m) => out(`  ${m}`))) runs.push({ ...r, measuredAt });
  } else if (e2eCached) {
    for (const calls of halves) {
      if (calls.length === 0) continue;
      for (const analyst of analysts) {
        const label = analyst.model ? `${analyst.name}/${analyst.model}` : analyst.name;
        const r = await runCachedEndToEnd(calls, analyst, label);
        if (r) runs.push({ ...r, measuredAt });
        else out(`${calls[0]?.half}: no kept end-to-end transcripts; run with --e2e first`);
      }
    }
  }

  const jsonPath = join(EVAL_ROOT, 'results/latest.json');
  if (!e2e && existsSync(jsonPath)) {
    // Earlier end-to-end runs stay (with their own date); kept-transcript runs are redone here.
    const previous = (JSON.parse(readFileSync(jsonPath, 'utf8')) as { runs: StoredRun[] }).runs ?? [];
    const kept = (r: StoredRun): boolean => r.input.includes('transcripts kept');
    runs.push(...previous.filter((r) => r.input.startsWith('end to end') && !(e2eCached && kept(r))));
  }
  runs.sort((a, b) => HALVES.indexOf(a.half as never) - HALVES.indexOf(b.half as never));

  const tables = markdownTables(runs);
  out('');
  out(tables);
  if (!write) return;
  const open = (r: StoredRun): boolean => OPEN_HALVES.includes(r.half as Half);
  // Per-call details for the runs of the open halves (the held-out half stays aggregate).
  const detailed = runs.filter(open);
  const md = [
    '# Insight evaluation: latest results',
    '',
    `Written by \`npm run eval:insight${e2e ? ' -- --e2e' : e2eCached ? ' -- --e2e-cached' : ''}\` on ${measuredAt}. What each figure means: [eval/README.md](../README.md).`,
    `Reference runs: ${measuredAt}. End-to-end runs: ${[...new Set(runs.filter((r) => r.input.startsWith('end to end')).map((r) => r.measuredAt))].join(', ') || 'none'}.`,
    llm.note,
    '',
    tables,
    '## Per call (tuning and development halves only; the held-out half is reported in aggregate)',
    '',
    ...detailed.map(markdownDetails),
  ].join('\n');
  writeFileSync(join(EVAL_ROOT, 'results/latest.md'), md);
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ measuredAt, runs: runs.map((r) => (open(r) ? r : { ...r, calls: [] })) }, null, 2)}\n`,
  );
  out(`wrote eval/results/latest.md and latest.json`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
