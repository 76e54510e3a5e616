/**
 * End to end: the single-process platform as a user runs it (`tsx apps/standalone/src/main.ts`,
 * through the same PlatformProcess the e2e tests use), each call's audio uploaded with
 * autoTranscribe and autoAnalyze, then its transcript and analysis fetched and scored. The
 * speech engine and the analyst are whatever the environment configures (pocketsphinx and the
 * offline analyst by default); the transcript's `engine` field names the engine.
 */
import type { AnalysisResult } from '@speech/analysis';
import type { Transcript } from '@speech/contracts';
import { Api, PlatformProcess } from '../../test/support/platform';
import { callAudio } from './call-audio';
import type { EvalCall } from './eval-set';
import { lineAt } from './reference-transcript';
import { summarise, type RunResult } from './report';
import { scoreCall, type CallScore } from './score';

const ANALYSED_TIMEOUT_MS = 45 * 60_000;

export interface E2eProgress {
  (message: string): void;
}

export async function runEndToEnd(halves: ReadonlyArray<readonly EvalCall[]>, log: E2eProgress): Promise<RunResult[]> {
  const all = halves.flat();
  const audio = new Map<string, Awaited<ReturnType<typeof callAudio>>>();
  for (const call of all) {
    const a = await callAudio(call);
    log(`audio ${call.half}/${call.id}: ${a.cached ? 'cached' : 'built'} (${a.dir})`);
    audio.set(`${call.half}/${call.id}`, a);
  }
  const platform = new PlatformProcess();
  await platform.start();
  try {
    const api = new Api(platform.url, await platform.token('eval'));
    const ids = new Map<string, string>();
    for (const call of all) {
      const a = audio.get(`${call.half}/${call.id}`);
      if (!a) continue;
      const res = await api.upload(a.stereoMp3, { autoTranscribe: 'true', autoAnalyze: 'true' });
      if (res.status !== 201) throw new Error(`upload of ${call.id} failed: ${res.status} ${await res.text()}`);
      ids.set(`${call.half}/${call.id}`, ((await res.json()) as { audioId: string }).audioId);
    }
    const results: RunResult[] = [];
    for (const calls of halves) {
      if (calls.length === 0) continue;
      const scores: CallScore[] = [];
      const engines = new Set<string>();
      const analysts = new Set<string>();
      for (const call of calls) {
        const key = `${call.half}/${call.id}`;
        const audioId = ids.get(key);
        const a = audio.get(key);
        if (!audioId || !a) continue;
        await api.waitFor(audioId, 'analyzed', ANALYSED_TIMEOUT_MS);
        const transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
        const analysis = await api.json<AnalysisResult>(`/audios/${audioId}/analysis`);
        engines.add(transcript.engine);
        analysts.add(
          analysis.provenance?.model ? `${analysis.analyst}/${analysis.provenance.model}` : analysis.analyst,
        );
        scores.push(scoreCall(call, analysis, (ms) => lineAt(a.spans, ms), transcript.text));
        log(`analysed ${key} (${transcript.engine}, ${analysis.analyst})`);
      }
      const engine = [...engines].join(', ');
      results.push({
        analyst: [...analysts].join(', '),
        input: `end to end, ${engine}`,
        half: calls[0]?.half ?? 'none',
        engine,
        summary: summarise(scores),
        calls: scores,
      });
    }
    return results;
  } finally {
    await platform.cleanup();
  }
}
