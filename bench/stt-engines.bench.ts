import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spokenWordErrorRate, vocabularyPrompt, type WerResult } from '@speech/stt';
import { processCpuS } from './lib/cpu';
import { engineText, toMonoWav } from './lib/engine';
import { FIXTURES, fixture } from './lib/inputs';
import { pool } from './lib/proc';
import { round } from './lib/timing';
import { meets, type Benchmark, type Figure } from './lib/types';
import { bareWhisper, whisperPython, type BareWhisperRun } from './lib/whisper';

/** The stereo fixtures the engines are compared on (test/fixtures). */
export const ENGINE_FIXTURES = ['sales-discovery', 'support-outage', 'product-names'] as const;
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';
const ENGINES = ['whisper tiny.en', 'whisper base', 'pocketsphinx'] as const;
/** The names in test/fixtures/product-names.txt an upload would list as its vocabulary. */
const VOCABULARY = ['Zyntrix', 'Ferrovane', 'Quorbit', 'Kestrel Labs', 'Okonkwo', 'Priya'];
type Engine = (typeof ENGINES)[number];

/** One speaker's lines of a dialogue file: `A|` = the agent = channel 0, `C|` = channel 1. */
export function speakerLines(name: string, channel: 0 | 1): string {
  return readFileSync(join(FIXTURES, `${name}.txt`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(channel === 0 ? 'A|' : 'C|'))
    .map((l) => l.slice(2))
    .join(' ');
}

/** Debian's pocketsphinx-testdata LibriVox utterances: [wav, reference]. */
function librivox(): { wav: string; ref: string }[] {
  const lines = readFileSync(join(LIBRIVOX, 'transcription'), 'utf8').split('\n').filter(Boolean);
  return lines.map((l) => {
    const m = /^<s> (.*) <\/s> \((.+)\)$/.exec(l.trim());
    if (!m) throw new Error(`unexpected transcription line: ${l}`);
    return { wav: join(LIBRIVOX, `${m[2]}.wav`), ref: m[1] as string };
  });
}

interface Pooled {
  errors: number;
  refWords: number;
}

function add(p: Pooled, w: WerResult): void {
  p.errors += w.substitutions + w.deletions + w.insertions;
  p.refWords += w.refWords;
}

const pct = (p: Pooled) => (p.refWords ? round((p.errors / p.refWords) * 100, 2) : null);

/**
 * WER of each engine per fixture channel (the whole channel, the way a stereo call is transcribed)
 * and on real read speech, with numbers spelled out in both texts; the engines' CPU per audio
 * second. Whisper: bare faster-whisper with the engine service's decode options, model loaded once.
 * pocketsphinx: `pocketsphinx_continuous` with its default model, as the wer benchmark runs it.
 */
export const sttEnginesBench: Benchmark = {
  name: 'stt-engines',
  keys: ['sttWerPct', 'sttWerRealSpeechPct', 'sttCpuPerAudioS', 'sttVocabularyGain'],
  async run(ctx) {
    const python = whisperPython();
    const channels: { name: string; channel: 0 | 1; wav: string; ref: string }[] = [];
    for (const name of ENGINE_FIXTURES) {
      for (const channel of [0, 1] as const) {
        const wav = join(ctx.workDir, `${name}.engines.ch${channel}.wav`);
        await toMonoWav(fixture(name as never), wav, channel);
        channels.push({ name, channel, wav, ref: speakerLines(name, channel) });
      }
    }
    const real = librivox();
    const wavs = [...channels.map((c) => c.wav), ...real.map((r) => r.wav)];

    ctx.log(`  whisper tiny.en and base on ${wavs.length} files (one process each, 1 thread)`);
    const whisper: Record<'whisper tiny.en' | 'whisper base', BareWhisperRun> = {
      'whisper tiny.en': await bareWhisper(python, 'tiny.en', wavs),
      'whisper base': await bareWhisper(python, 'base', wavs),
    };
    // The same two channels of the call with unusual names, with the upload's vocabulary as the
    // platform passes it (the engine's hotwords), against without.
    const named = channels.filter((c) => c.name === 'product-names');
    const withVocabulary = await bareWhisper(
      python,
      'tiny.en',
      named.map((c) => c.wav),
      1,
      vocabularyPrompt(VOCABULARY),
    );
    ctx.log('  pocketsphinx on the same files');
    const cpu0 = processCpuS('self');
    const ps = await pool(wavs, 1, (wav) => engineText(wav));
    const cpu1 = processCpuS('self');
    const textOf = (engine: Engine, i: number): string =>
      engine === 'pocketsphinx' ? (ps.results[i]?.text ?? '') : (whisper[engine].files[i]?.text ?? '');

    const perFixture: Record<string, Record<string, number | null>> = {};
    // The figure is over the sample calls; product-names (unusual names, no vocabulary
    // here) is scored beside it and in sttVocabularyGain.
    const pooled = Object.fromEntries(ENGINES.map((e) => [e, { errors: 0, refWords: 0 }])) as Record<Engine, Pooled>;
    const pooledAll = Object.fromEntries(ENGINES.map((e) => [e, { errors: 0, refWords: 0 }])) as Record<Engine, Pooled>;
    const pooledReal = Object.fromEntries(ENGINES.map((e) => [e, { errors: 0, refWords: 0 }])) as Record<
      Engine,
      Pooled
    >;
    for (const e of ENGINES) {
      const byFixture = new Map<string, Pooled>();
      channels.forEach((c, i) => {
        const w = spokenWordErrorRate(c.ref, textOf(e, i));
        add(pooledAll[e], w);
        if (c.name !== 'product-names') add(pooled[e], w);
        const f = byFixture.get(c.name) ?? { errors: 0, refWords: 0 };
        add(f, w);
        byFixture.set(c.name, f);
        (perFixture[`${c.name} ch${c.channel}`] ??= {})[e] = round(w.wer * 100, 2);
      });
      for (const [name, p] of byFixture) (perFixture[name] ??= {})[e] = pct(p);
      real.forEach((r, j) => add(pooledReal[e], spokenWordErrorRate(r.ref, textOf(e, channels.length + j))));
    }
    const audioS = whisper['whisper tiny.en'].audioS;
    // This process and its reaped children (the decoders).
    const psCpu = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : ps.results.reduce((s, r) => s + r.ms, 0) / 1000;
    const cpu = {
      'whisper tiny.en': round(whisper['whisper tiny.en'].cpuS / audioS, 3),
      'whisper base': round(whisper['whisper base'].cpuS / audioS, 3),
      pocketsphinx: round(psCpu / audioS, 3),
    };
    const tinyWer = pct(pooled['whisper tiny.en']);
    const tinyReal = pct(pooledReal['whisper tiny.en']);
    const table = {
      perFixtureWerPct: perFixture,
      pooledWerPct: Object.fromEntries(ENGINES.map((e) => [e, pct(pooled[e])])),
      pooledWithProductNamesWerPct: Object.fromEntries(ENGINES.map((e) => [e, pct(pooledAll[e])])),
      realSpeechWerPct: Object.fromEntries(ENGINES.map((e) => [e, pct(pooledReal[e])])),
      cpuPerAudioS: cpu,
      peakRssMb: {
        'whisper tiny.en': round(whisper['whisper tiny.en'].peakRssMb, 1),
        'whisper base': round(whisper['whisper base'].peakRssMb, 1),
      },
      audioSeconds: round(audioS, 1),
      refWords: pooled['whisper tiny.en'].refWords,
      realSpeechRefWords: pooledReal['whisper tiny.en'].refWords,
      inputs: [
        ...ENGINE_FIXTURES.map((n) => `test/fixtures/${n}.stereo.mp3 (each channel whole)`),
        `${LIBRIVOX}/*.wav`,
      ],
      scoring:
        'WER = (S + D + I) / N per channel against that speaker’s lines, numbers spelled out in both texts (spokenWordErrorRate), pooled over channels',
    };
    const sttWerPct: Figure = {
      value: tinyWer,
      unit: '% WER of the default engine (Whisper tiny.en), pooled over the channels of sales-discovery and support-outage',
      target: '≤ 8',
      baseline: 'pocketsphinx and Whisper base on the same channels, same run (see pooledWerPct)',
      met: meets(tinyWer, '<=', 8),
      ...table,
    };
    const sttWerRealSpeechPct: Figure = {
      value: tinyReal,
      unit: '% WER of Whisper tiny.en on the LibriVox utterances of Debian’s pocketsphinx-testdata',
      target: '≤ 5',
      baseline: 'pocketsphinx and Whisper base on the same utterances (realSpeechWerPct)',
      met: meets(tinyReal, '<=', 5),
      realSpeechWerPct: table.realSpeechWerPct,
      refWords: table.realSpeechRefWords,
    };
    const sttCpuPerAudioS: Figure = {
      value: cpu['whisper tiny.en'],
      unit: 'CPU seconds per audio second, Whisper tiny.en (bare faster-whisper, 1 thread, model load excluded)',
      target: '≤ pocketsphinx’s (same run)',
      baseline: 'pocketsphinx_continuous on the same files, one at a time',
      met: cpu['whisper tiny.en'] <= cpu.pocketsphinx,
      cpuPerAudioS: cpu,
      peakRssMb: table.peakRssMb,
    };
    const without: Pooled = { errors: 0, refWords: 0 };
    const withVocab: Pooled = { errors: 0, refWords: 0 };
    let namesRef = 0;
    let namesWithout = 0;
    let namesWith = 0;
    const count = (text: string) =>
      VOCABULARY.reduce(
        (n, v) => n + (text.toLowerCase().match(new RegExp(`\\b${v.toLowerCase()}\\b`, 'g'))?.length ?? 0),
        0,
      );
    named.forEach((c, j) => {
      const i = channels.indexOf(c);
      add(without, spokenWordErrorRate(c.ref, textOf('whisper tiny.en', i)));
      add(withVocab, spokenWordErrorRate(c.ref, withVocabulary.files[j]?.text ?? ''));
      namesRef += count(c.ref);
      namesWithout += Math.min(count(c.ref), count(textOf('whisper tiny.en', i)));
      namesWith += Math.min(count(c.ref), count(withVocabulary.files[j]?.text ?? ''));
    });
    const gain = round((pct(without) ?? 0) - (pct(withVocab) ?? 0), 2);
    const sttVocabularyGain: Figure = {
      value: gain,
      unit: 'WER percentage points gained on product-names (both channels) by passing the vocabulary, Whisper tiny.en',
      target: '> 0',
      baseline: 'the same channels transcribed without vocabulary, same run',
      met: gain > 0,
      vocabulary: VOCABULARY,
      werWithoutPct: pct(without),
      werWithPct: pct(withVocab),
      namesSpelledRight: { of: namesRef, without: namesWithout, with: namesWith },
    };
    return { sttWerPct, sttWerRealSpeechPct, sttCpuPerAudioS, sttVocabularyGain };
  },
};
