import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordingView, Transcript } from '@speech/contracts';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';
import { SqliteDatabase } from '@speech/persistence';

jest.setTimeout(30 * 60_000);

/**
 * The single process through restarts, graceful and kill -9, while uploads (whole and
 * resumable), transcriptions and analyses are in flight, with the event log compacted every
 * 20 commits so compaction and the chunker's progress commits run many times. Every request
 * that got a 2xx must reach its end state exactly once; nothing may be stuck; /all must list
 * each recording once.
 */
const RESTARTS: NodeJS.Signals[] = ['SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGKILL'];
const USER = 'fault-user';

interface Accepted {
  audioId: string;
  via: 'upload' | 'multipart';
  /** Analyses whose POST /analyze was accepted (202), besides the automatic one. */
  analyses: string[];
}

/** Short calls (cut from the fixtures), so a few minutes hold many of them end to end. */
function clips(dir: string): string[] {
  const out: string[] = [];
  for (const [name, from, len] of [
    ['sales-discovery', 0, 24],
    ['support-outage', 10, 20],
    ['sales-discovery', 40, 30],
    ['support-outage', 40, 26],
  ] as const) {
    const file = join(dir, `${name}-${from}.mp3`);
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-ss', String(from), '-t', String(len), '-i', join(FIXTURES, `${name}.stereo.mp3`), '-c', 'copy', file,
    ]); // prettier-ignore
    out.push(file);
  }
  return out;
}

/** A resumable upload in one go: create, every part, complete. Returns the audioId once complete answered 201. */
async function multipart(api: Api, file: string): Promise<string | null> {
  const bytes = readFileSync(file);
  const created = await api.post('/uploads', {
    filename: 'resumable.mp3',
    sizeBytes: bytes.length,
    contentType: 'audio/mpeg',
    autoTranscribe: true,
    autoAnalyze: true,
  });
  if (created.status !== 201) return null;
  const up = (await created.json()) as { audioId: string; partSizeBytes: number; partCount: number };
  const parts: { partNumber: number; etag: string }[] = [];
  for (let n = 1; n <= up.partCount; n++) {
    const body = bytes.subarray((n - 1) * up.partSizeBytes, n * up.partSizeBytes);
    const { url } = await api.json<{ url: string }>(`/uploads/${up.audioId}/parts/${n}`);
    const put = await fetch(url, {
      method: 'PUT',
      body,
      headers: { 'Content-MD5': createHash('md5').update(body).digest('base64') },
    });
    if (put.status !== 200) return null;
    parts.push({ partNumber: n, etag: ((await put.json()) as { etag: string }).etag });
  }
  const done = await api.post(`/uploads/${up.audioId}/complete`, { parts });
  return done.status === 201 ? up.audioId : null;
}

describe('the single process through restarts under load (graceful and kill -9)', () => {
  const work = mkdtempSync(join(tmpdir(), 'fault-suite-'));
  const platform = new PlatformProcess(undefined, {
    EVENT_LOG_COMPACT_EVERY: '20',
    STT_CONCURRENCY: '2',
    LOG_LEVEL: 'warn',
  });
  let api: Api;
  const accepted: Accepted[] = [];
  let attempted = 0;

  afterAll(async () => {
    await platform.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('brings every accepted request to its end state exactly once, with nothing stuck', async () => {
    const files = clips(work);
    await platform.start();
    api = new Api(platform.url, await platform.token(USER, platform.secret, '2h'));
    let running = true;

    // Traffic: uploads of both kinds and re-analyses, for as long as the restarts go on. A
    // request that fails (the process is down, a connection reset) was never accepted.
    const traffic = (async () => {
      for (let i = 0; running; i++) {
        attempted++;
        try {
          const file = files[i % files.length] as string;
          if (i % 3 === 2) {
            const audioId = await multipart(api, file);
            if (audioId) accepted.push({ audioId, via: 'multipart', analyses: [] });
          } else {
            const res = await api.upload(file, { autoTranscribe: 'true', autoAnalyze: 'true' });
            if (res.status === 201) {
              accepted.push({
                audioId: ((await res.json()) as { audioId: string }).audioId,
                via: 'upload',
                analyses: [],
              });
            }
          }
          // Analyse an earlier recording again once it is analysed.
          // (The older half: those are the likeliest to be transcribed, which analysis needs.)
          const earlier = accepted[(i * 7) % Math.max(1, Math.ceil(accepted.length / 2))];
          if (earlier) {
            const again = await api.post(`/analyze/${earlier.audioId}`);
            if (again.status === 202)
              earlier.analyses.push(((await again.json()) as { analysisId: string }).analysisId);
          }
        } catch {
          // the platform is down right now
        }
        await sleep(400);
      }
    })();

    const restarts: string[] = [];
    for (const signal of RESTARTS) {
      await sleep(9_000);
      const how = await platform.stop(signal);
      restarts.push(`${signal}→${how.signal ?? how.code}`);
      await platform.start();
      api = new Api(platform.url, await platform.token(USER, platform.secret, '2h'));
    }
    running = false;
    await traffic;
    // A graceful stop exits 0; a kill -9 is a kill.
    expect(restarts).toEqual(RESTARTS.map((r) => (r === 'SIGTERM' ? 'SIGTERM→0' : 'SIGKILL→SIGKILL')));
    process.stderr.write(
      `[fault-suite] ${restarts.length} restarts (${restarts.join(', ')}); ${attempted} request rounds, ` +
        `${accepted.length} uploads accepted (${accepted.filter((a) => a.via === 'multipart').length} resumable), ` +
        `${accepted.reduce((n, a) => n + a.analyses.length, 0)} re-analyses accepted\n`,
    );
    expect(accepted.length).toBeGreaterThan(10);

    // Nothing stuck: every accepted upload is analysed, and every accepted re-analysis done.
    for (const a of accepted) await api.waitFor(a.audioId, 'analyzed', 10 * 60_000);
    const listed: RecordingView[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page: { items: RecordingView[]; nextCursor: string | null } = await api.json(
        `/all?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      listed.push(...page.items);
      cursor = page.nextCursor;
    }
    // /all lists each recording once, every accepted one among them. A request the process
    // committed but was killed before answering may be listed too (the client saw no 2xx; a retry
    // would find it): at most one per kill.
    const ids = listed.map((v) => v.audioId);
    expect(new Set(ids).size).toBe(ids.length);
    const missing = accepted.filter((a) => !ids.includes(a.audioId));
    expect(missing).toEqual([]);
    const unanswered = ids.length - accepted.length;
    expect(unanswered).toBeLessThanOrEqual(RESTARTS.filter((r) => r === 'SIGKILL').length);
    process.stderr.write(
      `[fault-suite] /all: ${ids.length} recordings, ${unanswered} committed but killed before the answer\n`,
    );
    for (const v of listed) {
      expect(v.status).toBe('analyzed');
      expect(v.progress).toEqual({ done: v.chunkCount, total: v.chunkCount });
    }
    // Each transcript holds every chunk once: no word twice, in time order per speaker.
    for (const a of accepted) {
      const t = await api.json<Transcript>(`/audios/${a.audioId}/transcript`);
      const words = t.segments.flatMap((s) => s.words.map((w) => `${s.speaker}:${w.startMs}:${w.text}`));
      expect(new Set(words).size).toBe(words.length);
    }

    // Exactly once, read from the stores themselves after a graceful stop: one automatic
    // analysis per recording plus one per accepted request, each completed, none extra; every
    // chunk transcribed once by the merger's count.
    await platform.stop('SIGTERM');
    const db = new SqliteDatabase(join(platform.dataDir, 'speech.db'));
    try {
      const rows = (sql: string) => db.db.prepare(sql).all() as Record<string, unknown>[];
      const analyses = rows(
        "SELECT json_extract(doc, '$.audioId') AS audioId, id, json_extract(doc, '$.status') AS status FROM c_analyses",
      );
      let extraAnalyses = 0;
      for (const a of accepted) {
        const mine = analyses.filter((r) => r.audioId === a.audioId);
        // Every accepted one, once (ids are keys); beyond them at most a request killed unanswered.
        const got = mine.map((r) => r.id as string);
        expect(got).toEqual(expect.arrayContaining([`auto-${a.audioId}`, ...a.analyses]));
        extraAnalyses += got.length - 1 - a.analyses.length;
        expect(mine.every((r) => r.status === 'completed')).toBe(true);
      }
      expect(extraAnalyses).toBeLessThanOrEqual(RESTARTS.filter((r) => r === 'SIGKILL').length);
      const transcripts = rows(
        "SELECT id, json_extract(doc, '$.transcribedChunks') AS done, json_extract(doc, '$.chunkCount') AS total FROM c_transcripts",
      );
      for (const t of transcripts) expect(t.done).toBe(t.total);
      // The event log was compacted along the way: only what some group has not consumed is left.
      const left = rows("SELECT count(*) AS n FROM bus_log WHERE topic NOT LIKE '%.dlq'")[0]?.n as number;
      const heads = rows('SELECT sum(next) AS n FROM bus_heads')[0]?.n as number;
      process.stderr.write(`[fault-suite] event log: ${heads} messages appended, ${left} kept after compaction\n`);
      expect(left).toBeLessThan(heads / 4);
      expect(rows("SELECT count(*) AS n FROM bus_log WHERE topic LIKE '%.dlq'")[0]?.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
