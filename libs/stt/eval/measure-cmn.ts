/**
 * Measures what per-chunk decoding costs pocketsphinx, and what a warm CMN start buys back.
 * Not a test (it takes minutes); run by hand:
 *
 *   npx tsx libs/stt/eval/measure-cmn.ts [--long N] [fixture …]
 *
 * For each stereo fixture and channel it decodes the channel's audio (the exact samples
 * libs/audio's streamChunks yields) whole and in silence-cut chunks, with several initial
 * cepstral means, and prints WER against that speaker's dialogue lines (A| = channel 0,
 * C| = channel 1). `--long N` also builds a recording from the fixtures repeated N times, for more
 * chunk boundaries than two 80-second calls have.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamChunks, pcmToWav, WAV_HEADER_BYTES, type AudioChunk } from '@speech/audio';
import { PocketsphinxSpeechToText, WARM_CMN_INIT, wordErrorRate } from '@speech/stt';

const FIXTURES = join(__dirname, '../../../test/fixtures');

type Vector = 'model' | readonly number[];

interface Item {
  name: string;
  mp3: string;
  /** Per channel: reference text. */
  refs: [string, string];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const longAt = argv.indexOf('--long');
  const repeat = longAt >= 0 ? Number(argv[longAt + 1]) : 0;
  const names = argv.filter((a, i) => i !== longAt && i !== longAt + 1);
  const fixtures = names.length ? names : ['sales-discovery', 'support-outage'];
  const work = mkdtempSync(join(tmpdir(), 'cmn-eval-'));
  try {
    const items: Item[] = fixtures.map((f) => ({ name: f, mp3: join(FIXTURES, `${f}.stereo.mp3`), refs: refsOf(join(FIXTURES, `${f}.txt`)) }));
    if (repeat > 0) items.push(longItem(items, repeat, work));
    const engines = new Map<string, PocketsphinxSpeechToText>();
    const engine = (v: Vector): PocketsphinxSpeechToText => {
      const key = JSON.stringify(v);
      let e = engines.get(key);
      if (!e) engines.set(key, (e = new PocketsphinxSpeechToText({ cmnInit: v, workDir: work })));
      return e;
    };

    console.log('item\tch\tchunks\tcondition\tWER\tS/D/I/N\tdecode-xRT');
    for (const item of items) {
      const chunks: AudioChunk[] = [];
      for await (const c of streamChunks(item.mp3)) chunks.push(c);
      for (const ch of [0, 1] as const) {
        const mine = chunks.filter((c) => c.channel === ch).sort((a, b) => a.index - b.index);
        const paths = mine.map((c, i) => {
          const p = join(work, `${item.name}-c${ch}-${i}.wav`);
          writeFileSync(p, c.wav);
          return p;
        });
        const whole = join(work, `${item.name}-c${ch}-whole.wav`);
        writeFileSync(whole, pcmToWav(Buffer.concat(mine.map((c) => c.wav.subarray(WAV_HEADER_BYTES)))));
        const ref = item.refs[ch];
        const report = (condition: string, text: string, cpuMs: number, audioMs: number): void => {
          const w = wordErrorRate(ref, text);
          console.log(
            `${item.name}\t${ch}\t${mine.length}\t${condition}\t${(w.wer * 100).toFixed(1)}%\t${w.substitutions}/${w.deletions}/${w.insertions}/${w.refWords}\t${(audioMs / cpuMs).toFixed(1)}x`,
          );
        };
        const decodeAll = async (vectors: (i: number, prev: number[] | null) => Vector): Promise<[string, number, number]> => {
          let prev: number[] | null = null;
          let text = '';
          let ms = 0;
          let audio = 0;
          for (let i = 0; i < paths.length; i++) {
            const t0 = Date.now();
            const d = await engine(vectors(i, prev)).decode(paths[i] as string);
            ms += Date.now() - t0;
            audio += d.audioMs;
            text += ' ' + d.words.map((w) => w.text).join(' ');
            prev = d.finalCmn;
          }
          return [text, ms, audio];
        };

        for (const [label, v] of [['model-cmninit', 'model'], ['warm-constant', WARM_CMN_INIT]] as const) {
          const t0 = Date.now();
          const d = await engine(v).decode(whole);
          report(`whole/${label}`, d.words.map((w) => w.text).join(' '), Date.now() - t0, d.audioMs);
          if (label === 'model-cmninit') console.log(`#\t${item.name}\t${ch}\tfinal-cmn\t${d.finalCmn?.map((x) => x.toFixed(2)).join(',')}`);
        }
        report('chunked/model-cmninit', ...(await decodeAll(() => 'model')));
        report('chunked/warm-constant', ...(await decodeAll(() => WARM_CMN_INIT)));
        // Per-channel warm start: each chunk starts from the previous chunk's final estimate
        // (the first from the warm constant), as a worker that sees a channel's chunks in order could.
        report('chunked/chained-from-previous', ...(await decodeAll((i, prev) => (i > 0 && prev ? prev : WARM_CMN_INIT))));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function refsOf(dialoguePath: string): [string, string] {
  const lines = readFileSync(dialoguePath, 'utf8').split('\n');
  const pick = (p: string): string => lines.filter((l) => l.startsWith(p)).map((l) => l.slice(2)).join(' ');
  return [pick('A|'), pick('C|')];
}

/** The fixtures one after another, `repeat` times: a longer call with many chunk boundaries. */
function longItem(items: Item[], repeat: number, work: string): Item {
  const list = join(work, 'concat.txt');
  const parts = Array.from({ length: repeat }, () => items.map((i) => `file '${i.mp3}'`)).flat();
  writeFileSync(list, parts.join('\n') + '\n');
  const mp3 = join(work, 'long.stereo.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', mp3]);
  const refs: [string, string] = [0, 1].map((ch) =>
    Array.from({ length: repeat }, () => items.map((i) => i.refs[ch as 0 | 1])).flat().join(' '),
  ) as [string, string];
  return { name: `long-x${repeat}`, mp3, refs };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
