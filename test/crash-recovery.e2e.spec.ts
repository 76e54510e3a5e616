import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transcript } from '@speech/contracts';
import { wordErrorRate } from '@speech/stt';
import { Api, FIXTURES, joinFixtureCalls, PlatformProcess } from '@speech/harness';

jest.setTimeout(15 * 60_000);

/**
 * kill -9 in the middle of a transcription costs nothing: the restarted single process
 * resumes by itself, progress never goes back, and the transcript equals an undisturbed
 * run's, every chunk exactly once.
 */
describe('crash recovery (single process, kill -9)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'speech-crash-'));
  const call = join(scratch, 'eight-minutes.mp3');
  const PARTS = [
    'sales-discovery',
    'support-outage',
    'sales-discovery',
    'support-outage',
    'sales-discovery',
    'support-outage',
  ];
  // Cut as four 2-minute time ranges, two at a time, so the merge of ranged chunks is covered too.
  const RANGES = { CHUNK_RANGE_MS: '120000', CHUNKER_CONCURRENCY: '2' };
  const referenceText = PARTS.map((name) => readFileSync(join(FIXTURES, `${name}.ref.txt`), 'utf8')).join(' ');
  const platforms: PlatformProcess[] = [];

  beforeAll(() => {
    // An 8-minute stereo call (the size): the two sample calls, three times each.
    joinFixtureCalls(PARTS, call);
  });
  afterAll(async () => {
    for (const p of platforms) await p.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function transcribe(
    p: PlatformProcess,
    onProgress?: (done: number, api: Api) => Promise<void>,
  ): Promise<{ api: Api; audioId: string }> {
    await p.start();
    const api = new Api(p.url, await p.token('crash-user'));
    const res = await api.upload(call, { autoTranscribe: 'true' });
    const { audioId } = (await res.json()) as { audioId: string };
    await api.waitFor(audioId, 'transcribing', 120_000);
    if (onProgress)
      await api.waitFor(audioId, 'transcribed', 600_000, (v) => void (v.progress && onProgress(v.progress.done, api)));
    return { api, audioId };
  }

  it('resumes after kill -9 and ends with the same transcript as an undisturbed run', async () => {
    const undisturbed = new PlatformProcess(undefined, RANGES);
    platforms.push(undisturbed);
    const a = await transcribe(undisturbed);
    await a.api.waitFor(a.audioId, 'transcribed', 600_000);
    const reference = await a.api.json<Transcript>(`/audios/${a.audioId}/transcript`);
    await undisturbed.stop();

    const crashing = new PlatformProcess(undefined, RANGES);
    platforms.push(crashing);
    await crashing.start();
    let api = new Api(crashing.url, await crashing.token('crash-user'));
    const { audioId } = (await (await api.upload(call, { autoTranscribe: 'true' })).json()) as { audioId: string };
    const seen: number[] = [];
    const before = await api.waitFor(audioId, 'transcribing', 600_000, (v) => {
      if (v.progress) seen.push(v.progress.done);
    });
    // Wait until a few chunks are done but not all, then crash.
    let total = before.progress?.total ?? 0;
    for (;;) {
      const v = await api.json<{ progress: { done: number; total: number } | null; status: string }>(
        `/audios/${audioId}`,
      );
      if (v.progress) {
        seen.push(v.progress.done);
        total = v.progress.total;
      }
      if (v.progress && v.progress.done >= Math.ceil(total / 3)) break;
      if (v.status !== 'transcribing') throw new Error(`finished before the crash: ${v.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await crashing.stop('SIGKILL');
    const atCrash = seen.at(-1) ?? 0;
    expect(atCrash).toBeLessThan(total);

    // Same data, new process: it must finish by itself (no new request).
    await crashing.start();
    api = new Api(crashing.url, await crashing.token('crash-user'));
    const done = await api.waitFor(audioId, 'transcribed', 600_000, (v) => v.progress && seen.push(v.progress.done));
    expect(done.progress).toEqual({ done: total, total });
    expect(seen).toEqual([...seen].sort((x, y) => x - y)); // progress never went back

    const recovered = await api.json<Transcript>(`/audios/${audioId}/transcript`);
    const strip = (t: Transcript) => t.segments.map((s) => `${s.speaker}@${s.startMs}: ${s.text}`);
    expect(strip(recovered)).toEqual(strip(reference)); // every word once, nothing lost or doubled
    // So the word error rate is the undisturbed run's too (logged for the record).
    const wer = (t: Transcript) => wordErrorRate(referenceText, t.text).wer;
    process.stdout.write(
      `crash recovery: WER ${(wer(recovered) * 100).toFixed(1)} % after kill -9 at ${atCrash}/${total} chunks, undisturbed ${(wer(reference) * 100).toFixed(1)} %\n`,
    );
    expect(wer(recovered)).toBe(wer(reference));
  });
});
