import { join } from 'node:path';
import type { Transcript } from '@speech/contracts';
import { toMono16k } from './lib/inputs';
import { startPlatform } from './lib/platform';
import { uploadToTranscribed } from './lib/pipeline-run';
import { FIXTURES } from './lib/inputs';
import { round } from './lib/timing';
import { meets, type Benchmark, type Figure } from './lib/types';
import { ENGINE_FIXTURES } from './stt-engines.bench';

const TARGET = 0.9;

/** Seconds of words per speaker, and the agent's share of them (the talk ratio). */
function talk(t: Transcript): { agentShare: number | null; seconds: Record<string, number> } {
  const seconds: Record<string, number> = {};
  for (const s of t.segments)
    for (const w of s.words) seconds[s.speaker] = (seconds[s.speaker] ?? 0) + (w.endMs - w.startMs) / 1000;
  const a = seconds.agent ?? 0;
  const c = seconds.customer ?? 0;
  return { agentShare: a + c > 0 ? a / (a + c) : null, seconds };
}

/** Mono words whose speaker is the one the stereo transcript has nearest in time (±500 ms). */
function wordsOnRightSpeaker(mono: Transcript, stereo: Transcript): { right: number; matched: number; words: number } {
  const truth = stereo.segments.flatMap((s) =>
    s.words.map((w) => ({ mid: (w.startMs + w.endMs) / 2, speaker: s.speaker })),
  );
  truth.sort((x, y) => x.mid - y.mid);
  let right = 0;
  let matched = 0;
  let words = 0;
  for (const s of mono.segments) {
    for (const w of s.words) {
      words++;
      const mid = (w.startMs + w.endMs) / 2;
      let best: (typeof truth)[number] | null = null;
      for (const t of truth) if (!best || Math.abs(t.mid - mid) < Math.abs(best.mid - mid)) best = t;
      if (!best || Math.abs(best.mid - mid) > 500) continue;
      matched++;
      if (best.speaker === s.speaker) right++;
    }
  }
  return { right, matched, words };
}

/**
 * monoDiarization: each stereo fixture downmixed to mono goes through the platform, whose merger
 * splits it into two speakers; the same call in stereo (one speaker per channel) is the truth.
 * Share of words on the right speaker, and the talk-ratio error in points.
 */
export const monoBench: Benchmark = {
  name: 'mono',
  keys: ['monoDiarization'],
  async run(ctx) {
    const { platform, api } = await startPlatform(ctx, 'mono', { STT_CONCURRENCY: '2' });
    const perFixture: Record<string, unknown> = {};
    let right = 0;
    let matched = 0;
    let ratioErrSum = 0;
    try {
      for (const name of ENGINE_FIXTURES) {
        const stereoFile = join(FIXTURES, `${name}.stereo.mp3`);
        const monoFile = join(ctx.workDir, `${name}.mono.mp3`);
        await toMono16k(stereoFile, monoFile, { encode: ['-c:a', 'libmp3lame', '-b:a', '32k'] });
        ctx.log(`  ${name}: stereo (truth) and mono`);
        const s = await uploadToTranscribed(api, api.token, stereoFile, 600_000);
        const m = await uploadToTranscribed(api, api.token, monoFile, 600_000);
        const stereo = await api.json<Transcript>(`/audios/${s.audioId}/transcript`);
        const mono = await api.json<Transcript>(`/audios/${m.audioId}/transcript`);
        const w = wordsOnRightSpeaker(mono, stereo);
        const truth = talk(stereo);
        const got = talk(mono);
        const ratioErr =
          truth.agentShare !== null && got.agentShare !== null
            ? Math.abs(got.agentShare - truth.agentShare) * 100
            : 100;
        right += w.right;
        matched += w.matched;
        ratioErrSum += ratioErr;
        perFixture[name] = {
          monoSpeakers: mono.speakers,
          wordsOnRightSpeaker: w.matched ? round(w.right / w.matched, 3) : null,
          ...w,
          agentTalkShareStereoPct: truth.agentShare === null ? null : round(truth.agentShare * 100, 1),
          agentTalkShareMonoPct: got.agentShare === null ? null : round(got.agentShare * 100, 1),
          talkRatioErrorPoints: round(ratioErr, 1),
        };
      }
    } finally {
      await platform.cleanup();
    }
    const value = matched ? round(right / matched, 3) : null;
    const fig: Figure = {
      value,
      unit: 'share of mono words on the right speaker (pooled over the fixtures)',
      target: `≥ ${TARGET} (ours: the issue sets none)`,
      baseline: 'the same call in stereo through the platform: each word’s speaker is its channel’s',
      met: meets(value, '>=', TARGET),
      talkRatioErrorPointsMean: round(ratioErrSum / ENGINE_FIXTURES.length, 1),
      method:
        'stt-worker: cepstral mean/sd (c1..c12) per ≤ 3 s stretch of words; merger: k-means (2) on standardised features, agent = first greeting/introduction, else first question',
      perFixture,
    };
    return { monoDiarization: fig };
  },
};
