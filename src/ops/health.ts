/**
 * Health: liveness is "the process answers"; readiness is a list of named checks (storage
 * today, the metadata database when it comes), each given a short timeout, run together on
 * each /readyz request. While the process drains for shutdown it is not ready, so a load
 * balancer stops sending it new work.
 */

/** One readiness check: resolves when its dependency answers; `signal` aborts at the timeout. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

/** The outcome of one check. */
export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

/** The outcome of all checks. */
export interface ReadinessReport {
  ready: boolean;
  /** Set while the process shuts down. */
  draining?: true;
  checks: Record<string, CheckResult>;
}

/** The registry of readiness checks. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private running: Promise<ReadinessReport> | undefined;
  private draining = false;

  constructor(private readonly timeoutMs: number) {}

  /** Register a named check (the database adds its own); returns the function that removes it. */
  add(name: string, check: ReadinessCheck): () => void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} added twice`);
    this.checks.set(name, check);
    return () => void this.checks.delete(name);
  }

  /** From now on the process is not ready (shutdown has begun). */
  drain(): void {
    this.draining = true;
  }

  /** Run every check at once; concurrent callers share one run. */
  run(): Promise<ReadinessReport> {
    this.running ??= this.runAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runAll(): Promise<ReadinessReport> {
    const entries = await Promise.all([...this.checks].map(async ([name, check]) => [name, await this.one(check)] as const));
    const checks = Object.fromEntries(entries);
    const ready = !this.draining && entries.every(([, r]) => r.ok);
    return this.draining ? { ready, draining: true, checks } : { ready, checks };
  }

  private async one(check: ReadinessCheck): Promise<CheckResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      await Promise.race([check(controller.signal), timeout]);
      return { ok: true, ms: elapsed(started) };
    } catch (err) {
      return { ok: false, ms: elapsed(started), error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

const elapsed = (started: number): number => Math.round((performance.now() - started) * 10) / 10;
