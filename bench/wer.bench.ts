import { join } from 'node:path';
import { SPEAKER_BY_CHANNEL, type Transcript } from '@speech/contracts';
import { spokenWordErrorRate, type WerResult } from '@speech/stt';
import { toMonoWav } from './lib/engine';
import { FIXTURE_NAMES, fixture, type FixtureName } from './lib/inputs';
import { startPlatform } from './lib/platform';
import { uploadToTranscribed } from './lib/pipeline-run';
import { round } from './lib/timing';
import { meets, type Benchmark, type Figure } from './lib/types';
import { bareWhisper, whisperPython } from './lib/whisper';
import { speakerLines } from './stt-engines.bench';

const TARGET = 1;

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

/**
 * werDeltaPoints: WER of the platform's chunked and merged transcript minus WER of the same engine
 * (Whisper tiny.en, the default) on each whole channel, in percentage points, scored per speaker
 * against that speaker's lines with numbers spelled out, pooled over the fixtures. The platform
 * cuts 30–60 s chunks at pauses; Whisper decodes 30 s windows anyway, so chunking should cost
 * next to nothing.
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

    ctx.log('  bare Whisper tiny.en on each whole channel');
    const jobs: { name: FixtureName; channel: 0 | 1; wav: string }[] = [];
    for (const name of FIXTURE_NAMES) {
      for (const channel of [0, 1] as const) {
        const wav = join(ctx.workDir, `${name}.ch${channel}.wav`);
        await toMonoWav(fixture(name), wav, channel);
        jobs.push({ name, channel, wav });
      }
    }
    const bare = await bareWhisper(
      whisperPython(),
      'tiny.en',
      jobs.map((j) => j.wav),
    );

    const perFixture: Record<string, unknown> = {};
    let platErr = 0;
    let wholeErr = 0;
    let refWords = 0;
    let engine = '';
    jobs.forEach((j, i) => {
      const t = platformHyp[j.name] as Transcript;
      engine = t.engine;
      const speaker = SPEAKER_BY_CHANNEL[j.channel] as string;
      const ref = speakerLines(j.name, j.channel);
      const side = t.segments
        .filter((s) => s.speaker === speaker)
        .map((s) => s.text)
        .join(' ');
      const plat = spokenWordErrorRate(ref, side);
      const whole = spokenWordErrorRate(ref, bare.files[i]?.text ?? '');
      platErr += errors(plat);
      wholeErr += errors(whole);
      refWords += plat.refWords;
      perFixture[`${j.name} ${speaker}`] = {
        deltaPoints: round(pct(plat) - pct(whole), 2),
        platform: brief(plat),
        wholeChannelEngine: brief(whole),
        platformMs: platformMs[j.name],
      };
    });
    const platformWer = (platErr / refWords) * 100;
    const wholeWer = (wholeErr / refWords) * 100;
    const value = round(platformWer - wholeWer, 2);
    const fig: Figure = {
      value,
      unit: 'WER percentage points (platform − whole-channel engine), pooled over the fixtures',
      target: `≤ ${TARGET}`,
      baseline:
        'bare faster-whisper (tiny.en, the engine service’s decode options, 1 thread) on each whole channel, 16 kHz mono, scored against the same speaker’s lines',
      met: meets(value, '<=', TARGET),
      inputs: FIXTURE_NAMES.map((n) => `test/fixtures/${n}.stereo.mp3`),
      platformEngine: engine,
      platformWerPct: round(platformWer, 2),
      wholeChannelWerPct: round(wholeWer, 2),
      refWords,
      perFixture,
      engineMs: Object.fromEntries(jobs.map((j, i) => [`${j.name}:ch${j.channel}`, round(bare.files[i]?.ms ?? 0, 1)])),
    };
    return { werDeltaPoints: fig };
  },
};
