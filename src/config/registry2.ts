/**
 * registry:2 as a drop-in: a Distribution `config.yml` (after environment overrides) is
 * translated onto Berth's keys before validation. Keys Berth spells differently are moved
 * (remembering where they came from, so an error names the key the user wrote), keys Berth
 * does not honour are dropped and reported once at start, and the few that would change what
 * is served (another storage backend, a URL prefix, a test-only auth mode) stop the start.
 */
import { IGNORED_KEYS, REFUSED_KEYS, RENAMED_KEYS } from './registry2-keys.js';

type Raw = Record<string, unknown>;

/** The translated configuration and what the translation did. */
export interface Translation {
  raw: Raw;
  /** One line per key that is ignored, naming it and why. */
  notices: string[];
  /** Berth key path (dotted) → the registry:2 key path it was written as. */
  renamed: Map<string, string>;
}

/** A registry:2 key that Berth cannot serve as written; the message says what to write. */
export class Registry2KeyError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

const LEVELS: Record<string, string> = { panic: 'error', fatal: 'error', trace: 'debug' };
const CLIENT_AUTH: Record<string, string> = {
  'require-and-verify-client-cert': 'require-and-verify',
  'verify-client-cert-if-given': 'verify-if-given',
};

/** Translate `input` (not modified); `knows(path)` says whether Berth's schema has a key. */
export function translateRegistry2(input: Raw, knows: (path: readonly string[]) => boolean): Translation {
  const raw = structuredClone(input);
  const t: Translation = { raw, notices: [], renamed: new Map() };
  for (const [key, why] of Object.entries(REFUSED_KEYS)) {
    if (has(raw, key)) throw new Registry2KeyError(key, `${key}: not supported: ${why}`);
  }
  const prefix = get(raw, 'http.prefix');
  if (typeof prefix === 'string' && prefix.replace(/\/+/g, '') !== '') {
    throw new Registry2KeyError('http.prefix', 'http.prefix: Berth serves the API at /v2/; mount it under a prefix with a reverse proxy');
  }
  remove(raw, 'http.prefix');
  if (get(raw, 'http.net') === 'unix') throw new Registry2KeyError('http.net', 'http.net: unix sockets are not supported; use http.addr');
  if (get(raw, 'http.net') === 'tcp') remove(raw, 'http.net');

  // Keys whose value means "what Berth does anyway" are honoured without a notice.
  if (get(raw, 'storage.cache.blobdescriptor') === 'inmemory') remove(raw, 'storage.cache.blobdescriptor');
  if (get(raw, 'storage.s3.secure') === true) remove(raw, 'storage.s3.secure');
  if (get(raw, 'storage.s3.v4auth') === true) remove(raw, 'storage.s3.v4auth');
  const cache = get(raw, 'storage.cache');
  if (cache !== null && typeof cache === 'object' && Object.keys(cache).length === 0) remove(raw, 'storage.cache');

  if (has(raw, 'loglevel')) {
    if (!has(raw, 'log.level')) move(t, 'loglevel', 'log.level');
    else remove(raw, 'loglevel');
  }
  const level = get(raw, 'log.level');
  if (typeof level === 'string' && level in LEVELS) set(raw, 'log.level', LEVELS[level]);
  const clientAuth = get(raw, 'http.tls.clientauth');
  if (typeof clientAuth === 'string' && clientAuth in CLIENT_AUTH) set(raw, 'http.tls.clientauth', CLIENT_AUTH[clientAuth]);

  if (has(raw, 'storage.s3.regionendpoint')) {
    if (has(raw, 'storage.s3.endpoint')) conflict('storage.s3.regionendpoint', 'storage.s3.endpoint');
    move(t, 'storage.s3.regionendpoint', 'storage.s3.endpoint');
  }
  if (has(raw, 'storage.s3.encrypt')) {
    if (has(raw, 'storage.s3.sse')) conflict('storage.s3.encrypt', 'storage.s3.sse');
    move(t, 'storage.s3.encrypt', 'storage.s3.sse');
  }
  if (has(raw, 'auth.token.signingalgorithms')) {
    if (has(raw, 'auth.token.algorithms')) conflict('auth.token.signingalgorithms', 'auth.token.algorithms');
    move(t, 'auth.token.signingalgorithms', 'auth.token.algorithms');
  }
  translateProxy(t);

  for (const [key, why] of Object.entries(IGNORED_KEYS)) {
    if (!has(raw, key) || knows(key.split('.'))) continue;
    remove(raw, key);
    t.notices.push(`${key}: ignored (${why})`);
  }
  return t;
}

/** registry:2's single-upstream proxy (`remoteurl`, `username`, `password`, `ttl`) as one Berth upstream. */
function translateProxy(t: Translation): void {
  const raw = t.raw;
  if (!has(raw, 'proxy.remoteurl')) {
    for (const key of ['proxy.username', 'proxy.password', 'proxy.ttl']) {
      if (has(raw, key))
        throw new Registry2KeyError(key, `${key}: registry:2 key without proxy.remoteurl; Berth writes it as ${RENAMED_KEYS[key]}`);
    }
    return;
  }
  if (has(raw, 'proxy.upstreams')) {
    throw new Registry2KeyError(
      'proxy.remoteurl',
      'proxy.remoteurl: registry:2 key beside proxy.upstreams; write it as one more upstream: {name: NAME, url: URL, prefix: ""}',
    );
  }
  const proxy = raw['proxy'] as Raw;
  const url = proxy['remoteurl'];
  let name = 'remote';
  if (typeof url === 'string' && /^https?:\/\/([^/]+\.)?docker\.io(:\d+)?(\/|$)/.test(url)) name = 'dockerhub';
  const upstream: Raw = { name, url, prefix: '' };
  for (const key of ['username', 'password'] as const) if (key in proxy) upstream[key] = proxy[key];
  const ttl = proxy['ttl'];
  delete proxy['remoteurl'];
  delete proxy['username'];
  delete proxy['password'];
  delete proxy['ttl'];
  proxy['enabled'] ??= true;
  proxy['upstreams'] = [upstream];
  t.renamed.set('proxy.upstreams.0.url', 'proxy.remoteurl');
  t.renamed.set('proxy.upstreams.0.username', 'proxy.username');
  t.renamed.set('proxy.upstreams.0.password', 'proxy.password');
  if (ttl !== undefined) {
    set(raw, 'proxy.cache.ttl', ttl);
    t.renamed.set('proxy.cache.ttl', 'proxy.ttl');
  }
}

function conflict(theirs: string, ours: string): never {
  throw new Registry2KeyError(theirs, `${theirs}: registry:2's spelling of ${ours}, and both are set; keep only ${ours}`);
}

function move(t: Translation, from: string, to: string): void {
  set(t.raw, to, get(t.raw, from));
  remove(t.raw, from);
  t.renamed.set(to, from);
}

function parentOf(raw: Raw, path: string, create: boolean): { node: Raw; leaf: string } | undefined {
  const keys = path.split('.');
  let node = raw;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (!create) return undefined;
      node[key] = {};
    }
    node = node[key] as Raw;
  }
  return { node, leaf: keys[keys.length - 1]! };
}

function has(raw: Raw, path: string): boolean {
  const p = parentOf(raw, path, false);
  return p !== undefined && Object.hasOwn(p.node, p.leaf);
}

function get(raw: Raw, path: string): unknown {
  const p = parentOf(raw, path, false);
  return p?.node[p.leaf];
}

function set(raw: Raw, path: string, value: unknown): void {
  const p = parentOf(raw, path, true)!;
  p.node[p.leaf] = value;
}

function remove(raw: Raw, path: string): void {
  const p = parentOf(raw, path, false);
  if (p) delete p.node[p.leaf];
}
