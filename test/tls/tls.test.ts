/**
 * The HTTPS listener through real sockets: serving with the dev CA, plain HTTP answered with a
 * clear 400, minimum TLS version, certificate reload without restart, client certificate modes.
 */
import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureVersion, TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { startServer, type Running } from '../../src/server.js';
import { makePki, type Pki } from '../helpers/auth.js';

interface Got {
  status: number;
  body: string;
  fingerprint: string;
}

interface ClientOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
}

/** One HTTPS GET with a fresh connection. */
function get(url: string, o: ClientOptions): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${url}/v2/`, { ...o, agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(pki: Pki, tls: Record<string, unknown> = {}): Promise<Running> {
  const config = parseConfig({
    http: { addr: '127.0.0.1:0', tls: { certificate: pki.serverCert, key: pki.serverKey, ...tls } },
    storage: { inmemory: {} },
  });
  return startServer(config, createLogger('error'));
}

describe('HTTPS listener', () => {
  let pki: Pki;
  let other: Pki;
  let ca: Buffer;
  before(async () => {
    pki = await makePki();
    other = await makePki();
    ca = await readFile(pki.caCert);
  });
  after(async () => {
    await pki.cleanup();
    await other.cleanup();
  });

  it('serves HTTPS verified against the development CA; another CA is refused', async () => {
    const r = await start(pki);
    try {
      assert.match(r.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const got = await get(r.url, { ca });
      assert.equal(got.status, 200);
      await assert.rejects(get(r.url, { ca: await readFile(other.caCert) }), /self[- ]signed|unable to verify|unable to get/i);
    } finally {
      await r.close();
    }
  });

  it('plain HTTP on the TLS port gets a 400 saying the port speaks HTTPS', async () => {
    const r = await start(pki);
    try {
      const port = new URL(r.url).port;
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: '/v2/' }, (m) => {
          let body = '';
          m.on('data', (c: Buffer) => (body += c.toString()));
          m.on('end', () => resolve({ status: m.statusCode ?? 0, body }));
        })
          .on('error', reject)
          .end();
      });
      assert.equal(res.status, 400);
      assert.match(res.body, /this port speaks HTTPS/);
      assert.equal((await get(r.url, { ca })).status, 200, 'TLS still served after a plain request');
    } finally {
      await r.close();
    }
  });

  it('TLS 1.2 is the default minimum; minimumtls: tls1.3 refuses a TLS 1.2 client', async () => {
    const r = await start(pki);
    try {
      assert.equal((await get(r.url, { ca, maxVersion: 'TLSv1.2' })).status, 200);
      await assert.rejects(get(r.url, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }));
    } finally {
      await r.close();
    }
    const r13 = await start(pki, { minimumtls: 'tls1.3' });
    try {
      await assert.rejects(get(r13.url, { ca, maxVersion: 'TLSv1.2' }), /version|alert/i);
      assert.equal((await get(r13.url, { ca })).status, 200);
    } finally {
      await r13.close();
    }
  });

  it('reloads the certificate when its files change, without a restart', async () => {
    const fresh = await makePki();
    // The server reads its own copies, which are then overwritten with a new pair.
    const certPath = `${fresh.dir}/live.crt`;
    const keyPath = `${fresh.dir}/live.key`;
    await copyFile(pki.serverCert, certPath);
    await copyFile(pki.serverKey, keyPath);
    const config = parseConfig({ http: { addr: '127.0.0.1:0', tls: { certificate: certPath, key: keyPath } }, storage: { inmemory: {} } });
    const r = await startServer(config, createLogger('error'));
    try {
      const before = await get(r.url, { ca });
      await copyFile(fresh.serverKey, keyPath);
      await copyFile(fresh.serverCert, certPath);
      const freshCa = await readFile(fresh.caCert);
      let after: Got | undefined;
      for (let i = 0; i < 40 && !after; i++) {
        await new Promise((res) => setTimeout(res, 250));
        after = await get(r.url, { ca: freshCa }).catch(() => undefined);
      }
      assert.ok(after, 'the new certificate was never served');
      assert.notEqual(after.fingerprint, before.fingerprint);
      await assert.rejects(get(r.url, { ca }), 'the old CA no longer verifies the served certificate');
    } finally {
      await r.close();
      await fresh.cleanup();
    }
  });

  it('clientcas with require-and-verify: no client certificate, no connection', async () => {
    const r = await start(pki, { clientcas: [pki.caCert] });
    try {
      const cert = await readFile(pki.clientCert);
      const key = await readFile(pki.clientKey);
      assert.equal((await get(r.url, { ca, cert, key })).status, 200);
      await assert.rejects(get(r.url, { ca }));
      await assert.rejects(get(r.url, { ca, cert: await readFile(other.clientCert), key: await readFile(other.clientKey) }));
    } finally {
      await r.close();
    }
  });

  it('clientauth verify-if-given: no certificate is fine, a foreign one is refused', async () => {
    const r = await start(pki, { clientcas: pki.caCert, clientauth: 'verify-if-given' });
    try {
      assert.equal((await get(r.url, { ca })).status, 200);
      const cert = await readFile(pki.clientCert);
      const key = await readFile(pki.clientKey);
      assert.equal((await get(r.url, { ca, cert, key })).status, 200);
      await assert.rejects(get(r.url, { ca, cert: await readFile(other.clientCert), key: await readFile(other.clientKey) }));
    } finally {
      await r.close();
    }
  });

  it('BERTH_HTTP_TLS_* environment variables configure TLS', () => {
    const c = parseConfig({}, { BERTH_HTTP_TLS_CERTIFICATE: '/c.pem', BERTH_HTTP_TLS_KEY: '/k.pem', BERTH_HTTP_TLS_MINIMUMTLS: 'tls1.3' });
    assert.deepEqual(c.http.tls, { certificate: '/c.pem', key: '/k.pem', clientauth: 'require-and-verify', minimumtls: 'tls1.3' });
  });
});
