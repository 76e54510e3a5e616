/**
 * End to end: the single-process platform as a user runs it (`tsx apps/standalone/src/main.ts`,
 * through the same PlatformProcess the e2e tests use), each call's audio uploaded with
 * autoTranscribe and autoAnalyze, then its transcript and analysis fetched and scored. The
 * speech engine and the analyst are whatever the environment configures (pocketsphinx and the
 * offline analyst by default); the transcript's `engine` field names the engine.
 */
import type { AnalysisResult, Analyst } from '@speech/analysis';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transcript } from '@speech/contracts';
import { Api, PlatformProcess } from '@speech/harness';
import { callAudio } from './call-audio';
import type { EvalCall } from './eval-set';
import { lineAt } from './reference-transcript';
import { summarise, type RunResult } from './report';
import { scoreCall, type CallScore } from './score';

const ANALYSED_TIMEOUT_MS = 45 * 60_000;
/** Transcribe again (only the failed chunks are redone) this many times before giving a call up. */
const TRANSCRIBE_RETRIES = 2;
/**
 * The eval is a quality run, not a speed run: on a busy machine pocketsphinx can exceed its
 * default per-chunk timeout, which would fail a call for reasons that say nothing about insight.
 */
const PLATFORM_ENV = { STT_TIMEOUT_MS: String(20 * 60_000), STT_CONCURRENCY: '1' };

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
  const platform = new PlatformProcess(undefined, PLATFORM_ENV);
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
      const failed: string[] = [];
      for (const call of calls) {
        const key = `${call.half}/${call.id}`;
        const audioId = ids.get(key);
        const a = audio.get(key);
        if (!audioId || !a) continue;
        if (!(await analysed(api, audioId, log, key))) {
          failed.push(call.id);
          continue;
        }
        const transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
        const analysis = await api.json<AnalysisResult>(`/audios/${audioId}/analysis`);
        // Kept beside the audio, so the analysts can be scored on it again without transcribing.
        writeFileSync(join(a.dir, `transcript.${safeName(transcript.engine)}.json`), JSON.stringify(transcript));
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
        input: `end to end, ${engine}${failed.length ? ` (${failed.length} call(s) failed to transcribe: ${failed.join(', ')})` : ''}`,
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

/** Waits for the analysis; a recording whose chunks failed is transcribed again (failed chunks only). */
async function analysed(api: Api, audioId: string, log: E2eProgress, key: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await api.waitFor(audioId, 'analyzed', ANALYSED_TIMEOUT_MS);
      return true;
    } catch (err) {
      if (attempt >= TRANSCRIBE_RETRIES) {
        log(`${key} gave up: ${(err as Error).message}`);
        return false;
      }
      log(`${key} failed (${(err as Error).message}); transcribing its failed chunks again`);
      const res = await api.post(`/transcribe/${audioId}`);
      if (res.status !== 202) {
        log(`${key}: transcribe again refused with ${res.status}`);
        return false;
      }
      // The retry is under way once the recording no longer shows failed.
      for (let i = 0; i < 240; i++) {
        const view = await api.json<{ status: string }>(`/audios/${audioId}`);
        if (view.status !== 'failed') break;
        await sleep(250);
      }
    }
  }
}

const safeName = (s: string): string => s.replace(/[^a-z0-9.-]+/gi, '_');

/**
 * The analysts on the transcripts the last end-to-end run kept (`--e2e-cached`): the speech
 * engine's real output, analysed again in this process, without transcribing anything.
 */
export async function runCachedEndToEnd(
  calls: readonly EvalCall[],
  analyst: Analyst,
  label: string,
): Promise<RunResult | null> {
  const scores: CallScore[] = [];
  const engines = new Set<string>();
  for (const call of calls) {
    const a = await callAudio(call);
    const file = readdirSync(a.dir).find((f) => f.startsWith('transcript.') && f.endsWith('.json'));
    if (!file) continue;
    const transcript = JSON.parse(readFileSync(join(a.dir, file), 'utf8')) as Transcript;
    engines.add(transcript.engine);
    const analysis = await analyst.analyze(transcript);
    scores.push(scoreCall(call, analysis, (ms) => lineAt(a.spans, ms), transcript.text));
  }
  if (scores.length === 0) return null;
  const engine = [...engines].join(', ');
  return {
    analyst: label,
    input: `end to end, ${engine} transcripts kept from the platform run${scores.length < calls.length ? ` (${scores.length} of ${calls.length} calls)` : ''}`,
    half: calls[0]?.half ?? 'none',
    engine,
    summary: summarise(scores),
    calls: scores,
  };
}
