/**
 * The benchmark suite. Not part of `npm test`: nothing here asserts a time.
 *
 *   npm run bench                      every benchmark, full sizes
 *   npm run bench -- --quick           the short version (< 15 min on 2 cores)
 *   npm run bench -- --stack           also the distributed mode (start it first: bash deploy/stack/up.sh)
 *   npm run bench -- --only query,wer  some benchmarks (names or result keys); other keys of the
 *                                      previous latest.json are kept, each with its own measuredAt
 *
 * Writes bench/results/latest.json and bench/results/latest.md (plus a dated copy of each).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkerBench } from './chunker.bench';
import { kafkaBench } from './kafka.bench';
import { monoBench } from './mono.bench';
import { cpuMeter } from './lib/cpu';
import { machineInfo } from './lib/machine';
import { renderMarkdown, type Report } from './lib/markdown';
import { killAllTracked, ROOT } from './lib/proc';
import { detectStack } from './lib/stack';
import { errorText, type BenchContext, type BenchOptions, type Benchmark, type Result } from './lib/types';
import { pipelineBench } from './pipeline.bench';
import { queryBench } from './query.bench';
import { rssBench } from './rss.bench';
import { scalingBench } from './scaling.bench';
import { searchBench } from './search.bench';
import { sttEnginesBench } from './stt-engines.bench';
import { uploadBench } from './upload.bench';
import { werBench } from './wer.bench';

/** Order: cheap and independent first, so a broken platform still leaves the library figures. */
export const BENCHMARKS: Benchmark[] = [
  chunkerBench,
  rssBench,
  queryBench,
  searchBench,
  uploadBench,
  sttEnginesBench,
  werBench,
  monoBench,
  pipelineBench,
  scalingBench,
  kafkaBench,
];

const RESULTS = join(ROOT, 'bench/results');

function parseArgs(argv: string[]): BenchOptions {
  const opts: BenchOptions = { quick: false, stack: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--quick') opts.quick = true;
    else if (a === '--stack') opts.stack = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new Error('--only needs a name');
      opts.only = [
        ...(opts.only ?? []),
        ...v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ];
    } else if (a === '--help' || a === '-h') {
      console.log(
        `usage: npm run bench -- [--quick] [--stack] [--only name[,name]]\nbenchmarks: ${BENCHMARKS.map((b) => `${b.name} (${b.keys.join(', ')})`).join('; ')}`,
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function selected(opts: BenchOptions): Benchmark[] {
  if (!opts.only) return BENCHMARKS;
  const wanted = new Set(opts.only);
  const list = BENCHMARKS.filter((b) => wanted.has(b.name) || b.keys.some((k) => wanted.has(k)));
  const known = new Set(BENCHMARKS.flatMap((b) => [b.name, ...b.keys]));
  const unknown = [...wanted].filter((w) => !known.has(w));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return list;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const date = new Date(started).toISOString();
  const workDir = mkdtempSync(join(tmpdir(), 'speech-bench-'));
  const log = (msg: string) =>
    console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

  let stackSkipReason = 'run with --stack (and the stack up: bash deploy/stack/up.sh) to measure the distributed mode';
  let stack: BenchContext['stack'] = null;
  if (opts.stack) {
    const s = await detectStack();
    if (typeof s === 'string') stackSkipReason = `--stack given, but ${s}`;
    else stack = s;
    log(stack ? `stack found (run id ${stack.run})` : stackSkipReason);
  }

  const ctx: BenchContext = {
    opts,
    root: ROOT,
    cacheDir: join(ROOT, 'bench/.cache'),
    workDir,
    stack,
    stackSkipReason,
    inputs: {},
    log,
  };
  const cleanup = () => {
    killAllTracked();
    rmSync(workDir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the processes this run started and removing ${workDir}`);
      cleanup();
      process.exit(130);
    });
  }

  const machine = machineInfo(workDir);
  const results: Record<string, Result> = {};
  const timings: Record<string, number> = {};
  try {
    for (const b of selected(opts)) {
      const t0 = Date.now();
      log(`${b.name} (${b.keys.join(', ')})`);
      try {
        const loadBefore = loadavg()[0] as number;
        const meter = cpuMeter();
        const r = await b.run(ctx);
        // Other work on the machine skews times: say how busy it was.
        const machineLoad = {
          loadAverage1m: {
            before: Math.round(loadBefore * 100) / 100,
            after: Math.round((loadavg()[0] as number) * 100) / 100,
          },
          cpu: meter.stop(),
        };
        if (machineLoad.cpu.othersShareOfMachine > 0.1) {
          log(
            `  note: other processes used ${Math.round(machineLoad.cpu.othersShareOfMachine * 100)} % of the machine during ${b.name}; its times are skewed`,
          );
        }
        for (const k of b.keys)
          results[k] = { ...(r[k] ?? { error: `${b.name} produced no ${k}` }), machineLoad, measuredAt: date };
      } catch (err) {
        log(`${b.name} failed: ${errorText(err).split('\n')[0]}`);
        for (const k of b.keys) results[k] = { error: errorText(err), measuredAt: date };
      }
      timings[b.name] = Math.round((Date.now() - t0) / 100) / 10;
      log(`${b.name} done in ${timings[b.name]} s`);
    }
  } finally {
    cleanup();
  }

  // --only: keep the other keys of the previous run (each says when it was measured).
  let merged = results;
  const latest = join(RESULTS, 'latest.json');
  if (opts.only && existsSync(latest)) {
    try {
      const prev = JSON.parse(readFileSync(latest, 'utf8')) as { results?: Record<string, Result>; date?: string };
      merged = {
        ...Object.fromEntries(Object.entries(prev.results ?? {}).map(([k, v]) => [k, { measuredAt: prev.date, ...v }])),
        ...results,
      };
    } catch {
      merged = results;
    }
  }
  const ordered = Object.fromEntries(
    BENCHMARKS.flatMap((b) => b.keys)
      .filter((k) => k in merged)
      .map((k) => [k, merged[k] as Result]),
  );
  const report: Report & { benchmarkSeconds: Record<string, number> } = {
    machine,
    date,
    mode: {
      quick: opts.quick,
      stack: opts.stack && stack !== null,
      only: opts.only,
      command: `npm run bench --${opts.quick ? ' --quick' : ''}${opts.stack ? ' --stack' : ''}${opts.only ? ` --only ${opts.only.join(',')}` : ''}`,
    },
    durationS: Math.round((Date.now() - started) / 100) / 10,
    benchmarkSeconds: timings,
    inputs: ctx.inputs,
    results: ordered,
  };
  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = `${renderMarkdown(report)}\n`;
  const stamp = date.replace(/[:.]/g, '-');
  writeFileSync(latest, json);
  writeFileSync(join(RESULTS, 'latest.md'), md);
  writeFileSync(join(RESULTS, `${stamp}.json`), json);
  writeFileSync(join(RESULTS, `${stamp}.md`), md);
  log(`wrote bench/results/latest.json and latest.md (${report.durationS} s)`);
  for (const [k, r] of Object.entries(results)) {
    const f = r as { value?: unknown; met?: unknown; target?: unknown; error?: unknown };
    log(
      `  ${k.padEnd(18)} ${f.error ? `ERROR ${String(f.error).split('\n')[0]}` : `${String(f.value)}  target ${String(f.target)}  met ${String(f.met)}`}`,
    );
  }
}

main().then(
  // Client libraries (kafkajs, mongodb) may keep a socket open: the run is over.
  () => process.exit(0),
  (err: unknown) => {
    console.error(errorText(err));
    process.exit(1);
  },
);
