/** Building image tarballs in tests: `docker save` format and OCI image layouts, gzip or not. */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** A tar file's entries: a path and its bytes, or a symbolic link. */
export type TarEntry = { name: string; data: Buffer | string } | { name: string; symlink: string };

/** The bytes of a tar archive holding `entries`. */
export async function tarOf(entries: readonly TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const e of entries) {
    if ('symlink' in e) p.entry({ name: e.name, type: 'symlink', linkname: e.symlink });
    else p.entry({ name: e.name }, Buffer.from(e.data));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A small image: one layer (a real tar holding one file) and its config. */
export async function smallImage(seed: string) {
  const layer = await tarOf([{ name: 'hello.txt', data: `hello from ${seed}\n` }]);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/hello'], Labels: { 'org.opencontainers.image.description': `image ${seed}` } },
      rootfs: { type: 'layers', diff_ids: [`sha256:${hex(layer)}`] },
    }),
  );
  return { layer, config, layerDigest: `sha256:${hex(layer)}`, configDigest: `sha256:${hex(config)}` };
}

/** A `docker save` tarball of one image with `repoTags` (legacy layout: <id>.json, <dir>/layer.tar). */
export async function dockerSaveTarball(seed: string, repoTags: string[] | null, tamper: { diffId?: string; dropLayer?: boolean } = {}) {
  const img = await smallImage(seed);
  const configName = `${img.configDigest.slice(7)}.json`;
  const layerDir = hex(`dir ${seed}`);
  const manifest = [{ Config: configName, RepoTags: repoTags, Layers: [`${layerDir}/layer.tar`] }];
  let config = img.config;
  if (tamper.diffId) config = Buffer.from(img.config.toString().replace(img.layerDigest, tamper.diffId));
  const entries: TarEntry[] = [
    { name: configName, data: config },
    { name: 'manifest.json', data: JSON.stringify(manifest) },
  ];
  if (!tamper.dropLayer) entries.push({ name: `${layerDir}/VERSION`, data: '1.0' }, { name: `${layerDir}/layer.tar`, data: img.layer });
  return { tar: await tarOf(entries), ...img };
}

/** An OCI image layout tarball of one image whose index entry carries `refName`. */
export async function ociLayoutTarball(seed: string, refName: string | undefined, opts: { gzip?: boolean } = {}) {
  const img = await smallImage(seed);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.configDigest, size: img.config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: img.layerDigest, size: img.layer.length }],
    }),
  );
  const manifestDigest = `sha256:${hex(manifest)}`;
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: manifestDigest,
        size: manifest.length,
        ...(refName ? { annotations: { 'org.opencontainers.image.ref.name': refName } } : {}),
      },
    ],
  };
  const tar = await tarOf([
    { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', data: JSON.stringify(index) },
    { name: `blobs/sha256/${manifestDigest.slice(7)}`, data: manifest },
    { name: `blobs/sha256/${img.configDigest.slice(7)}`, data: img.config },
    { name: `blobs/sha256/${img.layerDigest.slice(7)}`, data: img.layer },
  ]);
  return { tar: opts.gzip ? gzipSync(tar) : tar, manifestDigest, ...img };
}
