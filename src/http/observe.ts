/**
 * What happens around every request, begun before routing and ended when the response closes:
 * configured response headers (http.headers), the in-flight count the shutdown drains, the
 * request metrics (by route name, never by raw path), the access-log line, and an info line for
 * a client that went away before its answer.
 */
import type { Socket } from 'node:net';
import type { Request, Response } from 'express';
import type { Logger } from '../log.js';
import type { InFlight } from '../ops/in-flight.js';
import { metrics } from '../ops/metrics.js';
import { recordRequest } from '../ops/instrument.js';

/** What the observer does. */
export interface ObserveOptions {
  log: Logger;
  accessLog: boolean;
  metrics: boolean;
  inFlight?: InFlight;
  headers: Record<string, string[]>;
}

/** Bytes of a connection already counted, on the socket itself. */
const COUNTED = Symbol('berth.counted');

/** The status recorded for a response the client did not wait for (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** The route name a request ended on: set by the dispatcher or a named handler, else by path. */
export function routeOf(req: Request, res: Response): string {
  const named = res.locals?.['route'] as string | undefined;
  if (named) return named;
  const path = req.path;
  if (path.startsWith('/v2')) return 'v2-unmatched';
  if (path.startsWith('/token')) return 'token';
  if (path.startsWith('/_berth/')) return 'berth';
  return 'other';
}

/**
 * Whether a response the client closed had already sent its whole body: a client that reads
 * Content-Length bytes may close before the server's stream has ended the response (seen under
 * load with streamed blobs), and that download was complete, not abandoned.
 */
function sentWhole(res: Response, bytesOut: number): boolean {
  const length = Number(res.getHeader('content-length'));
  // Node keeps the serialized head in `_header` (undocumented, stable since 0.x); without it
  // the head's size is unknown, and the request counts as closed.
  const head = (res as Response & { _header?: string | null })._header;
  return res.headersSent && Number.isFinite(length) && typeof head === 'string' && bytesOut >= Buffer.byteLength(head) + length;
}

/** Build the per-request observer. */
export function requestObserver(o: ObserveOptions): (req: Request, res: Response) => void {
  const headers = Object.entries(o.headers);
  const uploads = o.metrics ? metrics().uploads : undefined;
  const inFlightGauge = o.metrics ? metrics().inFlight : undefined;
  return (req, res) => {
    for (const [name, values] of headers) res.setHeader(name, values);
    const inFlight = o.inFlight;
    inFlight?.begin(res);
    const socket = req.socket as Socket & { [COUNTED]?: { read: number; written: number } };
    if (!o.metrics && !o.accessLog) {
      whenDone(req, res, socket, () => {
        inFlight?.end(res);
        if (!res.writableFinished) wentAway(o.log, req, res);
      });
      return;
    }
    const started = performance.now();
    const upload = uploads !== undefined && req.method !== 'GET' && req.method !== 'HEAD' && req.url.includes('/blobs/uploads');
    if (upload) uploads.inc();
    inFlightGauge?.inc();
    whenDone(req, res, socket, () => {
      inFlight?.end(res);
      inFlightGauge?.dec();
      if (upload) uploads.dec();
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(req, res);
      // What the connection carried since the previous request on it ended: this request's
      // headers and body (a small body arrives with the headers, before the request starts).
      const counted = socket[COUNTED] ?? { read: 0, written: 0 };
      const bytesIn = socket.bytesRead - counted.read;
      const bytesOut = socket.bytesWritten - counted.written;
      socket[COUNTED] = { read: socket.bytesRead, written: socket.bytesWritten };
      const status = res.writableFinished || sentWhole(res, bytesOut) ? res.statusCode : CLIENT_CLOSED;
      if (status === CLIENT_CLOSED) wentAway(o.log, req, res);
      if (o.metrics) recordRequest(route, req.method, status, seconds, bytesIn, bytesOut);
      if (o.accessLog) {
        o.log.info('request', {
          reqId: res.getHeader('x-request-id'),
          method: req.method,
          url: req.originalUrl,
          route,
          status,
          ms: Math.round(seconds * 10000) / 10,
          bytesIn,
          bytesOut,
          // The peer, or the client a trusted proxy names (Express's req.ip under `trust proxy`).
          remote: req.ip ?? socket.remoteAddress,
          ...(res.locals?.['actor'] ? { user: res.locals['actor'] as string } : {}),
          userAgent: req.headers['user-agent'],
        });
      }
    });
  };
}

/**
 * A client that hung up before its answer was written: its business, not a server error, so
 * one info line with the request id (the error middleware logs nothing more for it).
 */
function wentAway(log: Logger, req: Request, res: Response): void {
  log.info('client went away', {
    reqId: res.getHeader('x-request-id'),
    method: req.method,
    url: req.originalUrl,
    route: routeOf(req, res),
  });
}

/**
 * Call `fn` once, when the exchange is over: the response closed, or the connection died
 * before the response was written. Node closes only the response attached to the socket: the
 * responses of pipelined requests still queued behind it never emit 'close' when the client
 * goes (their requests do), and without this they would stay in flight, counted and held in
 * memory, for the life of the process.
 */
function whenDone(req: Request, res: Response, socket: Socket, fn: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  res.once('close', once);
  req.once('close', () => {
    if (socket.destroyed && !res.writableFinished) once();
  });
}
