/**
 * Errors in plain words. Every failed request becomes an ApiError holding the status and what
 * the server said; describeError turns any thrown value into a sentence a person can act on.
 */

/** A request that reached the server and failed, or that could not reach it (status 0). */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    /** The server's error code, when it sent one. */
    readonly code: string | undefined,
    /** The server's own message, when it sent one. */
    readonly serverMessage: string | undefined,
  ) {
    super(serverMessage ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** An error body of any of Berth's shapes: /api/v1's, the OCI envelope, or a bare message. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as Record<string, unknown>;
  const nested = (b['error'] ?? (Array.isArray(b['errors']) ? b['errors'][0] : undefined) ?? b) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  return new ApiError(status, text(nested['code']), text(nested['message']));
}

/** A sign-in the server refused (wrong name or password, a disabled account). */
export class SignInRefused extends Error {
  constructor(readonly serverMessage: string | undefined) {
    super(serverMessage ?? 'sign-in refused');
    this.name = 'SignInRefused';
  }
}

/** A title and a sentence for an error. */
export interface ErrorWords {
  title: string;
  detail: string;
}

const BY_STATUS: Record<number, ErrorWords> = {
  0: {
    title: 'Berth cannot be reached',
    detail: 'The request did not get an answer. Check your connection and that the server is running, then try again.',
  },
  400: { title: 'The request was not accepted', detail: 'Something in what was sent is not valid.' },
  401: { title: 'You are not signed in', detail: 'Sign in, or sign in again if your session has ended.' },
  403: { title: 'Not allowed', detail: 'Your account does not have permission to do this.' },
  404: { title: 'Not found', detail: 'It may have been deleted, or the name is misspelled.' },
  409: { title: 'Conflict', detail: 'It already exists, or it changed while you were working. Reload and try again.' },
  413: { title: 'Too large', detail: 'What was sent is larger than the server accepts.' },
  429: { title: 'Too many attempts', detail: 'Wait a moment, then try again.' },
  503: { title: 'Berth is unavailable', detail: 'The server cannot do this right now (it may be read-only or starting). Try again later.' },
};

/** Plain words for any error; the server's own message, when it gave one, is the detail. */
export function describeError(err: unknown): ErrorWords {
  if (err instanceof ApiError) {
    const base = BY_STATUS[err.status] ?? (err.status >= 500 ? BY_STATUS[503]! : BY_STATUS[400]!);
    const title = err.status >= 500 && err.status !== 503 ? 'Berth had a problem' : base.title;
    return { title, detail: err.serverMessage ?? base.detail };
  }
  if (err instanceof SignInRefused) {
    return { title: 'Sign-in refused', detail: `${err.serverMessage ?? 'The username or password is wrong.'} Check them and try again.` };
  }
  if (err instanceof Error && err.name === 'AbortError') return { title: 'Cancelled', detail: 'The request was cancelled.' };
  return { title: 'Something went wrong', detail: err instanceof Error ? err.message : String(err) };
}
