/**
 * A client that pipelines requests and goes away before they are answered: every one of them
 * ends (in-flight count back to 0, one access-log line each with 499), none stays held in
 * memory. Node closes only the response on the socket, not those queued behind it.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { makeOpsApp } from '../helpers/ops-app.js';

describe('pipelined requests of a client that went away', () => {
  it('all end: nothing stays in flight, each is logged', async () => {
    const t = await makeOpsApp({ log: { accesslog: { disabled: false } } });
    // A slow first answer keeps the ones behind it queued.
    t.ops.readiness.add('slow', () => new Promise((resolve) => setTimeout(resolve, 300)));
    const server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
      socket.write(get('/readyz') + get('/v2/') + get('/v2/_catalog'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(t.ops.inFlight.count, 3);
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(t.ops.inFlight.count, 0, 'requests left in flight after their client went away');
      const lines = t.logs.filter((l) => l['msg'] === 'request');
      assert.deepEqual(lines.map((l) => l['status']).sort(), [499, 499, 499]);
      await t.ops.inFlight.idle();
    } finally {
      server.close();
      await t.cleanup();
    }
  });
});
