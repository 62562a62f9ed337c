/**
 * The OpenAPI document: generated from the route table, served at /api/v1/openapi.json, and
 * valid by a real OpenAPI validator (@apidevtools/swagger-parser); every route of the table is
 * in it with its permission, and the router answers every path it lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { openApiDocument } from '../../src/api/openapi.js';
import { API_ROUTES } from '../../src/api/routes/index.js';
import { makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';

describe('API OpenAPI document', () => {
  let a: AccountsApp;
  before(async () => {
    a = await makeAccountsApp();
  });
  after(() => a.cleanup());

  it('is served at /api/v1/openapi.json to anyone, and is the generated document', async () => {
    const res = await request(a.app).get('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
    assert.deepEqual(res.body, JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('passes a real OpenAPI 3 validator', async () => {
    const doc = JSON.parse(JSON.stringify(openApiDocument()));
    await SwaggerParser.validate(doc);
    assert.equal(doc.openapi, '3.0.3');
  });

  it('lists every route of the table with its method, permission and unique operation id', () => {
    const doc = openApiDocument();
    const ids = new Set<string>();
    for (const r of API_ROUTES) {
      const op = (doc.paths as Record<string, Record<string, { description?: string; operationId?: string }>>)[r.path]?.[r.method];
      assert.ok(op, `${r.method} ${r.path} missing from the document`);
      assert.equal(op.description, `Permission: ${r.permission}`);
      assert.ok(!ids.has(op.operationId!), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId!);
    }
  });

  it('an unknown path is 404 in the one error shape; a known path with another method is 405', async () => {
    const res = await request(a.app).get('/api/v1/no-such-thing');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'NOT_FOUND');
    assert.match(res.body.error.message, /no such endpoint: GET \/api\/v1\/no-such-thing/);
    const method = await request(a.app).patch('/api/v1/session');
    assert.equal(method.status, 405);
    assert.equal(method.body.error.code, 'METHOD_NOT_ALLOWED');
  });
});
