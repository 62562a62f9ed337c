/**
 * `npm run build`'s web step: API types from the OpenAPI document, `vite build` into dist/web,
 * gzip and brotli twins of every text file (Berth serves them as they are, no compression per
 * request), and the first load's compressed size, printed and held to the budget.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { build } from 'vite';
import { generateApiTypes } from './openapi.js';

/** The most compressed (gzip) JavaScript and CSS a first visit may download. */
export const FIRST_LOAD_BUDGET = 200 * 1024;

const CONFIG = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.map']);
const gz = promisify(gzip);
const br = promisify(brotliCompress);

/** One built file's sizes. */
export interface FileSize {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

/** What a build made. */
export interface BuildReport {
  outDir: string;
  files: FileSize[];
  /** The JavaScript and CSS that index.html loads (entry, preloads, stylesheets). */
  firstLoad: FileSize[];
  firstLoadGzip: number;
  firstLoadBrotli: number;
}

/** Build the UI into `outDir` (default dist/web). Rejects when the first load is over budget. */
export async function buildWeb(options: { outDir?: string; log?: (line: string) => void } = {}): Promise<BuildReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  await generateApiTypes();
  await build({ configFile: CONFIG, logLevel: 'warn', build: options.outDir ? { outDir: options.outDir } : {} });
  const outDir = options.outDir ?? fileURLToPath(new URL('../dist/web', import.meta.url));
  const files: FileSize[] = [];
  for (const path of await walk(outDir)) {
    if (!COMPRESSIBLE.has(extname(path))) continue;
    const body = await readFile(path);
    const [g, b] = await Promise.all([
      gz(body, { level: 9 }),
      br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    ]);
    await Promise.all([writeFile(`${path}.gz`, g), writeFile(`${path}.br`, b)]);
    files.push({ file: relative(outDir, path), bytes: body.length, gzip: g.length, brotli: b.length });
  }
  const html = await readFile(join(outDir, 'index.html'), 'utf8');
  const loaded = new Set([...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
  const firstLoad = files.filter((f) => loaded.has(f.file));
  const report: BuildReport = {
    outDir,
    files,
    firstLoad,
    firstLoadGzip: sum(firstLoad.map((f) => f.gzip)),
    firstLoadBrotli: sum(firstLoad.map((f) => f.brotli)),
  };
  printReport(report, log);
  if (report.firstLoadGzip > FIRST_LOAD_BUDGET) {
    throw new Error(`web UI first load is ${kb(report.firstLoadGzip)} gzip, over the ${kb(FIRST_LOAD_BUDGET)} budget`);
  }
  return report;
}

function printReport(r: BuildReport, log: (line: string) => void): void {
  log(`web UI built into ${r.outDir}`);
  log(`  ${'file'.padEnd(40)} ${'bytes'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`);
  for (const f of r.files) {
    const mark = r.firstLoad.includes(f) ? '*' : ' ';
    log(`${mark} ${f.file.padEnd(40)} ${kb(f.bytes).padStart(10)} ${kb(f.gzip).padStart(10)} ${kb(f.brotli).padStart(10)}`);
  }
  log(`  first load (*, JS + CSS): ${kb(r.firstLoadGzip)} gzip, ${kb(r.firstLoadBrotli)} brotli (budget ${kb(FIRST_LOAD_BUDGET)} gzip)`);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if ((await stat(path)).isFile()) out.push(path);
  }
  return out.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb().catch((err: unknown) => {
    process.stderr.write(`berth: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
