/** A reason the server cannot start, printed as one line (no stack trace) before exiting 1. */
export class StartError extends Error {}

/** One line for a listen() failure on `addr` (named by the config key `key`). */
export function listenError(key: string, addr: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    EADDRINUSE: 'the address is already in use (another registry or process listens there)',
    EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
    EADDRNOTAVAIL: 'no network interface of this machine has that address',
  };
  const reason = code && why[code];
  return reason ? new StartError(`${key} ${addr}: cannot listen: ${reason}`) : (err as Error);
}
