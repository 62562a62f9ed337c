/**
 * Images for the browser suite, made without the internet: an image whose labels hold HTML
 * (built by docker), an OCI layout whose manifest annotations hold HTML (pushed by skopeo), and
 * pushes as a robot with docker (its own DOCKER_CONFIG) and skopeo (--dest-creds).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BASE_IMAGE, docker, ensureBaseImage, makeTempDir, MEDIA, removeDir, sha256, skopeo, tarDirectory } from './helpers.js';

/** Markup that would run if the UI ever rendered a label or annotation as HTML. */
export const HOSTILE = {
  img: '<img src=/x-label onerror="window.__pwned=1">',
  script: '<script>window.__pwned=2</script>',
} as const;

/** Build `tag` FROM the busybox base with `labels` (values written as Dockerfile strings). */
export async function buildLabelledImage(tag: string, labels: Record<string, string>): Promise<void> {
  await ensureBaseImage();
  const ctx = await makeTempDir('labelled');
  try {
    const lines = [`FROM ${BASE_IMAGE}`, ...Object.entries(labels).map(([k, v]) => `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`)];
    await writeFile(join(ctx, 'Dockerfile'), `${lines.join('\n')}\n`);
    await docker('build', '--network', 'host', '-t', tag, ctx);
  } finally {
    await removeDir(ctx);
  }
}

/** An OCI layout under `dir` holding one image (tag `tag`) whose manifest carries `annotations`; returns its skopeo reference. */
export async function writeAnnotatedLayout(dir: string, tag: string, annotations: Record<string, string>): Promise<string> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (data: Buffer) => {
    const digest = sha256(data);
    await writeFile(join(blobs, digest.slice('sha256:'.length)), data);
    return { digest, size: data.length };
  };
  const scratch = await makeTempDir('annotated');
  try {
    await writeFile(join(scratch, 'note.txt'), randomBytes(16).toString('hex'));
    const tar = await tarDirectory(scratch);
    const layer = await put(gzipSync(tar));
    const config = await put(
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: annotations },
          rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
        }),
      ),
    );
    const manifest = await put(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.ociManifest,
          config: { mediaType: MEDIA.ociConfig, ...config },
          layers: [{ mediaType: MEDIA.ociLayerGzip, ...layer }],
          annotations,
        }),
      ),
    );
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: MEDIA.ociManifest, ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
      }),
    );
    return `oci:${dir}:${tag}`;
  } finally {
    await removeDir(scratch);
  }
}

/** skopeo copy into the registry as `user:secret` (`all`: every platform of an index). */
export function skopeoPush(src: string, dest: string, creds: string, all = false) {
  const args = ['copy', '--dest-tls-verify=false', '--dest-creds', creds, '--retry-times', '0'];
  if (all) args.push('--all');
  return skopeo(...args, src, `docker://${dest}`);
}
