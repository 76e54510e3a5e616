/**
 * Measures what per-chunk decoding costs pocketsphinx against decoding a channel whole, and what
 * warm-start fixes buy back. Not a test (minutes of CPU); run by hand from the repo root:
 *
 *   npx tsx libs/stt/eval/measure-cmn.ts [--long N] [--noise-db D] [--jobs J] [fixture …]
 *
 * For each stereo fixture and channel it takes the exact samples libs/audio's streamChunks yields,
 * decodes them whole and chunk by chunk under several conditions, and prints WER against that
 * speaker's dialogue lines (A| = channel 0, C| = channel 1).
 *   --long N      also a call made of the fixtures repeated N times (more chunk boundaries);
 *   --noise-db D  first adds independent white noise at D dBFS RMS to each channel (the fixtures'
 *                 pauses are near-digital silence, which no phone line has);
 *   --jobs J      decodes in parallel (default 2);
 *   --front on,off,auto  pocketsphinx's noise removal setting(s) to run (default on);
 *   --only c1,c2  only these conditions (e.g. whole/model,chunked/self).
 * Conditions, by initial CMN: the model's own ("model"), a constant ("warm", the mean of the
 * fixtures' whole-channel final estimates), the previous chunk's final estimate ("chained"), this
 * channel's whole-file final estimate ("oracle", the best a per-channel vector could do), and each
 * decode's own estimate from a cheap first pass ("self", the adapter's default).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamChunks, pcmToWav, WAV_HEADER_BYTES, type AudioChunk } from '@speech/audio';
import { PocketsphinxSpeechToText, wordErrorRate } from '../src';

const FIXTURES = join(__dirname, '../../../test/fixtures');

type Vector = 'self' | 'model' | readonly number[];

interface Item {
  name: string;
  audio: string;
  /** Per channel: reference text. */
  refs: [string, string];
}

interface Prepared {
  item: string;
  channel: 0 | 1;
  ref: string;
  whole: string;
  chunks: string[];
}

/** pocketsphinx's `-remove_noise`: on (as the model ships it), off, or 'auto' (the adapter's default). */
const ALL_FRONT_ENDS: Record<string, boolean | 'auto'> = {
  'noise-removal-on': true,
  'noise-removal-off': false,
  'noise-removal-auto': 'auto',
};
let FRONT_ENDS: Record<string, boolean | 'auto'> = { 'noise-removal-on': true };
/** Only these conditions (--only a,b); all when empty. */
let ONLY: string[] = [];

/** This script's output is its report (stdout, tab-separated). */
function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'cmn-eval-'));
  try {
    let items: Item[] = args.fixtures.map((f) => ({
      name: f,
      audio: join(FIXTURES, `${f}.stereo.mp3`),
      refs: refsOf(join(FIXTURES, `${f}.txt`)),
    }));
    if (args.repeat > 0) items.push(longItem(items, args.repeat, work));
    if (args.noiseDb !== null) items = items.map((i) => withNoise(i, args.noiseDb as number, work));

    const engines = new Map<string, PocketsphinxSpeechToText>();
    const engine = (front: string, v: Vector): PocketsphinxSpeechToText => {
      const key = `${front}|${JSON.stringify(v)}`;
      let e = engines.get(key);
      if (!e)
        engines.set(
          key,
          (e = new PocketsphinxSpeechToText({ cmnInit: v, workDir: work, removeNoise: FRONT_ENDS[front] })),
        );
      return e;
    };
    const limit = pool(args.jobs);
    const text = (words: { text: string }[]): string => words.map((w) => w.text).join(' ');

    const prepared: Prepared[] = [];
    for (const item of items) prepared.push(...(await prepare(item, work)));

    // Whole-channel decodes with the model's CMN init give the per-channel "oracle" vectors;
    // their mean over the plain fixtures is the "warm" constant under test.
    const oracle = new Map<string, number[]>();
    const cpuStart = Date.now();
    let audioMs = 0;
    await Promise.all(
      prepared.flatMap((p) =>
        Object.keys(FRONT_ENDS).map((front) =>
          limit(async () => {
            const d = await engine(front, 'model').decode(p.whole);
            if (front === Object.keys(FRONT_ENDS)[0]) audioMs += d.audioMs;
            if (d.finalCmn) oracle.set(`${front}|${p.item}|${p.channel}`, d.finalCmn);
          }),
        ),
      ),
    );
    const n = Object.keys(FRONT_ENDS).length;
    out(
      `# wall time of the first ${prepared.length * n} whole-channel decodes: ${((n * audioMs) / (Date.now() - cpuStart)).toFixed(1)}x real time with ${args.jobs} jobs`,
    );
    const warm = new Map<string, number[]>();
    for (const front of Object.keys(FRONT_ENDS)) {
      const vs = prepared
        .filter((p) => !p.item.includes('long'))
        .map((p) => oracle.get(`${front}|${p.item}|${p.channel}`))
        .filter((v): v is number[] => !!v);
      warm.set(front, mean(vs));
      out(`# ${front}: warm = mean of the fixtures' final CMN = ${mean(vs).join(',')}`);
    }

    const rows: Promise<string>[] = [];
    for (const p of prepared) {
      for (const front of Object.keys(FRONT_ENDS)) {
        const own: Vector = oracle.get(`${front}|${p.item}|${p.channel}`) ?? 'model';
        const w = warm.get(front) as number[];
        const row = (condition: string, hyp: () => Promise<string>): void => {
          if (ONLY.length && !ONLY.includes(condition)) return;
          rows.push(
            hyp().then((h) => {
              const r = wordErrorRate(p.ref, h);
              return `${p.item}\t${p.channel}\t${p.chunks.length}\t${front}\t${condition}\t${(r.wer * 100).toFixed(1)}%\t${r.substitutions}/${r.deletions}/${r.insertions}/${r.refWords}`;
            }),
          );
        };
        const whole = (v: Vector): Promise<string> =>
          limit(async () => text((await engine(front, v).decode(p.whole)).words));
        // Chunks of one channel run one after another when a condition chains estimates; otherwise in parallel.
        const chunked = (v: Vector): Promise<string> =>
          Promise.all(p.chunks.map((c) => limit(async () => text((await engine(front, v).decode(c)).words)))).then(
            (t) => t.join(' '),
          );
        const chained = async (): Promise<string> => {
          let prev: number[] | null = null;
          const out: string[] = [];
          for (const c of p.chunks) {
            const d = await limit(() => engine(front, prev ?? w).decode(c));
            out.push(text(d.words));
            prev = d.finalCmn;
          }
          return out.join(' ');
        };
        row('whole/model', () => whole('model'));
        row('whole/warm', () => whole(w));
        row('whole/self', () => whole('self'));
        row('chunked/model', () => chunked('model'));
        row('chunked/warm', () => chunked(w));
        row('chunked/chained', () => chained());
        row('chunked/oracle', () => chunked(own));
        // The adapter's default: each chunk's own estimate from a cheap first pass.
        row('chunked/self', () => chunked('self'));
      }
    }
    out('item\tch\tchunks\tfront-end\tcondition\tWER\tS/D/I/N');
    for (const r of rows) out(await r);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): { repeat: number; noiseDb: number | null; jobs: number; fixtures: string[] } {
  const out = { repeat: 0, noiseDb: null as number | null, jobs: 2, fixtures: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--long') out.repeat = Number(argv[++i]);
    else if (a === '--noise-db') out.noiseDb = Number(argv[++i]);
    else if (a === '--jobs') out.jobs = Number(argv[++i]);
    else if (a === '--front')
      FRONT_ENDS = Object.fromEntries(
        (argv[++i] as string)
          .split(',')
          .map((f) => [`noise-removal-${f}`, ALL_FRONT_ENDS[`noise-removal-${f}`] as boolean | 'auto']),
      );
    else if (a === '--only') ONLY = (argv[++i] as string).split(',');
    else out.fixtures.push(a);
  }
  if (out.fixtures.length === 0) out.fixtures = ['sales-discovery', 'support-outage'];
  return out;
}

/** A minimal promise pool: at most n tasks at a time. */
function pool(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Chunks a call with streamChunks and writes each channel's chunks, and their concatenation, as WAVs. */
async function prepare(item: Item, work: string): Promise<Prepared[]> {
  const all: AudioChunk[] = [];
  for await (const c of streamChunks(item.audio)) all.push(c);
  return ([0, 1] as const).map((channel) => {
    const mine = all.filter((c) => c.channel === channel).sort((a, b) => a.index - b.index);
    const chunks = mine.map((c, i) => {
      const path = join(work, `${item.name}-c${channel}-${i}.wav`);
      writeFileSync(path, c.wav);
      return path;
    });
    const whole = join(work, `${item.name}-c${channel}-whole.wav`);
    writeFileSync(whole, pcmToWav(Buffer.concat(mine.map((c) => c.wav.subarray(WAV_HEADER_BYTES)))));
    return { item: item.name, channel, ref: item.refs[channel], whole, chunks };
  });
}

function mean(vectors: number[][]): number[] {
  return (vectors[0] ?? []).map(
    (_, k) => Math.round((vectors.reduce((s, v) => s + (v[k] ?? 0), 0) / vectors.length) * 100) / 100,
  );
}

function refsOf(dialoguePath: string): [string, string] {
  const lines = readFileSync(dialoguePath, 'utf8').split('\n');
  const pick = (p: string): string =>
    lines
      .filter((l) => l.startsWith(p))
      .map((l) => l.slice(2))
      .join(' ');
  return [pick('A|'), pick('C|')];
}

/** The fixtures one after another, `repeat` times: a longer call with many chunk boundaries. */
function longItem(items: Item[], repeat: number, work: string): Item {
  const list = join(work, 'concat.txt');
  const parts = Array.from({ length: repeat }, () => items.map((i) => `file '${i.audio}'`)).flat();
  writeFileSync(list, parts.join('\n') + '\n');
  const audio = join(work, 'long.stereo.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', audio]);
  const refs = ([0, 1] as const).map((ch) =>
    Array.from({ length: repeat }, () => items.map((i) => i.refs[ch]))
      .flat()
      .join(' '),
  );
  return { name: `long-x${repeat}`, audio, refs: [refs[0] as string, refs[1] as string] };
}

/** Independent white noise per channel at `db` dBFS RMS (uniform noise: RMS = amplitude / √12). */
function withNoise(item: Item, db: number, work: string): Item {
  const amp = Math.pow(10, db / 20) * Math.sqrt(12);
  const audio = join(work, `${item.name}.noise${db}.wav`);
  const expr = `val(0)+${amp}*(random(0)-0.5)|val(1)+${amp}*(random(1)-0.5)`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', item.audio, '-af', `aeval=${expr}`, '-c:a', 'pcm_s16le', audio]);
  return { ...item, name: `${item.name}+noise${db}dB`, audio };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
