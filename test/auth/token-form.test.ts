/**
 * POST /token with a form the parser refuses: client errors in the token endpoint's own error
 * envelope (code INVALID_REQUEST), never a 500; a plain form still works after each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { TestApp } from '../helpers/app.js';
import { makePki, makeTokenApp, PASSWORDS, type Pki } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';

const FORM = 'application/x-www-form-urlencoded';

describe('POST /token refuses forms it cannot read with 4xx', () => {
  let pki: Pki;
  let t: TestApp;
  before(async () => {
    pki = await makePki();
    t = await makeTokenApp(pki);
  });
  after(async () => {
    await t.cleanup();
    await pki.cleanup();
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    request(t.app)
      .post('/token')
      .set({ 'Content-Type': FORM, ...headers })
      .send(body);

  async function stillWorks(): Promise<void> {
    const res = await post(`grant_type=password&service=berth-test&username=alice&password=${PASSWORDS.alice}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(typeof res.body.token, 'string');
  }

  it('a form over 64 KB is 413', async () => {
    expectError(await post(`grant_type=password&username=alice&password=${'x'.repeat(70 * 1024)}`), 413, 'INVALID_REQUEST');
    await stillWorks();
  });

  it('charset=utf-16 is 415', async () => {
    const res = await post(Buffer.from('grant_type=password', 'utf16le'), { 'Content-Type': `${FORM}; charset=utf-16` });
    expectError(res, 415, 'INVALID_REQUEST');
    assert.match(res.body.errors[0].message, /UTF-8/);
    await stillWorks();
  });

  it('an unknown Content-Encoding is 415', async () => {
    expectError(await post('grant_type=password', { 'Content-Encoding': 'snappy' }), 415, 'INVALID_REQUEST');
    await stillWorks();
  });

  it('more than 1,000 fields is 400', async () => {
    const body = Array.from({ length: 1500 }, (_, i) => `f${i}=1`).join('&');
    const res = await post(body);
    expectError(res, 400, 'INVALID_REQUEST');
    assert.match(res.body.errors[0].message, /more than 1000 fields/);
    await stillWorks();
  });

  it('a gzip body that is not gzip is 400', async () => {
    expectError(await post('grant_type=password', { 'Content-Encoding': 'gzip' }), 400, 'INVALID_REQUEST');
  });
});
