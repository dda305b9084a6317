import { randomBytes } from 'node:crypto';

// Random bytes are drawn in blocks: one syscall serves hundreds of ids.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const s = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return s;
}

/** Twilio-style SID: two-letter prefix and 32 lower-case hex digits. */
export function twilioSid(prefix: string): string {
  return prefix + randomHex(16);
}

export function randomBase64Url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
