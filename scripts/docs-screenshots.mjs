// Copies screenshots saved by the browser suite (test/e2e/screenshots/, gitignored) into
// docs/screenshots/ for the README: by default the repository, artifact and project pages.
// Usage: npm run screenshots:docs [-- name ...]   (run the e2e UI tests first)
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const names = process.argv.length > 2 ? process.argv.slice(2) : ['repository', 'artifact', 'project'];
mkdirSync('docs/screenshots', { recursive: true });
let missing = 0;
for (const name of names) {
  const from = `test/e2e/screenshots/${name}.png`;
  if (!existsSync(from)) {
    process.stderr.write(`no ${from}: run E2E_STATE_DIR=/tmp/e2e-ui npm run test:e2e test/e2e/ui-flows.test.ts first\n`);
    missing++;
    continue;
  }
  copyFileSync(from, `docs/screenshots/${name}.png`);
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}
process.exit(missing ? 1 : 0);
