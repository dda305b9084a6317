import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { Clock } from '../../src/core/index.js';
import type { Database } from '../../src/db/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import type { EventWebhookRow } from './store.js';

export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

/** A new ECDSA P-256 key pair: the public key as base64 DER SPKI (what SendGrid shows), the private one as PEM. */
export function newSigningKey(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** base64 DER ECDSA signature over SHA-256 of `timestamp + body`. */
export function signPayload(privateKeyPem: string, timestamp: string, body: Buffer): string {
  const key = createPrivateKey(privateKeyPem);
  return sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), { key, dsaEncoding: 'der' }).toString('base64');
}

/**
 * The 'sendgrid' signer, run on every Event Webhook delivery: SendGrid's User-Agent, and when the
 * webhook named in the delivery's context (`webhook_id`) is signed, the signature of the exact
 * bytes about to be sent, as SendGrid's Signed Event Webhook does.
 */
export function registerSendGridSigner(webhooks: Webhooks, db: Database, clock: Clock): void {
  webhooks.registerSigner('sendgrid', (req, d) => {
    req.headers['user-agent'] = 'SendGrid Event API';
    const id = d.context.webhook_id;
    const row = db.stmt('SELECT signed, private_key FROM sendgrid_event_webhooks WHERE id = ?').get(id) as
      | Pick<EventWebhookRow, 'signed' | 'private_key'>
      | undefined;
    const pem = row?.signed === 1 ? row.private_key : null;
    if (!pem) return;
    const timestamp = String(Math.floor(clock.now() / 1000));
    req.headers[SIGNATURE_HEADER] = signPayload(pem, timestamp, req.body);
    req.headers[TIMESTAMP_HEADER] = timestamp;
  });
}
