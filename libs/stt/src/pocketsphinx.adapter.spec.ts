import { mkdtemp, readFile, readdir, readlink, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureWarmModelCopy,
  lastCmnVector,
  parsePocketsphinxOutput,
  PocketsphinxSpeechToText,
  quietestStretchDb,
  withCmnInit,
} from './pocketsphinx.adapter';
import { SttError } from './stt-error';

// Captured from `pocketsphinx_continuous -infile sales-discovery.c0.wav -time yes -logfn /dev/null`
// (first two utterances), plus filler lines this build prints on noisier audio.
const SAMPLE_OUTPUT = `hi this is laura from steve urkel out
<s> 0.000 0.200 0.999800
hi 0.210 0.550 0.011189
<sil> 0.560 0.710 0.745251
this 0.720 0.900 0.754777
is 0.910 1.090 0.842721
laura 1.100 1.430 0.409260
from 1.440 1.650 0.873003
steve 1.660 1.880 0.092460
urkel 1.890 2.230 0.092599
out 2.240 2.580 0.276803
</s> 2.590 3.010 1.000000
what made you look at cloud backup solution to this quarter
<s> 12.930 13.010 0.999000
what 13.020 13.220 0.133089
[NOISE] 13.230 13.300 0.500000
++BREATH++ 13.300 13.350 0.500000
made 13.360 13.490 0.068337
to(3) 15.890 15.940 0.115897
quarter 16.160 16.760 0.999900
</s> 16.770 17.140 1.000000
`;

describe('parsePocketsphinxOutput', () => {
  const words = parsePocketsphinxOutput(SAMPLE_OUTPUT);

  it('keeps the words in order and drops fillers, silences and hypothesis lines', () => {
    expect(words.map((w) => w.text)).toEqual([
      'hi',
      'this',
      'is',
      'laura',
      'from',
      'steve',
      'urkel',
      'out',
      'what',
      'made',
      'to',
      'quarter',
    ]);
  });

  it('converts seconds to integer milliseconds', () => {
    expect(words[0]).toEqual({ text: 'hi', startMs: 210, endMs: 550, confidence: 0.0112 });
    expect(words.find((w) => w.text === 'quarter')).toEqual({
      text: 'quarter',
      startMs: 16160,
      endMs: 16760,
      confidence: 0.9999,
    });
    for (const w of words) {
      expect(Number.isInteger(w.startMs) && Number.isInteger(w.endMs)).toBe(true);
      expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
    }
  });

  it('folds alternate pronunciations', () => {
    expect(words.some((w) => w.text === 'to(3)')).toBe(false);
    expect(words.find((w) => w.text === 'to')?.startMs).toBe(15890);
  });

  it('reads log-domain posteriors as probabilities', () => {
    const [w] = parsePocketsphinxOutput('hello 1.000 1.500 -6931\n');
    expect(w?.confidence).toBeCloseTo(0.5, 2); // 1.0001^-6931 ≈ 0.5
  });

  it('returns nothing for output without word lines', () => {
    expect(parsePocketsphinxOutput('')).toEqual([]);
    expect(parsePocketsphinxOutput('hello world\n')).toEqual([]);
  });
});

describe('lastCmnVector', () => {
  it('takes the last "Update to" vector of the log', () => {
    const log = [
      'INFO: cmn_live.c(120): Update from < 41.00 -5.29 -0.12  5.09  2.48 -4.07 -1.37 -1.78 -5.08 -2.05 -6.45 -1.42  1.17 >',
      'INFO: cmn_live.c(138): Update to   < 51.13  6.58  2.66  4.43 -11.53  0.54  3.84 -6.12 -0.18  1.11 -0.05 -2.63  1.72 >',
      'INFO: cmn_live.c(105): Update to   < 52.41  7.27  1.97  6.42 -11.78  0.02  3.31 -4.43 -1.73 -0.03  1.75 -2.17  1.01 >',
      'INFO: ngram_search.c(301): TOTAL bestpath 0.05 CPU 0.001 xRT',
    ].join('\n');
    expect(lastCmnVector(log)).toEqual([
      52.41, 7.27, 1.97, 6.42, -11.78, 0.02, 3.31, -4.43, -1.73, -0.03, 1.75, -2.17, 1.01,
    ]);
  });

  it('is null without cmn lines', () => {
    expect(lastCmnVector('INFO: nothing here')).toBeNull();
  });
});

describe('withCmnInit', () => {
  const FEAT =
    '-lowerf 130\n-upperf 6800\n-cmn batch\n-cmninit 41.00,-5.29,-0.12,5.09,2.48,-4.07,-1.37,-1.78,-5.08,-2.05,-6.45,-1.42,1.17\n-varnorm no\n';

  it('replaces the model vector and keeps every other line', () => {
    const out = withCmnInit(FEAT, [50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.345]);
    expect(out).toBe(
      '-lowerf 130\n-upperf 6800\n-cmn batch\n-varnorm no\n-cmninit 50.00,1.00,2.00,3.00,4.00,5.00,6.00,7.00,8.00,9.00,10.00,11.00,12.35\n',
    );
  });

  it('adds the line when the model has none', () => {
    expect(withCmnInit('-cmn live', Array(13).fill(1))).toMatch(/^-cmn live\n-cmninit 1\.00(,1\.00){12}\n$/);
  });
});

describe('ensureWarmModelCopy', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ps-model-'));
    await mkdir(join(dir, 'hmm'));
    await writeFile(
      join(dir, 'hmm', 'feat.params'),
      '-cmn batch\n-cmninit 41.00,-5.29,-0.12,5.09,2.48,-4.07,-1.37,-1.78,-5.08,-2.05,-6.45,-1.42,1.17\n',
    );
    await writeFile(join(dir, 'hmm', 'means'), 'big binary');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const V = [50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

  it('symlinks the model files and writes an edited feat.params', async () => {
    const copy = await ensureWarmModelCopy(join(dir, 'hmm'), join(dir, 'work'), V);
    expect(await readlink(join(copy, 'means'))).toBe(join(dir, 'hmm', 'means'));
    expect(await readFile(join(copy, 'feat.params'), 'utf8')).toContain('-cmninit 50.00,1.00');
    // The source model is untouched.
    expect(await readFile(join(dir, 'hmm', 'feat.params'), 'utf8')).toContain('-cmninit 41.00');
  });

  it('reuses the copy, also when built concurrently, and leaves no staging dirs', async () => {
    const work = join(dir, 'work');
    const copies = await Promise.all([1, 2, 3, 4].map(() => ensureWarmModelCopy(join(dir, 'hmm'), work, V)));
    expect(new Set(copies).size).toBe(1);
    expect(await readdir(work)).toEqual([copies[0]!.slice(work.length + 1)]);
  });

  it('makes a different copy for a different vector', async () => {
    const a = await ensureWarmModelCopy(join(dir, 'hmm'), join(dir, 'work'), V);
    const b = await ensureWarmModelCopy(
      join(dir, 'hmm'),
      join(dir, 'work'),
      V.map((x) => x + 1),
    );
    expect(a).not.toBe(b);
  });

  it('rejects a vector of the wrong length', async () => {
    await expect(ensureWarmModelCopy(join(dir, 'hmm'), join(dir, 'work'), [1, 2, 3])).rejects.toThrow(RangeError);
  });
});

describe('PocketsphinxSpeechToText errors (no engine run)', () => {
  it('refuses languages it has no model for', async () => {
    const stt = new PocketsphinxSpeechToText();
    await expect(stt.transcribe({ wavPath: '/nonexistent.wav', language: 'de-DE' })).rejects.toMatchObject({
      code: 'STT.UNSUPPORTED_LANGUAGE',
      retriable: false,
    });
  });

  it('reports an unreadable input as BAD_AUDIO, not retriable', async () => {
    const stt = new PocketsphinxSpeechToText();
    const err = await stt.transcribe({ wavPath: '/nonexistent.wav' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SttError);
    expect(err).toMatchObject({ code: 'STT.BAD_AUDIO', retriable: false });
  });
});

describe('quietestStretchDb', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ps-floor-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A canonical WAV from segments of a square wave at a given amplitude. */
  async function wav(name: string, segments: [ms: number, amplitude: number][]): Promise<string> {
    const samples = segments.flatMap(([ms, amp]) => Array.from({ length: ms * 16 }, (_, i) => (i % 2 ? amp : -amp)));
    const pcm = Buffer.alloc(samples.length * 2);
    samples.forEach((x, i) => pcm.writeInt16LE(x, i * 2));
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'ascii');
    header.writeUInt32LE(36 + pcm.length, 4);
    header.write('WAVEfmt ', 8, 'ascii');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16000, 24);
    header.writeUInt32LE(32000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'ascii');
    header.writeUInt32LE(pcm.length, 40);
    const path = join(dir, name);
    await writeFile(path, Buffer.concat([header, pcm]));
    return path;
  }

  it('finds a 300 ms pause of digital silence between loud stretches', async () => {
    expect(
      await quietestStretchDb(
        await wav('gap.wav', [
          [2000, 8000],
          [400, 0],
          [2000, 8000],
        ]),
      ),
    ).toBe(-100);
  });

  it('reports the line-noise level when the line never goes quiet', async () => {
    // Square wave of amplitude A has RMS A: 100 → 20·log10(100 / 32768) ≈ -50.3 dBFS.
    const db = await quietestStretchDb(
      await wav('noisy.wav', [
        [2000, 8000],
        [1000, 100],
        [2000, 8000],
      ]),
    );
    expect(db).toBeCloseTo(-50.3, 1);
  });

  it('ignores a pause shorter than the window', async () => {
    const db = await quietestStretchDb(
      await wav('short-gap.wav', [
        [2000, 8000],
        [100, 0],
        [2000, 8000],
      ]),
    );
    expect(db).toBeGreaterThan(-15); // at most 100 of 300 ms silent: ≈ -13.9 dBFS
  });
});
