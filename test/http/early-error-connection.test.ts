/**
 * An error answered before the request body was read to its end (a PATCH failing on a full
 * disk, a token form over the limit) says `Connection: close`, and the connection then closes
 * cleanly: the client's next request on that socket gets a close, never silence. Over a raw
 * keep-alive socket; the full disk is a real one (a 2 MiB tmpfs, mounted as root).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp } from '../helpers/app.js';
import { appAt } from '../helpers/app-at.js';
import { hash, makePki, makeTokenApp, type Pki } from '../helpers/auth.js';
import type { App } from '../../src/http/app.js';

/** What the client saw on one socket. */
interface Exchange {
  /** Everything received. */
  text: string;
  /** The socket closed without a reset. */
  clean: boolean;
  /** Milliseconds from the second request to the close. */
  closedAfterMs: number;
}

async function listen(app: App): Promise<{ server: Server; port: number }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Send `head` and the first `early` bytes of a `total`-byte body, wait for the answer, then send
 * the rest of the body and a second request (GET /v2/) on the same socket.
 */
function exchange(port: number, head: string, total: number, early: number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let clean = true;
    let second = 0;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within 10 s; received: ${text.slice(0, 300)}`));
    }, 10_000);
    // A reset from the server is what must not happen; the client's own writes failing after
    // the server's FIN (EPIPE, "ended by the other party") are how a clean close looks here.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') clean = false;
    });
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ text, clean, closedAfterMs: second ? Date.now() - second : 0 });
    });
    socket.on('data', (d: Buffer) => {
      const first = text === '';
      text += d.toString('latin1');
      if (!first || early === total) return;
      // The answer to the first request is here: the rest of its body, then the next request.
      socket.write(Buffer.alloc(total - early, 7), () => undefined);
      second = Date.now();
      socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n', () => undefined);
    });
    socket.write(head);
    socket.write(Buffer.alloc(early, 7));
    if (early === total) {
      second = Date.now();
      socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
      // Two answers, or a close: whichever comes first ends the exchange.
      socket.on('data', () => {
        if ((text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= 2) socket.end();
      });
    }
  });
}

function assertClosedAfterOneAnswer(x: Exchange, status: number): void {
  const answers = x.text.match(/HTTP\/1\.1 \d{3}/g) ?? [];
  assert.equal(answers[0], `HTTP/1.1 ${status}`, x.text.slice(0, 300));
  assert.match(x.text, /\r\nConnection: close\r\n/i);
  assert.equal(answers.length, 1, 'the request after the unread body is not answered as a new request');
  assert.ok(x.clean, 'closed without a reset');
}

describe('errors before the body was read close the connection cleanly', () => {
  let pki: Pki;
  before(async () => (pki = await makePki()));
  after(() => pki.cleanup());

  it('a PATCH refused (401) before its body is read: Connection: close, then a clean close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-early-'));
    await writeFile(join(dir, 'htpasswd'), `alice:${hash('alice-pw')}\n`);
    const { server, port } = await listen(appAt(join(dir, 'root'), { auth: { htpasswd: { realm: 'r', path: join(dir, 'htpasswd') } } }));
    try {
      const total = 4 * 1024 * 1024;
      const head = `PATCH /v2/a/blobs/uploads/${randomUUID()} HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`;
      assertClosedAfterOneAnswer(await exchange(port, head, total, 1024 * 1024), 401);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('POST /token with a form over the limit: 413, and the next request is answered or the socket closes', async () => {
    const t = await makeTokenApp(pki);
    const { server, port } = await listen(t.app);
    try {
      const total = 512 * 1024;
      const head = `POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${total}\r\n\r\n`;
      // The form parser reads the whole body before answering: send it all, and the next request.
      const x = await exchange(port, head, total, total);
      const answers = x.text.match(/HTTP\/1\.1 \d{3}/g) ?? [];
      assert.equal(answers[0], 'HTTP/1.1 413', x.text.slice(0, 300));
      assert.ok(answers[1] === 'HTTP/1.1 200' || x.clean, x.text);
    } finally {
      server.close();
      await t.cleanup();
    }
  });

  it('an error answered at once for a request without a body keeps the connection alive', async () => {
    const t = await makeApp('memory');
    const { server, port } = await listen(t.app);
    try {
      const text = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let got = '';
        socket.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          if ((got.match(/HTTP\/1\.1 \d{3}/g) ?? []).length === 2) {
            socket.destroy();
            resolve(got);
          }
        });
        // A bad name is refused synchronously, before Node has parsed the request's end.
        socket.write('GET /v2/UPPER/tags/list HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      assert.match(text, /HTTP\/1\.1 400[\s\S]*HTTP\/1\.1 200/);
      assert.doesNotMatch(text, /Connection: close/i);
    } finally {
      server.close();
      await t.cleanup();
    }
  });

  it('a body that is read to its end keeps the connection alive', async () => {
    const t = await makeApp('memory');
    const { server, port } = await listen(t.app);
    try {
      const body = '{"not":"a manifest"}';
      const head = `PUT /v2/a/manifests/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const text = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let got = '';
        socket.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          if (got.includes('HTTP/1.1 400') && !got.includes('HTTP/1.1 200')) socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
          if (got.includes('HTTP/1.1 200')) {
            socket.destroy();
            resolve(got);
          }
        });
        socket.write(head);
      });
      assert.doesNotMatch(text, /Connection: close/i);
    } finally {
      server.close();
      await t.cleanup();
    }
  });
});

describe('a PATCH failing on a full disk (a real 2 MiB tmpfs)', () => {
  let mnt: string | undefined;
  let skip: string | undefined;
  before(async () => {
    mnt = await mkdtemp(join(tmpdir(), 'berth-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      skip = `cannot mount a tmpfs here (needs root): ${String(err).split('\n')[0]}`;
    }
  });
  after(async () => {
    if (!skip && mnt) execFileSync('umount', [mnt]);
    if (mnt) await rm(mnt, { recursive: true, force: true });
  });

  it('answers 503 with Connection: close, the socket closes cleanly, and the upload is as it was', async (t) => {
    if (skip) return t.skip(skip);
    const app = appAt(join(mnt!, 'root'));
    const { server, port } = await listen(app);
    try {
      const started = await request(app).post('/v2/team/app/blobs/uploads/');
      assert.equal(started.status, 202);
      const path = new URL(started.headers['location']!).pathname;
      const total = 3 * 1024 * 1024;
      const head = `PATCH ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${total}\r\n\r\n`;
      // 2.5 MiB cannot fit in 2 MiB: the write fails while the last half MiB is still to come.
      assertClosedAfterOneAnswer(await exchange(port, head, total, 2.5 * 1024 * 1024), 503);
      const status = await request(app).get(path);
      assert.equal(status.status, 204);
      assert.equal(status.headers['range'], '0-0', 'the failed chunk left nothing behind');
    } finally {
      server.close();
    }
  });
});
