/**
 * Logs: JSON lines through pino behind the Logger face, `child` fields, log.fields on every
 * line, the request id on request lines, one access-log line per request, and a client that
 * hangs up mid-upload logged as what it is (not an error).
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createLogger } from '../../src/log.js';
import { makeOpsApp, type OpsApp } from '../helpers/ops-app.js';

describe('the Logger face over pino', () => {
  it('writes one JSON object per line with level names, a time, the message and the fields', () => {
    const lines: string[] = [];
    const log = createLogger('info', (l) => void lines.push(l), { service: 'registry' });
    log.info('hello', { n: 1 });
    log.debug('hidden');
    log.child({ job: 'gc' }).warn('careful');
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.endsWith('\n')));
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(a!['level'], 'info');
    assert.equal(a!['msg'], 'hello');
    assert.equal(a!['n'], 1);
    assert.equal(a!['service'], 'registry');
    assert.match(String(a!['time']), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual([b!['level'], b!['job'], b!['service']], ['warn', 'gc', 'registry']);
    assert.equal(log.enabled('debug'), false);
    assert.equal(log.enabled('error'), true);
  });
});

describe('request logs', () => {
  let t: OpsApp;
  let server: Server;
  let base: string;
  before(async () => {
    t = await makeOpsApp({ log: { accesslog: { disabled: false }, fields: { environment: 'test' } } });
    server = createServer(t.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await t.cleanup();
  });

  it('one access line per request, with the request id, route name, status and bytes', async () => {
    const res = await request(t.app).get('/v2/nope/manifests/latest').set('X-Request-Id', 'req-42');
    assert.equal(res.status, 404);
    const line = t.logs.find((l) => l['msg'] === 'request' && l['reqId'] === 'req-42');
    assert.ok(line, JSON.stringify(t.logs));
    assert.equal(line['route'], 'manifest');
    assert.equal(line['status'], 404);
    assert.equal(line['method'], 'GET');
    assert.equal(line['url'], '/v2/nope/manifests/latest');
    assert.equal(line['environment'], 'test');
    assert.equal(typeof line['ms'], 'number');
  });

  it('a client that hangs up mid-upload is logged at info with its request id, never as an error', async () => {
    const start = await fetch(`${base}/v2/team/app/blobs/uploads/`, { method: 'POST' });
    const path = new URL(start.headers.get('location')!, base).pathname;
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}${path}`, {
        method: 'PATCH',
        headers: { 'Transfer-Encoding': 'chunked', 'X-Request-Id': 'gone-1' },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(64 * 1024, 7));
      setTimeout(() => req.destroy(), 200);
    });
    for (let i = 0; i < 50 && !t.logs.some((l) => l['reqId'] === 'gone-1' && l['msg'] === 'request'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const mine = t.logs.filter((l) => l['reqId'] === 'gone-1');
    assert.ok(!mine.some((l) => l['level'] === 'error'), JSON.stringify(mine));
    const access = mine.find((l) => l['msg'] === 'request');
    assert.equal(access?.['status'], 499, JSON.stringify(mine));
    assert.equal(access?.['route'], 'upload');
    // The upload is still there, holding what reached storage.
    assert.equal((await fetch(`${base}${path}`)).status, 204);
  });
});
