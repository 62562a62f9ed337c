/** src/config: defaults, BERTH_* overrides, strict keys, named errors; and config the HTTP layer honours. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { makeApp } from '../helpers/app.js';
import { expectError } from '../helpers/http.js';
import { pushBlob } from '../helpers/oci.js';

const appFor = (config: Config) =>
  createApp({ config, registry: createRegistry(createDriver(config.storage), config.storage), log: createLogger('error') });

/** The ConfigError message parseConfig throws for `raw` and `env`. */
function failure(raw: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(raw, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
    return err.message;
  }
  assert.fail(`accepted: ${JSON.stringify(raw)} ${JSON.stringify(env)}`);
}

describe('config defaults and environment overrides', () => {
  it('an empty file gets every default', () => {
    const c = parseConfig({});
    assert.equal(c.http.addr, ':5000');
    assert.equal(c.http.relativeurls, false);
    assert.equal(c.storage.delete.enabled, true);
    assert.equal(c.storage.redirect.disable, false);
    assert.deepEqual(c.storage.filesystem, { rootdirectory: './data' });
    assert.equal(c.tags.maxentries, 1000);
    assert.equal(c.catalog.maxentries, 1000);
    assert.equal(c.validation.manifests.maxsize, 4 * 1024 * 1024);
    assert.equal(c.log.level, 'info');
    assert.deepEqual(parseConfig(null), c);
  });

  it('BERTH_STORAGE_DELETE_ENABLED=false turns deletes off (and the app answers 405)', async () => {
    const c = parseConfig({ storage: { inmemory: {} } }, { BERTH_STORAGE_DELETE_ENABLED: 'false' });
    assert.equal(c.storage.delete.enabled, false);
    const app = appFor(c);
    const d = await pushBlob(app, 'foo', 'kept');
    expectError(await request(app).delete(`/v2/foo/blobs/${d}`), 405, 'UNSUPPORTED');
  });

  it('BERTH_HTTP_ADDR sets http.addr and wins over the file', () => {
    assert.equal(parseConfig({}, { BERTH_HTTP_ADDR: '127.0.0.1:6000' }).http.addr, '127.0.0.1:6000');
    assert.equal(parseConfig({ http: { addr: ':5000' } }, { BERTH_HTTP_ADDR: ':7000' }).http.addr, ':7000');
    assert.equal(parseConfig({}, { BERTH_HTTP_ADDR: '[::1]:5001' }).http.addr, '[::1]:5001');
  });

  it('values are typed: numbers and booleans from strings, other file keys kept', () => {
    const c = parseConfig(
      { http: { relativeurls: false }, tags: { maxentries: 7 } },
      { BERTH_TAGS_MAXENTRIES: '5', BERTH_HTTP_RELATIVEURLS: 'true', BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: '/var/lib/berth' },
    );
    assert.equal(c.tags.maxentries, 5);
    assert.equal(c.http.relativeurls, true);
    assert.deepEqual(c.storage.filesystem, { rootdirectory: '/var/lib/berth' });
    assert.equal(c.catalog.maxentries, 1000);
  });

  it('ignores variables without the prefix and BERTH_CONFIG (which names the file)', () => {
    const c = parseConfig({}, { HTTP_ADDR: ':1', BERTH_CONFIG: '/etc/berth.yml' });
    assert.equal(c.http.addr, ':5000');
  });

  it("REGISTRY_* (registry:2's prefix) is an alias, and BERTH_* wins over it", () => {
    assert.equal(parseConfig({}, { REGISTRY_HTTP_ADDR: ':2' }).http.addr, ':2');
    assert.equal(parseConfig({}, { REGISTRY_HTTP_ADDR: ':2', BERTH_HTTP_ADDR: ':3' }).http.addr, ':3');
  });

  it('does not modify the raw object it was given', () => {
    const raw = { http: { addr: ':5000' } };
    parseConfig(raw, { BERTH_HTTP_ADDR: ':6000' });
    assert.deepEqual(raw, { http: { addr: ':5000' } });
  });
});

describe('config errors name the key', () => {
  it('an unknown top-level key', () => {
    const msg = failure({ bogus: 1 });
    assert.match(msg, /\bbogus\b/);
    assert.match(msg, /unknown key/);
  });

  it('unknown nested keys, every one of them', () => {
    const msg = failure({ storage: { delete: { enbled: false } }, http: { adr: ':1', tlz: {} } });
    assert.match(msg, /storage\.delete\.enbled: unknown key/);
    assert.match(msg, /http\.adr: unknown key/);
    assert.match(msg, /http\.tlz: unknown key/);
  });

  it('an unknown key introduced by the environment', () => {
    assert.match(failure({}, { BERTH_HTTP_BOGUS: '1' }), /http\.bogus: unknown key/);
    assert.match(failure({}, { BERTH_STORAGE_S3_BOGUS: '1' }), /storage\.s3\.bogus: unknown key/);
  });

  const bad: Array<[string, unknown, NodeJS.ProcessEnv, RegExp]> = [
    ['http.addr not HOST:PORT', { http: { addr: 'localhost' } }, {}, /http\.addr: must be HOST:PORT or :PORT/],
    ['http.host not a URL', { http: { host: 'registry.example.com' } }, {}, /http\.host/],
    ['tags.maxentries 0', { tags: { maxentries: 0 } }, {}, /tags\.maxentries/],
    ['catalog.maxentries fractional', { catalog: { maxentries: 2.5 } }, {}, /catalog\.maxentries/],
    ['log.level unknown', { log: { level: 'loud' } }, {}, /log\.level/],
    ['manifest maxsize negative', { validation: { manifests: { maxsize: -1 } } }, {}, /validation\.manifests\.maxsize/],
    ['a section that is not a mapping', { storage: 'filesystem' }, {}, /storage/],
    [
      'a bad boolean from the env',
      {},
      { BERTH_STORAGE_DELETE_ENABLED: 'maybe' },
      /storage\.delete\.enabled: .*\(env BERTH_STORAGE_DELETE_ENABLED\)/,
    ],
    ['a bad number from the env', {}, { BERTH_TAGS_MAXENTRIES: 'lots' }, /tags\.maxentries: .*\(env BERTH_TAGS_MAXENTRIES\)/],
    ['two storage drivers', { storage: { filesystem: { rootdirectory: '/x' }, inmemory: {} } }, {}, /only one storage driver/],
  ];
  for (const [what, raw, env, re] of bad) {
    it(what, () => assert.match(failure(raw, env), re));
  }

  it('a top level that is not a mapping', () => {
    assert.throws(() => parseConfig([1, 2]), ConfigError);
    assert.throws(() => parseConfig('text'), ConfigError);
  });
});

describe('loadConfig from YAML', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-config-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads a file, a bare `inmemory:` selects the memory driver, env applies on top', async () => {
    const file = join(dir, 'ok.yml');
    await writeFile(file, 'version: 0.1\nstorage:\n  inmemory:\n  delete:\n    enabled: true\nhttp:\n  addr: ":5000"\n');
    const c = await loadConfig(file, { BERTH_STORAGE_DELETE_ENABLED: 'false', BERTH_CONFIG: file });
    assert.equal(c.version, '0.1');
    assert.equal(c.storage.delete.enabled, false);
    assert.equal(c.storage.filesystem, undefined);
    assert.equal(createDriver(c.storage).name, 'inmemory');
  });

  it('invalid YAML, a missing file and a bad key are ConfigErrors naming the file', async () => {
    const broken = join(dir, 'broken.yml');
    await writeFile(broken, 'http: [unclosed\n');
    await assert.rejects(loadConfig(broken, {}), (e: Error) => e instanceof ConfigError && e.message.includes(broken));
    const missing = join(dir, 'missing.yml');
    await assert.rejects(loadConfig(missing, {}), (e: Error) => e instanceof ConfigError && e.message.includes(missing));
    const unknown = join(dir, 'unknown.yml');
    await writeFile(unknown, 'storage:\n  inmemory: {}\n  cache:\n    blobdescriptors: inmemory\n');
    await assert.rejects(
      loadConfig(unknown, {}),
      (e: Error) => e.message.includes(unknown) && e.message.includes(`storage.cache.blobdescriptors: unknown key (file ${unknown})`),
    );
  });

  it('no file means defaults plus the environment', async () => {
    assert.equal((await loadConfig(undefined, { BERTH_HTTP_ADDR: ':5999' })).http.addr, ':5999');
  });
});

describe('Location headers follow http config', () => {
  it('absolute from the request by default, honouring X-Forwarded-Proto from a trusted proxy only', async () => {
    const t = await makeApp('memory', { http: { trustedproxies: ['loopback'] } });
    const res = await request(t.app).post('/v2/foo/blobs/uploads/').set('Host', 'reg.example:5000').set('X-Forwarded-Proto', 'https');
    assert.match(res.headers['location'] ?? '', /^https:\/\/reg\.example:5000\/v2\/foo\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const direct = await makeApp('memory');
    const ignored = await request(direct.app)
      .post('/v2/foo/blobs/uploads/')
      .set('Host', 'reg.example:5000')
      .set('X-Forwarded-Proto', 'https');
    assert.match(ignored.headers['location'] ?? '', /^http:\/\/reg\.example:5000\/v2\/foo\/blobs\/uploads\//);
  });

  it('http.relativeurls: true gives relative Locations', async () => {
    const t = await makeApp('memory', { http: { relativeurls: true } });
    const res = await request(t.app).post('/v2/foo/blobs/uploads/');
    assert.match(res.headers['location'] ?? '', /^\/v2\/foo\/blobs\/uploads\/[0-9a-f-]{36}$/);
  });

  it('http.host is used as the base of Locations', async () => {
    const t = await makeApp('memory', { http: { host: 'https://registry.example.com/' } });
    const d = await pushBlob(t.app, 'foo', 'x');
    const res = await request(t.app).post(`/v2/bar/blobs/uploads/?mount=${d}&from=foo`);
    assert.equal(res.headers['location'], `https://registry.example.com/v2/bar/blobs/${d}`);
  });
});
