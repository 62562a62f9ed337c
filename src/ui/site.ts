/**
 * The built web UI (dist/web, written by `npm run build`), read into memory once at start:
 * a few hundred KB of files, each with the gzip and brotli twins the build precompressed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the UI: the same place from src/ui (tsx) and from dist/ui (built). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** One file of the UI, as served. */
export interface SiteFile {
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  type: string;
  /** A weak validator (the compressed twins are the same content) for conditional requests. */
  etag: string;
  /** Named by its content hash (Vite's assets/): cacheable forever. */
  immutable: boolean;
}

/** The UI's files by URL path, or why there are none. */
export type Site = { files: ReadonlyMap<string, SiteFile>; index: SiteFile } | { missing: string };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The folder Vite puts hashed files in (vite.config.ts: build.assetsDir). */
export const ASSETS_PREFIX = '/assets/';

/** Read the built UI from `dir`; a missing build is reported, not thrown (the registry still serves). */
export function loadSite(dir: string = DEFAULT_UI_DIR): Site {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return { missing: `${indexPath} not found: run npm run build` };
  const files = new Map<string, SiteFile>();
  for (const path of walk(dir)) {
    if (path.endsWith('.gz') || path.endsWith('.br')) continue;
    const url = `/${relative(dir, path).split(sep).join('/')}`;
    const body = readFileSync(path);
    const twin = (ext: string) => (existsSync(path + ext) ? readFileSync(path + ext) : undefined);
    files.set(url, {
      body,
      gzip: twin('.gz'),
      br: twin('.br'),
      type: TYPES[extname(path)] ?? 'application/octet-stream',
      etag: `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      immutable: url.startsWith(ASSETS_PREFIX),
    });
  }
  return { files, index: files.get('/index.html')! };
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
