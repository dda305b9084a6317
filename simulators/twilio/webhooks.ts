import { createHash, createHmac } from 'node:crypto';
import type { Delivery, OutgoingRequest, Webhooks } from '../../src/webhooks/index.js';
import type { TwilioStore, AccountRow } from './store.js';

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + the sorted key+value pairs)), each
 * repeated key contributing every pair; a JSON body is signed as `url?bodySHA256=<hex>`.
 */
export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let data = url;
  for (const [k, v] of sorted) data += k + v;
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** A stable token per delivery (the same on every retry), shaped like Twilio's. */
function idempotencyToken(d: Delivery): string {
  const h = createHash('sha1').update(`provider-sim:${d.id}:${d.resource}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Registers the Twilio signer: requests are signed with the account's current auth token. */
export function registerTwilioSigner(webhooks: Webhooks, store: TwilioStore): void {
  webhooks.registerSigner('twilio', (req: OutgoingRequest, d: Delivery) => {
    const account = store.getAccount.get(d.tenant) as AccountRow | undefined;
    if (!account) throw new Error(`account ${d.tenant} no longer exists`);
    let url = req.url;
    let params: [string, string][] = [];
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('application/x-www-form-urlencoded')) {
      params = [...new URLSearchParams(req.body.toString('utf8'))];
    } else if (req.body.length > 0) {
      const hash = createHash('sha256').update(req.body).digest('hex');
      url += (url.includes('?') ? '&' : '?') + 'bodySHA256=' + hash;
      req.url = url;
    }
    req.headers['user-agent'] = 'TwilioProxy/1.1';
    req.headers['x-twilio-signature'] = twilioSignature(account.auth_token, url, params);
    req.headers['i-twilio-idempotency-token'] = idempotencyToken(d);
    req.headers['x-home-region'] = 'us1';
  });
}
