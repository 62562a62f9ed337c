/** Plain formatting of sizes, digests and times for tables and details. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units, as registries and docker show them ("12.3 MB"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < UNITS.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${n} B` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ${UNITS[u]}`;
}

/** The first 12 hex digits of a digest, as docker prints image IDs ("sha256:0123456789ab"). */
export function shortDigest(digest: string): string {
  const i = digest.indexOf(':');
  return i < 0 ? digest.slice(0, 12) : `${digest.slice(0, i + 1)}${digest.slice(i + 1, i + 13)}`;
}

/** "3 minutes ago" style, relative to `now`; an absent time is "never". */
export function formatAge(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'just now';
  const steps: [number, string][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Infinity, 'year'],
  ];
  let n = s;
  for (const [size, unit] of steps) {
    if (n < size) return n === 0 && unit === 'second' ? 'just now' : `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    n = Math.floor(n / size);
  }
  return '—';
}

/** The reference part of a pull: `:tag` or `@digest`. */
export function referenceSuffix(reference: string): string {
  return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(reference) ? `@${reference}` : `:${reference}`;
}

/** `docker pull HOST/REPOSITORY:TAG` (or `@DIGEST`). */
export function pullCommand(host: string, repository: string, reference: string): string {
  return `docker pull ${host}/${repository}${referenceSuffix(reference)}`;
}

/** A time as the reader's locale shows dates ("30 Nov 2026, 14:05"); an absent time is "—". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '—' : t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "linux/arm64/v8" for a platform. */
export function platformText(p: { os: string; architecture: string; variant?: string | null }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Config media types of container images: an artifact type that only says "image". */
const IMAGE_CONFIGS = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

/** What kind of artifact, in words: an image, an index, or its artifact type. */
export function kindText(a: { mediaType: string; artifactType?: string | null }): string {
  if (a.artifactType && !IMAGE_CONFIGS.has(a.artifactType)) return a.artifactType;
  if (/index|manifest\.list/.test(a.mediaType)) return 'Image index';
  if (/manifest/.test(a.mediaType)) return 'Image';
  return a.mediaType;
}
