/**
 * `npm run certs -- --host NAME --host 127.0.0.1 [--dir certs] [--days N]`: make the
 * development CA, server, client and token-signing certificates (see dev-certs.ts).
 */
import { parseArgs } from 'node:util';
import { makeDevCerts } from './dev-certs.js';

const { values } = parseArgs({
  options: { host: { type: 'string', multiple: true }, dir: { type: 'string', default: 'certs' }, days: { type: 'string' } },
});
const paths = await makeDevCerts({ dir: values.dir!, hosts: values.host ?? [], days: values.days ? Number(values.days) : undefined });
process.stdout.write(
  [
    `CA:            ${paths.caCert}   (give this to clients)`,
    `server:        ${paths.serverCert} ${paths.serverKey}   (http.tls.certificate / key)`,
    `client:        ${paths.clientCert} ${paths.clientKey}   (mutual TLS)`,
    `token signing: ${paths.tokenKey} ${paths.tokenCert}   (auth.token.server.key / Distribution rootcertbundle)`,
    `docker:        sudo mkdir -p /etc/docker/certs.d/HOST:PORT && sudo cp ${paths.caCert} /etc/docker/certs.d/HOST:PORT/ca.crt`,
    '',
  ].join('\n'),
);
