/** Registry API operations shared by the scenarios (each one verifies what it gets back). */
import type { Client, Received } from './client.js';
import type { ImageFixture, SmallBlob } from './data.js';
import { DOCKER_ACCEPT } from './data.js';
import { expectBody, expectDigestHeader, expectHeader, expectStatus } from './verify.js';

/** The upload URL of a 202 response, with `digest` added when given. */
export function nextLocation(c: Client, res: Received, what: string, digest?: string): string {
  const url = c.resolve(expectHeader(res, 'Location', what));
  if (digest !== undefined) url.searchParams.set('digest', digest);
  return url.href;
}

/** POST /blobs/uploads/: start an upload and return its Location. */
export async function startUpload(c: Client, repo: string): Promise<string> {
  const res = await c.send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/` });
  expectStatus(res, 202, 'start upload');
  return nextLocation(c, res, 'start upload');
}

/** PUT ?digest= on an upload (optionally with a last chunk), checking 201 and the digest. */
export async function finishUpload(c: Client, location: string, digest: string, body?: Buffer): Promise<void> {
  const url = c.resolve(location);
  url.searchParams.set('digest', digest);
  const res = await c.send({
    method: 'PUT',
    path: url.href,
    body,
    headers: body ? { 'Content-Type': 'application/octet-stream' } : {},
  });
  expectStatus(res, 201, 'finish upload');
  expectDigestHeader(res, digest, 'finish upload');
}

/** Push a small blob the way docker does for a config: POST, then PUT ?digest= with the body. */
export async function pushBlob(c: Client, repo: string, blob: SmallBlob): Promise<void> {
  await finishUpload(c, await startUpload(c, repo), blob.digest, blob.data);
}

/** Does the repository hold this blob (HEAD = 200 with the right digest)? */
export async function hasBlob(c: Client, repo: string, digest: string): Promise<boolean> {
  const res = await c.send({ method: 'HEAD', path: `/v2/${repo}/blobs/${digest}` });
  if (res.status === 404) return false;
  expectStatus(res, 200, 'HEAD blob');
  expectDigestHeader(res, digest, 'HEAD blob');
  return true;
}

/** Cross-repository mount; when the server answers 202 instead, finish the upload with the bytes. */
export async function mountBlob(c: Client, repo: string, from: string, blob: SmallBlob): Promise<void> {
  const q = new URLSearchParams({ mount: blob.digest, from });
  const res = await c.send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/?${q.toString()}` });
  if (res.status === 201) {
    expectDigestHeader(res, blob.digest, 'mount blob');
    return;
  }
  expectStatus(res, 202, 'mount blob');
  await finishUpload(c, nextLocation(c, res, 'mount blob'), blob.digest, blob.data);
}

/** PUT a manifest, checking 201 and Docker-Content-Digest. */
export async function putManifest(c: Client, repo: string, ref: string, body: Buffer, mediaType: string, digest: string): Promise<void> {
  const res = await c.send({ method: 'PUT', path: `/v2/${repo}/manifests/${ref}`, body, headers: { 'Content-Type': mediaType } });
  expectStatus(res, 201, 'PUT manifest');
  expectDigestHeader(res, digest, 'PUT manifest');
}

/** GET a manifest with docker's Accept headers and verify type, digest header and body. */
export async function getManifest(c: Client, repo: string, ref: string, image: ImageFixture): Promise<void> {
  const res = await c.send({ method: 'GET', path: `/v2/${repo}/manifests/${ref}`, headers: { Accept: DOCKER_ACCEPT } });
  expectStatus(res, 200, 'GET manifest');
  expectHeader(res, 'Content-Type', 'GET manifest', image.mediaType);
  expectDigestHeader(res, image.manifestDigest, 'GET manifest');
  expectBody(res, image.manifestDigest, image.manifest.length, 'GET manifest');
}

/** GET a blob, hashing the body as it streams; verifies status, digest header, size and sha256. */
export async function getBlob(c: Client, repo: string, digest: string, size: number, timeoutMs?: number): Promise<number> {
  const res = await c.send({ method: 'GET', path: `/v2/${repo}/blobs/${digest}`, read: 'hash', timeoutMs });
  expectStatus(res, 200, 'GET blob');
  expectDigestHeader(res, digest, 'GET blob');
  expectBody(res, digest, size, 'GET blob');
  return res.bytes;
}

/** Push an image's blobs (skipping those present) and tag its manifest. */
export async function pushImage(c: Client, repo: string, image: ImageFixture, tag: string): Promise<void> {
  for (const blob of [image.config, ...image.layers]) {
    if (!(await hasBlob(c, repo, blob.digest))) await pushBlob(c, repo, blob);
  }
  await putManifest(c, repo, tag, image.manifest, image.mediaType, image.manifestDigest);
}
