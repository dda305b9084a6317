import { header, type Clock, type SimRequest } from '../../src/core/index.js';
import type { Database } from '../../src/db/index.js';
import type { AuthInfo } from './auth.js';
import type { BlobStore } from './blobs.js';
import type { S3Config } from './config.js';
import type { S3Store } from './store.js';

export interface S3Context {
  db: Database;
  store: S3Store;
  blobs: BlobStore;
  clock: Clock;
  cfg: S3Config;
  publicUrl: string;
}

/** One S3 request, parsed: who, which bucket and key, which subresources. */
export interface S3Call {
  req: SimRequest;
  method: string;
  auth: AuthInfo;
  /** The tenant whose records the request touches (the bucket owner's for anonymous requests). */
  tenant: string;
  anonymous: boolean;
  bucket?: string;
  key?: string;
  /** The query, decoded once (`+` is not a space); the first value of each name. */
  q: Map<string, string>;
  h(name: string): string | undefined;
}

export function headerGetter(req: SimRequest): (name: string) => string | undefined {
  return (name) => header(req.headers, name);
}
