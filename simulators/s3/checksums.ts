import { createHash, type Hash } from 'node:crypto';
import { lazyModule } from '../../src/core/index.js';

// Loaded on first use, not at boot.
const crc32 = lazyModule<typeof import('@aws-crypto/crc32')>('@aws-crypto/crc32', import.meta.url);
const crc32c = lazyModule<typeof import('@aws-crypto/crc32c')>('@aws-crypto/crc32c', import.meta.url);
const crc64 = lazyModule<typeof import('@aws-sdk/crc64-nvme')>('@aws-sdk/crc64-nvme', import.meta.url);

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';
export const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];

/** Header `x-amz-checksum-crc32` <-> algorithm `CRC32`. */
export const headerOf = (a: ChecksumAlgorithm) => 'x-amz-checksum-' + a.toLowerCase();

export function algorithmOf(name: string | undefined): ChecksumAlgorithm | undefined {
  if (!name) return undefined;
  const up = name.toUpperCase();
  return (ALGORITHMS as string[]).includes(up) ? (up as ChecksumAlgorithm) : undefined;
}

export interface Hasher {
  update(data: Uint8Array): void;
  /** Base64 of the digest (CRCs big-endian), as S3 writes checksums. */
  digest(): Promise<string>;
}

function crc32Like(c: { update(d: Uint8Array): unknown; digest(): number }): Hasher {
  return {
    update: (d) => void c.update(d),
    digest: async () => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(c.digest() >>> 0);
      return b.toString('base64');
    },
  };
}

function nodeHash(h: Hash): Hasher {
  return { update: (d) => void h.update(d), digest: async () => h.digest('base64') };
}

export function hasher(a: ChecksumAlgorithm): Hasher {
  switch (a) {
    case 'CRC32':
      return crc32Like(new (crc32().Crc32)());
    case 'CRC32C':
      return crc32Like(new (crc32c().Crc32c)());
    case 'SHA1':
      return nodeHash(createHash('sha1'));
    case 'SHA256':
      return nodeHash(createHash('sha256'));
    case 'CRC64NVME': {
      const c = new (crc64().Crc64Nvme)();
      return { update: (d) => c.update(d), digest: async () => Buffer.from(await c.digest()).toString('base64') };
    }
  }
}

export async function checksumOf(a: ChecksumAlgorithm, data: Uint8Array): Promise<string> {
  const h = hasher(a);
  h.update(data);
  return h.digest();
}

/** Checksum of checksums, as S3 computes a multipart object's COMPOSITE checksum: `xxx==-N`. */
export async function compositeChecksum(a: ChecksumAlgorithm, parts: string[]): Promise<string> {
  const h = hasher(a);
  for (const p of parts) h.update(Buffer.from(p, 'base64'));
  return `${await h.digest()}-${parts.length}`;
}

/** Byte length of each algorithm's digest (a malformed header value is InvalidRequest). */
export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32, CRC64NVME: 8 };
