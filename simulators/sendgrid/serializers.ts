import type { Address } from './operations/SendMail.js';
import type { AttachmentRow, BatchRow, MessageRow, TemplateRow, VersionRow } from './store.js';

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

/** Status of a stored message as the inspect API shows it. */
export function messageStatus(m: MessageRow, batchStatus: string | null | undefined, now: number): string {
  if (batchStatus === 'cancel') return 'canceled';
  if (m.send_at !== null && m.send_at * 1000 > now) return batchStatus === 'pause' ? 'paused' : 'scheduled';
  return 'processed';
}

export function inspectMessage(m: MessageRow, attachments: AttachmentRow[], status: string, publicUrl: string) {
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
    created: new Date(m.created).toISOString(),
    tenant: m.tenant,
  };
}
