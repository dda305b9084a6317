import { randomUUID } from 'node:crypto';
import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';
import { postEvents } from '../lifecycle.js';
import type { EventWebhookRow } from '../store.js';
import { newSigningKey } from '../webhooks.js';
import { randomBase64Url } from '../../../src/core/index.js';

type Obj = Record<string, unknown>;

/** The event toggles of an Event Webhook, in SendGrid's order. */
export const WEBHOOK_FLAGS = [
  'group_resubscribe',
  'delivered',
  'group_unsubscribe',
  'spam_report',
  'bounce',
  'deferred',
  'unsubscribe',
  'processed',
  'open',
  'click',
  'dropped',
] as const;
export const MAX_WEBHOOKS = 5;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

interface WebhookInput {
  enabled?: boolean;
  url?: string;
  flags: Partial<Record<string, boolean>>;
  friendly_name?: string | null;
  oauth_client_id?: string | null;
  oauth_token_url?: string | null;
}

function readInput(body: Obj, urlRequired: boolean): WebhookInput {
  const out: WebhookInput = { flags: {} };
  if (body.url === undefined || body.url === null) {
    if (urlRequired) throw errors.invalidRequest('url is required', 'url');
  } else if (typeof body.url !== 'string' || !isHttpUrl(body.url)) {
    throw errors.invalidRequest(`'${typeof body.url === 'string' ? body.url : JSON.stringify(body.url)}' is not a valid url`, 'url');
  } else out.url = body.url;
  for (const k of ['enabled', ...WEBHOOK_FLAGS]) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw errors.invalidRequest(`${k} must be a boolean`, k);
    if (k === 'enabled') out.enabled = v;
    else out.flags[k] = v;
  }
  for (const k of ['friendly_name', 'oauth_client_id', 'oauth_token_url'] as const) {
    const v = body[k];
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'string') throw errors.invalidRequest(`${k} must be a string`, k);
    out[k] = v === '' ? null : v;
  }
  if (out.oauth_token_url && !isHttpUrl(out.oauth_token_url)) throw errors.invalidRequest(`'${out.oauth_token_url}' is not a valid url`, 'oauth_token_url');
  return out;
}

export function listWebhooks(ctx: SendGridContext, tenant: string): EventWebhookRow[] {
  return ctx.db.stmt('SELECT * FROM sendgrid_event_webhooks WHERE tenant = ? ORDER BY seq').all(tenant) as EventWebhookRow[];
}

function getWebhook(ctx: SendGridContext, tenant: string, id: string): EventWebhookRow | undefined {
  return ctx.db.stmt('SELECT * FROM sendgrid_event_webhooks WHERE tenant = ? AND id = ?').get(tenant, id) as EventWebhookRow | undefined;
}

function requireWebhook(ctx: SendGridContext, tenant: string, id: string): EventWebhookRow {
  const w = getWebhook(ctx, tenant, id);
  if (!w) throw errors.webhookNotFound();
  return w;
}

function checkUnique(ctx: SendGridContext, tenant: string, url: string, except?: string): void {
  const dup = listWebhooks(ctx, tenant).find((w) => w.url === url && w.id !== except);
  if (dup) throw errors.invalidRequest(`Webhook at '${url}' already exists. Please provide a unique URL.`, 'url');
}

function insert(ctx: SendGridContext, tenant: string, input: WebhookInput): EventWebhookRow {
  const now = ctx.clock.now();
  const flags = Object.fromEntries(WEBHOOK_FLAGS.map((k) => [k, input.flags[k] ?? false]));
  const row: EventWebhookRow = {
    seq: 0,
    id: randomUUID(),
    tenant,
    enabled: input.enabled === false ? 0 : 1,
    url: input.url!,
    friendly_name: input.friendly_name ?? null,
    flags_json: JSON.stringify(flags),
    oauth_client_id: input.oauth_client_id ?? null,
    oauth_token_url: input.oauth_token_url ?? null,
    signed: 0,
    public_key: null,
    private_key: null,
    created: now,
    updated: now,
  };
  ctx.store.insertTenant.run(tenant, now);
  row.seq = Number(
    ctx.db
      .stmt(
        `INSERT INTO sendgrid_event_webhooks (id, tenant, enabled, url, friendly_name, flags_json, oauth_client_id, oauth_token_url,
           signed, public_key, private_key, created, updated)
         VALUES (@id, @tenant, @enabled, @url, @friendly_name, @flags_json, @oauth_client_id, @oauth_token_url, @signed, @public_key,
           @private_key, @created, @updated)`,
      )
      .run(row).lastInsertRowid,
  );
  return row;
}

function update(ctx: SendGridContext, cur: EventWebhookRow, input: WebhookInput, resetFlags: boolean): EventWebhookRow {
  const flags = resetFlags
    ? Object.fromEntries(WEBHOOK_FLAGS.map((k) => [k, input.flags[k] ?? false]))
    : { ...(JSON.parse(cur.flags_json) as Record<string, boolean>), ...input.flags };
  const next: EventWebhookRow = {
    ...cur,
    enabled: input.enabled === undefined ? cur.enabled : input.enabled ? 1 : 0,
    url: input.url ?? cur.url,
    friendly_name: input.friendly_name === undefined ? cur.friendly_name : input.friendly_name,
    oauth_client_id: input.oauth_client_id === undefined ? cur.oauth_client_id : input.oauth_client_id,
    oauth_token_url: input.oauth_token_url === undefined ? cur.oauth_token_url : input.oauth_token_url,
    flags_json: JSON.stringify(flags),
    updated: ctx.clock.now(),
  };
  ctx.db
    .stmt(
      `UPDATE sendgrid_event_webhooks SET enabled = @enabled, url = @url, friendly_name = @friendly_name, flags_json = @flags_json,
         oauth_client_id = @oauth_client_id, oauth_token_url = @oauth_token_url, updated = @updated WHERE id = @id`,
    )
    .run(next);
  return next;
}

/** POST /v3/user/webhooks/event/settings */
export async function CreateEventWebhook(ctx: SendGridContext, tenant: string, body: Obj): Promise<EventWebhookRow> {
  const input = readInput(body, true);
  return ctx.db.write(() => {
    if (listWebhooks(ctx, tenant).length >= MAX_WEBHOOKS) {
      throw errors.invalidRequest('You have reached the maximum number of webhooks per your current billing plan.');
    }
    checkUnique(ctx, tenant, input.url!);
    return insert(ctx, tenant, input);
  });
}

/** GET /v3/user/webhooks/event/settings/all */
export function ListEventWebhook(ctx: SendGridContext, tenant: string): EventWebhookRow[] {
  return listWebhooks(ctx, tenant);
}

/** GET /v3/user/webhooks/event/settings/{id} */
export function GetEventWebhook(ctx: SendGridContext, tenant: string, id: string): EventWebhookRow {
  return requireWebhook(ctx, tenant, id);
}

/** PATCH /v3/user/webhooks/event/settings/{id} */
export async function UpdateEventWebhook(ctx: SendGridContext, tenant: string, id: string, body: Obj): Promise<EventWebhookRow> {
  const input = readInput(body, false);
  return ctx.db.write(() => {
    const cur = requireWebhook(ctx, tenant, id);
    if (input.url) checkUnique(ctx, tenant, input.url, id);
    return update(ctx, cur, input, false);
  });
}

/** DELETE /v3/user/webhooks/event/settings/{id} */
export async function DeleteEventWebhook(ctx: SendGridContext, tenant: string, id: string): Promise<void> {
  await ctx.db.write(() => {
    requireWebhook(ctx, tenant, id);
    ctx.db.stmt('DELETE FROM sendgrid_event_webhooks WHERE tenant = ? AND id = ?').run(tenant, id);
  });
}

/** GET /v3/user/webhooks/event/settings: the account's first Event Webhook, or the disabled default. */
export function GetEventWebhookSettings(ctx: SendGridContext, tenant: string): EventWebhookRow | undefined {
  return listWebhooks(ctx, tenant)[0];
}

/** PATCH /v3/user/webhooks/event/settings: sets the first Event Webhook (creating it); unset toggles turn off. */
export async function UpdateEventWebhookSettings(ctx: SendGridContext, tenant: string, body: Obj): Promise<EventWebhookRow> {
  const cur = listWebhooks(ctx, tenant)[0];
  const input = readInput(body, !cur);
  return ctx.db.write(() => {
    const first = listWebhooks(ctx, tenant)[0];
    if (!first) return insert(ctx, tenant, { ...input, enabled: input.enabled ?? false });
    if (input.url) checkUnique(ctx, tenant, input.url, first.id);
    return update(ctx, first, { ...input, enabled: input.enabled ?? false }, true);
  });
}

/** GET /v3/user/webhooks/event/settings/signed[/{id}] */
export function GetSignedEventWebhook(ctx: SendGridContext, tenant: string, id?: string): EventWebhookRow | undefined {
  return id === undefined ? listWebhooks(ctx, tenant)[0] : requireWebhook(ctx, tenant, id);
}

/** PATCH /v3/user/webhooks/event/settings/signed[/{id}]: enabling makes a new ECDSA P-256 key pair. */
export async function UpdateSignedEventWebhook(ctx: SendGridContext, tenant: string, id: string | undefined, body: Obj): Promise<EventWebhookRow> {
  if (typeof body.enabled !== 'boolean') throw errors.invalidRequest('enabled must be a boolean', 'enabled');
  const enabled = body.enabled;
  const key = enabled ? newSigningKey() : undefined;
  return ctx.db.write(() => {
    const cur = id === undefined ? listWebhooks(ctx, tenant)[0] : requireWebhook(ctx, tenant, id);
    if (!cur) throw errors.invalidRequest('Event Webhook must be configured before it can be signed.');
    if (enabled && cur.signed === 1) return cur;
    const now = ctx.clock.now();
    ctx.db
      .stmt('UPDATE sendgrid_event_webhooks SET signed = ?, public_key = ?, private_key = ?, updated = ? WHERE id = ?')
      .run(enabled ? 1 : 0, key?.publicKey ?? null, key?.privateKey ?? null, now, cur.id);
    return getWebhook(ctx, tenant, cur.id)!;
  });
}

/** Example events SendGrid posts to test an Event Webhook URL. */
export function testEvents(now: number): Record<string, unknown>[] {
  const ts = Math.floor(now / 1000);
  const base = (event: string, extra: Obj = {}) => ({
    email: 'example@test.com',
    timestamp: ts,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event,
    category: 'cat facts',
    sg_event_id: randomBase64Url(16),
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    ...extra,
  });
  return [
    base('processed'),
    base('deferred', { response: '400 try again later', attempt: '5' }),
    base('delivered', { response: '250 OK' }),
    base('open', { useragent: 'Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)', ip: '255.255.255.255' }),
    base('click', { useragent: 'Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)', ip: '255.255.255.255', url: 'http://www.sendgrid.com/' }),
    base('bounce', { reason: '500 unknown recipient', status: '5.0.0', type: 'bounce' }),
    base('dropped', { reason: 'Bounced Address', status: '5.0.0' }),
    base('spamreport'),
    base('unsubscribe'),
    base('group_unsubscribe', { useragent: 'Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)', ip: '255.255.255.255', url: 'http://www.sendgrid.com/', asm_group_id: 10 }),
    base('group_resubscribe', { useragent: 'Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)', ip: '255.255.255.255', url: 'http://www.sendgrid.com/', asm_group_id: 10 }),
  ];
}

/** POST /v3/user/webhooks/event/test: posts example events to `url`, signed with the key of webhook `id` if it is signed. */
export async function TestEventWebhook(ctx: SendGridContext, tenant: string, body: Obj): Promise<void> {
  const input = readInput({ url: body.url }, true);
  if (body.id !== undefined && body.id !== null && typeof body.id !== 'string') throw errors.invalidRequest('id must be a string', 'id');
  await ctx.db.write(() => {
    const hook = typeof body.id === 'string' && body.id !== '' ? requireWebhook(ctx, tenant, body.id) : listWebhooks(ctx, tenant).find((w) => w.url === input.url);
    const target: EventWebhookRow = hook
      ? { ...hook, url: input.url! }
      : {
          seq: 0,
          id: 'test',
          tenant,
          enabled: 1,
          url: input.url!,
          friendly_name: null,
          flags_json: '{}',
          oauth_client_id: null,
          oauth_token_url: null,
          signed: 0,
          public_key: null,
          private_key: null,
          created: 0,
          updated: 0,
        };
    postEvents(ctx.db, ctx.webhooks, tenant, testEvents(ctx.clock.now()), target);
  });
}
