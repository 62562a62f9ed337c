/**
 * A client that goes away mid-request (an upload cut off, a download abandoned) is an
 * info-level event carrying the request id, never an error with a stack trace.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import request from 'supertest';
import { makeOpsApp } from '../helpers/ops-app.js';
import { digestOf } from '../helpers/oci.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('client aborts in the log', () => {
  it('an upload cut off and a download abandoned: info lines with the request id, no error', async () => {
    const t = await makeOpsApp({ log: { level: 'info' } });
    const server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const started = await request(t.app).post('/v2/a/b/blobs/uploads/');
      const path = new URL(started.headers['location']!).pathname;
      const cut = connect(port, '127.0.0.1');
      cut.write(`PATCH ${path} HTTP/1.1\r\nHost: x\r\nX-Request-Id: cut-upload\r\nContent-Length: ${8 << 20}\r\n\r\n`);
      cut.write(Buffer.alloc(256 * 1024, 1));
      await wait(200);
      cut.destroy();

      const big = Buffer.alloc(16 << 20, 7);
      const digest = digestOf(big);
      const pushed = await request(t.app)
        .post(`/v2/a/b/blobs/uploads/?digest=${digest}`)
        .set('Content-Type', 'application/octet-stream')
        .send(big);
      assert.equal(pushed.status, 201);
      const gone = connect(port, '127.0.0.1');
      gone.write(`GET /v2/a/b/blobs/${digest} HTTP/1.1\r\nHost: x\r\nX-Request-Id: cut-download\r\n\r\n`);
      await new Promise((resolve) => gone.once('data', resolve));
      gone.destroy();
      await wait(500);

      assert.deepEqual(
        t.logs.filter((l) => l['level'] === 'error'),
        [],
      );
      for (const id of ['cut-upload', 'cut-download']) {
        const line = t.logs.find((l) => l['reqId'] === id);
        assert.ok(line, `no log line for ${id}: ${JSON.stringify(t.logs)}`);
        assert.equal(line['level'], 'info');
        assert.equal(line['msg'], 'client went away');
        assert.doesNotMatch(String(line['error']), /\n\s+at /, 'no stack trace');
      }
    } finally {
      server.close();
      await t.cleanup();
    }
  });
});
