/**
 * Closing a connection whose request body was not read to its end. After an error answered
 * early (a 503 for a full disk in the middle of a PATCH, a 401 before the body), the rest of
 * the body is still on its way, and Node has stopped reading the socket (the request stream
 * was destroyed while it held the socket paused): kept alive, the next request on that socket
 * is never answered. So such a response says `Connection: close`, and the connection is closed
 * the way nginx's lingering close does it: our side is shut (FIN) once the response is out,
 * what the client still sends is read and dropped (closing with unread bytes would send a
 * reset that can destroy the response before the client reads it), and the socket goes when
 * the client closes its side or after LINGER_MS.
 */
import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a closing connection keeps reading what the client still sends. */
export const LINGER_MS = 5000;

/** Mark the response as the connection's last and linger after it; no-op when the body was read. */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || !hasBody(req)) return;
  res.setHeader('Connection', 'close');
  const socket = (res.socket ?? req.socket) as (Socket & { destroySoon?: () => void }) | null;
  // Node calls destroySoon() when the last response of a connection has been written.
  if (socket && !socket.destroyed) socket.destroySoon = () => linger(socket);
}

/**
 * Whether the request declares a body. One without may not be `complete` yet when an error is
 * answered synchronously (inside Node's header callback, before its end is parsed).
 */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function linger(socket: Socket): void {
  // Take the bytes away from the HTTP parser (no request is read from them any more) and
  // drop them; adding a 'data' listener also stops the parser consuming the socket natively.
  socket.removeAllListeners('data');
  socket.on('data', () => {});
  socket.resume();
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
}
