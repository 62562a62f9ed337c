/**
 * Berth's server as one JavaScript file (esbuild, a dev dependency), so the hostile suite
 * measures the memory of the program as it runs in production rather than of the TypeScript
 * loader. Dependencies stay external: the file sits under node_modules/.cache to resolve them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Bundle src/main.ts; returns the path of the built file. */
export async function bundleServer(): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'berth-hostile', 'main.js');
  await build({
    entryPoints: [join(ROOT, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
