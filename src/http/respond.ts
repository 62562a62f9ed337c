/** Small response helpers shared by the handlers. */
import type { Request, Response } from 'express';
import type { Config } from '../config/schema.js';

/**
 * The registry's external base URL: the configured http.host, else the scheme and host the
 * client used (X-Forwarded-Proto/Host honoured from http.trustedproxies only).
 */
export function baseUrl(req: Request, config: Config): string {
  if (config.http.host) return config.http.host.replace(/\/+$/, '');
  return `${req.protocol}://${req.host ?? 'localhost'}`;
}

/** A Location header value for `path`: absolute unless configured relative. */
export function location(req: Request, config: Config, path: string): string {
  return config.http.relativeurls ? path : `${baseUrl(req, config)}${path}`;
}

/**
 * End a response with no body. Content-Length is 0 unless `headers` gives one (a HEAD
 * answers with the length a GET would have).
 */
export function empty(res: Response, status: number, headers: Record<string, string> = {}): void {
  res.status(status);
  if (status !== 204 && status !== 304) res.set('Content-Length', '0');
  res.set(headers);
  res.end();
}

/** Send a value as a JSON body with an exact Content-Length. */
export function json(res: Response, status: number, value: unknown, contentType?: string): void {
  jsonText(res, status, JSON.stringify(value), contentType);
}

/** Send an already serialized JSON body with an exact Content-Length. */
export function jsonText(res: Response, status: number, body: string, contentType = 'application/json; charset=utf-8'): void {
  res.status(status).set({ 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** The inclusive "0-N" Range header of an upload holding `size` bytes. */
export const uploadRange = (size: number): string => `0-${Math.max(0, size - 1)}`;

/** A single query parameter as a string, or undefined. */
export function query(req: Request, key: string): string | undefined {
  const v = req.query[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable query parameter (`?tag=a&tag=b`), in order. */
export function queryAll(req: Request, key: string): string[] {
  const v = req.query[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}
