/**
 * A small HTTP client over node:http for the load generator: one keep-alive Agent per client
 * (maxSockets = the scenario's concurrency, as docker and containerd pool connections), bodies
 * read into memory or hashed as they stream, and only loopback targets.
 */
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** One request to send. */
export interface Sent {
  method: string;
  /** Path and query on the target, or an absolute URL on the same host (a Location header). */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | Readable;
  /** What to do with the response body: keep it (default), hash it as it streams, or count it. */
  read?: 'buffer' | 'hash' | 'discard';
  /** Socket idle timeout in ms (default 60 s). */
  timeoutMs?: number;
}

/** A received response. */
export interface Received {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body when read = 'buffer' (and always the start of an error body). */
  body: Buffer;
  /** sha256 of the body when read = 'hash'. */
  bodyDigest: string | undefined;
  bytes: number;
  /** The URL that was requested. */
  url: URL;
}

/** HTTP client bound to one loopback registry. */
export class Client {
  readonly agent: Agent;
  readonly base: URL;
  /** Headers sent with every request (e.g. a bearer token); a request's own headers win. */
  readonly defaults: OutgoingHttpHeaders;

  constructor(baseUrl: string, maxSockets: number, defaults: OutgoingHttpHeaders = {}) {
    this.base = new URL(baseUrl);
    this.defaults = defaults;
    if (this.base.hostname !== '127.0.0.1') throw new Error(`bench targets must be 127.0.0.1, not ${this.base.hostname}`);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Resolve a path or a Location against the target; refuses any other host. */
  resolve(path: string): URL {
    const url = new URL(path, this.base);
    if (url.host !== this.base.host) throw new Error(`refusing to follow ${url.href}: not the target ${this.base.host}`);
    return url;
  }

  /** Send one request and read its response. */
  send(s: Sent): Promise<Received> {
    const url = this.resolve(s.path);
    const headers: OutgoingHttpHeaders = { ...this.defaults, ...s.headers };
    if (Buffer.isBuffer(s.body) && headers['content-length'] === undefined && headers['Content-Length'] === undefined) {
      headers['Content-Length'] = s.body.length;
    }
    if (s.body === undefined && (s.method === 'PUT' || s.method === 'POST' || s.method === 'PATCH')) {
      headers['Content-Length'] ??= 0;
    }
    return new Promise<Received>((resolve, reject) => {
      const req = request(url, { method: s.method, headers, agent: this.agent }, (res) => {
        const status = res.statusCode ?? 0;
        const mode = status >= 400 ? 'buffer' : (s.read ?? 'buffer');
        const hash = mode === 'hash' ? createHash('sha256') : undefined;
        const parts: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (hash) hash.update(c);
          else if (mode === 'buffer') parts.push(c);
        });
        res.on('end', () =>
          resolve({
            status,
            headers: res.headers,
            body: Buffer.concat(parts),
            bodyDigest: hash ? `sha256:${hash.digest('hex')}` : undefined,
            bytes,
            url,
          }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error(`${s.method} ${url.pathname}: response aborted`)));
      });
      req.setTimeout(s.timeoutMs ?? 60_000, () => req.destroy(new Error(`${s.method} ${url.pathname}: timed out`)));
      req.on('error', reject);
      const body = s.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }

  /** Close every pooled connection. */
  close(): void {
    this.agent.destroy();
  }
}
