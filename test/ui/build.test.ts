/**
 * The real web UI build (web/build.ts: Vite, then gzip and brotli twins): the first load stays
 * within its compressed budget and the build says how big it is; the output has no inline
 * script, style or event handler (the CSP forbids them) and fetches nothing from elsewhere;
 * every compressed twin is the file itself; Berth loads the result.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { loadSite } from '../../src/ui/site.js';
import { buildWeb, FIRST_LOAD_BUDGET, type BuildReport } from '../../web/build.js';

describe('web UI build', { timeout: 180_000 }, () => {
  let dir = '';
  let report: BuildReport;
  const printed: string[] = [];

  before(
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'berth-web-'));
      report = await buildWeb({ outDir: join(dir, 'web'), log: (line) => printed.push(line) });
    },
    { timeout: 180_000 },
  );
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps the first load (JS + CSS that index.html loads) within 200 KB compressed, and prints it', () => {
    assert.ok(report.firstLoad.some((f) => f.file.endsWith('.js')));
    assert.ok(report.firstLoad.some((f) => f.file.endsWith('.css')));
    assert.ok(report.firstLoadGzip > 0 && report.firstLoadGzip <= FIRST_LOAD_BUDGET, `${report.firstLoadGzip} bytes gzip`);
    assert.ok(report.firstLoadBrotli <= report.firstLoadGzip);
    const line = printed.find((l) => l.includes('first load'));
    assert.ok(line, printed.join('\n'));
    assert.ok(line.includes(`${(report.firstLoadGzip / 1024).toFixed(1)} KB gzip`), line);
  });

  it('index.html has no inline script, style or event handler', async () => {
    const html = await readFile(join(report.outDir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs!, /\bsrc="\/assets\//);
      assert.equal(body!.trim(), '');
    }
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
    assert.doesNotMatch(html, /\b(?:src|href)="(?:https?:)?\/\//, 'nothing from another origin');
  });

  it('fetches nothing from another origin: the only URLs in the bundle are XML namespaces', async () => {
    for (const f of report.files) {
      const text = await readFile(join(report.outDir, f.file), 'utf8');
      for (const [url] of text.matchAll(/https?:\/\/[^\s"'`)]+/g)) assert.match(url, /^http:\/\/www\.w3\.org\//, `${url} in ${f.file}`);
      assert.doesNotMatch(text, /data:(?:image|font)/, `data: URI in ${f.file}`);
    }
  });

  it('every compressible file has gzip and brotli twins holding exactly its bytes', async () => {
    for (const f of report.files) {
      const path = join(report.outDir, f.file);
      const body = await readFile(path);
      assert.deepEqual(gunzipSync(await readFile(`${path}.gz`)), body, f.file);
      assert.deepEqual(brotliDecompressSync(await readFile(`${path}.br`)), body, f.file);
    }
  });

  it('Berth loads the build: hashed assets immutable, index.html among the files', () => {
    const site = loadSite(report.outDir);
    assert.ok(!('missing' in site));
    const assets = [...site.files.entries()].filter(([url]) => url.startsWith('/assets/'));
    assert.ok(assets.length >= 2);
    assert.ok(assets.every(([, f]) => f.immutable && f.br && f.gzip));
    assert.equal(site.index.immutable, false);
  });
});
