/**
 * The hostile load's vocabulary: names, references, digests, ranges, queries, methods, headers
 * and manifest bodies that a registry must refuse (or answer) without a 5xx. Nothing here is
 * valid for a write into the seeded repository: the fuzzer never changes stored content.
 */
import { createHash } from 'node:crypto';

/** A seeded pseudo-random source (mulberry32), so a failing run can be repeated. */
export class Rng {
  constructor(private state: number) {}
  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A random string of `n` characters from `alphabet`. */
  text(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-._/:%@ '): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Names the grammar refuses, and odd ones it may accept. */
export const BAD_NAMES = [
  'UPPER/case',
  'a/../b',
  'a/./b',
  '..',
  'a//b',
  '-lead',
  'trail-',
  'a'.repeat(300),
  '%C3%BCn%C3%AF/c',
  '%2e%2e/x',
  'a%2Fb',
  'a%5Cb',
  '_catalog',
  'a/_uploads',
  'x/blobs/uploads',
  `${'x'.repeat(64)}/${'y'.repeat(200)}`,
  'a:b',
  'a@b',
  '%00',
  'a%00b',
  '%20space',
  'a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p',
  'a__b',
  'a..b',
  '%ff%fe',
];

/** Repositories the fuzzer may write into (never the seeded one). */
export const SCRATCH = ['fuzz/r0', 'fuzz/r1', 'fuzz/r2', 'scratch'];

/** Tags and references that are malformed. */
export const BAD_REFS = [
  '-x',
  '.x',
  'x'.repeat(129),
  'tag%20space',
  '%25',
  '%C3%A4',
  'a:b',
  'sha256:',
  'sha256:zz',
  `sha256:${'0'.repeat(63)}`,
  `sha256:${'A'.repeat(64)}`,
  `md5:${'0'.repeat(32)}`,
  'sha512:abc',
  `sha256:${hex('x')}x`,
  '..',
  '%2e',
  `sha256:${'f'.repeat(65)}`,
  `SHA256:${hex('y')}`,
  `sha256+b64:${hex('z')}`,
  '%00',
  'latest%0d%0aX-Injected:%201',
];

/** Digests that are well formed but name nothing stored. */
export const UNKNOWN_DIGESTS = Array.from({ length: 8 }, (_, i) => `sha256:${hex(`unknown-${i}`)}`);

/** Range header values, most of them malformed or unsatisfiable. */
export const RANGES = [
  'bytes=abc',
  'bytes=5-1',
  'bytes=500-0',
  'bytes=-',
  'bytes=--1',
  'bytes=0-0,1-1,2-2,3-3',
  `bytes=${'0-1,'.repeat(500)}0-1`,
  'bytes=99999999999999999999-',
  'bytes=-99999999999999999999',
  'bytes=1e3-2e3',
  'items=0-5',
  'bytes 0-5',
  'bytes=0x10-0x20',
  'bytes=18446744073709551616-18446744073709551617',
  'bytes=0-',
  'bytes=-1',
  'bytes=1-',
  '',
  'bytes=',
  'bytes=\t0-1',
];

/** Content-Range values for PATCH, most malformed. */
export const CONTENT_RANGES = [
  '0-',
  '-1-5',
  '5-1',
  'abc',
  'bytes 0-9/10',
  '0-9999999999999999999999',
  '0-0',
  '1-1',
  '0-99',
  'bytes=0-9',
  '0--9',
  ' 0-9',
  '0-9,10-19',
  '1e2-2e2',
];

/** Query strings for any route. */
export const QUERIES = [
  '?n=-1',
  '?n=0',
  '?n=abc',
  '?n=1e309',
  '?n=99999999999999999999',
  '?last=%ff',
  `?last=${'z'.repeat(300)}`,
  '?n=5&n=6',
  `?${'tag=a&'.repeat(200)}tag=b`,
  '?digest=sha256:zz',
  '?mount=x&from=..',
  `?mount=${UNKNOWN_DIGESTS[0]}&from=UPPER`,
  '?ns=',
  '?ns=%zz',
  '?%zz=%zz',
  '?a[b]=c',
  '?__proto__=x',
  '?constructor=1&toString=2',
  '?artifactType=%00',
  '?n=1&last=',
  `?digest=${UNKNOWN_DIGESTS[1]}`,
  '?tag=-bad',
  `?tag=${'t'.repeat(200)}`,
];

/** Request methods, known and not. */
export const METHODS = [
  'GET',
  'HEAD',
  'PUT',
  'POST',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'LOCK',
  'SEARCH',
  'PURGE',
  'FOO',
  'get',
  'G\u0000T',
  'CONNECT',
];

/** Extra headers, one of which a case may carry. */
export const HEADERS: ReadonlyArray<[string, string]> = [
  ['Accept', 'application/vnd.oci.image.manifest.v1+json;q=abc, */*;q=2'],
  ['Accept', Array.from({ length: 400 }, (_, i) => `application/x-${i};q=0.${i % 10}`).join(', ')],
  ['Accept', ';;;,,,;q=;'],
  ['Authorization', 'Basic !!!'],
  ['Authorization', 'Bearer a.b.c'],
  ['Authorization', `Bearer ${'x'.repeat(6000)}`],
  ['Authorization', `Basic ${Buffer.from(`${'u'.repeat(2000)}:p`).toString('base64')}`],
  ['Content-Type', 'application/vnd.oci.image.manifest.v1+json; charset=utf-16'],
  ['Content-Type', '\u0001'],
  ['If-None-Match', '"'.repeat(100)],
  ['X-Forwarded-For', '999.999.999.999, ::::, garbage'],
  ['X-Forwarded-Host', 'evil.example.com:99999'],
  ['X-Forwarded-Proto', 'gopher'],
  ['Expect', '100-continue'],
  ['Expect', 'something-else'],
  ['Via', '1.1 berth, 1.1 berth, 1.1 berth'],
  ['X-Huge', 'h'.repeat(20_000)],
  ['Transfer-Encoding', 'gzip, chunked'],
  ['Content-Encoding', 'br'],
  ['Docker-Content-Digest', 'sha256:zz'],
  ['X-Request-Id', 'r'.repeat(3000)],
];

/** Manifest bodies that are malformed, or valid in shape but pointing at nothing stored. */
export function manifestBodies(rng: Rng): string {
  const d = (digest: string, size: unknown = 10, mediaType = 'application/vnd.oci.image.layer.v1.tar') => ({ mediaType, digest, size });
  const cfg = d(rng.pick(UNKNOWN_DIGESTS), 2, 'application/vnd.oci.image.config.v1+json');
  const bodies = [
    '{',
    '[]',
    'null',
    '"str"',
    '{"schemaVersion":2}',
    '['.repeat(5000),
    '{"a":'.repeat(2000),
    `{"schemaVersion":1,"fsLayers":[]}`,
    JSON.stringify({ schemaVersion: 2, config: cfg, layers: Array.from({ length: 2000 }, (_, i) => d(UNKNOWN_DIGESTS[i % 8]!)) }),
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: cfg, layers: [] }),
    JSON.stringify({
      schemaVersion: 2,
      config: cfg,
      layers: [d(rng.pick(BAD_REFS)), d(UNKNOWN_DIGESTS[2]!, -1), d(UNKNOWN_DIGESTS[3]!, 1e400)],
    }),
    JSON.stringify({ schemaVersion: 2, config: cfg, layers: [], subject: d('sha256:bad') }),
    JSON.stringify({ schemaVersion: 2, manifests: [d(UNKNOWN_DIGESTS[4]!, 5, 'application/vnd.oci.image.manifest.v1+json')] }),
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"schemaVersion":2}',
    JSON.stringify({ schemaVersion: 2, config: cfg, layers: [], annotations: { a: 'x'.repeat(200_000) } }),
    '\u00ff\u00fe{"schemaVersion":2}',
    rng.text(rng.int(2000), '{}[]":,0123456789abcdefnulltrue \\'),
  ];
  return rng.pick(bodies);
}
