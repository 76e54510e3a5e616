import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';

/**
 * Digests computed on worker threads, so hashing a stream runs beside its I/O instead of in
 * series with it on the event loop (SHA-256 and MD5 run at a few hundred MB/s: on an upload
 * they cost more than the disk does).
 *
 * Bytes are copied into 1 MiB batches and each batch is transferred to the worker (one copy,
 * no per-64 KiB-chunk message). At most MAX_PENDING bytes wait for a worker: past that,
 * `update` reports it and `hashTap` holds the stream back until the worker catches up, so a
 * slow hash slows the stream instead of filling memory.
 */

const BATCH_BYTES = 1024 * 1024;
const MAX_PENDING = 8 * BATCH_BYTES;

// Plain JavaScript (eval'd): no TypeScript loader needed in the worker, whatever runs the parent.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'start') jobs.set(m.id, createHash(m.algorithm));
  else if (m.op === 'update') {
    const h = jobs.get(m.id);
    if (h) h.update(new Uint8Array(m.data, 0, m.length));
    parentPort.postMessage({ id: m.id, op: 'ack', bytes: m.length });
  } else if (m.op === 'digest') {
    const h = jobs.get(m.id);
    jobs.delete(m.id);
    const d = h ? h.digest() : null;
    parentPort.postMessage({ id: m.id, op: 'digest', hex: d ? d.toString('hex') : null });
  } else if (m.op === 'drop') jobs.delete(m.id);
});
`;

interface Job {
  onAck(bytes: number): void;
  onDigest(hex: string | null): void;
  onError(err: Error): void;
}

interface PoolWorker {
  worker: Worker;
  jobs: Map<number, Job>;
}

let pool: PoolWorker[] = [];
let nextWorker = 0;
let nextId = 1;

function spawnWorker(): PoolWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // Keeps the process alive only while a hash is open (see track/untrack): an idle pool never does.
  worker.unref();
  const w: PoolWorker = { worker, jobs: new Map() };
  worker.on('message', (m: { id: number; op: string; bytes?: number; hex?: string | null }) => {
    const job = w.jobs.get(m.id);
    if (!job) return;
    if (m.op === 'ack') job.onAck(m.bytes ?? 0);
    else if (m.op === 'digest') {
      untrack(w, m.id);
      job.onDigest(m.hex ?? null);
    }
  });
  const fail = (err: Error) => {
    pool = pool.filter((x) => x !== w);
    for (const job of w.jobs.values()) job.onError(err);
    w.jobs.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`hash worker exited (${code})`)));
  return w;
}

function track(w: PoolWorker, id: number, job: Job): void {
  w.jobs.set(id, job);
  if (w.jobs.size === 1) w.worker.ref();
}

function untrack(w: PoolWorker, id: number): void {
  if (w.jobs.delete(id) && w.jobs.size === 0) w.worker.unref();
}

/** Round robin over up to two workers (one per digest a request computes at once: SHA-256 and MD5). */
function pickWorker(): PoolWorker {
  const size = Math.max(1, Math.min(2, availableParallelism()));
  while (pool.length < size) pool.push(spawnWorker());
  return pool[nextWorker++ % pool.length] as PoolWorker;
}

export interface OffThreadHash {
  /** Queues bytes (copied: the caller may reuse `chunk`). Returns false once MAX_PENDING is waiting. */
  update(chunk: Uint8Array): boolean;
  /** Resolves when the pending bytes are below the limit again. */
  drained(): Promise<void>;
  /** The digest, lowercase hex. Call once; the hash cannot be updated after. */
  digest(): Promise<string>;
  /** Forgets the hash (a failed upload): no digest will be asked for. Idempotent. */
  abandon(): void;
}

export function offThreadHash(algorithm: 'sha256' | 'md5'): OffThreadHash {
  const w = pickWorker();
  const id = nextId++;
  let pending = 0;
  let batch: Buffer | null = null;
  let batchLen = 0;
  let failure: Error | null = null;
  let waiters: { resolve(): void; reject(e: Error): void }[] = [];
  let result: { resolve(hex: string): void; reject(e: Error): void } | null = null;
  let closed = false;

  const wake = () => {
    const ws = waiters;
    waiters = [];
    for (const x of ws) {
      if (failure) x.reject(failure);
      else x.resolve();
    }
  };
  track(w, id, {
    onAck(bytes) {
      pending -= bytes;
      if (pending < MAX_PENDING) wake();
    },
    onDigest(hex) {
      if (hex === null) result?.reject(new Error('hash worker lost the hash'));
      else result?.resolve(hex);
    },
    onError(err) {
      failure = err;
      wake();
      result?.reject(err);
    },
  });
  w.worker.postMessage({ op: 'start', id, algorithm });

  const flush = () => {
    if (!batch || batchLen === 0) return;
    const data = batch.buffer as ArrayBuffer;
    w.worker.postMessage({ op: 'update', id, data, length: batchLen }, [data]);
    pending += batchLen;
    batch = null;
    batchLen = 0;
  };

  return {
    update(chunk) {
      if (closed) throw new Error('hash already finished');
      let at = 0;
      while (at < chunk.length) {
        // Buffer.allocUnsafeSlow: an ArrayBuffer of its own (never the shared pool), so it can be transferred.
        batch ??= Buffer.allocUnsafeSlow(BATCH_BYTES);
        const n = Math.min(chunk.length - at, BATCH_BYTES - batchLen);
        batch.set(chunk.subarray(at, at + n), batchLen);
        batchLen += n;
        at += n;
        if (batchLen === BATCH_BYTES) flush();
      }
      return pending + batchLen < MAX_PENDING;
    },
    drained() {
      if (failure) return Promise.reject(failure);
      if (pending < MAX_PENDING) return Promise.resolve();
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    digest() {
      if (closed) return Promise.reject(new Error('hash already finished'));
      closed = true;
      if (failure) return Promise.reject(failure);
      flush();
      return new Promise<string>((resolve, reject) => {
        result = { resolve, reject };
        w.worker.postMessage({ op: 'digest', id });
      });
    },
    abandon() {
      if (closed) return;
      closed = true;
      untrack(w, id);
      batch = null;
      w.worker.postMessage({ op: 'drop', id });
    },
  };
}

/**
 * A pass-through stage that feeds every byte to `hash` (plus `onChunk`, for sizes and checks that
 * must stay in the stream), holding the stream back while the hash is MAX_PENDING behind.
 * Destroying the stream abandons the hash.
 */
export function hashTap(
  hash: OffThreadHash,
  onChunk?: (chunk: Buffer) => Error | null,
  onFlush?: () => Error | null,
): Transform {
  return new Transform({
    // Large batches downstream too: the file write sees 1 MiB pieces rather than 64 KiB ones.
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      const refused = onChunk?.(chunk) ?? null;
      if (refused) {
        cb(refused);
        return;
      }
      if (hash.update(chunk)) cb(null, chunk);
      else
        hash.drained().then(
          () => cb(null, chunk),
          (err: Error) => cb(err),
        );
    },
    flush(cb) {
      cb(onFlush?.() ?? null);
    },
    destroy(err, cb) {
      if (err) hash.abandon();
      cb(err);
    },
  });
}
