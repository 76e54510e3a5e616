import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transcript } from '@speech/contracts';
import { wordErrorRate, type WerResult } from '@speech/stt';
import { engineText, engineTextPlatformArgs, platformEngineArgs, toMonoWav } from './lib/engine';
import { FIXTURE_NAMES, FIXTURES, fixture } from './lib/inputs';
import { startPlatform } from './lib/platform';
import { uploadToTranscribed } from './lib/pipeline-run';
import { pool } from './lib/proc';
import { round } from './lib/timing';
import { meets, type Benchmark, type Figure } from './lib/types';

const TARGET = 2;

function pct(w: WerResult): number {
  return round(w.wer * 100, 2);
}

function errors(w: WerResult): number {
  return w.substitutions + w.deletions + w.insertions;
}

function brief(w: WerResult) {
  return {
    werPct: pct(w),
    refWords: w.refWords,
    substitutions: w.substitutions,
    deletions: w.deletions,
    insertions: w.insertions,
  };
}

/** The speaker's lines of a dialogue file (`A|…` agent = channel 0, `C|…` customer = channel 1). */
function linesOf(name: string, who: 'A' | 'C'): string {
  return readFileSync(join(FIXTURES, `${name}.txt`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${who}|`))
    .map((l) => l.slice(2))
    .join(' ');
}

/**
 * werDeltaPoints: WER of the platform's chunked and merged transcript minus WER of the engine on
 * the whole file (mono downmix), in percentage points, over the fixtures.
 */
export const werBench: Benchmark = {
  name: 'wer',
  keys: ['werDeltaPoints'],
  async run(ctx) {
    const { platform, api } = await startPlatform(ctx, 'wer', { STT_CONCURRENCY: '2' });
    const platformHyp: Record<string, Transcript> = {};
    const platformMs: Record<string, number> = {};
    try {
      for (const name of FIXTURE_NAMES) {
        ctx.log(`  platform: ${name}`);
        const r = await uploadToTranscribed(api, api.token, fixture(name), 600_000);
        platformHyp[name] = await api.json<Transcript>(`/audios/${r.audioId}/transcript`);
        platformMs[name] = r.platformMs;
      }
    } finally {
      await platform.cleanup();
    }

    ctx.log('  bare engine on the whole files (mono downmix) and on each whole channel');
    const platformArgs = await platformEngineArgs(join(ctx.workDir, 'engine'));
    type Job = { name: string; what: 'mono' | 'ch0' | 'ch1' | 'ch0-platformArgs' | 'ch1-platformArgs'; wav: string };
    const jobs: Job[] = [];
    for (const name of FIXTURE_NAMES) {
      const mono = join(ctx.workDir, `${name}.mono.wav`);
      await toMonoWav(fixture(name), mono);
      jobs.push({ name, what: 'mono', wav: mono });
      for (const ch of [0, 1] as const) {
        const wav = join(ctx.workDir, `${name}.ch${ch}.wav`);
        await toMonoWav(fixture(name), wav, ch);
        jobs.push({ name, what: `ch${ch}`, wav });
        // Context only; skipped in --quick to save two minutes of decoding.
        if (!ctx.opts.quick) jobs.push({ name, what: `ch${ch}-platformArgs`, wav });
      }
    }
    const { results } = await pool(jobs, 2, async (j) => ({
      ...j,
      ...(j.what.endsWith('platformArgs')
        ? await engineTextPlatformArgs(j.wav, platformArgs.args)
        : await engineText(j.wav)),
    }));
    const hyp = (name: string, what: Job['what']) =>
      results.find((r) => r.name === name && r.what === what)?.text ?? '';

    const perFixture: Record<string, unknown> = {};
    let platErr = 0;
    let wholeErr = 0;
    let refWords = 0;
    for (const name of FIXTURE_NAMES) {
      const ref = readFileSync(join(FIXTURES, `${name}.ref.txt`), 'utf8');
      const t = platformHyp[name] as Transcript;
      const plat = wordErrorRate(ref, t.segments.map((s) => s.text).join(' '));
      const whole = wordErrorRate(ref, hyp(name, 'mono'));
      platErr += errors(plat);
      wholeErr += errors(whole);
      refWords += plat.refWords;
      const refA = linesOf(name, 'A');
      const refC = linesOf(name, 'C');
      const side = (speaker: string) =>
        t.segments
          .filter((s) => s.speaker === speaker)
          .map((s) => s.text)
          .join(' ');
      perFixture[name] = {
        deltaPoints: round(pct(plat) - pct(whole), 2),
        platform: brief(plat),
        wholeFileEngine: brief(whole),
        platformMs: platformMs[name],
        context: {
          note: 'per channel, against that speaker’s lines: the platform’s merged transcript for the speaker, and the engine on the whole channel (as run by hand, and with the platform adapter’s own arguments)',
          agent: {
            platform: brief(wordErrorRate(refA, side('agent'))),
            wholeChannelEngine: brief(wordErrorRate(refA, hyp(name, 'ch0'))),
            wholeChannelEnginePlatformArgs: ctx.opts.quick
              ? 'skipped in --quick'
              : brief(wordErrorRate(refA, hyp(name, 'ch0-platformArgs'))),
          },
          customer: {
            platform: brief(wordErrorRate(refC, side('customer'))),
            wholeChannelEngine: brief(wordErrorRate(refC, hyp(name, 'ch1'))),
            wholeChannelEnginePlatformArgs: ctx.opts.quick
              ? 'skipped in --quick'
              : brief(wordErrorRate(refC, hyp(name, 'ch1-platformArgs'))),
          },
        },
      };
    }
    const platformWer = (platErr / refWords) * 100;
    const wholeWer = (wholeErr / refWords) * 100;
    const value = round(platformWer - wholeWer, 2);
    const fig: Figure = {
      value,
      unit: 'WER percentage points (platform − whole-file engine), pooled over the fixtures',
      target: `≤ ${TARGET}`,
      baseline:
        'pocketsphinx_continuous -infile <whole call downmixed to 16 kHz mono, bitexact> -logfn /dev/null (default model), WER against the same .ref.txt',
      met: meets(value, '<=', TARGET),
      inputs: FIXTURE_NAMES.map((n) => `test/fixtures/${n}.stereo.mp3`),
      platformWerPct: round(platformWer, 2),
      wholeFileWerPct: round(wholeWer, 2),
      refWords,
      perFixture,
      platformEngineCommand: `pocketsphinx_continuous ${platformArgs.recorded.join(' ')}`,
      engineMs: Object.fromEntries(results.map((r) => [`${r.name}:${r.what}`, round(r.ms, 1)])),
    };
    return { werDeltaPoints: fig };
  },
};
