/** Berth under http.workers as a real process, for the cluster tests. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startBerthProcess, type BerthProcess } from './berth-process.js';
import { fresh } from './fresh-http.js';

/** The OCI image manifest media type. */
export const OCI = 'application/vnd.oci.image.manifest.v1+json';

/** "sha256:hex" of some bytes. */
export const digestOf = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Start Berth with two workers on `storage` (delete enabled), through a config file in `dir`. */
export async function startWorkers(
  dir: string,
  storage: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<BerthProcess> {
  const file = join(dir, `berth-${randomBytes(4).toString('hex')}.yml`);
  const config = {
    http: { addr: '127.0.0.1:0', workers: 2 },
    storage: { ...storage, delete: { enabled: true } },
    database: { sqlite: { path: join(dir, `db-${randomBytes(4).toString('hex')}.sqlite`) } },
    ...extra,
  };
  await writeFile(file, stringify(config));
  return startBerthProcess({ BERTH_CONFIG: file, BERTH_HTTP_WORKERS: '2' });
}

/** Push a blob in one POST on a fresh connection. */
export async function pushBlob(url: string, repo: string, blob: Buffer): Promise<string> {
  const d = digestOf(blob);
  const res = await fresh(url, 'POST', `/v2/${repo}/blobs/uploads/?digest=${d}`, { 'Content-Type': 'application/octet-stream' }, blob);
  assert.equal(res.status, 201, res.body.toString());
  return d;
}

/** A manifest over one config and one layer, made unique by `note`. */
export function manifest(config: Buffer, layer: Buffer, note: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
      annotations: { note },
    }),
  );
}

/** The pids of the workers that logged "worker listening" or "worker serving", in order. */
export function workerPids(stderr: string): number[] {
  return stderr
    .split('\n')
    .filter((l) => l.includes('"msg":"worker listening"') || l.includes('"msg":"worker serving"'))
    .map((l) => (JSON.parse(l) as { pid: number }).pid);
}
