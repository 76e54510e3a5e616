import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordingView } from '@speech/contracts';
import { Api, CALL_ENCODING, FIXTURES, joinFixtureCalls, PlatformProcess } from '@speech/harness';

jest.setTimeout(20 * 60_000);

/**
 * Issue #12, fair scheduling: a short call uploaded while a long one is transcribing does not
 * wait for it. Single process, the default engine (Whisper tiny.en) and STT_CONCURRENCY at its
 * default. Only the order of completion is asserted, never a duration.
 */
describe('fair scheduling (single process)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'speech-fair-'));
  const long = join(scratch, 'eight-minutes.mp3');
  const short = join(scratch, 'seventy-seconds.mp3');
  const PARTS = [
    'sales-discovery',
    'support-outage',
    'sales-discovery',
    'support-outage',
    'sales-discovery',
    'support-outage',
  ];
  const platform = new PlatformProcess();
  let api: Api;

  beforeAll(async () => {
    // About 8 minutes of stereo: the two sample calls, three times each.
    joinFixtureCalls(PARTS, long);
    // About 70 seconds: the first 70 s of a sample call.
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-i',
      join(FIXTURES, 'sales-discovery.stereo.mp3'),
      '-t',
      '70',
      ...CALL_ENCODING,
      short,
    ]);
    await platform.start();
    api = new Api(platform.url, await platform.token('fair-user'));
  });
  afterAll(async () => {
    await platform.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  const uploadAndTranscribe = async (file: string): Promise<string> => {
    const res = await api.upload(file, { autoTranscribe: 'true' });
    expect(res.status).toBe(201);
    return ((await res.json()) as { audioId: string }).audioId;
  };
  const view = (audioId: string) => api.json<RecordingView>(`/audios/${audioId}`);

  it('a 70-second call uploaded while an 8-minute call is transcribing finishes first', async () => {
    const longId = await uploadAndTranscribe(long);
    // Transcribing, with at least one chunk done: the long call's chunks are already being worked on.
    await api.waitFor(longId, 'transcribing', 600_000);
    for (;;) {
      const v = await view(longId);
      if (v.status !== 'transcribing') throw new Error(`the long call left transcribing too soon: ${v.status}`);
      if ((v.progress?.done ?? 0) >= 1) break;
      await sleep(250);
    }

    const shortId = await uploadAndTranscribe(short);
    const seen: RecordingView[] = [];
    const shortDone = await api.waitFor(shortId, 'transcribed', 900_000, (v) => void seen.push(v));
    const longAtThatMoment = await view(longId);
    process.stdout.write(
      `fair scheduling: short call transcribed (${shortDone.progress?.done}/${shortDone.progress?.total} chunks) ` +
        `while the long call was ${longAtThatMoment.status} at ${longAtThatMoment.progress?.done}/${longAtThatMoment.progress?.total}\n`,
    );
    expect(longAtThatMoment.status).toBe('transcribing');
    expect(longAtThatMoment.transcriptReady).toBe(false);
    // While it waited, the short call's view had its place: second of the two being transcribed,
    // with an estimate of the time left once the speed was measured (its value is not asserted).
    const places = seen.filter((v) => v.status === 'transcribing' && v.queue).map((v) => v.queue);
    expect(places).toContainEqual(expect.objectContaining({ position: 2, of: 2 }));
    expect(places.some((q) => typeof q?.etaMs === 'number')).toBe(true);
    expect(seen.at(-1)?.queue).toBeNull(); // done: no longer in the queue

    // The long call still finishes, every chunk of it.
    const longDone = await api.waitFor(longId, 'transcribed', 900_000);
    expect(longDone.progress).toEqual({ done: longDone.chunkCount, total: longDone.chunkCount });
  });
});
