import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { RunningServer } from '../../src/http/server.js';

export const newAccessKey = () => 'AKIA' + randomBytes(8).toString('hex').toUpperCase();
export const newBucket = (p = 'b') => `${p}-${randomBytes(5).toString('hex')}`;

/** An S3 client pointed at the simulator, path style, us-east-1. */
export function s3Client(sim: RunningServer, accessKeyId: string, extra: Partial<S3ClientConfig> = {}, secretAccessKey = 'test'): S3Client {
  return new S3Client({
    endpoint: sim.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    ...extra,
  });
}

export interface InspectObject {
  id: string;
  tenant: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  content_type: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  checksums: Record<string, string>;
  storage_class: string;
  last_modified: string;
  download_url: string;
}

export async function inspectObjects(sim: RunningServer, params: Record<string, string>): Promise<InspectObject[]> {
  const res = await fetch(`${sim.url}/__inspect/s3/objects?${new URLSearchParams(params)}`);
  return ((await res.json()) as { items: InspectObject[] }).items;
}
