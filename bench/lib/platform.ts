import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RecordingStatus, RecordingView } from '@speech/contracts';
import { Api, PlatformProcess } from '@speech/harness';
import { pool, track } from './proc';
import { sleep } from './timing';
import type { BenchContext } from './types';

export { Api };

export const BENCH_USER = 'bench';

/** The single-process platform (`tsx apps/standalone/src/main.ts`) as a child, with its own DATA_DIR. */
export async function startPlatform(
  ctx: BenchContext,
  name: string,
  env: Record<string, string> = {},
): Promise<{ platform: PlatformProcess; api: Api; dataDir: string }> {
  const dataDir = join(ctx.workDir, name);
  mkdirSync(dataDir, { recursive: true });
  const platform = new PlatformProcess(dataDir, { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', ...env });
  await platform.start();
  if (platform.child) track(platform.child);
  const api = new Api(platform.url, await platform.token(BENCH_USER));
  return { platform, api, dataDir };
}

export interface Timeline {
  /** ms since t0 when each status was first seen by polling. */
  firstSeen: Partial<Record<RecordingStatus, number>>;
  last: RecordingView;
}

/**
 * Polls GET /audios/:id every `everyMs` until `status` (or fails on `failed`); bounded by
 * `timeoutMs`. Records when each status was first seen, relative to `t0` (performance.now()).
 */
export async function waitForStatus(
  api: Api,
  audioId: string,
  status: RecordingStatus,
  t0: number,
  timeoutMs: number,
  everyMs = 100,
): Promise<Timeline> {
  const firstSeen: Timeline['firstSeen'] = {};
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(`/audios/${audioId}`);
    if (res.ok) {
      const view = (await res.json()) as RecordingView;
      firstSeen[view.status] ??= performance.now() - t0;
      if (view.status === status) return { firstSeen, last: view };
      if (view.status === 'failed') throw new Error(`recording ${audioId} failed: ${JSON.stringify(view.failure)}`);
    } else if (res.status !== 404) {
      throw new Error(`GET /audios/${audioId} → ${res.status} ${await res.text()}`);
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${status} of ${audioId}; seen ${JSON.stringify(firstSeen)}`,
      );
    await sleep(everyMs);
  }
}

export interface UploadResult {
  status: number;
  body: string;
  ms: number;
  bytes: number;
}

/**
 * POST /upload with the file streamed from disk (a hand-framed multipart body with a known
 * Content-Length), so the client neither buffers the file nor costs the server CPU it would
 * not cost a real client.
 */
export function streamUpload(
  baseUrl: string,
  token: string,
  file: string,
  fields: Record<string, string> = {},
  contentType = 'application/octet-stream',
): Promise<UploadResult> {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const head = Buffer.from(
    `${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(file)}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = statSync(file).size;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(`${baseUrl}/upload`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + tail.length),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0, bytes: size }));
      res.on('error', reject);
    });
    req.write(head);
    const src = createReadStream(file, { highWaterMark: 1024 * 1024 });
    src.on('error', reject);
    src.pipe(req, { end: false });
    src.on('end', () => req.end(tail));
  });
}

/** PUTs a byte range of a file to a URL; returns the ETag (header, or `etag` in a JSON body). */
function putRange(url: string, file: string, start: number, end: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': String(end - start + 1) } });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300)
          return reject(new Error(`PUT part → ${res.statusCode} ${body.slice(0, 300)}`));
        let etag = String(res.headers.etag ?? '');
        if (!etag) {
          try {
            etag = String((JSON.parse(body) as { etag?: string }).etag ?? '');
          } catch {
            // no JSON body
          }
        }
        resolve(etag.replace(/^"|"$/g, ''));
      });
    });
    createReadStream(file, { start, end, highWaterMark: 1024 * 1024 })
      .on('error', reject)
      .pipe(req);
  });
}

export type MultipartOutcome =
  | {
      available: true;
      ms: number;
      bytes: number;
      partSizeBytes: number;
      partCount: number;
      concurrency: number;
      audioId: string;
      createMs: number;
      partsMs: number;
      completeMs: number;
    }
  | { available: false; reason: string };

/**
 * The resumable flow: POST /uploads → GET /uploads/:id/parts/:n → PUT the bytes to the URL →
 * POST /uploads/:id/complete. Answers `available: false` when the server has no /uploads.
 */
export async function multipartUpload(
  api: Api,
  file: string,
  concurrency: number,
  contentType = 'audio/wav',
): Promise<MultipartOutcome> {
  const size = statSync(file).size;
  const t0 = performance.now();
  const created = await api.post('/uploads', { filename: basename(file), sizeBytes: size, contentType });
  if (created.status === 404)
    return { available: false, reason: `POST /uploads answered 404: ${(await created.text()).slice(0, 200)}` };
  if (!created.ok) throw new Error(`POST /uploads → ${created.status} ${await created.text()}`);
  const c = (await created.json()) as { audioId: string; partSizeBytes: number; partCount: number };
  const createMs = performance.now() - t0;
  const numbers = Array.from({ length: c.partCount }, (_, i) => i + 1);
  const tParts = performance.now();
  const { results: parts } = await pool(numbers, concurrency, async (n) => {
    const { url } = await api.json<{ url: string }>(`/uploads/${c.audioId}/parts/${n}`);
    const start = (n - 1) * c.partSizeBytes;
    const end = Math.min(size, n * c.partSizeBytes) - 1;
    return { partNumber: n, etag: await putRange(url, file, start, end) };
  });
  const partsMs = performance.now() - tParts;
  const tDone = performance.now();
  const done = await api.post(`/uploads/${c.audioId}/complete`, { parts });
  if (done.status !== 201 && done.status !== 200) throw new Error(`complete → ${done.status} ${await done.text()}`);
  const completeMs = performance.now() - tDone;
  return {
    available: true,
    ms: performance.now() - t0,
    bytes: size,
    partSizeBytes: c.partSizeBytes,
    partCount: c.partCount,
    concurrency,
    audioId: c.audioId,
    createMs,
    partsMs,
    completeMs,
  };
}
