/**
 * The hostile load's generator: each case is the raw bytes of one connection (one request,
 * several pipelined, or one cut off), drawn from pools.ts by a seeded Rng. Writes only ever
 * target malformed names or the scratch repositories, so stored content must not change.
 */
import type { RawCase } from './raw-client.js';
import {
  BAD_NAMES,
  BAD_REFS,
  CONTENT_RANGES,
  HEADERS,
  manifestBodies,
  METHODS,
  QUERIES,
  RANGES,
  SCRATCH,
  UNKNOWN_DIGESTS,
  type Rng,
} from './pools.js';

/** What was stored before the load (read-only targets) and upload sessions open for it. */
export interface Seeded {
  repository: string;
  tag: string;
  blob: string;
  manifest: string;
  /** Paths of upload sessions in scratch repositories. */
  uploads: string[];
}

type Headers = ReadonlyArray<readonly [string, string]>;

/** The bytes of one request; Content-Length is the body's unless `headers` gives one. */
export function rawRequest(method: string, path: string, headers: Headers = [], body?: Buffer | string, version = 'HTTP/1.1'): Buffer {
  const lines = [`${method} ${path} ${version}`, 'Host: 127.0.0.1'];
  const named = (n: string) => headers.some(([k]) => k.toLowerCase() === n);
  for (const [k, v] of headers) lines.push(`${k}: ${v}`);
  const data = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  if (body !== undefined && !named('content-length') && !named('transfer-encoding')) lines.push(`Content-Length: ${data.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), data]);
}

const one = (kind: string, bytes: Buffer, head = false): RawCase => ({ kind, pieces: [bytes], expect: 1, head });

/** The case generators, by what they exercise. */
export const GENERATORS: Record<string, (rng: Rng, s: Seeded) => RawCase> = {
  names(rng) {
    const route = rng.pick(['manifests/latest', 'tags/list', `blobs/${UNKNOWN_DIGESTS[0]}`, 'blobs/uploads/', 'referrers/x']);
    const method = rng.pick(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH']);
    return one(
      'names',
      rawRequest(method, `/v2/${rng.pick(BAD_NAMES)}/${route}`, [], method === 'PUT' ? '{}' : undefined),
      method === 'HEAD',
    );
  },
  references(rng, s) {
    const name = rng.chance(0.5) ? s.repository : rng.pick(SCRATCH);
    const method = name === s.repository ? rng.pick(['GET', 'HEAD']) : rng.pick(['GET', 'HEAD', 'PUT', 'DELETE']);
    const route = rng.pick(['manifests', 'blobs', 'referrers']);
    const body = method === 'PUT' ? manifestBodies(rng) : undefined;
    return one('references', rawRequest(method, `/v2/${name}/${route}/${rng.pick(BAD_REFS)}`, [], body), method === 'HEAD');
  },
  digests(rng, s) {
    const digest = rng.pick([...UNKNOWN_DIGESTS, ...BAD_REFS, s.blob, s.manifest]);
    const method = rng.pick(['GET', 'HEAD']);
    return one('digests', rawRequest(method, `/v2/${s.repository}/${rng.pick(['blobs', 'manifests'])}/${digest}`), method === 'HEAD');
  },
  ranges(rng, s) {
    const range = rng.chance(0.7) ? rng.pick(RANGES) : `bytes=${rng.int(5000) - 100}-${rng.int(5000) - 100}`;
    return one('ranges', rawRequest('GET', `/v2/${s.repository}/blobs/${s.blob}`, [['Range', range]]));
  },
  contentRange(rng, s) {
    const body = Buffer.alloc(rng.int(64), 1);
    return one('content-range', rawRequest('PATCH', rng.pick(s.uploads), [['Content-Range', rng.pick(CONTENT_RANGES)]], body));
  },
  lengthLies(rng, s) {
    // Declared shorter than sent: the rest is read as the next request (garbage). Declared
    // longer: the client stops half-way and goes away.
    const body = Buffer.alloc(200, 2);
    const path = rng.pick([rng.pick(s.uploads), `/v2/${rng.pick(SCRATCH)}/manifests/t`, `/v2/${rng.pick(SCRATCH)}/blobs/uploads/`]);
    const method = path.includes('/manifests/') ? 'PUT' : path.endsWith('/uploads/') ? 'POST' : 'PATCH';
    const declared = rng.pick(['10', '199', '1000000', '-1', 'abc', '1e3', '10, 200', '0x10']);
    const bytes = rawRequest(method, path, [['Content-Length', declared]], body);
    return { kind: 'content-length', pieces: [bytes], expect: 2, abort: Number(declared) > 200 };
  },
  abortedBodies(rng, s) {
    const path = rng.pick([
      rng.pick(s.uploads),
      `/v2/${rng.pick(SCRATCH)}/manifests/t`,
      `/v2/${rng.pick(SCRATCH)}/blobs/uploads/?digest=${UNKNOWN_DIGESTS[5]}`,
    ]);
    const method = path.includes('/manifests/') ? 'PUT' : path.includes('?digest=') ? 'POST' : 'PATCH';
    const head = rawRequest(method, path, [['Content-Length', String(1 << 20)]]);
    return { kind: 'aborted-body', pieces: [head, Buffer.alloc(rng.int(70_000), 3)], expect: 1, abort: true };
  },
  manifests(rng) {
    const type = rng.pick([
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'text/plain',
    ]);
    const ref = rng.pick(['t', UNKNOWN_DIGESTS[6]!, 'x?tag=a&tag=-b']);
    return one('manifests', rawRequest('PUT', `/v2/${rng.pick(SCRATCH)}/manifests/${ref}`, [['Content-Type', type]], manifestBodies(rng)));
  },
  queries(rng, s) {
    const route = rng.pick([
      '/v2/_catalog',
      `/v2/${s.repository}/tags/list`,
      `/v2/${s.repository}/referrers/${s.manifest}`,
      `/v2/${rng.pick(SCRATCH)}/blobs/uploads/`,
    ]);
    return one('queries', rawRequest(route.endsWith('/uploads/') ? 'POST' : 'GET', route + rng.pick(QUERIES)));
  },
  methods(rng, s) {
    const method = rng.pick(METHODS);
    const path = rng.pick(['/v2/', `/v2/${s.repository}/tags/list`, '/token', '/_berth/proxy/stats', '/healthz', '/', '*', '/v2/_catalog']);
    return one('methods', rawRequest(method, path), method === 'HEAD');
  },
  headers(rng, s) {
    const header = rng.pick(HEADERS);
    const path = rng.pick([`/v2/${s.repository}/manifests/${s.tag}`, `/v2/${s.repository}/blobs/${s.blob}`, '/v2/', '/token?service=x']);
    const version = rng.chance(0.1) ? rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTCPCP/1.0']) : 'HTTP/1.1';
    return one('headers', rawRequest('GET', path, [header], undefined, version));
  },
  pipelining(rng, s) {
    const count = 2 + rng.int(4);
    const names = Object.keys(GENERATORS).filter((k) => k !== 'pipelining' && k !== 'abortedBodies' && k !== 'lengthLies');
    const manifest = () => rawRequest('GET', `/v2/${s.repository}/manifests/${s.tag}`);
    const parts = Array.from({ length: count }, () => {
      if (rng.chance(0.5)) return manifest();
      // A HEAD's answer has a Content-Length but no body: the parser could not tell it apart here.
      const c = GENERATORS[rng.pick(names)]!(rng, s);
      return c.head ? manifest() : Buffer.concat(c.pieces);
    });
    return { kind: 'pipelining', pieces: [Buffer.concat(parts)], expect: count };
  },
};

/** `count` cases, evenly over the generators, in a seeded order. */
export function makeCases(rng: Rng, seeded: Seeded, count: number): RawCase[] {
  const names = Object.keys(GENERATORS);
  return Array.from({ length: count }, (_, i) => GENERATORS[names[i % names.length]!]!(rng, seeded));
}
