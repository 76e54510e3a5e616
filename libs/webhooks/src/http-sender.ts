import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkHost, isPrivateAddress, type Resolve, UrlRefused } from './address-guard';

/** One HTTP POST of a delivery: what the delivery worker needs of the network. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type WebhookResponse = { status: number } | { error: string };

/** The port the worker sends through: the node:http adapter below, a fake in unit tests. */
export interface WebhookSender {
  send(req: WebhookRequest): Promise<WebhookResponse>;
}

/** node:dns `lookup` of every address of a host. */
export const resolveHost: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses: LookupAddress[]) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

/**
 * The node:http(s) adapter. Unless `allowPrivate`, the connection's own DNS lookup refuses a
 * private address, so the address checked is the address connected to (a name that resolved to a
 * public address at registration and to 127.0.0.1 now is refused: DNS rebinding). Redirects are not
 * followed (a 3xx is a failed attempt), and the response body is not read beyond its status.
 */
export function httpWebhookSender(opts: { allowPrivate: boolean; resolve?: Resolve }): WebhookSender {
  const resolve = opts.resolve ?? resolveHost;
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const usable = addresses.filter((a) => !isPrivateAddress(a.address));
      if (!usable.length) {
        const refused = new UrlRefused('WEBHOOK.PRIVATE_ADDRESS', `${hostname} resolves to a private address`);
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
  return {
    async send(req) {
      const url = new URL(req.url);
      try {
        // An address literal is not looked up: it is checked here instead.
        if (!opts.allowPrivate) await checkHost(url.hostname, resolve);
      } catch (err) {
        return { error: (err as Error).message };
      }
      const options: RequestOptions = {
        method: 'POST',
        headers: {
          ...req.headers,
          'content-length': String(Buffer.byteLength(req.body)),
          'user-agent': 'speech-coach-webhooks/1',
        },
        timeout: req.timeoutMs,
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise<WebhookResponse>((done) => {
        const timer = setTimeout(() => r.destroy(new Error(`no answer in ${req.timeoutMs} ms`)), req.timeoutMs);
        const r = send(url, options, (res) => {
          clearTimeout(timer);
          res.resume(); // the body is not ours to keep
          done({ status: res.statusCode ?? 0 });
        });
        r.on('timeout', () => r.destroy(new Error(`no answer in ${req.timeoutMs} ms`)));
        r.on('error', (err) => {
          clearTimeout(timer);
          done({ error: err.message.slice(0, 300) });
        });
        r.end(req.body);
      });
    },
  };
}
