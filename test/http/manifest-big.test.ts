/**
 * Big manifests (24,000 layer descriptors, ~3.6 MB): a valid one is accepted with a cold
 * storage cache, an invalid one is refused with a bounded error, and neither holds up other
 * requests while it is checked.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http.js';
import { MT, descriptorOf, digestOf, getBytes, pushBlob, putManifest } from '../helpers/oci.js';
import type { App } from '../../src/http/app.js';

const LAYERS = 24_000;

/** An image manifest whose layers are `LAYERS` descriptors made by `layer(i)`. */
function big(config: ReturnType<typeof descriptorOf>, layer: (i: number) => { digest: string; size: number }): string {
  const layers = Array.from({ length: LAYERS }, (_, i) => ({ mediaType: MT.ociLayer, ...layer(i) }));
  return JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, config, layers });
}

/** Distinct digests of content nobody pushed. */
const missingLayer = (): { digest: string; size: number } => ({ digest: digestOf(randomBytes(16)), size: 1024 });

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`big manifests on ${driver}`, () => {
    let t: TestApp;
    let config: ReturnType<typeof descriptorOf>;
    before(async () => {
      t = await makeApp(driver);
      const configBytes = JSON.stringify({ architecture: 'amd64', os: 'linux', big: true });
      await pushBlob(t.app, 'big/one', configBytes);
      await pushBlob(t.app, 'big/missing', configBytes);
      config = descriptorOf(MT.ociConfig, configBytes);
    });
    after(() => t.cleanup());

    it('24,000 descriptors of one stored layer, storage cache cold → 201, and it reads back', async () => {
      const layerBytes = randomBytes(512);
      const layer = descriptorOf(MT.ociLayer, layerBytes);
      await pushBlob(t.app, 'big/one', layerBytes);
      const body = big(config, () => layer);
      assert.ok(body.length > 3_000_000, `only ${body.length} bytes`);
      const res = await putManifest(t.app, 'big/one', 'v1', body, MT.ociManifest);
      assert.equal(res.status, 201, res.text.slice(0, 300));
      const got = await getBytes(t.app, '/v2/big/one/manifests/v1', { Accept: MT.ociManifest });
      assert.equal(got.headers['docker-content-digest'], digestOf(body));
      assert.equal((got.body as Buffer).length, body.length);
    });

    it('24,000 missing layers → 400 MANIFEST_BLOB_UNKNOWN naming at most 100 of them, nothing stored', async () => {
      const body = big(config, missingLayer);
      const res = await putManifest(t.app, 'big/missing', 'v1', body, MT.ociManifest);
      expectError(res, 400, 'MANIFEST_BLOB_UNKNOWN');
      const detail = res.body.errors[0].detail as { digests: string[]; truncated?: boolean };
      assert.ok(detail.digests.length > 0 && detail.digests.length <= 100, `${detail.digests.length} digests listed`);
      assert.equal(detail.truncated, true);
      for (const d of detail.digests) assert.ok(body.includes(d), `${d} is not one of the manifest's layers`);
      assert.ok(res.text.length < 20_000, `error body of ${res.text.length} bytes`);
      expectError(await getBytes(t.app, '/v2/big/missing/manifests/v1'), 404, 'MANIFEST_UNKNOWN');
    });
  });
}

describe('a big manifest does not hold up other requests', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  /**
   * PUT `body` on a real socket and, once it is sent, GET /v2/ on another connection: the order
   * in which the answers arrive. The server reads the PUT before it parses and checks the
   * manifest, so the GET arrives while that work is under way.
   */
  async function race(app: App, path: string, body: string): Promise<string[]> {
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const order: string[] = [];
    const send = (method: string, p: string, data?: string) =>
      new Promise<number>((resolve, reject) => {
        const headers = data === undefined ? {} : { 'Content-Type': MT.ociManifest, 'Content-Length': String(Buffer.byteLength(data)) };
        const req = httpRequest({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => {
            order.push(method);
            resolve(res.statusCode ?? 0);
          });
        });
        req.on('error', reject);
        req.end(data, () => {
          if (data !== undefined) sent();
        });
      });
    let sent: () => void = () => {};
    const putSent = new Promise<void>((resolve) => (sent = resolve));
    try {
      const put = send('PUT', path, body);
      await putSent;
      const get = send('GET', '/v2/');
      assert.equal(await get, 200);
      assert.equal(await put, 400);
      return order;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('a small request sent while a 24,000-descriptor PUT is checked is answered before the PUT', async () => {
    const configBytes = JSON.stringify({ architecture: 'amd64', os: 'linux', race: true });
    await pushBlob(t.app, 'big/race', configBytes);
    const body = big(descriptorOf(MT.ociConfig, configBytes), missingLayer);
    assert.deepEqual(await race(t.app, '/v2/big/race/manifests/v1', body), ['GET', 'PUT']);
  });
});
