/**
 * docker: wall time of the real client. One image of N random layers (docker build FROM the
 * e2e busybox base) is pushed to each server, then removed locally and pulled back from it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '../client.js';
import { DOCKER_ACCEPT } from '../data.js';
import type { DockerEnv } from '../docker-env.js';
import { startDocker } from '../docker-env.js';
import { CheckError, ErrorTally, expectBody, expectDigestHeader, expectStatus } from '../verify.js';
import type { Ctx, Measure, Scenario } from './types.js';

const BUILD_TAG = 'berth-bench/docker:src';

/** The docker scenario; it owns its engine and image across both servers. */
export function dockerScenario(stateDir: string): Scenario {
  let env: DockerEnv | undefined;
  let imageId = '';
  let contextDir = '';
  return {
    name: 'docker',
    rows: [
      { row: 'docker push', unit: 's', lowerIsBetter: true },
      { row: 'docker pull', unit: 's', lowerIsBetter: true },
    ],
    setup: async (ctx: Ctx) => {
      const got = await startDocker(ctx.repoRoot, stateDir, ctx.log);
      if (typeof got === 'string') return got;
      env = got;
      // helpers.ts reads its docker settings when first imported: set them before.
      Object.assign(process.env, { E2E_STATE_DIR: stateDir, DOCKER_HOST: got.host, E2E_DOCKER: got.bin });
      const helpers = await import('../../test/e2e/helpers.js');
      await helpers.ensureBaseImage();
      contextDir = join(ctx.workDir, 'docker-build');
      await mkdir(contextDir, { recursive: true });
      const lines = [`FROM ${helpers.BASE_IMAGE}`, `LABEL org.berth.bench.nonce=${randomBytes(8).toString('hex')}`];
      for (let i = 0; i < ctx.sizes.dockerLayers; i++) {
        await writeFile(join(contextDir, `f${i}.bin`), randomBytes(ctx.sizes.dockerLayerBytes));
        lines.push(`COPY f${i}.bin /data/f${i}.bin`);
      }
      lines.push('CMD ["/bin/ls", "-l", "/data"]', '');
      await writeFile(join(contextDir, 'Dockerfile'), lines.join('\n'));
      ctx.log(`docker build: ${ctx.sizes.dockerLayers} layers of ${ctx.sizes.dockerLayerBytes >> 20} MiB`);
      await got.exec(['build', '--network', 'host', '--rm', '--force-rm', '-t', BUILD_TAG, contextDir]);
      imageId = (await got.exec(['image', 'inspect', '--format', '{{.Id}}', BUILD_TAG])).stdout.trim();
      return undefined;
    },
    run: async (t, ctx) => {
      if (!env) throw new Error('docker engine not set up');
      const d = env;
      const ref = `${t.host}/bench/docker-${t.side}:latest`;
      const pushErrors = new ErrorTally();
      const pullErrors = new ErrorTally();
      let pushS = NaN;
      let pullS = NaN;
      try {
        await d.exec(['tag', imageId, ref]);
        const push = await d.exec(['push', ref]);
        pushS = push.ms / 1000;
        // Check what docker pushed is there: the manifest by tag, digest as docker printed it.
        const digest = /digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(push.stdout);
        if (!digest) throw new CheckError(`docker push printed no digest: ${push.stdout.slice(-300)}`);
        const c = new Client(t.url, 1);
        try {
          const res = await c.send({
            method: 'GET',
            path: `/v2/bench/docker-${t.side}/manifests/latest`,
            headers: { Accept: DOCKER_ACCEPT },
          });
          expectStatus(res, 200, 'GET pushed manifest');
          expectDigestHeader(res, digest[1]!, 'GET pushed manifest');
          expectBody(res, digest[1]!, Number(digest[2]), 'GET pushed manifest');
        } finally {
          c.close();
        }
      } catch (err) {
        pushErrors.add(err);
      }
      try {
        if (pushErrors.count > 0) throw new Error('push failed: nothing to pull');
        // Remove every tag of the image so its layers are gone and the pull downloads them all.
        await d.exec(['rmi', '-f', imageId]);
        const pull = await d.exec(['pull', ref]);
        pullS = pull.ms / 1000;
        // Every built layer must have been downloaded, not found locally ("Already exists").
        const complete = pull.stdout.split('\n').filter((l) => l.endsWith(': Pull complete')).length;
        if (complete < ctx.sizes.dockerLayers)
          throw new CheckError(`docker pull downloaded ${complete} layers, expected ${ctx.sizes.dockerLayers}`);
        const id = (await d.exec(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
        if (id !== imageId) throw new CheckError(`pulled image is ${id}, pushed ${imageId}`);
      } catch (err) {
        pullErrors.add(err);
      }
      ctx.log(`  docker ${t.name}: push ${pushS.toFixed(1)} s, pull ${pullS.toFixed(1)} s`);
      const m = (row: string, value: number, e: ErrorTally): Measure => ({
        row,
        unit: 's',
        lowerIsBetter: true,
        value,
        ops: e.count ? 0 : 1,
        errors: e.count,
        errorSamples: e.samples,
      });
      return [m('docker push', pushS, pushErrors), m('docker pull', pullS, pullErrors)];
    },
    finish: async () => {
      if (env && imageId) await env.exec(['rmi', '-f', imageId]).catch(() => undefined);
      if (contextDir) await rm(contextDir, { recursive: true, force: true });
      await env?.stop();
    },
  };
}
