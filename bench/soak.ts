/**
 * The soak run of issue #4: a generated 20-hour and 200-hour recording (a sample call looped
 * without re-encoding, cached in bench/.cache, never committed) go through upload and chunking
 * on a fresh single-process platform. Not part of `npm test` (jest only runs *.spec.ts).
 *
 *   npm run bench:soak                                   20 h, stereo
 *   npm run bench:soak -- --hours 20,200 --channels 1    both sizes, mono (half the chunk bytes)
 *   npm run bench:soak -- --env CHUNKER_CONCURRENCY=2    extra platform env (repeatable)
 *
 * Per size: the real CLI (scripts/speech-cli.ts) uploads the file in two sittings (SIGKILLed
 * once half the parts are stored, then run again so it resumes); no transcription is requested;
 * the script waits until the recording is `ready` (chunked) and reads every chunk's duration
 * from the platform's data. Resident memory of the platform's process tree and of the CLI is
 * sampled from /proc every 200 ms throughout.
 *
 * Writes bench/results/soak-latest.json and soak-latest.md (plus a dated copy of each).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RecordingStatus, RecordingView } from '@speech/contracts';
import type { PlatformProcess } from '@speech/harness';
import { SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import { cpuMeter, processCpuS } from './lib/cpu';
import { fixture, label, loopedMp3, loopedPath, monoFixture, probeDurationS } from './lib/inputs';
import { machineInfo } from './lib/machine';
import { cell, fieldRows } from './lib/markdown';
import { Api, startPlatform } from './lib/platform';
import { killAllTracked, ROOT, track, TSX_ARGS } from './lib/proc';
import { commOf, kbToMb as mb, processTree, scanProc, startTimeOf, statusKb } from './lib/rss';
import { percentile, round, sleep } from './lib/timing';
import { errorText, type BenchContext } from './lib/types';

const MB = 1e6; // file sizes and throughput
const GB = 1e9;
/** Chunks are 16 kHz mono s16le WAVs with a 44-byte header (libs/audio/src/wav.ts). */
const CHUNK_BYTES_PER_SECOND = 16_000 * 2;
const WAV_HEADER_BYTES = 44;
const CHUNK_MIN_MS = 30_000;
const CHUNK_MAX_MS = 60_000;
/** Issue #4: no platform process over 400 MB resident. */
const RSS_LIMIT_MB = 400;
const SAMPLE_EVERY_MS = 200;
/** One point of the RSS time series (in the JSON) every 10 s. */
const SERIES_EVERY_MS = 10_000;
const DISK_MARGIN_BYTES = 5 * GB;
/** Chunking must go on: no new chunk for this long fails the run instead of waiting for the deadline. */
const STALL_MS = 10 * 60_000;
const RESULTS = join(ROOT, 'bench/results');
const CLI = join(ROOT, 'scripts/speech-cli.ts');
const SOURCE = 'sales-discovery';

/** A usage error or a refusal to start (not enough disk): a message, no stack, no results written. */
class Refusal extends Error {}

interface SoakOptions {
  hours: number[];
  channels: 1 | 2;
  env: Record<string, string>;
  parallel: number;
  keep: boolean;
  workParent: string;
}

const USAGE = `usage: npm run bench:soak -- [--hours 20[,200]] [--channels 1|2] [--env KEY=VAL]... [--parallel N] [--keep] [--work-dir DIR]
  --hours     sizes of the generated recording, in hours (default 20)
  --channels  2 (default: the stereo fixture looped) or 1 (a mono MP3 of it, looped: half the chunk bytes)
  --env       extra environment for the platform (repeatable), e.g. --env CHUNKER_CONCURRENCY=2
  --parallel  the CLI's --parallel (default 2)
  --keep      keep the temp work dir (the platform's DATA_DIR with every chunk) instead of removing it
  --work-dir  where the temp work dir is made (default: the OS temp dir)`;

function parseArgs(argv: string[]): SoakOptions {
  const opts: SoakOptions = { hours: [20], channels: 2, env: {}, parallel: 2, keep: false, workParent: tmpdir() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new Refusal(`${name} needs a value\n${USAGE}`);
      return v;
    };
    if (name === '--hours') {
      opts.hours = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number);
      if (!opts.hours.length || opts.hours.some((h) => !Number.isFinite(h) || h <= 0))
        throw new Refusal(`--hours takes positive numbers, e.g. --hours 20,200`);
    } else if (name === '--channels') {
      const c = Number(value());
      if (c !== 1 && c !== 2) throw new Refusal('--channels is 1 or 2');
      opts.channels = c;
    } else if (name === '--env') {
      const kv = value();
      const at = kv.indexOf('=');
      const key = kv.slice(0, at);
      if (at <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Refusal(`--env takes KEY=VAL, not ${kv}`);
      opts.env[key] = kv.slice(at + 1);
    } else if (name === '--parallel') {
      opts.parallel = Number(value());
      if (!Number.isInteger(opts.parallel) || opts.parallel < 1)
        throw new Refusal('--parallel takes a positive integer');
    } else if (name === '--keep') opts.keep = true;
    else if (name === '--work-dir') opts.workParent = resolve(value());
    else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Refusal(`unknown argument ${a}\n${USAGE}`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Processes and RSS sampling. Every process this script starts or sees in a sampled tree is
// remembered with its start time, so clean-up (also on failure and Ctrl-C) kills exactly those,
// by PID, never a reused one.

const seen = new Map<number, string>();

/** SIGKILLs every remembered process that still runs (same pid and start time). */
function killRemembered(): void {
  for (const [pid, start] of seen) {
    if (startTimeOf(pid) !== start) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Peaks of one process tree (the platform, or one CLI sitting), in kB. */
class TreeWatch {
  /** VmHWM of the root: its exact peak, read while it runs. */
  rootHwmKb = 0;
  rootRssKb = 0;
  /** Sum of VmRSS over the tree, without tsx's esbuild service (a tool, not the service). */
  treeKb = 0;
  treeWithEsbuildKb = 0;
  /** The largest VmRSS seen of each process. */
  readonly perProcess = new Map<number, { comm: string; kb: number }>();
  readonly byPhase: Record<string, { rootKb: number; treeKb: number }> = {};

  constructor(readonly root: number) {}
}

class Sampler {
  private readonly watches = new Map<string, TreeWatch>();
  private timer: NodeJS.Timeout | null = null;
  private readonly t0 = performance.now();
  private lastPoint = -Infinity;
  phase = 'start';
  samples = 0;
  readonly series: Record<string, number | string>[] = [];

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  watch(name: string, pid: number): TreeWatch {
    const start = seen.has(pid) ? null : startTimeOf(pid);
    if (start) seen.set(pid, start);
    const w = new TreeWatch(pid);
    this.watches.set(name, w);
    return w;
  }

  /** Stops watching `name`; returns its peaks. */
  unwatch(name: string): TreeWatch | undefined {
    const w = this.watches.get(name);
    this.watches.delete(name);
    return w;
  }

  tick(): void {
    const procs = scanProc();
    const point: Record<string, number | string> = { tS: round((performance.now() - this.t0) / 1000, 1) };
    for (const [name, w] of this.watches) {
      if (!procs.has(w.root)) continue;
      let tree = 0;
      let all = 0;
      let rootKb = 0;
      for (const pid of processTree(w.root, procs)) {
        const kb = statusKb(pid, 'VmRSS');
        if (kb === null) continue;
        const p = procs.get(pid);
        if (p && !seen.has(pid)) seen.set(pid, p.start);
        const comm = commOf(pid);
        const prev = w.perProcess.get(pid);
        if (!prev || kb > prev.kb) w.perProcess.set(pid, { comm: comm || prev?.comm || '?', kb });
        all += kb;
        if (comm !== 'esbuild') tree += kb;
        if (pid === w.root) rootKb = kb;
      }
      w.rootRssKb = Math.max(w.rootRssKb, rootKb);
      w.rootHwmKb = Math.max(w.rootHwmKb, statusKb(w.root, 'VmHWM') ?? 0);
      w.treeKb = Math.max(w.treeKb, tree);
      w.treeWithEsbuildKb = Math.max(w.treeWithEsbuildKb, all);
      const ph = (w.byPhase[this.phase] ??= { rootKb: 0, treeKb: 0 });
      ph.rootKb = Math.max(ph.rootKb, rootKb);
      ph.treeKb = Math.max(ph.treeKb, tree);
      point[`${name}RootMb`] = mb(rootKb);
      point[`${name}TreeMb`] = mb(tree);
    }
    this.samples++;
    const now = performance.now();
    if (this.watches.size && now - this.lastPoint >= SERIES_EVERY_MS) {
      this.lastPoint = now;
      this.series.push({ ...point, phase: this.phase });
    }
  }
}

function summarizeWatch(w: TreeWatch) {
  let largest = { pid: 0, comm: '', kb: 0 };
  const byCommand: Record<string, number> = {};
  for (const [pid, p] of w.perProcess) {
    if (p.kb > largest.kb) largest = { pid, ...p };
    byCommand[p.comm] = Math.max(byCommand[p.comm] ?? 0, mb(p.kb));
  }
  // The root's exact peak (VmHWM) may exceed every sample.
  const rootKb = Math.max(w.rootHwmKb, w.rootRssKb);
  if (rootKb > largest.kb) largest = { pid: w.root, comm: w.perProcess.get(w.root)?.comm ?? 'node', kb: rootKb };
  return {
    rootPeakMb: mb(rootKb),
    rootVmHwmMb: mb(w.rootHwmKb),
    rootSampledPeakMb: mb(w.rootRssKb),
    treePeakMb: mb(w.treeKb),
    treeWithEsbuildPeakMb: mb(w.treeWithEsbuildKb),
    largestProcess: { pid: largest.pid, command: largest.comm, peakMb: mb(largest.kb) },
    peakOfOneProcessByCommandMb: byCommand,
    processesSeen: w.perProcess.size,
    byPhase: Object.fromEntries(
      Object.entries(w.byPhase).map(([k, v]) => [k, { rootMb: mb(v.rootKb), treeMb: mb(v.treeKb) }]),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Disk

interface DiskPlan {
  hours: number;
  seconds: number;
  inputFile: string;
  inputCached: boolean;
  inputBytes: number;
  uploadCopyBytes: number;
  chunkBytes: number;
}

/** Bytes per second of the looped source (looping with -c copy keeps the bit rate). */
async function sourceBytesPerSecond(ctx: BenchContext, channels: 1 | 2): Promise<number> {
  const src = channels === 2 ? fixture(SOURCE) : await monoFixture(ctx, SOURCE);
  const { durationS } = await probeDurationS(src);
  if (!durationS) throw new Error(`cannot read the duration of ${src}`);
  return statSync(src).size / durationS;
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Bytes for a person: GB (1e9) from 1 GB up, MB below. */
function gb(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${(bytes / MB).toFixed(1)} MB`;
}

/**
 * Refuses (a clear message) when a disk lacks room. Inputs stay cached in bench/.cache; the work
 * dir (upload copy and chunks) is emptied after each size unless --keep.
 */
function checkDisk(plans: DiskPlan[], cacheDir: string, workParent: string, keep: boolean, what: string): void {
  const sameDisk = statSync(cacheDir).dev === statSync(workParent).dev;
  const toMake = plans.filter((p) => !p.inputCached);
  const inputs = toMake.reduce((s, p) => s + p.inputBytes, 0);
  const perRun = plans.map((p) => p.uploadCopyBytes + p.chunkBytes);
  const work = keep ? perRun.reduce((s, x) => s + x, 0) : Math.max(...perRun);
  const biggest = plans[perRun.indexOf(Math.max(...perRun))] as DiskPlan;
  const inputText = toMake.length ? `inputs to generate ${gb(inputs)} (kept in bench/.cache)` : 'inputs already cached';
  const workText = keep
    ? `every size's upload copy + chunks ${gb(work)} (--keep)`
    : `the ${biggest.hours} h run's upload copy ${gb(biggest.uploadCopyBytes)} + chunks ${gb(biggest.chunkBytes)} (the work dir is emptied between sizes)`;
  const margin = `${gb(DISK_MARGIN_BYTES)} margin`;
  const needs = sameDisk
    ? [{ dir: workParent, bytes: inputs + work + DISK_MARGIN_BYTES, parts: `${inputText} + ${workText} + ${margin}` }]
    : [
        { dir: cacheDir, bytes: inputs + DISK_MARGIN_BYTES, parts: `${inputText} + ${margin}` },
        { dir: workParent, bytes: work + DISK_MARGIN_BYTES, parts: `${workText} + ${margin}` },
      ];
  for (const n of needs) {
    const free = freeBytes(n.dir);
    if (free < n.bytes) {
      throw new Refusal(
        `not enough free disk for ${what}: needs ${gb(n.bytes)} under ${n.dir} (${n.parts}); ${gb(free)} free.\n` +
          `Free some space, pass --channels 1 (mono: half the chunk bytes), run one size at a time, or put the work dir on a larger disk with --work-dir DIR.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Upload with the real CLI

/** What the CLI's stderr (and GET /uploads/:id) told about the upload; a sitting fills it in. */
interface UploadIds {
  audioId: string | null;
  partCount: number | null;
  partSizeBytes: number | null;
}

interface UploadState {
  partCount: number;
  partSizeBytes: number;
  receivedParts: unknown[];
}

async function uploadState(api: Api, audioId: string): Promise<UploadState | null> {
  const res = await api.get(`/uploads/${audioId}`);
  if (res.ok) return (await res.json()) as UploadState;
  await res.body?.cancel();
  return null;
}

/**
 * One run of `speech upload FILE --parallel N`, in its own XDG_CACHE_HOME (where the CLI keeps
 * its resume state). With `killAtHalf` it is SIGKILLed once GET /uploads/:id says half the
 * parts are stored (polled faster once the CLI's own progress line passes 40 %).
 */
async function cliSitting(
  p: { file: string; api: Api; cacheHome: string; parallel: number; sampler: Sampler; killAtHalf: boolean },
  timeoutMs: number,
  ids: UploadIds,
) {
  const t0 = performance.now();
  const child = track(
    spawn(process.execPath, [...TSX_ARGS, CLI, 'upload', p.file, '--parallel', String(p.parallel)], {
      cwd: ROOT,
      env: {
        ...process.env,
        SPEECH_URL: p.api.url,
        SPEECH_TOKEN: p.api.token,
        TOKEN: p.api.token,
        XDG_CACHE_HOME: p.cacheHome,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  if (child.pid) p.sampler.watch('cli', child.pid);
  let stderr = '';
  let stdout = '';
  let resumedFromParts: number | null = null;
  let progressPct = 0;
  let pending = '';
  child.stdout?.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-10_000)));
  child.stderr?.on('data', (d: Buffer) => {
    const s = d.toString();
    stderr = (stderr + s).slice(-20_000);
    const lines = (pending + s).split(/[\r\n]/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const created = /upload ([0-9a-f-]{36}): (\d+) parts/.exec(line);
      if (created) {
        ids.audioId = created[1] as string;
        ids.partCount = Number(created[2]);
      }
      const resumed = /resuming upload ([0-9a-f-]{36}): (\d+)\/(\d+) parts/.exec(line);
      if (resumed) {
        ids.audioId = resumed[1] as string;
        resumedFromParts = Number(resumed[2]);
        ids.partCount = Number(resumed[3]);
      }
      const pct = /\] ([\d.]+)%/.exec(line);
      if (pct) progressPct = Number(pct[1]);
    }
  });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => ok({ code, signal }));
  });
  void exited.then(() => (done = true)).catch(() => undefined);

  let killed = false;
  let partsStoredAtKill: number | null = null;
  let killedAfterMs: number | null = null;
  const deadline = Date.now() + timeoutMs;
  while (!done) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      p.sampler.unwatch('cli');
      throw new Error(`the CLI did not finish within ${Math.round(timeoutMs / 1000)} s:\n${stderr.slice(-2000)}`);
    }
    if (!p.killAtHalf || !ids.audioId || killed) {
      await Promise.race([sleep(100), exited]);
      continue;
    }
    const st = await uploadState(p.api, ids.audioId);
    if (st) ids.partSizeBytes = st.partSizeBytes;
    if (st && st.receivedParts.length * 2 >= st.partCount && !done) {
      child.kill('SIGKILL');
      killed = true;
      killedAfterMs = Math.round(performance.now() - t0);
      partsStoredAtKill = st.receivedParts.length;
      break;
    }
    // Each poll reads every stored part's record: with many parts, poll less often (until the
    // CLI's own progress line nears half), so the polling costs the upload little.
    const n = ids.partCount ?? 0;
    await Promise.race([sleep(progressPct >= 40 ? Math.min(100, 25 + n / 8) : Math.min(500, 25 + n)), exited]);
  }
  const r = await exited;
  const ms = Math.round(performance.now() - t0);
  p.sampler.tick(); // the last look at the tree before the CLI leaves the watch list
  const w = p.sampler.unwatch('cli');
  const summary = w ? summarizeWatch(w) : null;
  const after = ids.audioId ? await uploadState(p.api, ids.audioId) : null;
  return {
    ms,
    exit: r.signal ? `signal ${r.signal}` : `code ${r.code}`,
    killed,
    killedAfterMs,
    partsStoredAtKill,
    partsStoredAfterExit: after?.receivedParts.length ?? null,
    resumedFromParts,
    cliPeakMb: summary?.rootPeakMb ?? 0,
    cliTreePeakMb: summary?.treePeakMb ?? 0,
    stderrTail: stderr.slice(-600),
    stdout: stdout.trim().slice(-600),
  };
}

type Sitting = Awaited<ReturnType<typeof cliSitting>>;

// ---------------------------------------------------------------------------------------------
// Chunks, read back from the platform's data

interface ChunkRow {
  _id: string;
  audioId: string;
  channel: number;
  index: number;
  startMs: number;
  endMs: number;
  objectKey: string;
}

/** The chunker's chunk records, read from the platform's SQLite database (DATA_DIR/speech.db). */
async function readChunkRecords(dataDir: string, audioId: string): Promise<ChunkRow[] | null> {
  const file = join(dataDir, 'speech.db');
  if (!existsSync(file)) return null;
  const database = new SqliteDatabase(file);
  try {
    return (
      await new SqliteDocumentStore(database).collection<ChunkRow & { _id: string }>('chunks').find({ audioId })
    ).map((d) => d as ChunkRow);
  } finally {
    database.close();
  }
}

/** Chunk WAVs in the filesystem object store: DATA_DIR/objects/audio/<id>/chunks/<channel>-<index>.wav. */
function chunkWavs(dataDir: string, audioId: string): { dir: string; names: string[] } {
  const dir = join(dataDir, 'objects', 'audio', audioId, 'chunks');
  try {
    return { dir, names: readdirSync(dir).filter((f) => f.endsWith('.wav')) };
  } catch {
    return { dir, names: [] };
  }
}

interface ChunkItem {
  channel: number;
  index: number;
  startMs: number;
  endMs: number;
  /** Duration from the record (endMs − startMs), or from the WAV size without records. */
  ms: number;
  /** Duration from the WAV's size. */
  wavMs: number | null;
}

function chunkStats(
  records: ChunkRow[] | null,
  wavs: { name: string; bytes: number }[],
  audioMs: number | null,
  rangeMs: number | null,
) {
  const wavMs = new Map(wavs.map((w) => [w.name, ((w.bytes - WAV_HEADER_BYTES) / CHUNK_BYTES_PER_SECOND) * 1000]));
  const items: ChunkItem[] = records
    ? records.map((r) => ({
        channel: r.channel,
        index: r.index,
        startMs: r.startMs,
        endMs: r.endMs,
        ms: r.endMs - r.startMs,
        wavMs: wavMs.get(r.objectKey.split('/').pop() ?? '') ?? null,
      }))
    : wavs.map((w) => {
        // <channel>-<index>.wav; without records the times are the running sum of the durations.
        const m = /^(\d+)-(\d+)\.wav$/.exec(w.name);
        const ms = wavMs.get(w.name) ?? 0;
        return { channel: Number(m?.[1]), index: Number(m?.[2]), startMs: NaN, endMs: NaN, ms, wavMs: ms };
      });
  items.sort((a, b) => a.channel - b.channel || a.index - b.index);
  const lastIndex = new Map<number, number>();
  for (const c of items) lastIndex.set(c.channel, Math.max(lastIndex.get(c.channel) ?? -1, c.index));
  const seconds = items.map((c) => c.ms / 1000);
  const outside = items.filter((c) => c.ms < CHUNK_MIN_MS || c.ms > CHUNK_MAX_MS);
  const notLast = outside.filter((c) => lastIndex.get(c.channel) !== c.index);
  const buckets: [string, (s: number) => boolean][] = [
    ['<30', (s) => s < 30],
    ['30–35', (s) => s >= 30 && s < 35],
    ['35–40', (s) => s >= 35 && s < 40],
    ['40–45', (s) => s >= 40 && s < 45],
    ['45–50', (s) => s >= 45 && s < 50],
    ['50–55', (s) => s >= 50 && s < 55],
    ['55–60', (s) => s >= 55 && s <= 60],
    ['>60', (s) => s > 60],
  ];
  // Per channel: the chunks must tile the recording (no gap, no overlap).
  const perChannel = [...lastIndex.keys()].map((channel) => {
    const cs = items.filter((c) => c.channel === channel);
    if (!records) {
      let t = 0;
      for (const c of cs) {
        c.startMs = t;
        t += c.ms;
        c.endMs = t;
      }
    }
    let gaps = 0;
    let overlaps = 0;
    let missingIndexes = 0;
    cs.forEach((b, i) => {
      const a = cs[i - 1];
      if (!a) return;
      if (b.index !== a.index + 1) missingIndexes++;
      if (b.startMs > a.endMs) gaps++;
      if (b.startMs < a.endMs) overlaps++;
    });
    return {
      channel,
      chunks: cs.length,
      coveredS: round(cs.reduce((s, c) => s + c.ms, 0) / 1000, 1),
      endS: round(Math.max(...cs.map((c) => c.endMs)) / 1000, 1),
      gaps,
      overlaps,
      missingIndexes,
      lastChunkS: round((cs.at(-1)?.ms ?? NaN) / 1000, 2),
    };
  });
  const diffs = items.filter((c) => c.wavMs !== null).map((c) => Math.abs((c.wavMs as number) - c.ms));
  return {
    source: records ? 'chunker collection DATA_DIR/db/chunks.db (endMs − startMs)' : 'WAV sizes (no chunks.db found)',
    count: items.length,
    wavFiles: wavs.length,
    wavBytes: wavs.reduce((s, w) => s + w.bytes, 0),
    seconds: {
      min: round(Math.min(...seconds), 2),
      p10: round(percentile(seconds, 10), 2),
      median: round(percentile(seconds, 50), 2),
      p90: round(percentile(seconds, 90), 2),
      max: round(Math.max(...seconds), 2),
      mean: round(seconds.reduce((s, x) => s + x, 0) / (seconds.length || 1), 2),
    },
    outside30to60: outside.length,
    outside30to60NotLastOfChannel: notLast.length,
    ...(rangeMs
      ? {
          outsideNotLastEndingAtRangeBoundary: notLast.filter((c) => c.endMs % rangeMs === 0).length,
          rangeMsFromEnv: rangeMs,
        }
      : {}),
    outliers: outside.slice(0, 20).map((c) => ({
      channel: c.channel,
      index: c.index,
      startMs: c.startMs,
      endMs: c.endMs,
      s: round(c.ms / 1000, 2),
    })),
    histogramSeconds: Object.fromEntries(buckets.map(([k, f]) => [k, seconds.filter(f).length])),
    perChannel,
    audioS: audioMs === null ? null : round(audioMs / 1000, 1),
    wavVsRecordMaxDiffMs: diffs.length ? round(Math.max(...diffs), 1) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// One size

/** CPU used by others while a phase ran: the machine's busy time minus this script, its reaped children and the platform's tree. */
function phaseMeter(platformPid: number) {
  const meter = cpuMeter();
  const p0 = processCpuS(platformPid) ?? 0;
  return () => {
    const m = meter.stop();
    const platformCpuS = round((processCpuS(platformPid) ?? p0) - p0, 1);
    const othersCpuS = Math.max(0, round(m.othersCpuS - platformCpuS, 1));
    return {
      wallS: m.wallS,
      platformCpuS,
      othersCpuS,
      othersShareOfMachine: m.wallS > 0 ? round(othersCpuS / (m.wallS * m.cores), 3) : 0,
    };
  };
}

/** Polls GET /audios/:id until `ready`; fails on `failed`, on a stall (no new chunk WAV) and at the deadline. */
async function waitUntilChunked(
  ctx: BenchContext,
  p: { platform: PlatformProcess; api: Api; audioId: string; dataDir: string; channels: number; timeoutMs: number },
) {
  const { platform } = p;
  const firstSeen: Partial<Record<RecordingStatus, number>> = {};
  const t0 = performance.now();
  let view: RecordingView | null = null;
  let lastCount = -1;
  let lastProgress = Date.now();
  let lastCountAt = 0;
  let lastLog = Date.now();
  const deadline = Date.now() + p.timeoutMs;
  for (;;) {
    if (platform.child?.exitCode !== null || platform.child?.signalCode)
      throw new Error(`the platform exited while chunking:\n${platform.stderr.slice(-3000)}`);
    const res = await p.api.get(`/audios/${p.audioId}`);
    if (res.ok) {
      view = (await res.json()) as RecordingView;
      firstSeen[view.status] ??= Math.round(performance.now() - t0);
      if (view.status === 'ready') return { view, firstSeen };
      if (view.status === 'failed') throw new Error(`recording ${p.audioId} failed: ${JSON.stringify(view.failure)}`);
    } else {
      const text = await res.text();
      if (res.status !== 404) throw new Error(`GET /audios/${p.audioId} → ${res.status} ${text.slice(0, 300)}`);
    }
    if (Date.now() - lastCountAt > 5000) {
      lastCountAt = Date.now();
      const n = chunkWavs(p.dataDir, p.audioId).names.length;
      if (n > lastCount) {
        lastCount = n;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > STALL_MS) {
        throw new Error(`no new chunk for ${STALL_MS / 60_000} min (${n} so far, status ${view?.status ?? '?'})`);
      }
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      const audioDone = (lastCount * 45) / p.channels / 3600;
      ctx.log(
        `  chunking: ${lastCount} chunks (~${audioDone.toFixed(1)} h of audio) after ${((performance.now() - t0) / 1000).toFixed(0)} s, status ${view?.status ?? '?'}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${p.timeoutMs / 60_000} min waiting for ready; seen ${JSON.stringify(firstSeen)}`,
      );
    await sleep(250);
  }
}

async function soakOne(ctx: BenchContext, opts: SoakOptions, plan: DiskPlan, sampler: Sampler, state: RunState) {
  const { hours, seconds } = plan;
  const tag = label(seconds);
  const out: Record<string, unknown> = { hours, channels: opts.channels };
  state.current = out;

  ctx.log(
    `${hours} h ${opts.channels === 2 ? 'stereo' : 'mono'}: expect ${gb(plan.chunkBytes)} of chunk WAVs (${opts.channels} × ${seconds} s × 32 kB/s), ` +
      `an upload copy of ${gb(plan.uploadCopyBytes)}${plan.inputCached ? '' : `, and ${gb(plan.inputBytes)} of input to generate`}`,
  );
  checkDisk(
    [{ ...plan, inputCached: existsSync(plan.inputFile) }],
    ctx.cacheDir,
    opts.workParent,
    false,
    `the ${hours} h run`,
  );
  out.expected = {
    chunkBytes: plan.chunkBytes,
    uploadCopyBytes: plan.uploadCopyBytes,
    freeBytesAtStart: freeBytes(ctx.workDir),
  };

  state.generating = plan.inputFile;
  const t0 = performance.now();
  const existed = existsSync(plan.inputFile);
  const { abs: file, ...input } = await loopedMp3(ctx, seconds, SOURCE, opts.channels);
  state.generating = null;
  out.input = { ...input, generatedMs: existed ? null : Math.round(performance.now() - t0) };
  ctx.log(
    `  input ${input.path}: ${(input.bytes / MB).toFixed(1)} MB, ${input.durationS} s, ${input.channels} channel(s)`,
  );

  const platformEnv = { ...opts.env };
  const { platform, dataDir } = await startPlatform(ctx, `data-${tag}`, platformEnv);
  state.platform = platform;
  const pid = platform.child?.pid as number;
  out.platform = {
    pid,
    dataDir,
    env: platformEnv,
    note: 'tsx apps/standalone/src/main.ts with its own DATA_DIR; STT_PROVIDER left default',
  };
  const platformWatch = sampler.watch('platform', pid);
  // PlatformProcess.token() lasts 1 h by default; a 200 h upload and its chunking may take longer.
  const api = new Api(platform.url, await platform.token('soak', platform.secret, '7d'));
  const cacheHome = join(ctx.workDir, `cli-cache-${tag}`);
  const sitting = { file, api, cacheHome, parallel: opts.parallel, sampler };
  const uploadTimeoutMs = 10 * 60_000 + (input.bytes / (2 * MB)) * 1000; // ≥ 2 MB/s

  try {
    // -- Upload, in two sittings.
    const uploadMeter = phaseMeter(pid);
    sampler.phase = 'upload-1';
    ctx.log(`  upload, 1st sitting: speech upload --parallel ${opts.parallel}, SIGKILL once half the parts are stored`);
    const ids: UploadIds = { audioId: null, partCount: null, partSizeBytes: null };
    const s1 = await cliSitting({ ...sitting, killAtHalf: true }, uploadTimeoutMs, ids);
    const { audioId, partCount, partSizeBytes } = ids;
    if (!audioId) throw new Error(`the CLI printed no upload id:\n${s1.stderrTail}`);
    out.audioId = audioId;
    ctx.log(
      s1.killed
        ? `  killed after ${(s1.ms / 1000).toFixed(1)} s with ${s1.partsStoredAtKill}/${partCount} parts stored (${s1.partsStoredAfterExit} after the kill)`
        : `  the 1st sitting finished (${s1.exit}) before half the parts were seen stored: no resume to measure`,
    );
    let s2: Sitting | null = null;
    if (s1.killed) {
      sampler.phase = 'upload-2';
      ctx.log('  upload, 2nd sitting: the same command again (resumes)');
      s2 = await cliSitting({ ...sitting, killAtHalf: false }, uploadTimeoutMs, { ...ids });
      if (s2.exit !== 'code 0') throw new Error(`the 2nd sitting failed (${s2.exit}):\n${s2.stderrTail}`);
      if (s2.resumedFromParts === null)
        throw new Error(`the 2nd sitting did not resume (no "resuming upload" line):\n${s2.stderrTail}`);
    } else if (s1.exit !== 'code 0') {
      throw new Error(`the 1st sitting failed (${s1.exit}):\n${s1.stderrTail}`);
    }
    const tUploaded = Date.now();
    const uploadLoad = uploadMeter();
    const uploadMs = s1.ms + (s2?.ms ?? 0);
    const mbPerS = round(input.bytes / MB / (uploadMs / 1000), 1);
    out.upload = {
      bytes: input.bytes,
      partCount,
      partSizeBytes,
      parallel: opts.parallel,
      twoSittings: s1.killed,
      wallMs: uploadMs,
      wallS: round(uploadMs / 1000, 1),
      mbPerS,
      measures:
        'file MB (1e6 bytes) / (wall time of the 1st sitting, spawn → SIGKILL exit, + the 2nd, spawn → exit 0); CLI start-up included',
      sittings: s2 ? [s1, s2] : [s1],
      cliPeakMb: Math.max(s1.cliPeakMb, s2?.cliPeakMb ?? 0),
      cliTreePeakMb: Math.max(s1.cliTreePeakMb, s2?.cliTreePeakMb ?? 0),
      machineLoad: uploadLoad,
    };
    ctx.log(`  uploaded in ${(uploadMs / 1000).toFixed(1)} s (${mbPerS} MB/s over both sittings)`);

    // -- Chunking: upload completion → `ready`.
    sampler.phase = 'chunking';
    const chunkMeter = phaseMeter(pid);
    const chunkTimeoutMs = 10 * 60_000 + hours * 2 * 60_000; // ≥ 30× realtime
    const wait = { platform, api, audioId, dataDir, channels: opts.channels, timeoutMs: chunkTimeoutMs };
    const { view, firstSeen } = await waitUntilChunked(ctx, wait);
    const observedMs = Date.now() - tUploaded;
    const chunkLoad = chunkMeter();
    sampler.phase = 'after';
    sampler.tick();
    const audioS = input.durationS ?? seconds;
    // The server's own times: audio.uploaded (createdAt) → audio.chunked applied (updatedAt of the ready view).
    const serverMs = view.updatedAt - view.createdAt;
    const chunkMs = serverMs > 0 ? serverMs : observedMs;
    const xRealtime = round(audioS / (chunkMs / 1000), 1);
    out.chunking = {
      wallMs: Math.round(chunkMs),
      wallS: round(chunkMs / 1000, 1),
      measures:
        'server side: audio.uploaded (the view’s createdAt, set when the upload completes) → audio.chunked (the ready view’s updatedAt)',
      observedMs: Math.round(observedMs),
      observedMeasures: 'the 2nd CLI sitting’s exit → `ready` first seen by polling GET /audios/:id every 250 ms',
      firstSeenMs: firstSeen,
      audioHoursPerWallMinute: round(audioS / 3600 / (chunkMs / 60_000), 2),
      xRealtime,
      chunkCount: view.chunkCount,
      durationMs: view.durationMs,
      timeoutMs: chunkTimeoutMs,
      machineLoad: chunkLoad,
      platformCpuSPerAudioHour: round(chunkLoad.platformCpuS / (audioS / 3600), 1),
    };
    ctx.log(`  ready: ${view.chunkCount} chunks in ${(chunkMs / 1000).toFixed(1)} s (${xRealtime}× realtime)`);
  } finally {
    sampler.unwatch('platform');
    out.rss = {
      unit: 'MB = kB from /proc / 1024',
      intervalMs: SAMPLE_EVERY_MS,
      samples: sampler.samples,
      platform: summarizeWatch(platformWatch),
    };
    // A graceful stop, then anything of its tree still running.
    await platform.stop();
    killRemembered();
    state.platform = null;
    // LOG_LEVEL=warn: what the platform complained about, if anything (its start-up banner, which
    // prints a demo token, is left out: these results are committed).
    const complaints = platform.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .join('\n');
    out.platformStderrTail = complaints.slice(-2000) || null;
  }

  const view = out.chunking as { chunkCount: number | null; durationMs: number | null };
  const rangeMs = opts.env.CHUNK_RANGE_MS ? Number(opts.env.CHUNK_RANGE_MS) || null : null;
  const records = await readChunkRecords(dataDir, out.audioId as string);
  const { dir, names } = chunkWavs(dataDir, out.audioId as string);
  const wavs = names.map((name) => ({ name, bytes: statSync(join(dir, name)).size }));
  out.chunks = {
    ...chunkStats(records, wavs, view.durationMs, rangeMs),
    chunkCountInView: view.chunkCount,
    expectedWavBytes: plan.chunkBytes,
  };
  const p = (out.rss as { platform: ReturnType<typeof summarizeWatch> }).platform;
  const up = out.upload as { cliPeakMb: number; cliTreePeakMb: number };
  out.rss = {
    ...(out.rss as object),
    platformNodePeakMb: p.rootPeakMb,
    platformTreePeakMb: p.treePeakMb,
    largestPlatformProcess: p.largestProcess,
    limitMb: RSS_LIMIT_MB,
    met: p.largestProcess.peakMb <= RSS_LIMIT_MB,
    cliPeakMb: up.cliPeakMb,
    cliTreePeakMb: up.cliTreePeakMb,
    series: sampler.series.splice(0),
  };
  if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
  rmSync(cacheHome, { recursive: true, force: true });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report

type Run = Record<string, unknown> & { hours: number; error?: string };

function get(o: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}

function summaryTable(runs: Run[]): string {
  const s = (r: Run, p: string, suffix = '') => {
    const v = get(r, p);
    return v === undefined || v === null ? '–' : `${cell(v)}${suffix}`;
  };
  const share = (r: Run, p: string) => {
    const v = get(r, p);
    return typeof v === 'number' ? `${Math.round(v * 100)} %` : '–';
  };
  const sum = (r: Run, k: 'gaps' | 'overlaps') =>
    (get(r, 'chunks.perChannel') as Record<typeof k, number>[]).reduce((x, c) => x + c[k], 0);
  const rows: [string, (r: Run) => string][] = [
    [
      'input',
      (r) =>
        `${s(r, 'input.durationS', ' s')}, ${s(r, 'input.channels')} ch, ${((Number(get(r, 'input.bytes')) || 0) / MB).toFixed(1)} MB MP3`,
    ],
    ['upload wall, both sittings', (r) => s(r, 'upload.wallS', ' s')],
    [
      'sittings',
      (r) => {
        const [a, b] = (get(r, 'upload.sittings') ?? []) as Sitting[];
        const n = cell(get(r, 'upload.partCount'));
        if (!a) return '–';
        return `1st ${(a.ms / 1000).toFixed(1)} s, killed at ${a.partsStoredAtKill ?? '–'}/${n} parts${b ? `; 2nd ${(b.ms / 1000).toFixed(1)} s, resumed from ${b.resumedFromParts}/${n}` : ' (no 2nd sitting)'}`;
      },
    ],
    ['upload throughput', (r) => s(r, 'upload.mbPerS', ' MB/s')],
    ['chunking wall (upload completion → ready)', (r) => s(r, 'chunking.wallS', ' s')],
    [
      'chunking throughput',
      (r) =>
        `${s(r, 'chunking.audioHoursPerWallMinute', ' audio h / wall min')}, ${s(r, 'chunking.xRealtime', '× realtime')}`,
    ],
    ['chunkCount', (r) => s(r, 'chunking.chunkCount')],
    [
      'chunk s min / median / max',
      (r) => `${s(r, 'chunks.seconds.min')} / ${s(r, 'chunks.seconds.median')} / ${s(r, 'chunks.seconds.max')}`,
    ],
    [
      'chunks outside 30–60 s (not last of a channel)',
      (r) => `${s(r, 'chunks.outside30to60')} (${s(r, 'chunks.outside30to60NotLastOfChannel')})`,
    ],
    [
      'chunk s histogram',
      (r) => {
        const h = get(r, 'chunks.histogramSeconds') as Record<string, number> | undefined;
        return h
          ? Object.entries(h)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')
          : '–';
      },
    ],
    [
      'gaps / overlaps between chunks',
      (r) => (get(r, 'chunks.perChannel') ? `${sum(r, 'gaps')} / ${sum(r, 'overlaps')}` : '–'),
    ],
    ['peak RSS, platform Node process', (r) => s(r, 'rss.platformNodePeakMb', ' MB')],
    ['peak RSS, platform tree (ffmpeg incl.)', (r) => s(r, 'rss.platformTreePeakMb', ' MB')],
    [
      `largest platform process (limit ${RSS_LIMIT_MB} MB)`,
      (r) => {
        const l = get(r, 'rss.largestPlatformProcess') as { command: string; peakMb: number } | undefined;
        const met = get(r, 'rss.met');
        return l ? `${l.peakMb} MB (${l.command}) ${met === true ? '✅ met' : met === false ? '❌ over' : ''}` : '–';
      },
    ],
    ['peak RSS, CLI', (r) => s(r, 'rss.cliPeakMb', ' MB')],
    [
      'platform CPU, upload / chunking',
      (r) => `${s(r, 'upload.machineLoad.platformCpuS', ' s')} / ${s(r, 'chunking.machineLoad.platformCpuS', ' s')}`,
    ],
    [
      'others’ CPU share, upload / chunking',
      (r) =>
        `${share(r, 'upload.machineLoad.othersShareOfMachine')} / ${share(r, 'chunking.machineLoad.othersShareOfMachine')}`,
    ],
    ['error', (r) => (r.error ? cell(r.error.split('\n')[0]) : '–')],
  ];
  const lines = [`| | ${runs.map((r) => `${r.hours} h`).join(' | ')} |`, `|---|${runs.map(() => '---').join('|')}|`];
  for (const [name, f] of rows) {
    if (name === 'error' && !runs.some((r) => r.error)) continue;
    lines.push(`| ${name} | ${runs.map(f).join(' | ')} |`);
  }
  return lines.join('\n');
}

function renderSoak(rep: { date: string; command: string; durationS: number; machine: object; runs: Run[] }): string {
  const lines = [
    '# Soak: upload and chunking of long recordings (issue #4)',
    '',
    `- **Date:** ${rep.date}`,
    `- **Command:** \`${rep.command}\``,
    `- **Duration:** ${Math.round(rep.durationS)} s`,
    '',
    'A looped sample call (not re-encoded) goes up through the real CLI in two sittings (SIGKILLed once half the parts are stored, then resumed) to a fresh single-process platform, which chunks it; no transcription is requested. RSS is sampled from /proc every 200 ms (MB = kB / 1024); the Node process’s peak is its VmHWM. The platform tree leaves out tsx’s esbuild service. “Others’ CPU share” is the CPU other processes on the machine used meanwhile: above a few per cent, times are skewed.',
    '',
    summaryTable(rep.runs),
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    ...fieldRows(rep.machine),
    '',
  ];
  for (const r of rep.runs) {
    // Everything but the RSS time series (in the JSON only).
    const rss = r.rss && typeof r.rss === 'object' ? { ...(r.rss as Record<string, unknown>) } : undefined;
    if (rss) delete rss.series;
    lines.push(`## ${r.hours} h, every figure`, '', '| field | value |', '|---|---|');
    lines.push(...fieldRows({ ...r, ...(rss ? { rss } : {}) }));
    lines.push('', '(The RSS time series, one point every 10 s, is in the JSON: `runs[].rss.series`.)', '');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

interface RunState {
  current: Record<string, unknown> | null;
  platform: { stop(): Promise<unknown> } | null;
  generating: string | null;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  const started = Date.now();
  const date = new Date(started).toISOString();
  const log = (msg: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${msg}`);
  const ctx: BenchContext = {
    opts: { quick: false, stack: false, only: null },
    root: ROOT,
    cacheDir: join(ROOT, 'bench/.cache'),
    workDir: '', // made once the disk check passes
    stack: null,
    stackSkipReason: 'the soak run uses the single-process platform only',
    inputs: {},
    log,
  };
  mkdirSync(ctx.cacheDir, { recursive: true });
  mkdirSync(opts.workParent, { recursive: true });

  // Refuse before anything runs when the disk cannot hold every size.
  const plans: DiskPlan[] = [];
  for (const hours of opts.hours) {
    const seconds = Math.round(hours * 3600);
    const inputFile = loopedPath(ctx, seconds, SOURCE, opts.channels);
    const inputCached = existsSync(inputFile);
    const inputBytes = inputCached
      ? statSync(inputFile).size
      : Math.round((await sourceBytesPerSecond(ctx, opts.channels)) * seconds);
    // ~45 s chunks of 16 kHz mono 16-bit per channel: one WAV header each.
    const chunkSeconds = seconds * opts.channels;
    const chunkBytes = Math.round(
      chunkSeconds * CHUNK_BYTES_PER_SECOND + Math.ceil(chunkSeconds / 45) * WAV_HEADER_BYTES,
    );
    plans.push({ hours, seconds, inputFile, inputCached, inputBytes, uploadCopyBytes: inputBytes, chunkBytes });
  }
  for (const p of plans)
    log(
      `${p.hours} h, ${opts.channels} channel(s): expected chunk WAVs ${gb(p.chunkBytes)} (${p.chunkBytes} bytes), input ${gb(p.inputBytes)}${p.inputCached ? ' (cached)' : ''}, upload copy ${gb(p.uploadCopyBytes)}`,
    );
  checkDisk(plans, ctx.cacheDir, opts.workParent, opts.keep, `--hours ${opts.hours.join(',')}`);
  const workDir = mkdtempSync(join(opts.workParent, 'speech-soak-'));
  ctx.workDir = workDir;
  const state: RunState = { current: null, platform: null, generating: null };
  const sampler = new Sampler();

  const cleanup = () => {
    sampler.stop();
    killAllTracked();
    killRemembered();
    if (state.generating) rmSync(`${state.generating}.tmp.mp3`, { force: true });
    if (opts.keep) log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping every process this run started (by PID)${opts.keep ? '' : ` and removing ${workDir}`}`);
      cleanup();
      process.exit(130);
    });
  }

  const command = `npm run bench:soak --${argv.length ? ` ${argv.join(' ')}` : ''}`;
  const machine = machineInfo(workDir);
  const runs: Run[] = [];
  try {
    log(`work dir ${workDir}; ${gb(freeBytes(workDir))} free; platform env ${JSON.stringify(opts.env)}`);
    sampler.start();

    for (const plan of plans) {
      const t0 = Date.now();
      try {
        const out = await soakOne(ctx, opts, plan, sampler, state);
        runs.push({ ...out, hours: plan.hours, wallS: round((Date.now() - t0) / 1000, 1) });
      } catch (err) {
        log(`${plan.hours} h failed: ${errorText(err).split('\n').slice(0, 3).join(' | ')}`);
        runs.push({ ...(state.current ?? {}), hours: plan.hours, error: errorText(err) });
        await state.platform?.stop().catch(() => undefined);
        state.platform = null;
        killRemembered();
        if (!opts.keep) rmSync(join(workDir, `data-${label(plan.seconds)}`), { recursive: true, force: true });
      } finally {
        state.current = null;
      }
    }
  } catch (err) {
    runs.push({ hours: NaN, error: errorText(err) });
    log(errorText(err));
  } finally {
    cleanup();
  }

  const report = {
    kind: 'soak',
    issue: 4,
    date,
    command,
    argv,
    options: opts,
    durationS: round((Date.now() - started) / 1000, 1),
    machine,
    inputs: ctx.inputs,
    runs,
  };
  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = `${renderSoak(report)}\n`;
  const stamp = date.replace(/[:.]/g, '-');
  for (const name of ['soak-latest', `soak-${stamp}`]) {
    writeFileSync(join(RESULTS, `${name}.json`), json);
    writeFileSync(join(RESULTS, `${name}.md`), md);
  }
  console.log(`\n${summaryTable(runs)}\n`);
  log(`wrote bench/results/soak-latest.json and soak-latest.md (${report.durationS} s)`);
  return runs.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof Refusal) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(errorText(err));
    process.exit(1);
  },
);
