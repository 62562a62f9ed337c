/** One HTTP exchange on a connection of its own (no keep-alive pool): under http.workers each lands on the next worker. */
import { request } from 'node:http';

/** A whole response. */
export interface FreshResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Send `method path` to `base` over a new TCP connection. */
export function fresh(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<FreshResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers: { ...headers, Connection: 'close' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // node:cluster hands an accepted connection to a worker over IPC; one handed to a worker
    // that is being killed is never answered, so a test that kills workers needs a timeout.
    req.setTimeout(20_000, () => req.destroy(new Error('ETIMEDOUT: no answer in 20 s')));
    req.on('error', reject);
    req.end(body);
  });
}
