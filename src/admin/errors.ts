/**
 * Errors of the management services. Like the registry's domain errors they carry no HTTP
 * status: the management API maps them (invalid → 400, not found → 404, conflict → 409,
 * forbidden → 403).
 */
export { AlreadyExistsError } from '../db/errors.js';

/** Input that breaks a rule (a name's grammar, a password too short, an unknown role). */
export class InvalidInputError extends Error {}

/** A user, project or robot that does not exist. */
export class NotFoundError extends Error {}

/** A change that would leave the system unusable (no administrator left). */
export class ConflictError extends Error {}
