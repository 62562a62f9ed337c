/**
 * The first half of a graceful shutdown: stop accepting connections, tell keep-alive clients
 * to go (`Connection: close` on what is still answered, idle connections closed), and wait
 * for requests in flight up to http.draintimeout. What is still running then is cut; an upload
 * cut mid-chunk stays resumable (its bytes up to the cut are in storage and the client resumes
 * from the Range a status request reports).
 */
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';
import type { Logger } from '../log.js';
import type { Ops } from './ops.js';

/** What to drain. */
export interface DrainTarget {
  /** The listening socket server (the TLS front, or the HTTP server itself). */
  listener: Server;
  /** The HTTP(S) server that holds the connections. */
  http: HttpServer;
}

/** Drain `target`; resolves once no request is in flight or `timeoutMs` has passed. */
export async function drain(target: DrainTarget, ops: Ops, timeoutMs: number, log: Logger): Promise<void> {
  ops.readiness.drain();
  ops.inFlight.drain();
  target.listener.close();
  if (target.http !== target.listener) target.http.close();
  target.http.closeIdleConnections();
  // A keep-alive connection becomes idle when its response ends; close those as they appear.
  const sweep = setInterval(() => target.http.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
  const waiting = ops.inFlight.count;
  if (waiting > 0) log.info('draining requests in flight', { requests: waiting, timeoutMs });
  const late = await Promise.race([ops.inFlight.idle().then(() => false), timedOut]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (late) {
    log.warn('drain timeout: cutting the requests still in flight (interrupted uploads stay resumable)', { requests: ops.inFlight.count });
  }
  target.http.closeAllConnections();
}
