import type { S3Call, S3Context } from '../context.js';
import { GetObject, type ReadResult } from './GetObject.js';

/** HeadObject: GetObject's checks and headers, without the bytes. */
export function HeadObject(ctx: S3Context, call: S3Call): ReadResult {
  return GetObject(ctx, call);
}
