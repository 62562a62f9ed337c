/**
 * registry:2 as a drop-in: Distribution's example configurations and Debian's packaged one
 * load, every key is honoured or reported by name, REGISTRY_* works as BERTH_*, and errors say
 * where a value came from and how Berth spells a registry:2 key.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfigDetailed, parseConfigDetailed } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { knowsKey } from '../../src/config/schema-keys.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry2');
const DEBIAN = '/etc/docker/registry/config.yml';

/** The ConfigError message for `raw` and `env`. */
function failure(raw: unknown, env: NodeJS.ProcessEnv = {}, file?: string): string {
  try {
    parseConfigDetailed(raw, env, file ?? 'config', file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail(`accepted ${JSON.stringify(raw)}`);
}

/** The notices expected for keys that Berth may learn later (then they are honoured instead). */
function unlessKnown(key: string, notice: RegExp, notices: string[]): void {
  if (knowsKey(configSchema, key.split('.'))) assert.ok(!notices.some((n) => n.startsWith(`${key}:`)), `${key} is honoured now`);
  else
    assert.ok(
      notices.some((n) => notice.test(n)),
      `no notice for ${key} in ${JSON.stringify(notices)}`,
    );
}

describe("Distribution's and Debian's configurations", () => {
  it('config-example.yml: honoured keys take effect, the others are named once', async () => {
    const { config, notices } = await loadConfigDetailed(join(FIXTURES, 'config-example.yml'), {});
    assert.equal(config.http.addr, ':5000');
    assert.deepEqual(config.storage.filesystem, { rootdirectory: '/var/lib/registry' });
    assert.deepEqual(config.log.fields, { service: 'registry' });
    assert.deepEqual(config.http.headers, { 'X-Content-Type-Options': ['nosniff'] });
    assert.deepEqual(config.auth.htpasswd, { realm: 'basic-realm', path: '/etc/registry' });
    assert.equal(config.health.storagedriver.enabled, true);
    assert.ok(notices.includes('storage.tag: ignored (tag lookups are not throttled)'), JSON.stringify(notices));
    assert.ok(notices.some((n) => n.startsWith('health.storagedriver.interval: ignored')));
    assert.ok(notices.some((n) => n.startsWith('health.storagedriver.threshold: ignored')));
    // blobdescriptor: inmemory is what Berth does anyway: honoured, not reported.
    assert.ok(!notices.some((n) => n.includes('blobdescriptor')));
    assert.equal(new Set(notices).size, notices.length, 'each key is reported once');
  });

  it('config-dev.yml: debug server with Prometheus, deletes, debug level', async () => {
    const { config, notices } = await loadConfigDetailed(join(FIXTURES, 'config-dev.yml'), {});
    assert.equal(config.log.level, 'debug');
    assert.deepEqual(config.log.fields, { service: 'registry', environment: 'development' });
    assert.equal(config.storage.delete.enabled, true);
    assert.deepEqual(config.http.debug, { addr: ':5001', prometheus: { enabled: true, path: '/metrics' } });
    unlessKnown('storage.maintenance.uploadpurging', /^storage\.maintenance\.uploadpurging: ignored/, notices);
  });

  it("Debian's docker-registry config.yml (the packaged file when installed, else its copy)", async () => {
    const file = existsSync(DEBIAN) ? DEBIAN : join(FIXTURES, 'debian-config.yml');
    const { config } = await loadConfigDetailed(file, { REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: '/srv/registry' });
    assert.deepEqual(config.storage.filesystem, { rootdirectory: '/srv/registry' });
    assert.equal(config.storage.delete.enabled, true);
    assert.equal(config.auth.htpasswd?.realm, 'basic-realm');
  });
});

describe('REGISTRY_* environment aliases', () => {
  it('REGISTRY_PROXY_REMOTEURL makes a mirror of that upstream, as on registry:2', () => {
    const { config } = parseConfigDetailed({}, { REGISTRY_PROXY_REMOTEURL: 'https://registry-1.docker.io', REGISTRY_PROXY_TTL: '72h' });
    assert.equal(config.proxy.enabled, true);
    assert.equal(config.proxy.upstreams.length, 1);
    assert.deepEqual(
      { ...config.proxy.upstreams[0], ttl: undefined },
      { name: 'dockerhub', url: 'https://registry-1.docker.io', prefix: '', library: true, ttl: undefined },
    );
    assert.equal(config.proxy.cache.ttl, 72 * 3600 * 1000);
  });

  it('proxy credentials from the file and a non-Hub remote', () => {
    const { config } = parseConfigDetailed({ proxy: { remoteurl: 'https://ghcr.io', username: 'u', password: 'p' } });
    assert.deepEqual(config.proxy.upstreams[0], {
      name: 'remote',
      url: 'https://ghcr.io',
      username: 'u',
      password: 'p',
      prefix: '',
      ttl: 300_000,
      library: false,
    });
  });

  it('REGISTRY_STORAGE=s3 selects the driver the file did not', () => {
    const { config } = parseConfigDetailed(
      { storage: { filesystem: { rootdirectory: '/x' } } },
      { REGISTRY_STORAGE: 's3', REGISTRY_STORAGE_S3_BUCKET: 'b', REGISTRY_STORAGE_S3_REGIONENDPOINT: 'http://minio:9000' },
    );
    assert.equal(config.storage.filesystem, undefined);
    assert.equal(config.storage.s3?.bucket, 'b');
    assert.equal(config.storage.s3?.endpoint, 'http://minio:9000');
  });

  it('a REGISTRY_* variable that names no key is reported and skipped; a BERTH_* one is an error', () => {
    const { config, notices } = parseConfigDetailed({}, { REGISTRY_BOGUS_THING: '1', REGISTRY_HTTP_ADDR: ':6000' });
    assert.equal(config.http.addr, ':6000');
    assert.deepEqual(notices, ['REGISTRY_BOGUS_THING: ignored (not a configuration key)']);
    assert.match(failure({}, { BERTH_BOGUS_THING: '1' }), /bogus: unknown key \(env BERTH_BOGUS_THING\)/);
  });
});

describe('registry:2 keys Berth spells differently, ignores or refuses', () => {
  it('renamed keys are honoured: regionendpoint, encrypt, signingalgorithms, loglevel, trace', () => {
    const { config } = parseConfigDetailed({
      loglevel: 'trace',
      storage: { s3: { bucket: 'b', regionendpoint: 'http://minio:9000', encrypt: true, v4auth: true, secure: true } },
      auth: { token: { realm: 'https://a/token', service: 's', issuer: 'i', jwks: '/j.json', signingalgorithms: ['ES256'] } },
    });
    assert.equal(config.log.level, 'debug');
    assert.equal(config.storage.s3?.endpoint, 'http://minio:9000');
    assert.equal(config.storage.s3?.sse, true);
    assert.deepEqual(config.auth.token?.algorithms, ['ES256']);
  });

  it('a bad value under a translated key names the key the user wrote, where it came from and what Berth calls it', () => {
    const env = failure({}, { REGISTRY_PROXY_REMOTEURL: 'not a url' });
    assert.match(
      env,
      /proxy\.remoteurl \(registry:2 key; Berth writes it as proxy\.upstreams\[0\]\.url.*\): Invalid url \(env REGISTRY_PROXY_REMOTEURL\)/,
    );
    const file = failure({ proxy: { remoteurl: 'nope' } }, {}, '/etc/berth/config.yml');
    assert.match(file, /proxy\.remoteurl .*: Invalid url \(file \/etc\/berth\/config\.yml\)/);
  });

  it('a bad value in the file is reported as from the file, one from the environment as from its variable', () => {
    assert.match(failure({ storage: { delete: { enabled: 'maybe' } } }, {}, 'c.yml'), /storage\.delete\.enabled: .*\(file c\.yml\)/);
    assert.match(failure({}, { BERTH_STORAGE_DELETE_ENABLED: 'maybe' }, 'c.yml'), /\(env BERTH_STORAGE_DELETE_ENABLED\)/);
    assert.match(failure({ storage: { s3: { region: 'x' } } }, {}, 'c.yml'), /storage\.s3\.bucket: Required \(not set\)/);
  });

  it('registry:2 keys beside their Berth spelling are refused with what to keep', () => {
    assert.match(
      failure({ proxy: { remoteurl: 'https://x.io', upstreams: [{ name: 'a', url: 'https://a.io' }] } }),
      /proxy\.remoteurl: registry:2 key beside proxy\.upstreams; write it as one more upstream/,
    );
    assert.match(
      failure({ storage: { s3: { bucket: 'b', regionendpoint: 'http://a', endpoint: 'http://b' } } }),
      /keep only storage\.s3\.endpoint/,
    );
    assert.match(
      failure({ proxy: { ttl: '1h' } }),
      /proxy\.ttl: registry:2 key without proxy\.remoteurl; Berth writes it as proxy\.cache\.ttl/,
    );
  });

  it('keys Berth does not honour are reported by name; keys that would change what is served stop the start', () => {
    const { notices } = parseConfigDetailed({
      log: { formatter: 'text', hooks: [] },
      http: { secret: 's3cr3t', http2: { disabled: false }, net: 'tcp', prefix: '/' },
      notifications: { endpoints: [] },
      redis: { addr: 'localhost:6379' },
      storage: { inmemory: null, cache: { blobdescriptor: 'redis' } },
    });
    for (const key of [
      'log.formatter',
      'log.hooks',
      'http.secret',
      'http.http2',
      'notifications',
      'redis',
      'storage.cache.blobdescriptor',
    ]) {
      assert.ok(
        notices.some((n) => n.startsWith(`${key}: ignored (`)),
        `${key} in ${JSON.stringify(notices)}`,
      );
    }
    assert.match(failure({ storage: { azure: { accountname: 'a' } } }), /storage\.azure: not supported/);
    assert.match(failure({ auth: { silly: { realm: 'r', service: 's' } } }), /auth\.silly: not supported/);
    assert.match(failure({ http: { prefix: '/registry/' } }), /http\.prefix: Berth serves the API at \/v2\//);
  });
});

describe('berth config validate-style loading of a written file', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-r2-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('an env override wins over the file and names itself when bad', async () => {
    const file = join(dir, 'config.yml');
    await writeFile(file, 'version: 0.1\nstorage:\n  inmemory:\nhttp:\n  addr: ":5000"\n  draintimeout: 30s\n');
    const { config } = await loadConfigDetailed(file, { REGISTRY_HTTP_ADDR: ':7000' });
    assert.equal(config.http.addr, ':7000');
    assert.equal(config.http.draintimeout, 30_000);
    await assert.rejects(
      loadConfigDetailed(file, { REGISTRY_HTTP_DRAINTIMEOUT: 'soon' }),
      /http\.draintimeout: .*\(env REGISTRY_HTTP_DRAINTIMEOUT\)/,
    );
  });
});
