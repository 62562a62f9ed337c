/**
 * The web UI's Vite project: sources in web/src, built into dist/web (served by Berth at /,
 * src/ui/). No inline scripts or styles and no data: URIs, so the UI runs under a strict CSP.
 * `npm run dev:web` serves it with hot reload and forwards the API paths to a Berth on :5000.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const berth = process.env['UI_DEV_BERTH_URL'] ?? 'http://127.0.0.1:5000';

export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // A data: URI would need img-src data: in the CSP.
    assetsInlineLimit: 0,
    // Every browser the UI targets has modulepreload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/v2', '/token', '/_berth'].map((p) => [p, { target: berth, changeOrigin: false }])),
  },
});
