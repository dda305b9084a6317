/** Thrown by BodySource.bytes() when a body exceeds its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Raised by an adapter when the client went away before the body was read. */
export class BodyAbortedError extends Error {
  constructor() {
    super('request body aborted');
  }
}

/** A configuration problem found at boot; names the offending key. */
export class ConfigError extends Error {}
