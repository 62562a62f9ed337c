/**
 * A development PKI made with @peculiar/x509 (no hand-rolled ASN.1): a CA, a server
 * certificate for the given DNS names and IP addresses, a client certificate (mutual TLS) and a
 * token-signing key with its certificate (Distribution's auth.token.rootcertbundle). All keys
 * are ECDSA P-256. An existing CA in the folder is reused, so clients that trust it keep working.
 */
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

/** What makeDevCerts writes, as file paths. */
export interface DevCerts {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  tokenKey: string;
  tokenCert: string;
}

/** Options of makeDevCerts. */
export interface DevCertOptions {
  dir: string;
  /** DNS names and IP addresses the server certificate is valid for. */
  hosts: string[];
  days?: number;
  /** Common name of a new CA. */
  caName?: string;
}

const toPem = (der: ArrayBuffer, label: string): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`;

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Load the CA from `dir`, or make and write a new one. */
async function loadOrMakeCa(o: DevCertOptions, paths: DevCerts): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    const cert = new x509.X509Certificate(await readFile(paths.caCert, 'utf8'));
    const der = x509.PemConverter.decode(await readFile(paths.caKey, 'utf8'))[0]!;
    const key = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
    return { cert, key: key as CryptoKey };
  }
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${o.caName ?? 'Berth development CA'}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + (o.days ?? 825) * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  await writeFile(paths.caKey, await keyPem(keys.privateKey), { mode: 0o600 });
  await writeFile(paths.caCert, cert.toString('pem') + '\n');
  return { cert, key: keys.privateKey };
}

/** Issue one leaf certificate signed by the CA; returns [cert PEM, key PEM]. */
async function issue(
  ca: { cert: x509.X509Certificate; key: CryptoKey },
  subject: string,
  days: number,
  extensions: x509.Extension[],
): Promise<[string, string]> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${subject}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + days * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ...extensions,
    ],
  });
  return [cert.toString('pem') + '\n', await keyPem(keys.privateKey)];
}

/** Write (or refresh) the development PKI into `o.dir`; returns the file paths. */
export async function makeDevCerts(o: DevCertOptions): Promise<DevCerts> {
  if (o.hosts.length === 0) throw new Error('at least one --host is needed');
  await mkdir(o.dir, { recursive: true });
  const p = (f: string) => join(o.dir, f);
  const paths: DevCerts = {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.cert'),
    clientKey: p('client.key'),
    tokenKey: p('token.key'),
    tokenCert: p('token.crt'),
  };
  const days = o.days ?? 825;
  const ca = await loadOrMakeCa(o, paths);
  const sign = x509.KeyUsageFlags.digitalSignature;
  const san = new x509.SubjectAlternativeNameExtension(
    o.hosts.map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })),
  );
  const leaves: Array<[string, string, string, x509.Extension[]]> = [
    [
      paths.serverCert,
      paths.serverKey,
      o.hosts[0]!,
      [san, new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]), new x509.KeyUsagesExtension(sign, true)],
    ],
    [
      paths.clientCert,
      paths.clientKey,
      'berth-client',
      [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]), new x509.KeyUsagesExtension(sign, true)],
    ],
    [paths.tokenCert, paths.tokenKey, 'berth-token-signer', [new x509.KeyUsagesExtension(sign, true)]],
  ];
  for (const [certPath, keyPath, cn, ext] of leaves) {
    const [cert, key] = await issue(ca, cn, days, ext);
    await writeFile(keyPath, key, { mode: 0o600 });
    await writeFile(certPath, cert);
  }
  return paths;
}
