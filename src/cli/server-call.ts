/**
 * Calling a running Berth from the command line: the local server the configuration names
 * (http.addr and http.tls; its certificate names the public host, so TLS is not verified for
 * that loopback call) or a URL given, verified as usual (NODE_EXTRA_CA_CERTS adds a CA).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Config } from '../config/schema.js';
import { parseAddr } from '../ops/listen.js';

/** Where to call. */
export interface ServerTarget {
  url: URL;
  /** Our own process on this machine: do not verify its certificate's name. */
  local: boolean;
}

/** The local server `config` describes. */
export function localTarget(config: Pick<Config, 'http'>): ServerTarget {
  const { host, port } = parseAddr(config.http.addr);
  const target = !host || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return { url: new URL(`${config.http.tls ? 'https' : 'http'}://${target}:${port}`), local: true };
}

/** An answer: status and body text, or why there was none. */
export type ServerAnswer = { status: number; body: string } | { unreachable: string };

/** One request to `target` at `path`; never throws for a network failure (the answer says it). */
export function callServer(
  target: ServerTarget,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<ServerAnswer> {
  const url = new URL(path, target.url);
  const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeout = opts.timeoutMs ?? 2500;
  return new Promise((resolve) => {
    const req = make(url, { method: opts.method ?? 'GET', headers: opts.headers, timeout, rejectUnauthorized: !target.local }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout / 1000} s`)));
    req.on('error', (err) => resolve({ unreachable: err.message }));
    req.end(opts.body);
  });
}
