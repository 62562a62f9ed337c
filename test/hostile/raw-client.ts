/**
 * One exchange over a raw socket, for requests no HTTP client would send: the bytes go out as
 * given (in pieces, with pauses, or cut off), and the answers are parsed by hand, several when
 * requests were pipelined. Loopback only.
 */
import { connect } from 'node:net';

/** What to send on one connection. */
export interface RawCase {
  /** What the case exercises (for the report). */
  kind: string;
  /** Pieces written in order. */
  pieces: Buffer[];
  /** Answers expected (pipelined requests); the server may close earlier (a parse error). */
  expect: number;
  /** Destroy the socket right after writing (an aborted body): no answer is awaited. */
  abort?: boolean;
  /** The requests were HEAD: answers carry no body. */
  head?: boolean;
}

/** What came back. */
export interface RawResult {
  statuses: number[];
  /** True when neither the expected answers nor a close came in time. */
  hung: boolean;
  ms: number;
}

/** Parse as many complete answers as `data` holds; returns their statuses and the bytes used. */
export function parseAnswers(data: Buffer, head: boolean): { statuses: number[]; used: number } {
  const statuses: number[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const lines = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const header = (name: string) =>
      lines
        .find((l) => l.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    let next = end + 4;
    if (!head && status !== 204 && status !== 304 && !(status >= 100 && status < 200)) {
      if (/chunked/i.test(header('transfer-encoding') ?? '')) {
        const done = data.indexOf('\r\n0\r\n\r\n', next - 2);
        if (done < 0) break;
        next = done + 7;
      } else {
        next += Number(header('content-length') ?? 0);
        if (next > data.length) break;
      }
    }
    if (status >= 100 && status < 200) {
      at = next;
      continue;
    }
    statuses.push(status);
    at = next;
  }
  return { statuses, used: at };
}

/** Run one case against `port` on 127.0.0.1, giving up after `timeoutMs`. */
export function runCase(port: number, c: RawCase, timeoutMs: number): Promise<RawResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let finished = false;
    const finish = (hung: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: parseAnswers(data, c.head === true).statuses, hung, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (parseAnswers(data, c.head === true).statuses.length >= c.expect) finish(false);
    });
    socket.on('connect', async () => {
      for (const piece of c.pieces) {
        if (socket.destroyed) return;
        await new Promise<void>((done) => socket.write(piece, () => done()));
      }
      if (c.abort) finish(false);
    });
  });
}
