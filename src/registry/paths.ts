/**
 * The whole storage layout, in one place. It is CNCF Distribution's, so a folder or bucket
 * written by registry:2 is served as it is, and the other way round:
 *
 * /docker/registry/v2/
 *   blobs/<alg>/<hex[0:2]>/<hex>/data              content, stored once by digest (layers,
 *                                                   configs and manifests alike)
 *   repositories/<name>/
 *     _layers/<alg>/<hex>/link                      "<alg>:<hex>": the repository holds this blob
 *     _manifests/revisions/<alg>/<hex>/link         the repository holds this manifest
 *     _manifests/tags/<tag>/current/link            the digest the tag points to now
 *     _manifests/tags/<tag>/index/<alg>/<hex>/link  every digest the tag ever pointed to
 *     _uploads/<uuid>/data                          bytes received so far
 *     _uploads/<uuid>/startedat                     RFC 3339 start time
 *     _uploads/<uuid>/hashstates/<alg>/<offset>     running hash state after <offset> bytes
 *                                                   (Berth's is hash-wasm's, Distribution's Go's)
 *     _referrers/<alg>/<hex>/<alg2>/<hex2>/link     Berth's addition: manifest <alg2:hex2> has
 *                                                   subject <alg:hex>. Distribution skips "_"
 *                                                   folders it does not know, so it stays compatible.
 *
 * Every function takes already-validated names, tags, digests and upload ids.
 */
import type { Digest } from './reference.js';

/** Root of everything the registry stores. */
export const ROOT = '/docker/registry/v2';
/** Parent of all repositories (walked by the catalog). */
export const REPOSITORIES = `${ROOT}/repositories`;

/** Folder of a content-addressed blob. */
export const blobDir = (d: Digest): string => `${ROOT}/blobs/${d.algorithm}/${d.hex.slice(0, 2)}/${d.hex}`;
/** The content of a blob. */
export const blobData = (d: Digest): string => `${blobDir(d)}/data`;

/** Folder of a repository. */
export const repoDir = (name: string): string => `${REPOSITORIES}/${name}`;
/** Link saying the repository holds a layer or config blob. */
export const layerLink = (name: string, d: Digest): string => `${repoDir(name)}/_layers/${d.algorithm}/${d.hex}/link`;
/** The repository's manifests folder (its presence makes a repository). */
export const manifestsDir = (name: string): string => `${repoDir(name)}/_manifests`;
/** Folder of a manifest revision link. */
export const revisionDir = (name: string, d: Digest): string => `${manifestsDir(name)}/revisions/${d.algorithm}/${d.hex}`;
/** Link saying the repository holds a manifest. */
export const revisionLink = (name: string, d: Digest): string => `${revisionDir(name, d)}/link`;
/** Folder of all tags. */
export const tagsDir = (name: string): string => `${manifestsDir(name)}/tags`;
/** Folder of one tag. */
export const tagDir = (name: string, tag: string): string => `${tagsDir(name)}/${tag}`;
/** The tag's current digest. */
export const tagCurrentLink = (name: string, tag: string): string => `${tagDir(name, tag)}/current/link`;
/** The tag's history entry for a digest. */
export const tagIndexLink = (name: string, tag: string, d: Digest): string => `${tagDir(name, tag)}/index/${d.algorithm}/${d.hex}/link`;

/** Folder of one upload session. */
export const uploadDir = (name: string, id: string): string => `${repoDir(name)}/_uploads/${id}`;
/** Bytes received so far for an upload. */
export const uploadData = (name: string, id: string): string => `${uploadDir(name, id)}/data`;
/** When the upload started. */
export const uploadStartedAt = (name: string, id: string): string => `${uploadDir(name, id)}/startedat`;

/** Saved running-hash state after `offset` bytes of an upload. */
export const uploadHashState = (name: string, id: string, algorithm: string, offset: number): string =>
  `${uploadDir(name, id)}/hashstates/${algorithm}/${offset}`;

/** Folder listing the referrers of one subject digest. */
export const referrersDir = (name: string, subject: Digest): string => `${repoDir(name)}/_referrers/${subject.algorithm}/${subject.hex}`;
/** Link saying manifest `d` refers to `subject`. */
export const referrerLink = (name: string, subject: Digest, d: Digest): string =>
  `${referrersDir(name, subject)}/${d.algorithm}/${d.hex}/link`;

/**
 * What the storage cache may keep (src/storage/cache.ts): link files and folder listings under
 * repositories/ (tags, revisions, layers, referrers, the repositories themselves) and the size
 * of content-addressed blobs; never anything of an upload in progress.
 */
export const CACHE_POLICY = {
  content: (path: string): boolean => path.startsWith(`${REPOSITORIES}/`) && path.endsWith('/link') && !path.includes('/_uploads/'),
  stat: (path: string): boolean => path.startsWith(`${ROOT}/blobs/`) && path.endsWith('/data'),
  list: (path: string): boolean => path.startsWith(REPOSITORIES) && !path.includes('/_uploads'),
};
