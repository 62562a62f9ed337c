/**
 * Serves the web UI: its files by path, and index.html for every other GET under `/` that is
 * not an API path, so deep links such as /projects/team/repositories/app load the app, which
 * routes in the browser. API paths never get index.html: a typo there stays a JSON 404.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.js';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, setSecurityHeaders } from './headers.js';
import { ASSETS_PREFIX, type Site, type SiteFile } from './site.js';

/**
 * Paths that belong to the registry, the token server, the management API and operations
 * (/healthz, /readyz, /metrics), now or later, plus /v1, Docker's legacy ping. The UI's own
 * routes must stay outside these.
 */
export const RESERVED_PREFIXES: readonly string[] = ['/v1', '/v2', '/token', '/api', '/_berth', '/healthz', '/readyz', '/metrics'];

/** Is `path` an API path (or below one)? */
export function isReservedPath(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The handler for the UI, mounted after every API router. */
export function uiHandler(site: Site, log: Logger): RequestHandler {
  if ('missing' in site) log.warn('web UI not built; / answers 503 until it is', { reason: site.missing });
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReservedPath(req.path)) return next();
    if ('missing' in site) {
      setSecurityHeaders(res);
      res.status(503).type('text/plain').send("Berth's web UI is not built here: run `npm run build`, then restart.\n");
      return;
    }
    const file = site.files.get(req.path);
    if (file) return send(req, res, file);
    // A missing hashed file is an old or mistyped asset, not a page.
    if (req.path.startsWith(ASSETS_PREFIX)) return next();
    send(req, res, site.index);
  };
}

function send(req: Request, res: Response, file: SiteFile): void {
  setSecurityHeaders(res);
  res.setHeader('Cache-Control', file.immutable ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
  res.setHeader('ETag', file.etag);
  res.setHeader('Content-Type', file.type);
  if (file.gzip || file.br) res.setHeader('Vary', 'Accept-Encoding');
  if (
    req
      .get('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(file.etag)
  ) {
    res.status(304).end();
    return;
  }
  const encoding = pickEncoding(req.get('accept-encoding'), file);
  const body = encoding ? file[encoding]! : file.body;
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

/** The best precompressed form the client accepts: brotli, then gzip, else none. */
export function pickEncoding(header: string | undefined, file: Pick<SiteFile, 'gzip' | 'br'>): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (file.br && ok('br')) return 'br';
  if (file.gzip && ok('gzip')) return 'gzip';
  return undefined;
}
