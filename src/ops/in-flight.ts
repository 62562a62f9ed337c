/** Requests being served, so a shutdown can wait for them (and tell keep-alive clients to go). */
import type { ServerResponse } from 'node:http';

/** The responses in flight, with a "wait until none" for the drain. */
export class InFlight {
  /** Set at shutdown: responses then carry `Connection: close`. */
  private closing = false;
  private readonly responses = new Set<ServerResponse>();
  private waiters: (() => void)[] = [];

  /** Requests being served now. */
  get count(): number {
    return this.responses.size;
  }

  /** Whether the process is draining. */
  get draining(): boolean {
    return this.closing;
  }

  /** A request began; `res` is removed by end(). */
  begin(res: ServerResponse): void {
    this.responses.add(res);
    if (this.closing) res.setHeader('Connection', 'close');
  }

  /** A request ended (its response finished or its connection closed). */
  end(res: ServerResponse): void {
    this.responses.delete(res);
    if (this.responses.size === 0 && this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Start draining: what has not answered yet closes its connection after answering. */
  drain(): void {
    this.closing = true;
    for (const res of this.responses) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Resolves once no request is in flight. */
  idle(): Promise<void> {
    return this.responses.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
