/**
 * Benchmark content: large "pattern" blobs built from one random block (cheap to stream, any
 * size, digest precomputed before timing), small random blobs, and a docker-style image.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** Media types the benchmark sends and expects. */
export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** The Accept headers docker 20.10 sends when it pulls a manifest by tag. */
export const DOCKER_ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociIndex, MEDIA.ociManifest];

/** sha256 of some bytes as an OCI digest string. */
export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A blob of `size` bytes: a per-blob prefix, then one random block repeated (truncated at the end). */
export class PatternBlob {
  #digest: string | undefined;

  constructor(
    readonly prefix: Buffer,
    readonly block: Buffer,
    readonly size: number,
  ) {}

  /** The blob's digest; computeDigest() must have run (before any timing). */
  get digest(): string {
    if (this.#digest === undefined) throw new Error('PatternBlob digest not computed yet');
    return this.#digest;
  }

  /** Hash the whole blob once (kept out of the timed part of a scenario). */
  computeDigest(): string {
    if (this.#digest === undefined) {
      const hash = createHash('sha256');
      for (const part of this.chunks()) hash.update(part);
      this.#digest = `sha256:${hash.digest('hex')}`;
    }
    return this.#digest;
  }

  /** The bytes in [start, end) as views on the prefix and the block (no copies). */
  *chunks(start = 0, end = this.size): Generator<Buffer> {
    let pos = start;
    while (pos < end) {
      let part: Buffer;
      if (pos < this.prefix.length) {
        part = this.prefix.subarray(pos, Math.min(this.prefix.length, end));
      } else {
        const off = (pos - this.prefix.length) % this.block.length;
        part = this.block.subarray(off, Math.min(this.block.length, off + (end - pos)));
      }
      pos += part.length;
      yield part;
    }
  }

  /** A byte stream of [start, end). */
  stream(start = 0, end = this.size): Readable {
    const it = this.chunks(start, end);
    return new Readable({
      highWaterMark: 1 << 20,
      read() {
        const next = it.next();
        this.push(next.done ? null : next.value);
      },
    });
  }

  /** A copy of [start, end) in one Buffer. */
  bytes(start: number, end: number): Buffer {
    return Buffer.concat([...this.chunks(start, end)]);
  }
}

/** `count` pattern blobs sharing one random 1 MiB block; prefixes differ so digests differ. */
export function makePatternBlobs(count: number, size: number, label: string, block: Buffer = randomBytes(1 << 20)): PatternBlob[] {
  const nonce = randomBytes(8).toString('hex');
  return Array.from({ length: count }, (_, i) => new PatternBlob(Buffer.from(`berth-bench ${label} ${i} ${nonce}\n`), block, size));
}

/** A small in-memory blob and its digest. */
export interface SmallBlob {
  data: Buffer;
  digest: string;
}

/** `count` random blobs of `size` bytes each. */
export function makeSmallBlobs(count: number, size: number): SmallBlob[] {
  return Array.from({ length: count }, () => {
    const data = randomBytes(size);
    return { data, digest: sha256(data) };
  });
}

/** A docker schema2 image: config blob, layers, and the manifest bytes. */
export interface ImageFixture {
  config: SmallBlob;
  layers: SmallBlob[];
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
}

/** Build an image with `layerCount` random layers of `layerBytes` each. */
export function makeImage(layerCount: number, layerBytes: number): ImageFixture {
  const layers = makeSmallBlobs(layerCount, layerBytes);
  const configData = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      history: layers.map((_, i) => ({ created: '1970-01-01T00:00:00Z', created_by: `berth-bench layer ${i}` })),
    }),
  );
  const config = { data: configData, digest: sha256(configData) };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: MEDIA.dockerConfig, size: config.data.length, digest: config.digest },
      layers: layers.map((l) => ({ mediaType: MEDIA.dockerLayer, size: l.data.length, digest: l.digest })),
    }),
  );
  return { config, layers, manifest, manifestDigest: sha256(manifest), mediaType: MEDIA.dockerManifest };
}

/** An OCI manifest over `image`'s blobs made unique by an annotation (for distinct-tag pushes). */
export function uniqueOciManifest(image: ImageFixture, tag: string): { body: Buffer; digest: string } {
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, size: image.config.data.length, digest: image.config.digest },
      layers: image.layers.map((l) => ({ mediaType: MEDIA.ociLayer, size: l.data.length, digest: l.digest })),
      annotations: { 'org.berth.bench.tag': tag },
    }),
  );
  return { body, digest: sha256(body) };
}
