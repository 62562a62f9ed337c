/** HTTP-level helpers for the supertest suites: error-envelope checks, byte bodies, raw requests. */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../../src/http/app.js';
import type { Response } from 'supertest';

/** The API version header every response must carry. */
export const API_VERSION = 'registry/2.0';

/** A superagent parser that keeps the body as raw bytes (res.body becomes a Buffer). */
export function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/**
 * A superagent serializer that sends a Buffer untouched: without it a body whose Content-Type
 * ends in +json is JSON-encoded ({"type":"Buffer",...}) instead of sent as bytes.
 */
export const asIs = (body: unknown): string => body as string;

/** The response body as text, whichever parser produced it. */
export function bodyText(res: Response): string {
  if (Buffer.isBuffer(res.body)) return res.body.toString('utf8');
  return res.text ?? '';
}

/** Assert the response is an OCI error: status, API version header, JSON envelope with `code`. */
export function expectError(res: Response, status: number, code: string, opts: { head?: boolean } = {}): void {
  const text = bodyText(res);
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${text}`);
  assert.equal(res.headers['docker-distribution-api-version'], API_VERSION);
  if (opts.head) return;
  assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  const body = JSON.parse(text) as { errors?: Array<{ code?: unknown; message?: unknown }> };
  assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `no errors array in ${text}`);
  assert.equal(body.errors[0]!.code, code, `expected code ${code} in ${text}`);
  assert.equal(typeof body.errors[0]!.message, 'string');
}

/** The path and query of an absolute or relative Location header. */
export function pathOf(location: string | undefined): string {
  assert.ok(location, 'missing Location header');
  const u = new URL(location, 'http://placeholder');
  return u.pathname + u.search;
}

/** What rawRequest answers. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request through a real socket, for what supertest cannot express: a body sent with
 * chunked transfer encoding (no Content-Length) and exact byte counts of the answer.
 */
export async function rawRequest(
  app: App,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  chunks: Buffer[] = [],
): Promise<RawResponse> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const body: Buffer[] = [];
        res.on('data', (c: Buffer) => body.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(body) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
