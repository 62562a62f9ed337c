/**
 * Serving the web UI (src/ui/): files by path, index.html for deep links and never for API
 * paths, security and cache headers, precompressed bodies by Accept-Encoding, conditional
 * requests, `ui.enabled`, and a missing build. Runs over a small built-UI fixture.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, get, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { parseConfig } from '../../src/config/load.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/registry/registry.js';
import { startServer } from '../../src/server.js';
import { createDriver } from '../../src/storage/factory.js';
import { CACHE_IMMUTABLE, CONTENT_SECURITY_POLICY } from '../../src/ui/headers.js';
import { isReservedPath, pickEncoding } from '../../src/ui/handler.js';
import { loadSite, type Site } from '../../src/ui/site.js';

const INDEX = '<!doctype html><title>Berth</title><script type="module" src="/assets/index-abc.js"></script>';
const SCRIPT = 'console.log("berth ui");'.repeat(50);

function appWith(site: Site | undefined): App {
  const config = parseConfig({ storage: { inmemory: {} } });
  const registry = createRegistry(createDriver(config.storage), config.storage);
  return createApp({ config, registry, log: createLogger('error'), ui: site });
}

/** GET through a real socket with no client-side decompression (supertest and fetch both undo it). */
async function rawGet(app: App, path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path, headers }, resolve).on('error', reject),
    );
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return { headers: res.headers, body: Buffer.concat(chunks) };
  } finally {
    server.close();
  }
}

describe('web UI serving', () => {
  let dir = '';
  let app: App;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-ui-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'index.html.gz'), gzipSync(INDEX));
    await writeFile(join(dir, 'assets', 'index-abc.js'), SCRIPT);
    await writeFile(join(dir, 'assets', 'index-abc.js.gz'), gzipSync(SCRIPT));
    await writeFile(join(dir, 'assets', 'index-abc.js.br'), brotliCompressSync(SCRIPT));
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = appWith(loadSite(dir));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('serves index.html at / and at every deep link, with the security headers and no-cache', async () => {
    for (const path of [
      '/',
      '/projects',
      '/projects/team/repositories/app',
      '/projects/team/repositories/tools%2Fapp/artifacts/1.2.3',
      '/x.y',
    ]) {
      const res = await request(app).get(path).set('Accept-Encoding', 'identity');
      assert.equal(res.status, 200, path);
      assert.equal(res.text, INDEX, path);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['cache-control'], 'no-cache');
    }
  });

  it('the policy allows no inline code, no other origin and no framing', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'self'");
    assert.equal(directives.get('style-src'), "'self'");
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.equal(directives.get('require-trusted-types-for'), "'script'");
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe|https?:|data:|\*/);
  });

  it('never answers an API path with the app: those stay JSON 404s', async () => {
    for (const path of ['/v2/nope/x', '/v1/_ping', '/api', '/api/v1/projects', '/token/x', '/_berth/nope', '/metrics']) {
      const res = await request(app).get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/, path);
      assert.equal(res.headers['content-security-policy'], undefined, path);
    }
    assert.equal((await request(app).get('/v2/')).status, 200);
    // The health endpoints answer themselves, in JSON, not with the app.
    for (const path of ['/healthz', '/readyz']) {
      const res = await request(app).get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/, path);
    }
    assert.ok(isReservedPath('/api') && isReservedPath('/metrics/x') && !isReservedPath('/apiary') && !isReservedPath('/projects'));
  });

  it('a missing hashed asset is a 404, not the app', async () => {
    const res = await request(app).get('/assets/index-old.js');
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  });

  it('hashed assets are immutable and come brotli- or gzip-compressed as the client accepts', async () => {
    const br = await rawGet(app, '/assets/index-abc.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['cache-control'], CACHE_IMMUTABLE);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['vary'], 'Accept-Encoding');
    assert.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(brotliDecompressSync(br.body).toString(), SCRIPT);

    const gz = await rawGet(app, '/assets/index-abc.js', { 'Accept-Encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), SCRIPT);

    const plain = await request(app).get('/assets/index-abc.js').set('Accept-Encoding', 'identity');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.text, SCRIPT);
    assert.equal(Number(plain.headers['content-length']), SCRIPT.length);
  });

  it('HEAD has the headers and no body; If-None-Match answers 304', async () => {
    const head = await request(app).head('/projects').set('Accept-Encoding', 'identity');
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers['content-length']), INDEX.length);
    const etag = head.headers['etag'];
    assert.match(etag ?? '', /^W\/"/);
    const again = await request(app).get('/projects').set('If-None-Match', etag!);
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
  });

  it('other methods are not the UI', async () => {
    assert.equal((await request(app).post('/projects')).status, 404);
  });

  it('picks encodings by q-value, * included', () => {
    const both = { gzip: Buffer.alloc(1), br: Buffer.alloc(1) };
    assert.equal(pickEncoding('br;q=0, gzip', both), 'gzip');
    assert.equal(pickEncoding('*', both), 'br');
    assert.equal(pickEncoding('*;q=0', both), undefined);
    assert.equal(pickEncoding(undefined, both), undefined);
    assert.equal(pickEncoding('br', { gzip: Buffer.alloc(1) }), undefined);
  });
});

describe('web UI configuration', () => {
  it('is on by default; BERTH_UI_ENABLED=false turns it off', () => {
    assert.equal(parseConfig({}).ui.enabled, true);
    assert.equal(parseConfig({ ui: { enabled: false } }).ui.enabled, false);
    assert.equal(parseConfig({}, { BERTH_UI_ENABLED: 'false' }).ui.enabled, false);
    assert.throws(() => parseConfig({ ui: { enable: true } }), /enable/);
  });

  it('turned off, / is the JSON 404 it was before', async () => {
    const running = await startServer(
      parseConfig({ http: { addr: '127.0.0.1:0' }, storage: { inmemory: {} }, ui: { enabled: false } }),
      createLogger('error'),
    );
    try {
      const res = await fetch(`${running.url}/`);
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    } finally {
      await running.close();
    }
  });

  it('a missing build answers UI paths 503 in plain words and leaves the registry serving', async () => {
    const site = loadSite('/nonexistent/berth-ui');
    assert.ok('missing' in site);
    const app = appWith(site);
    const res = await request(app).get('/projects');
    assert.equal(res.status, 503);
    assert.match(res.text, /npm run build/);
    assert.equal((await request(app).get('/v2/')).status, 200);
    assert.equal((await request(app).get('/api/v1/x')).status, 404);
  });
});
