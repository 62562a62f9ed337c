/**
 * A circuit breaker per upstream: after `threshold` consecutive failures it opens and
 * refuses requests for `cooldownMs`; then one trial request is let through (half open),
 * whose success closes it again.
 */

/** The breaker's state, as shown in stats. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Consecutive-failure circuit breaker. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trial = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Current state. */
  get state(): BreakerState {
    if (this.failures < this.threshold) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a request may go out now (claims the single trial when half open). */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.trial) return false;
    this.trial = true;
    return true;
  }

  /** Record a success: closes the breaker. */
  success(): void {
    this.failures = 0;
    this.trial = false;
  }

  /** Record a failure: opens the breaker at the threshold (again, after a failed trial). */
  failure(): void {
    this.failures++;
    this.trial = false;
    if (this.failures >= this.threshold) this.openedAt = this.now();
  }
}
