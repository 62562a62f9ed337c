/**
 * Domain errors: plain classes that say what went wrong in registry terms. They carry no
 * HTTP status; src/http/error-table.ts is the single place that maps them onto OCI codes.
 */

/** Base class so the HTTP layer can tell domain errors from bugs. */
export class RegistryError extends Error {
  constructor(
    message: string,
    public readonly detail?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A repository name outside the spec's grammar. */
export class NameInvalidError extends RegistryError {}
/** The repository is not known to this registry. */
export class NameUnknownError extends RegistryError {}
/** A tag outside the spec's grammar. */
export class TagInvalidError extends RegistryError {}
/** A malformed digest, an unsupported algorithm, or content that does not match its digest. */
export class DigestInvalidError extends RegistryError {}
/** The blob is not in this repository. */
export class BlobUnknownError extends RegistryError {}
/** The upload session does not exist (never did, completed, or cancelled). */
export class BlobUploadUnknownError extends RegistryError {}
/** The upload cannot proceed as asked (bad Content-Range, missing digest ...). */
export class BlobUploadInvalidError extends RegistryError {}
/** A chunk that does not start where the upload ends; carries the current size. */
export class RangeInvalidError extends RegistryError {
  constructor(
    message: string,
    public readonly currentSize: number,
  ) {
    super(message);
  }
}
/** A blob Range request that cannot be satisfied; carries the blob size. */
export class RangeNotSatisfiableError extends RegistryError {
  constructor(
    message: string,
    public readonly size: number,
  ) {
    super(message);
  }
}
/** Declared and received lengths disagree. */
export class SizeInvalidError extends RegistryError {}
/** The manifest is not in this repository. */
export class ManifestUnknownError extends RegistryError {}
/** The manifest is not valid JSON or not a supported, well-formed manifest. */
export class ManifestInvalidError extends RegistryError {}
/** The manifest references a blob or child manifest the repository does not have. */
export class ManifestBlobUnknownError extends RegistryError {}
/** The manifest body exceeds the configured maximum size. */
export class ManifestTooLargeError extends RegistryError {}
/** An `n` page size that is not a number or exceeds the maximum. */
export class PaginationNumberInvalidError extends RegistryError {}
/** The operation is disabled or not supported by this registry. */
export class UnsupportedError extends RegistryError {}
