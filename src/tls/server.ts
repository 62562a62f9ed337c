/**
 * The HTTPS listener: certificate and key from `http.tls`, reloaded when their files change
 * (setSecureContext, no restart), TLS 1.2 minimum, optional client certificates. A plain HTTP
 * request on the TLS port gets a readable 400 instead of a handshake failure: the first byte of
 * every connection is inspected, and only a TLS handshake record (0x16) is handed to TLS.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { readConfigured } from '../config/files.js';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { TLSSocket, SecureContextOptions } from 'node:tls';
import type { RequestListener } from 'node:http';
import type { TlsConfig } from '../config/security-schema.js';
import type { Logger } from '../log.js';

/** A TLS listener and how to stop it. */
export interface TlsListener {
  /** The socket server to listen() on. */
  server: Server;
  /** The HTTPS server the TLS connections are handed to. */
  https: HttpsServer;
  close(): Promise<void>;
}

const TLS_HANDSHAKE = 0x16;
const PLAIN_HTTP_BODY = JSON.stringify({
  errors: [{ code: 'UNSUPPORTED', message: 'this port speaks HTTPS: use https:// (plain HTTP is not served here)' }],
});

/** The certificate, key and client CAs as files currently hold them. */
function readContext(cfg: TlsConfig): SecureContextOptions {
  return {
    cert: readFileSync(cfg.certificate),
    key: readFileSync(cfg.key),
    ...(cfg.clientcas ? { ca: cfg.clientcas.map((f) => readFileSync(f)) } : {}),
  };
}

/** Answer a non-TLS first request with a plain HTTP 400 and close. */
function refusePlain(socket: Socket): void {
  // This runs outside Express (there is no TLS session to run it in), so it writes the OCI
  // envelope itself; it is the one response not produced by the error table.
  // Discard what the client sent (so its FIN is seen and the socket closes), and do not wait
  // long for a client that keeps its end open.
  socket.resume();
  socket.setTimeout(5_000, () => socket.destroy());
  socket.end(
    'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(PLAIN_HTTP_BODY)}\r\nConnection: close\r\n\r\n${PLAIN_HTTP_BODY}`,
  );
}

/** Build the HTTPS listener for `app`; `pollMs` is how often certificate files are checked. */
export function createTlsServer(app: RequestListener, cfg: TlsConfig, log: Logger, pollMs = 1000): TlsListener {
  const mutual = cfg.clientcas !== undefined;
  const https = createHttpsServer(
    {
      // At startup a missing or bad file is a configuration error naming the key.
      ...readConfigured('http.tls', cfg.certificate, () => readContext(cfg)),
      minVersion: cfg.minimumtls === 'tls1.3' ? 'TLSv1.3' : 'TLSv1.2',
      requestCert: mutual,
      rejectUnauthorized: mutual && cfg.clientauth === 'require-and-verify',
    },
    app,
  );
  if (mutual && cfg.clientauth === 'verify-if-given') {
    // A certificate is optional, but one that is given must chain to the client CAs.
    https.on('secureConnection', (s: TLSSocket) => {
      if (!s.authorized && Object.keys(s.getPeerCertificate()).length > 0) s.destroy();
    });
  }

  const files = [cfg.certificate, cfg.key, ...(cfg.clientcas ?? [])];
  const onChange = (cur: Stats, prev: Stats): void => {
    if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
    try {
      https.setSecureContext(readContext(cfg));
      log.info('tls certificate reloaded', { certificate: cfg.certificate });
    } catch (err) {
      // Mid-rotation the key and certificate may not match yet: keep serving the old pair.
      log.warn('tls certificate reload failed; keeping the previous one', { error: String(err) });
    }
  };
  for (const f of files) watchFile(f, { persistent: false, interval: pollMs }, onChange);

  const server = createNetServer((socket) => {
    socket.setTimeout(60_000, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE) https.emit('connection', socket);
      else refusePlain(socket);
    });
    socket.on('error', () => socket.destroy());
  });

  return {
    server,
    https,
    close: () =>
      new Promise<void>((resolve) => {
        for (const f of files) unwatchFile(f, onChange);
        server.close(() => resolve());
        https.closeIdleConnections();
      }),
  };
}
