/**
 * The spec's grammars for repository names, tags and digests. Everything that becomes part
 * of a storage path passes through here first, so nothing outside them reaches the driver.
 */
import { DigestInvalidError, NameInvalidError, TagInvalidError } from './errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
/** Longest repository name accepted (Distribution's limit). */
export const MAX_NAME_LENGTH = 255;

/** Digest algorithms this registry can verify, with the exact length of their hex encoding. */
export const ALGORITHMS = { sha256: 64, sha512: 128 } as const;
/** A supported digest algorithm name. */
export type Algorithm = keyof typeof ALGORITHMS;

/** A parsed, verified-syntax digest such as sha256:abc... */
export interface Digest {
  readonly algorithm: Algorithm;
  readonly hex: string;
  /** The canonical "algorithm:hex" string. */
  readonly value: string;
}

/** Check a repository name against the spec's grammar. */
export function parseName(name: string): string {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || !NAME_RE.test(name)) {
    throw new NameInvalidError(`invalid repository name`, { name });
  }
  return name;
}

/** True when `ref` is tag-shaped rather than digest-shaped. */
export function isTag(ref: string): boolean {
  return !ref.includes(':');
}

/** Check a tag against the spec's grammar. */
export function parseTag(tag: string): string {
  if (!TAG_RE.test(tag)) throw new TagInvalidError('invalid tag', { tag });
  return tag;
}

/** Parse a digest; an unknown algorithm or a wrong-length encoding is DigestInvalidError. */
export function parseDigest(value: string): Digest {
  const m = DIGEST_RE.exec(value);
  if (!m) throw new DigestInvalidError('invalid digest', { digest: value });
  const algorithm = m[1] as string;
  const hex = m[2] as string;
  if (!Object.hasOwn(ALGORITHMS, algorithm)) {
    throw new DigestInvalidError(`unsupported digest algorithm ${algorithm}`, { digest: value });
  }
  const alg = algorithm as Algorithm;
  if (hex.length !== ALGORITHMS[alg] || !/^[a-f0-9]+$/.test(hex)) {
    throw new DigestInvalidError(`invalid ${alg} digest encoding`, { digest: value });
  }
  return { algorithm: alg, hex, value };
}

/** A manifest reference: either a tag or a digest. */
export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** Parse a manifest reference (tag or digest). */
export function parseReference(ref: string): Reference {
  return isTag(ref) ? { kind: 'tag', tag: parseTag(ref) } : { kind: 'digest', digest: parseDigest(ref) };
}
