/**
 * A small real-estate app around the simulator: a webhook receiver answering TwiML, and a seed
 * that sends SMS, places a call, sends emails and stores files through the vendors' own SDKs.
 * The inbox tests and the README screenshots both stand on it.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { crc32 } from '@aws-crypto/crc32';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { startReceiver } from '../helpers/receiver.js';
import { sendgrid } from '../helpers/sendgrid.js';
import { twilioClient } from '../helpers/twilio.js';

export const AGENT_NUMBER = '+15017122661';
export const LEAD_NUMBER = '+14155550123';

const TWIML: Record<string, string> = {
  '/voice/answer':
    '<Response><Say>Hello, this is Oak Realty about your home on Elm Street.</Say>' +
    '<Gather numDigits="1" action="/voice/gathered"><Say>Press 1 to book a valuation.</Say></Gather></Response>',
  '/voice/gathered': '<Response><Say>Please leave your name after the beep.</Say><Record maxLength="20" transcribe="true" action="/voice/recorded"/></Response>',
  '/voice/recorded': '<Response><Say>Thank you, goodbye.</Say><Hangup/></Response>',
  '/voice/inbound': '<Response><Say>Thanks for calling Oak Realty. An agent will call you back.</Say><Hangup/></Response>',
  '/sms/inbound': '<Response><Message>Thanks! An agent will text you shortly.</Message></Response>',
};

/** The app: TwiML for calls and inbound SMS, 200 for every callback; records what it received. */
export async function startApp() {
  return startReceiver((r) => {
    const twiml = TWIML[r.path.split('?')[0]];
    return twiml ? { status: 200, type: 'text/xml', body: twiml } : { status: 200 };
  });
}

export interface Tenants {
  accountSid: string;
  authToken: string;
  apiKey: string;
  accessKeyId: string;
}

export function newTenants(): Tenants {
  return {
    accountSid: 'AC' + randomBytes(16).toString('hex'),
    authToken: randomBytes(16).toString('hex'),
    apiKey: `SG.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(),
  };
}

export function clients(base: string, t: Tenants) {
  const { client: twilio } = twilioClient(base, t.accountSid, t.authToken);
  const sg = sendgrid(base, t.apiKey);
  const s3 = new S3Client({
    endpoint: base,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: 'test' },
  });
  return { twilio, sg, s3 };
}

/** A 160x100 PNG: a vertical gradient from one colour to white. */
export function png(r: number, g: number, b: number, width = 160, height = 100): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    const t = y / height;
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = Math.round(r + (255 - r) * t);
      row[2 + x * 3] = Math.round(g + (255 - g) * t);
      row[3 + x * 3] = Math.round(b + (255 - b) * t);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Sends a little of everything through the SDKs, as the real-estate app would. */
export async function seed(base: string, app: { base: string }, t: Tenants) {
  const { twilio, sg, s3 } = clients(base, t);
  await twilio.incomingPhoneNumbers.create({
    phoneNumber: AGENT_NUMBER,
    smsUrl: `${app.base}/sms/inbound`,
    voiceUrl: `${app.base}/voice/inbound`,
  });
  const sms = await twilio.messages.create({
    from: AGENT_NUMBER,
    to: LEAD_NUMBER,
    body: 'Hi Sam, the open house at 12 Elm Street starts Saturday at 11am.',
    statusCallback: `${app.base}/sms/status`,
  });
  await twilio.messages.create({ from: AGENT_NUMBER, to: '+14155550199', body: 'Your offer on 8 Birch Lane was received.' });
  const call = await twilio.calls.create({ from: AGENT_NUMBER, to: LEAD_NUMBER, url: `${app.base}/voice/answer`, statusCallback: `${app.base}/voice/status` });

  await sg.client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { enabled: true, url: `${app.base}/sendgrid/events`, delivered: true, processed: true, open: true, click: true, bounce: true } });
  const [mailRes] = await sg.mail.send({
    to: 'sam.buyer@example.com',
    from: { email: 'listings@oakrealty.example', name: 'Oak Realty' },
    subject: 'Your viewing at 12 Elm Street',
    text: 'Hi Sam, your viewing is booked for Saturday at 11am. Photos attached.',
    html: '<h1 style="color:#2b6">12 Elm Street</h1><p>Hi Sam, your viewing is booked for <b>Saturday at 11am</b>.</p><p><a href="https://oakrealty.example/listings/12-elm">See the listing</a></p>',
    categories: ['viewings'],
    attachments: [{ content: png(40, 140, 90).toString('base64'), filename: 'front.png', type: 'image/png', disposition: 'attachment' }],
  });
  await sg.mail.send({
    to: 'pat.seller@example.com',
    from: 'listings@oakrealty.example',
    subject: 'Offer received on 8 Birch Lane',
    text: 'Good news: an offer came in today.',
    categories: ['offers'],
  });

  await s3.send(new CreateBucketCommand({ Bucket: 'listing-photos' }));
  await s3.send(new PutObjectCommand({ Bucket: 'listing-photos', Key: '12-elm/front.png', Body: png(40, 140, 90), ContentType: 'image/png', Metadata: { listing: '12-elm' } }));
  await s3.send(new PutObjectCommand({ Bucket: 'listing-photos', Key: '12-elm/kitchen.png', Body: png(220, 180, 60), ContentType: 'image/png' }));
  await s3.send(new PutObjectCommand({ Bucket: 'listing-photos', Key: '12-elm/details.json', Body: JSON.stringify({ beds: 3, baths: 2, price: 525000 }), ContentType: 'application/json' }));
  await s3.send(new PutObjectCommand({ Bucket: 'listing-photos', Key: 'notes.txt', Body: 'Keys are with the neighbour at number 14.', ContentType: 'text/plain' }));

  return { sms, call, mailMessageId: String(mailRes.headers['x-message-id']) };
}
