/** What is wrong with an uploaded tarball (the API answers 400 with the message). */
import { InvalidInputError } from '../errors.js';

/** A tarball that cannot be imported: not a tar, no manifest, a digest mismatch, a missing layer. */
export class ImportError extends InvalidInputError {}
