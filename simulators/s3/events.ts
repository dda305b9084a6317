import type { EventBus } from '../../src/events/index.js';

// Event types the S3 simulator emits.
declare module '../../src/events/index.js' {
  interface SimEventTypes {
    's3.bucket.created': true;
    's3.bucket.deleted': true;
    's3.object.created': true;
    's3.object.updated': true;
    's3.object.deleted': true;
  }
}

/** What a successful operation changed, as the event it emits (reads emit nothing). */
const EVENTS: Record<string, 's3.bucket.created' | 's3.bucket.deleted' | 's3.object.created' | 's3.object.updated' | 's3.object.deleted'> = {
  CreateBucket: 's3.bucket.created',
  DeleteBucket: 's3.bucket.deleted',
  PutObject: 's3.object.created',
  PostObject: 's3.object.created',
  CopyObject: 's3.object.created',
  CompleteMultipartUpload: 's3.object.created',
  PutObjectTagging: 's3.object.updated',
  DeleteObjectTagging: 's3.object.updated',
  DeleteObject: 's3.object.deleted',
  DeleteObjects: 's3.object.deleted',
};

/** Emits the event of a committed operation: the inbox and /__inspect/events follow objects live. */
export function emitS3Event(bus: EventBus, operation: string, status: number, tenant: string | undefined, bucket: string | undefined, key: string | undefined, now: number): void {
  const type = EVENTS[operation];
  if (!type || status >= 300 || !tenant) return;
  const id = key === undefined ? (bucket ?? '') : `${bucket}/${key}`;
  bus.emit({ provider: 's3', type, tenant, id, summary: `${operation} ${id}`, time: new Date(now).toISOString() });
}
