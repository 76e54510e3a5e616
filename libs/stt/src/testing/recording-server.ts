/**
 * A local HTTP server for contract tests: records every request (method, URL, headers, raw
 * body) and answers with whatever the test's handler returns. Listens on 127.0.0.1, port 0.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as multipart/form-data (undici's parser), when it is one. */
  form(): Promise<FormData>;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export type Handler = (req: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Most requests being handled at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startRecordingServer(handler: Handler): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        form: () =>
          new Request('http://recorded.local/', {
            method: 'POST',
            headers: { 'content-type': String(req.headers['content-type'] ?? '') },
            body,
          }).formData(),
      };
      const index = requests.push(recorded) - 1;
      void Promise.resolve(handler(recorded, index)).then(
        async (reply) => {
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          inFlight--;
          if (res.destroyed) return;
          const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(payload);
        },
        (err: unknown) => {
          inFlight--;
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(err) } }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
