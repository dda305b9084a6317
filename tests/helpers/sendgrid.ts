import { Client } from '@sendgrid/client';
import type { ClientRequest } from '@sendgrid/client/src/request.js';
import { MailService } from '@sendgrid/mail';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { createHash, randomBytes } from 'node:crypto';

/** A key of SendGrid's shape: `SG.<22 chars>.<43 chars>`. */
export const newApiKey = () => `SG.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`;

export interface Recorded {
  method: string;
  url: string;
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
}

interface ErrorWithResponse {
  code?: number;
  response?: { headers: Record<string, unknown>; body: unknown };
}

/**
 * The real @sendgrid/client and @sendgrid/mail pointed at the simulator. setApiKey() resets
 * the base URL, so the base is set after it. Every exchange is recorded.
 */
export function sendgrid(base: string, apiKey: string) {
  const client = new Client();
  client.setApiKey(apiKey);
  client.setDefaultRequest('baseUrl', base);
  const recorded: Recorded[] = [];
  const request = client.request.bind(client);
  client.request = (async (data: ClientRequest) => {
    const url = base + (data.url ?? '');
    const method = (data.method ?? 'GET').toUpperCase();
    try {
      const r = await request(data);
      recorded.push({ method, url, status: r[0].statusCode, body: r[0].body ?? '', headers: r[0].headers as Record<string, unknown> });
      return r;
    } catch (e) {
      const err = e as ErrorWithResponse;
      if (err.response) recorded.push({ method, url, status: err.code ?? 0, body: err.response.body ?? '', headers: err.response.headers });
      throw e;
    }
  }) as typeof client.request;
  const mail = new MailService();
  mail.setClient(client);
  return { client, mail, recorded };
}

/** The error the SDK raised: status and parsed body. */
export async function failure(p: Promise<unknown>): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as ErrorWithResponse;
    if (!err.response) throw e;
    return { status: err.code ?? 0, body: err.response.body, headers: err.response.headers };
  }
  throw new Error('expected the request to fail');
}

/** What an app does with a SendGrid Event Webhook request: checks its signature with @sendgrid/eventwebhook. */
export function verifyEventWebhook(publicKey: string, r: { headers: Record<string, string | string[] | undefined>; body: string }): boolean {
  const ew = new EventWebhook();
  const signature = r.headers[EventWebhookHeader.SIGNATURE().toLowerCase()];
  const timestamp = r.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return false;
  return ew.verifySignature(ew.convertPublicKeyToECDSA(publicKey), r.body, signature, timestamp);
}

/** The tenant id the simulator derives from an API key. */
export const tenantOfKey = (key: string) => 'sg_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
