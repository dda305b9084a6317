import type { Address } from './operations/SendMail.js';
import type { AsmGroup } from './operations/suppressions.js';
import { WEBHOOK_FLAGS } from './operations/webhooks.js';
import type { AttachmentRow, BatchRow, EventRow, EventWebhookRow, MessageRow, SuppressionRow, TemplateRow, VersionRow } from './store.js';

/** SendGrid writes template dates as `YYYY-MM-DD HH:MM:SS` (UTC). */
export function sgDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function serializeVersion(v: VersionRow) {
  const out: Record<string, unknown> = {
    id: v.id,
    template_id: v.template_id,
    active: v.active,
    name: v.name,
    html_content: v.html_content,
    plain_content: v.plain_content,
    generate_plain_content: v.generate_plain_content === 1,
    subject: v.subject,
    updated_at: sgDate(v.updated_at),
    editor: v.editor,
  };
  if (v.test_data !== null) out.test_data = v.test_data;
  return out;
}

export function serializeTemplate(t: TemplateRow, versions: VersionRow[]) {
  return {
    id: t.id,
    name: t.name,
    generation: t.generation,
    updated_at: sgDate(t.updated_at),
    versions: versions.map(serializeVersion),
  };
}

export function serializeScheduledSend(b: BatchRow) {
  return { batch_id: b.batch_id, status: b.status as string };
}

/** An Event Webhook: `dates` adds created/updated, `publicKey` the signing key ('' when unsigned). */
export function serializeWebhook(w: EventWebhookRow, opts: { dates: boolean; publicKey: boolean }) {
  const flags = JSON.parse(w.flags_json) as Record<string, boolean>;
  const out: Record<string, unknown> = { enabled: w.enabled === 1, url: w.url, account_status_change: false };
  for (const k of WEBHOOK_FLAGS) out[k] = flags[k] === true;
  out.friendly_name = w.friendly_name;
  out.id = w.id;
  if (opts.dates) {
    out.created_date = new Date(w.created).toISOString().replace(/\.\d{3}Z$/, 'Z');
    out.updated_date = new Date(w.updated).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  out.oauth_client_id = w.oauth_client_id;
  out.oauth_token_url = w.oauth_token_url;
  if (opts.publicKey) out.public_key = w.signed === 1 ? (w.public_key ?? '') : '';
  return out;
}

/** The legacy single-webhook settings: the first Event Webhook, or everything off. */
export function serializeLegacyWebhook(w: EventWebhookRow | undefined) {
  if (w) return serializeWebhook(w, { dates: false, publicKey: false });
  const out: Record<string, unknown> = { enabled: false, url: '', account_status_change: false };
  for (const k of WEBHOOK_FLAGS) out[k] = false;
  return { ...out, friendly_name: null, id: null, oauth_client_id: null, oauth_token_url: null };
}

export function serializeSuppression(list: string, r: SuppressionRow) {
  switch (list) {
    case 'bounces':
    case 'blocks':
      return { created: r.created, email: r.email, reason: r.reason ?? '', status: r.status ?? '' };
    case 'spam_reports':
      return { created: r.created, email: r.email, ip: r.ip ?? '' };
    case 'invalid_emails':
      return { created: r.created, email: r.email, reason: r.reason ?? '' };
    default:
      return { created: r.created, email: r.email };
  }
}

export function serializeGroup(g: AsmGroup, full = true) {
  const out: Record<string, unknown> = { id: g.id, name: g.name, description: g.description, is_default: g.is_default === 1 };
  if (full) Object.assign(out, { unsubscribes: g.unsubscribes, last_email_sent_at: null });
  return out;
}

export function inspectEvent(e: EventRow) {
  return { seq: e.seq, tenant: e.tenant, msg_id: e.msg_id, time: new Date(e.time).toISOString(), ...(JSON.parse(e.data_json) as Record<string, unknown>) };
}

/** Status of a stored message as the inspect API shows it. */
export function messageStatus(m: MessageRow, batchStatus: string | null | undefined, now: number): string {
  if (m.state) return m.state;
  if (batchStatus === 'cancel' && m.send_at !== null) return 'canceled';
  if (batchStatus === 'pause' && m.send_at !== null && m.next_step_at === null) return 'paused';
  if (m.send_at !== null && m.send_at * 1000 > now) return batchStatus === 'pause' ? 'paused' : 'scheduled';
  return 'processed';
}

export function inspectMessage(m: MessageRow, attachments: AttachmentRow[], status: string, publicUrl: string, events: EventRow[] = []) {
  const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
  const from: Address = { email: m.from_email };
  if (m.from_name !== null) from.name = m.from_name;
  const base = `${publicUrl}/__inspect/sendgrid/messages/${encodeURIComponent(m.msg_id)}`;
  return {
    msg_id: m.msg_id,
    x_message_id: m.x_message_id,
    recipient: m.recipient,
    recipient_type: m.recipient_type,
    to: parse<Address[]>(m.to_json),
    cc: parse<Address[]>(m.cc_json),
    bcc: parse<Address[]>(m.bcc_json),
    from,
    reply_to: parse<Address>(m.reply_to_json),
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: parse<Record<string, string>>(m.headers_json),
    attachments: attachments.map((a) => ({
      filename: a.filename,
      type: a.type,
      disposition: a.disposition,
      content_id: a.content_id,
      size: a.size,
      url: `${base}/attachments/${a.idx}`,
    })),
    template_id: m.template_id,
    dynamic_template_data: parse<unknown>(m.dynamic_template_data_json),
    categories: parse<string[]>(m.categories_json),
    custom_args: parse<Record<string, string>>(m.custom_args_json),
    send_at: m.send_at,
    batch_id: m.batch_id,
    asm: parse<Record<string, unknown>>(m.asm_json),
    ip_pool_name: m.ip_pool_name,
    status,
    events: events.map((e) => ({ ...(JSON.parse(e.data_json) as Record<string, unknown>), time: new Date(e.time).toISOString() })),
    next_event_at: m.next_step_at ? new Date(m.next_step_at).toISOString() : null,
    created: new Date(m.created).toISOString(),
    tenant: m.tenant,
  };
}
