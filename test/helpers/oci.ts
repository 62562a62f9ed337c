/** Fixtures for the HTTP suites: digests, descriptors, manifest and index builders, push helpers. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import type { Response } from 'supertest';
import { asIs, binary, pathOf } from './http.js';

/** Where the push helpers push: the app itself (supertest), or a running Berth's base URL (e2e). */
export type Target = App | string;

/** Media types used by the fixtures. */
export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
} as const;

/** The OCI empty descriptor's content: the two bytes `{}`. */
export const EMPTY_JSON = Buffer.from('{}');

/** "alg:hex" of some bytes. */
export function digestOf(data: Buffer | string, alg: 'sha256' | 'sha512' = 'sha256'): string {
  return `${alg}:${createHash(alg).update(data).digest('hex')}`;
}

/** A well-formed sha256 digest of nothing in particular (for "unknown" lookups). */
export const unknownDigest = (seed = 'unknown'): string => digestOf(`no such content: ${seed}`);

/** A content descriptor as manifests carry it. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
}

/** The descriptor of `data` with `mediaType`. */
export function descriptorOf(mediaType: string, data: Buffer | string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: digestOf(data), size: Buffer.byteLength(data), ...extra };
}

/** An OCI image manifest (or artifact, with artifactType / subject). */
export function ociManifest(config: Descriptor, layers: Descriptor[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MT.ociManifest, config, layers, ...extra };
}

/** A Docker schema 2 image manifest. */
export function dockerManifest(config: Descriptor, layers: Descriptor[]): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MT.dockerManifest, config, layers };
}

/** An OCI index or Docker manifest list over `children`. */
export function indexOf(mediaType: string, children: Descriptor[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemaVersion: 2, mediaType, manifests: children, ...extra };
}

/**
 * JSON with deliberately non-canonical whitespace (tabs, spaces before colons, a trailing
 * newline), so a registry that re-serialises would change the digest.
 */
export function looseJson(value: unknown): string {
  return `${JSON.stringify(value, null, '\t').replace(/":/g, '" :')}\n  `;
}

/** Upload a blob in one POST; returns its digest. */
export async function pushBlob(app: Target, name: string, data: Buffer | string, alg: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
  const digest = digestOf(data, alg);
  const res = await request(app)
    .post(`/v2/${name}/blobs/uploads/?digest=${digest}`)
    .set('Content-Type', 'application/octet-stream')
    .send(Buffer.from(data));
  assert.equal(res.status, 201, `blob push failed: ${res.status} ${res.text}`);
  return digest;
}

/** PUT a manifest; the raw response. */
export function putManifest(app: Target, name: string, ref: string, body: string | Buffer, contentType: string): Promise<Response> {
  return request(app).put(`/v2/${name}/manifests/${ref}`).set('Content-Type', contentType).serialize(asIs).send(Buffer.from(body));
}

/** PUT a manifest, expect 201; returns the digest the registry reports. */
export async function pushManifest(app: Target, name: string, ref: string, body: string | Buffer, contentType: string): Promise<string> {
  const res = await putManifest(app, name, ref, body, contentType);
  assert.equal(res.status, 201, `manifest push failed: ${res.status} ${res.text}`);
  return res.headers['docker-content-digest']!;
}

/** An image pushed by pushImage. */
export interface PushedImage {
  digest: string;
  body: string;
  mediaType: string;
  descriptor: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** Options of pushImage. */
export interface ImageOptions {
  ref?: string;
  docker?: boolean;
  /** Makes the content unique. */
  seed?: string;
  platform?: Descriptor['platform'];
  /** Extra top-level manifest fields (OCI only): subject, artifactType, annotations. */
  extra?: Record<string, unknown>;
}

/** Push a config, a layer and a manifest referencing them; by `ref` (default: its digest). */
export async function pushImage(app: Target, name: string, opts: ImageOptions = {}): Promise<PushedImage> {
  const seed = opts.seed ?? 'image';
  const configBytes = JSON.stringify({ architecture: opts.platform?.architecture ?? 'amd64', os: 'linux', seed });
  const layerBytes = Buffer.from(`layer bytes for ${seed}`);
  const config = descriptorOf(opts.docker ? MT.dockerConfig : MT.ociConfig, configBytes);
  const layers = [descriptorOf(opts.docker ? MT.dockerLayer : MT.ociLayer, layerBytes)];
  await pushBlob(app, name, configBytes);
  await pushBlob(app, name, layerBytes);
  const mediaType = opts.docker ? MT.dockerManifest : MT.ociManifest;
  const doc = opts.docker ? dockerManifest(config, layers) : ociManifest(config, layers, opts.extra);
  const body = looseJson(doc);
  const digest = digestOf(body);
  const got = await pushManifest(app, name, opts.ref ?? digest, body, mediaType);
  assert.equal(got, digest);
  const descriptor = descriptorOf(mediaType, body, opts.platform ? { platform: opts.platform } : {});
  return { digest, body, mediaType, descriptor, config, layers };
}

/** GET with the body kept as bytes (res.body is a Buffer). */
export function getBytes(app: App, path: string, headers: IncomingHttpHeaders = {}): Promise<Response> {
  return request(app).get(path).buffer(true).parse(binary).set(headers);
}

/** Start an upload session; its path (Location) and id. */
export async function startUpload(app: App, name: string): Promise<{ path: string; id: string }> {
  const res = await request(app).post(`/v2/${name}/blobs/uploads/`);
  assert.equal(res.status, 202, `upload start failed: ${res.status} ${res.text}`);
  return { path: pathOf(res.headers['location']), id: res.headers['docker-upload-uuid']! };
}

/** Append URL query parameters to an upload path that may already have some. */
export function withQuery(path: string, params: Record<string, string>): string {
  return `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
}
