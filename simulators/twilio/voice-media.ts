import { createHash } from 'node:crypto';
import { lazyModule } from '../../src/core/index.js';

const fakerModule = lazyModule<typeof import('@faker-js/faker')>('@faker-js/faker', import.meta.url);

const WAV_RATE = 8000;
/** Longer recordings are served with this much audio (the duration field keeps the full length). */
const MAX_AUDIO_SECONDS = 30;

function seedOf(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}

/**
 * A mono 8 kHz 16-bit PCM WAV of `seconds` (at least one): a soft tone whose pitch depends on
 * the recording SID, so two recordings differ and one recording is always the same bytes.
 */
export function wavFor(sid: string, seconds: number): Buffer {
  const samples = WAV_RATE * Math.max(1, Math.min(seconds, MAX_AUDIO_SECONDS));
  const data = Buffer.alloc(samples * 2);
  const freq = 300 + (seedOf(sid) % 400);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(2000 * Math.sin((2 * Math.PI * freq * i) / WAV_RATE)), i * 2);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(WAV_RATE, 24);
  h.writeUInt32LE(WAV_RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/**
 * A valid MP3 of `seconds` of silence, built frame by frame without an encoder: MPEG-1 Layer III,
 * 32 kbit/s, 32 kHz, mono, no CRC; each 144-byte frame (1152 samples, 36 ms) has all-zero side
 * information, so decoders read it as silence.
 */
export function mp3For(seconds: number): Buffer {
  const FRAME = 144;
  const frames = Math.ceil((Math.max(1, Math.min(seconds, MAX_AUDIO_SECONDS)) * 32000) / 1152);
  const out = Buffer.alloc(frames * FRAME);
  for (let f = 0; f < frames; f++) {
    const o = f * FRAME;
    out[o] = 0xff;
    out[o + 1] = 0xfb; // MPEG-1, Layer III, no CRC
    out[o + 2] = 0x18; // 32 kbit/s, 32 kHz, no padding
    out[o + 3] = 0xc0; // mono
  }
  return out;
}

/** A recording's length in seconds, deterministic per SID, within [min, max]. */
export function recordedSeconds(sid: string, min: number, max: number): number {
  if (max <= min) return Math.max(1, max);
  return min + (seedOf(sid) % (max - min + 1));
}

/**
 * What a caller said, as a transcription service would write it: a property owner answering an
 * outreach call (interest in selling, an asking price, when to call back). Seeded by the call
 * SID, so the same call always gets the same words.
 */
export function fakeTranscript(callSid: string): string {
  const { Faker, en } = fakerModule();
  const f = new Faker({ locale: [en] });
  f.seed(seedOf(callSid));
  const name = f.person.firstName();
  const street = `${f.location.buildingNumber()} ${f.location.street()}`;
  const price = f.number.int({ min: 18, max: 95 }) * 10_000;
  const interest = f.helpers.arrayElement([
    "we've been thinking about selling the place",
    "I might be interested in selling if the offer is right",
    "we're not in a rush but we'd consider an offer",
    'my wife and I are planning to move, so yes, we could sell',
  ]);
  const when = f.helpers.arrayElement(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);
  const time = f.helpers.arrayElement(['morning', 'afternoon', 'after 5 pm', 'around noon']);
  const phone = `${f.number.int({ min: 200, max: 999 })}-${f.string.numeric(4)}`;
  return (
    `Hi, this is ${name} calling back about the house on ${street}. ${interest[0].toUpperCase()}${interest.slice(1)}. ` +
    `We'd be looking for something around $${price.toLocaleString('en-US')}. ` +
    `The best time to reach me is ${when} ${time}, at ${phone}. Thanks.`
  );
}
