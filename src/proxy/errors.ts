/** Domain errors of the pull-through cache; src/http/error-table.ts maps them onto OCI codes. */
import { RegistryError } from '../registry/errors.js';

/** A write (push, delete) into a namespace that mirrors an upstream. */
export class MirrorReadOnlyError extends RegistryError {}
/** The upstream cannot be reached, answered 5xx, timed out, or its circuit breaker is open. */
export class UpstreamUnavailableError extends RegistryError {}
/** The upstream rate-limits us (429) beyond what retries could wait out. */
export class UpstreamRateLimitedError extends RegistryError {
  /** The upstream's Retry-After, passed on to our client. */
  get retryAfter(): string | undefined {
    return (this.detail as { retryAfter?: string } | undefined)?.retryAfter ?? undefined;
  }
}
/** The request already passed through this instance (its `Via` header names us). */
export class ProxyLoopError extends RegistryError {}
/** The upstream refused our credentials or token. */
export class UpstreamDeniedError extends RegistryError {}
