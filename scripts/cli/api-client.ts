import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';

/** An error for the person at the terminal: its message says what happened and what to change. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Where the CLI talks to, and how that was decided (said in every connection error). */
export interface Target {
  /** Base URL without a trailing slash, e.g. http://localhost:8080. */
  url: string;
  source: '--url' | 'SPEECH_URL' | 'the default';
  token: string;
  /** How long one request may go without an answer. */
  timeoutMs: number;
}

export const HOW_TO_CHANGE_URL = 'Set SPEECH_URL or pass --url';

/** The platform's `{error:{code,message}}`, or whatever JSON came back. */
export interface ApiAnswer<T> {
  status: number;
  json: T;
}

/** Node's network error codes (on the error or its causes), in plain words. */
export function networkReason(err: unknown, timeoutMs: number): string {
  const codes: string[] = [];
  const names: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown) => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const x = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof x.code === 'string') codes.push(x.code);
    if (typeof x.name === 'string') names.push(x.name);
    if (typeof x.message === 'string') messages.push(x.message);
    walk(x.cause);
    if (Array.isArray(x.errors)) x.errors.forEach(walk);
  };
  walk(err);
  // The plain words, then the system's code (ECONNREFUSED …) for a search or a bug report.
  const has = (...c: string[]) => codes.find((k) => c.includes(k));
  const coded = (words: string, code: string) => `${words} (${code})`;
  const secs = Math.round(timeoutMs / 100) / 10;
  if (names.includes('TimeoutError') || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'CLI_TIMEOUT'))
    return `no answer within ${secs} s`;
  let code: string | undefined;
  if ((code = has('ECONNREFUSED'))) return coded('connection refused', code);
  if ((code = has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'))) return coded('host not found', code);
  if ((code = has('ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'))) return coded('connection timed out', code);
  if ((code = has('EHOSTUNREACH', 'ENETUNREACH'))) return coded('host unreachable', code);
  if ((code = has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET')))
    return coded('the connection was closed before an answer', code);
  if (codes.some((c) => c.startsWith('HPE_'))) return 'the answer was not HTTP';
  if (codes.some((c) => c.startsWith('ERR_SSL') || c === 'EPROTO')) return 'TLS failed: is it http:// or https://?';
  return messages.filter((m) => m !== 'fetch failed').pop() ?? messages[0] ?? String(err);
}

/** A URL fit to print: a pre-signed part URL carries its signature in the query, which stays out. */
export function printable(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

export function unreachable(target: Target, what: string, err: unknown): CliError {
  const from = target.source === 'the default' ? 'the default' : `from ${target.source}`;
  return new CliError(
    `could not reach ${target.url} (${networkReason(err, target.timeoutMs)}; ${what}). ` +
      `Is the platform running there? Start it with \`npm start\` (it prints the address and a token), ` +
      `or set SPEECH_URL or pass --url to its address (this one is ${from}).`,
  );
}

/** JSON calls to the platform's API, with errors that name the URL and the setting behind it. */
export class ApiClient {
  constructor(readonly target: Target) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const what = `${method} ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.target.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.target.token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.target.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw unreachable(this.target, what, err);
    }
    const type = res.headers.get('content-type') ?? '';
    let json: T;
    try {
      json = JSON.parse(text) as T;
    } catch {
      throw new CliError(
        `${this.target.url} answered ${what} with HTTP ${res.status} ${type || 'without a content type'}, ` +
          `not the speech-coach API. Is that the platform's address? ${HOW_TO_CHANGE_URL} to change it.`,
      );
    }
    if (res.status === 401) {
      throw new CliError(
        `${this.target.url} refused the token (HTTP 401${apiMessage(json)}). ` +
          'Pass --token or set TOKEN to a token of this platform (npm start prints one).',
      );
    }
    return { status: res.status, json };
  }
}

/** ` code: message` of an `{error}` body, or nothing. */
export function apiMessage(json: unknown): string {
  const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
  return e ? ` ${[e.code, e.message].filter(Boolean).join(': ')}` : '';
}

/** The base64 MD5 of a byte range of a file (a part's Content-MD5), read as a stream. */
async function md5Of(file: string, start: number, end: number): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(file, { start, end })) h.update(chunk as Buffer);
  return h.digest('base64');
}

/**
 * PUTs one byte range of the file to a part URL (the gateway's own, or pre-signed S3). S3 needs a
 * Content-Length, which fetch does not send for a stream, so this is plain http(s). The part's
 * Content-MD5 goes with it, so the server keeps it only if it arrived intact. Resolves with the
 * part's ETag.
 */
export async function putPart(p: {
  url: string;
  file: string;
  start: number;
  end: number;
  timeoutMs: number;
  onBytes: (n: number) => void;
  pace?: (n: number) => Promise<void>;
}): Promise<string> {
  const contentMd5 = await md5Of(p.file, p.start, p.end);
  return new Promise((ok, ko) => {
    const u = new URL(p.url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'PUT', headers: { 'content-length': String(p.end - p.start + 1), 'content-md5': contentMd5 } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          if (res.statusCode && res.statusCode < 300) ok(String(res.headers.etag ?? '').replaceAll('"', ''));
          else
            ko(
              new CliError(
                `${printable(p.url)} answered the part upload with HTTP ${res.statusCode}: ${body.slice(0, 300)}`,
              ),
            );
        });
      },
    );
    // Idle for this long (no byte either way): a stalled link or a server that never answers.
    req.setTimeout(p.timeoutMs, () => req.destroy(Object.assign(new Error('idle'), { code: 'CLI_TIMEOUT' })));
    req.on('error', ko);
    const paced = new Transform({
      transform(chunk: Buffer, _enc, done) {
        (p.pace ? p.pace(chunk.length) : Promise.resolve()).then(() => {
          p.onBytes(chunk.length);
          done(null, chunk);
        }, done);
      },
    });
    const stream = createReadStream(p.file, { start: p.start, end: p.end });
    stream.on('error', ko);
    stream.pipe(paced).pipe(req);
  });
}
