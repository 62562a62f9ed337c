/** listen() on a Distribution-style address, failing with one line naming the config key. */
import type { Server } from 'node:net';
import { listenError } from './start-error.js';

/** Split Distribution-style "host:port", ":port" or "[v6]:port". */
export function parseAddr(addr: string): { host: string | undefined; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host, port: Number(addr.slice(i + 1)) };
}

/** Listen on `addr`; a refused address is a StartError naming `key`. */
export function listen(server: Server, key: string, addr: string): Promise<void> {
  const { host, port } = parseAddr(addr);
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(listenError(key, addr, err));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
