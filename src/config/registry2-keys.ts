/**
 * registry:2 (CNCF Distribution) configuration keys that Berth does not honour, each with the
 * reason given when a configuration uses it. A key Berth's schema has learnt meanwhile is
 * honoured instead (the translation asks the schema first), so entries can stay here safely.
 */

/** Distribution key path → why Berth ignores it (reported once at start, naming the key). */
export const IGNORED_KEYS: Readonly<Record<string, string>> = {
  'log.formatter': 'Berth always writes JSON lines',
  'log.hooks': 'log hooks (mail) are not supported; ship the JSON lines instead',
  'storage.filesystem.maxthreads': 'Node.js does file I/O on its own thread pool',
  'storage.s3.keyid': 'SSE-KMS uses the bucket default key',
  'storage.s3.secure': 'the scheme comes from storage.s3.endpoint (https for AWS)',
  'storage.s3.skipverify': 'TLS certificates of the endpoint are always verified',
  'storage.s3.v4auth': 'requests are always signed with Signature V4',
  'storage.s3.accelerate': 'transfer acceleration is not used',
  'storage.s3.usedualstack': 'dual-stack endpoints are not used',
  'storage.s3.objectacl': 'objects get the bucket default ACL',
  'storage.s3.multipartcopychunksize': 'server-side copies use S3 limits directly',
  'storage.s3.multipartcopymaxconcurrency': 'server-side copies use S3 limits directly',
  'storage.s3.multipartcopythresholdsize': 'server-side copies use S3 limits directly',
  'storage.s3.loglevel': 'S3 requests are not logged',
  'storage.s3.sessiontoken': 'use the AWS credential chain for temporary credentials',
  'storage.tag': 'tag lookups are not throttled',
  'storage.cache.blobdescriptor': 'Berth caches storage facts in process (storage.cache.ttl, maxentries)',
  'storage.cache.blobdescriptorsize': 'see storage.cache.maxentries',
  'http.net': 'Berth listens on TCP',
  'http.secret': 'not needed: upload state lives in storage, not in signed upload URLs',
  'http.tls.ciphersuites': "Node.js's TLS 1.2+ cipher suites are used",
  'http.tls.letsencrypt': 'ACME is not built in; give http.tls.certificate and key',
  'http.http2': 'Berth serves HTTP/1.1',
  'http.h2c': 'Berth serves HTTP/1.1',
  'auth.token.autoredirect': 'the token realm is http.host or the request host',
  middleware: 'registry, repository and storage middleware (cloudfront, redirect) are not supported',
  notifications: 'webhook notifications are not supported in this build',
  redis: 'Berth keeps its caches in process',
  'health.storagedriver.interval': 'storage is checked on each /readyz request',
  'health.storagedriver.threshold': 'storage is checked on each /readyz request',
  'health.file': 'only storage is checked by /readyz',
  'health.http': 'only storage is checked by /readyz',
  'health.tcp': 'only storage is checked by /readyz',
  'proxy.exec': 'credential helpers are not run; give proxy.username and password',
  'proxy.remotenamespace': 'use proxy.upstreams with a prefix instead',
  'validation.enabled': 'manifests are always validated',
  'validation.disabled': 'manifests are always validated',
  'validation.manifests.urls': 'foreign layer URLs are not checked',
  'validation.indexes': 'index children must exist in the repository',
  compatibility: 'schema 1 manifests are refused',
  reporting: 'error reporting services are not supported',
};

/** Key paths that registry:2 has and Berth refuses rather than ignores, with what to do instead. */
export const REFUSED_KEYS: Readonly<Record<string, string>> = {
  'storage.azure': 'Berth stores on filesystem, s3 (also MinIO, Ceph, R2) or inmemory',
  'storage.gcs': 'Berth stores on filesystem, s3 (GCS speaks S3 at https://storage.googleapis.com) or inmemory',
  'storage.swift': 'Berth stores on filesystem, s3 or inmemory',
  'storage.oss': 'Berth stores on filesystem, s3 (OSS speaks S3) or inmemory',
  'auth.silly': 'a development mode that lets everyone in; use auth.htpasswd or auth.token',
};

/** registry:2 keys Berth spells differently: registry:2 path → Berth's. */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  loglevel: 'log.level',
  'storage.s3.regionendpoint': 'storage.s3.endpoint',
  'storage.s3.encrypt': 'storage.s3.sse',
  'auth.token.signingalgorithms': 'auth.token.algorithms',
  'proxy.remoteurl': 'proxy.upstreams[0].url (with proxy.enabled: true)',
  'proxy.username': 'proxy.upstreams[0].username',
  'proxy.password': 'proxy.upstreams[0].password',
  'proxy.ttl': 'proxy.cache.ttl',
};

/** True when registry:2 has a key at `path` (or above it) that Berth ignores, refuses or renames. */
export function isRegistry2Key(path: readonly string[]): boolean {
  for (let i = path.length; i > 0; i--) {
    const key = path.slice(0, i).join('.');
    if (key in IGNORED_KEYS || key in REFUSED_KEYS || key in RENAMED_KEYS) return true;
  }
  return false;
}
