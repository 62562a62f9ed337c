/**
 * Authentication and authorization errors. Like the registry's domain errors they carry no
 * HTTP status: src/http/error-table.ts maps them, and writes their challenge header.
 */
import { RegistryError } from '../registry/errors.js';
import type { Access } from './scope.js';

/** What the error envelope's `detail` lists: each access that was needed. */
function neededDetail(needed: readonly Access[]): Array<{ Type: string; Name: string; Action: string }> {
  return needed.flatMap((a) => a.actions.map((action) => ({ Type: a.type, Name: a.name, Action: action })));
}

/** A challenge: no, bad or insufficient credentials. `challenge` is the WWW-Authenticate value. */
export class AuthChallengeError extends RegistryError {
  constructor(
    message: string,
    public readonly challenge: string,
    needed: readonly Access[],
  ) {
    super(message, needed.length > 0 ? neededDetail(needed) : undefined);
  }
}

/** No credentials, or credentials that are not valid (UNAUTHORIZED). */
export class UnauthorizedError extends AuthChallengeError {}

/** Valid credentials that do not grant the access asked for (DENIED). */
export class InsufficientScopeError extends AuthChallengeError {}

/** Too many failed logins from one client address; carries seconds until the next try. */
export class TooManyRequestsError extends RegistryError {
  constructor(public readonly retryAfter: number) {
    super('too many failed login attempts');
  }
}

/** A token request the token server cannot answer (bad grant, bad scope syntax ...). */
export class TokenRequestInvalidError extends RegistryError {}

/** A token request body over the size or parameter limit (413). */
export class TokenRequestTooLargeError extends TokenRequestInvalidError {}

/** A token request body in a charset or content coding the endpoint does not read (415). */
export class TokenRequestUnsupportedError extends TokenRequestInvalidError {}
