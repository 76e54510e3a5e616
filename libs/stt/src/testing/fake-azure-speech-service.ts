/**
 * A local stand-in for the Azure AI Speech WebSocket endpoint, enough for the real SDK to run
 * a continuous-recognition session against it: WebSocket handshake and frames (RFC 6455,
 * server side, unfragmented messages), the SDK's message format (text: headers, blank line,
 * JSON; binary: 2-byte header length, headers, payload), and the service's turn protocol
 * (turn.start, speech.startDetected, speech.phrase…, speech.endDetected, turn.end) sent once
 * the SDK has sent its last (empty) audio message.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface SpeechMessage {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface SpeechConnection {
  url: URL;
  headers: IncomingMessage['headers'];
  /** speech.config, speech.context, … */
  messages: SpeechMessage[];
  /** PCM as the SDK sent it, its own 44-byte WAV header (first audio message) excluded. */
  audio: Buffer;
  /** The SDK's own WAV header for the stream. */
  wavHeader: Buffer | null;
}

/** What the service answers once the audio has ended: phrases (speech.phrase bodies). */
export type SpeechScript = (conn: SpeechConnection) => Array<Record<string, unknown>>;

export interface FakeSpeechService {
  /** ws:// endpoint for SpeechConfig.fromEndpoint. */
  endpoint: string;
  connections: SpeechConnection[];
  /** Reject the next handshakes with this HTTP status (e.g. 401, 429); null to accept. */
  rejectWith: number | null;
  close(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

export async function startFakeSpeechService(script: SpeechScript): Promise<FakeSpeechService> {
  const connections: SpeechConnection[] = [];
  const sockets = new Set<Duplex>();
  const state: { rejectWith: number | null } = { rejectWith: null };
  const server: Server = createServer((_req, res) => res.writeHead(404).end());

  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (state.rejectWith !== null) {
      socket.end(`HTTP/1.1 ${state.rejectWith} Rejected\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const accept = createHash('sha1')
      .update(`${String(req.headers['sec-websocket-key'])}${GUID}`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const conn: SpeechConnection = {
      url: new URL(req.url ?? '/', 'ws://fake'),
      headers: req.headers,
      messages: [],
      audio: Buffer.alloc(0),
      wavHeader: null,
    };
    connections.push(conn);
    let requestId = '';
    const send = (path: string, body: unknown): void => {
      const text = `X-RequestId:${requestId}\r\nPath:${path}\r\nContent-Type:application/json; charset=utf-8\r\n\r\n${JSON.stringify(body)}`;
      socket.write(frame(0x1, Buffer.from(text, 'utf8')));
    };
    const onMessage = (opcode: number, payload: Buffer): void => {
      if (opcode === 0x8) {
        socket.end(frame(0x8, Buffer.alloc(0)));
        return;
      }
      if (opcode === 0x9) {
        socket.write(frame(0xa, payload));
        return;
      }
      if (opcode === 0x1) {
        const text = payload.toString('utf8');
        const split = text.indexOf('\r\n\r\n');
        const headers = parseHeaders(split < 0 ? text : text.slice(0, split));
        const raw = split < 0 ? '' : text.slice(split + 4);
        requestId = headers['x-requestid'] ?? requestId;
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          // keep the text
        }
        conn.messages.push({ path: headers['path'] ?? '', headers, body });
        return;
      }
      if (opcode === 0x2) {
        const headerLength = payload.readInt16BE(0);
        const headers = parseHeaders(payload.subarray(2, 2 + headerLength).toString('ascii'));
        const body = payload.subarray(2 + headerLength);
        requestId = headers['x-requestid'] ?? requestId;
        if (headers['path'] !== 'audio') return;
        if (body.length === 0) {
          // End of audio: the service's turn, as recorded from the real endpoint (trimmed).
          const phrases = script(conn);
          send('turn.start', { context: { serviceTag: 'fake-service-tag' } });
          send('speech.startDetected', { Offset: phrases[0]?.['Offset'] ?? 0 });
          for (const p of phrases) send('speech.phrase', p);
          const last = phrases[phrases.length - 1];
          send('speech.endDetected', { Offset: last ? Number(last['Offset']) + Number(last['Duration']) : 0 });
          send('turn.end', {});
        } else if (headers['content-type'] === 'audio/x-wav' && conn.wavHeader === null) {
          conn.wavHeader = Buffer.from(body);
        } else {
          conn.audio = Buffer.concat([conn.audio, body]);
        }
      }
    };

    let buf = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = (buf[0] as number) & 0x0f;
        const masked = ((buf[1] as number) & 0x80) !== 0;
        let len = (buf[1] as number) & 0x7f;
        let pos = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          pos = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          pos = 10;
        }
        const maskLen = masked ? 4 : 0;
        if (buf.length < pos + maskLen + len) return;
        const mask = masked ? buf.subarray(pos, pos + 4) : null;
        const payload = Buffer.from(buf.subarray(pos + maskLen, pos + maskLen + len));
        if (mask)
          for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
        buf = buf.subarray(pos + maskLen + len);
        onMessage(opcode, payload);
      }
    });
    socket.on('error', () => undefined);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `ws://127.0.0.1:${port}/speech/recognition/conversation/cognitiveservices/v1`,
    connections,
    get rejectWith() {
      return state.rejectWith;
    },
    set rejectWith(v: number | null) {
      state.rejectWith = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A Detailed-format speech.phrase body: words as [word, startMs, endMs, confidence]. */
export function detailedPhrase(
  words: Array<[string, number, number, number]>,
  display: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const TICKS = 10_000;
  const start = words[0]?.[1] ?? 0;
  const end = words[words.length - 1]?.[2] ?? start;
  const lexical = words.map((w) => w[0]).join(' ');
  return {
    RecognitionStatus: 'Success',
    Offset: start * TICKS,
    Duration: (end - start) * TICKS,
    Channel: 0,
    ...extra,
    NBest: [
      {
        Confidence: 0.93,
        Lexical: lexical,
        ITN: lexical,
        MaskedITN: lexical,
        Display: display,
        Words: words.map(([Word, s, e, Confidence]) => ({
          Word,
          Offset: s * TICKS,
          Duration: (e - s) * TICKS,
          Confidence,
        })),
      },
    ],
  };
}
