/**
 * The POST /token form parser. body-parser's own errors (a form over the limit, a charset or
 * Content-Encoding it cannot read, too many fields) carry an HTTP status the error table does
 * not know, so they became 500s; here they become the token endpoint's own errors.
 */
import express, { type RequestHandler } from 'express';
import { TokenRequestInvalidError, TokenRequestTooLargeError, TokenRequestUnsupportedError } from './errors.js';

/** Largest form accepted, and most fields (an OAuth2 token request has a handful). */
export const FORM_LIMITS = { bytes: 64 * 1024, fields: 1000 } as const;

/** The body-parser error shape (`type` names what went wrong; zlib's errors have none). */
interface ParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** Translate a body-parser error; anything that is not one passes through unchanged. */
export function formError(err: unknown): unknown {
  const e = err as ParserError;
  if (typeof e !== 'object' || e === null) return err;
  switch (e.type) {
    case 'entity.too.large':
      return new TokenRequestTooLargeError(`the form is larger than ${FORM_LIMITS.bytes} bytes`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new TokenRequestUnsupportedError(`${e.message ?? 'unsupported body'}: send application/x-www-form-urlencoded in UTF-8`);
    case 'parameters.too.many':
      return new TokenRequestInvalidError(`the form has more than ${FORM_LIMITS.fields} fields`);
    // A client that hung up: the error middleware logs it as such.
    case 'request.aborted':
      return err;
    // Also an untyped one: a body that does not inflate (zlib's error, given status 400).
    default:
      return e.status !== undefined && e.status < 500 ? new TokenRequestInvalidError(e.message ?? 'malformed form') : err;
  }
}

/** The form parser for POST /token, failing with token endpoint errors. */
export function tokenForm(): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: FORM_LIMITS.bytes, parameterLimit: FORM_LIMITS.fields });
  return (req, res, next) => parse(req, res, (err?: unknown) => next(err === undefined ? undefined : formError(err)));
}
