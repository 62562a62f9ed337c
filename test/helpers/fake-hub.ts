/**
 * An in-process upstream that behaves like Docker Hub for the proxy's HTTP tests: the real
 * Berth app (memory storage) behind Bearer token auth whose realm is a separate token server
 * (service registry.docker.io), blob GETs redirected to a separate "CDN" host, a request log,
 * and switches for outages (503), rate limiting (429 + Retry-After) and slowness.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { makeApp, type TestApp } from './app.js';

/** One request as the upstream saw it. */
export interface SeenRequest {
  host: 'registry' | 'cdn' | 'token';
  method: string;
  path: string;
  authorization?: string;
  via?: string;
  /** The answer's status (set when the exchange closes). */
  status?: number;
}

/** A running fake hub. */
export interface FakeHub {
  url: string;
  /** The Berth app holding the upstream's content (push into it directly). */
  inner: TestApp;
  seen: SeenRequest[];
  /** Switches the tests flip. */
  mode: {
    down: boolean;
    /** Answer this many more registry requests with 503. */
    failures: number;
    rateLimited: number;
    delayMs: number;
    requireCreds?: { user: string; pass: string };
    /** Bytes the CDN sends instead of any blob (a corrupt download). */
    corrupt?: Buffer;
  };
  /** Tokens issued so far. */
  tokensIssued: number;
  close(): Promise<void>;
}

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Start the registry, its token server and its CDN on free ports. */
export async function startFakeHub(): Promise<FakeHub> {
  const inner = await makeApp('memory');
  const tokens = new Set<string>();
  const hub: FakeHub = {
    url: '',
    inner,
    seen: [],
    mode: { down: false, failures: 0, rateLimited: 0, delayMs: 0 },
    tokensIssued: 0,
    close: async () => undefined,
  };
  const record =
    (host: SeenRequest['host']): express.RequestHandler =>
    (req, res, next) => {
      const seen: SeenRequest = { host, method: req.method, path: req.originalUrl, authorization: req.get('authorization') };
      seen.via = req.get('via');
      hub.seen.push(seen);
      res.on('close', () => (seen.status = res.statusCode));
      next();
    };

  const tokenApp = express();
  tokenApp.use(record('token'));
  tokenApp.get('/token', (req, res) => {
    const want = hub.mode.requireCreds;
    const basic = `Basic ${Buffer.from(`${want?.user}:${want?.pass}`).toString('base64')}`;
    if (want && req.get('authorization') !== basic) return void res.status(401).json({ details: 'bad credentials' });
    const token = randomBytes(12).toString('hex');
    tokens.add(token);
    hub.tokensIssued++;
    res.json({ token, expires_in: 300, issued_at: new Date().toISOString() });
  });
  const token = await listen(tokenApp);

  const cdnApp = express();
  cdnApp.use(record('cdn'));
  // The CDN serves what the registry holds, without any auth of its own.
  cdnApp.get(/^\/blobs\/(.+)$/, (req, res) => {
    if (hub.mode.corrupt) return void res.status(200).set('Content-Type', 'application/octet-stream').send(hub.mode.corrupt);
    req.url = `/v2/${String(req.query['repo'])}/blobs/${(req.params as Record<string, string>)[0]}`;
    inner.app(req, res);
  });
  const cdn = await listen(cdnApp);

  const regApp = express();
  regApp.use(record('registry'));
  regApp.use(async (req, res, next) => {
    if (hub.mode.delayMs) await new Promise((r) => setTimeout(r, hub.mode.delayMs));
    if (hub.mode.down) return void res.status(503).end();
    if (hub.mode.failures > 0) {
      hub.mode.failures--;
      return void res.status(503).end();
    }
    if (req.path === '/v2/' || req.path === '/v2') return next();
    const name = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(req.path)?.[1] ?? '';
    const auth = req.get('authorization') ?? '';
    if (!tokens.has(auth.replace(/^Bearer /, ''))) {
      res.set('WWW-Authenticate', `Bearer realm="${token.url}/token",service="registry.docker.io",scope="repository:${name}:pull"`);
      return void res.status(401).json({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    }
    if (hub.mode.rateLimited > 0) {
      hub.mode.rateLimited--;
      return void res
        .status(429)
        .set('Retry-After', '1')
        .json({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] });
    }
    res.set({ 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': '99;w=21600', 'Docker-RateLimit-Source': '127.0.0.1' });
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(req.path);
    if (blob && req.method === 'GET') return void res.redirect(307, `${cdn.url}/blobs/${blob[2]}?repo=${blob[1]}`);
    next();
  });
  regApp.use(inner.app);
  const reg = await listen(regApp);
  hub.url = reg.url;
  hub.close = async () => {
    for (const s of [reg.server, cdn.server, token.server]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await inner.cleanup();
  };
  return hub;
}
