import type { Address } from './operations/SendMail.js';
import type { AttachmentRow, MessageRow } from './store.js';

/** RFC 2047 encoded-word when a header value is not plain ASCII. */
function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
}

function address(a: Address): string {
  return a.name ? `${encodeWord(/[(),.:;<>@[\]"]/.test(a.name) ? JSON.stringify(a.name) : a.name)} <${a.email}>` : a.email;
}

const wrap = (b64: string) => b64.replace(/.{1,76}/g, '$&\r\n');

/** The stored message as the MIME message SendGrid would have delivered (bcc not shown). */
export function buildRaw(m: MessageRow, attachments: AttachmentRow[]): string {
  const to = JSON.parse(m.to_json) as Address[];
  const cc = JSON.parse(m.cc_json) as Address[];
  const lines: string[] = [];
  lines.push(`From: ${address({ email: m.from_email, name: m.from_name ?? undefined })}`);
  lines.push(`To: ${to.map(address).join(', ')}`);
  if (cc.length) lines.push(`Cc: ${cc.map(address).join(', ')}`);
  if (m.reply_to_json) lines.push(`Reply-To: ${address(JSON.parse(m.reply_to_json) as Address)}`);
  lines.push(`Subject: ${encodeWord(m.subject ?? '')}`);
  lines.push(`Date: ${new Date((m.send_at ?? 0) * 1000 > m.created ? m.send_at! * 1000 : m.created).toUTCString().replace('GMT', '+0000')}`);
  lines.push(`Message-ID: <${m.msg_id}@sendgrid.simulator>`);
  lines.push(`X-Message-Id: ${m.x_message_id}`);
  for (const [k, v] of Object.entries(JSON.parse(m.headers_json) as Record<string, string>)) lines.push(`${k}: ${encodeWord(v)}`);
  lines.push('MIME-Version: 1.0');
  const b = `----=_sim_${m.x_message_id.replace(/[^A-Za-z0-9]/g, '')}`;
  const parts: string[] = [];
  const textPart = (type: string, body: string) =>
    `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${wrap(Buffer.from(body).toString('base64'))}`;
  const alt: string[] = [];
  if (m.text !== null) alt.push(textPart('text/plain', m.text));
  if (m.html !== null) alt.push(textPart('text/html', m.html));
  parts.push(`Content-Type: multipart/alternative; boundary="${b}alt"\r\n\r\n${alt.map((p) => `--${b}alt\r\n${p}`).join('\r\n')}\r\n--${b}alt--\r\n`);
  for (const a of attachments) {
    const headers = [
      `Content-Type: ${a.type ?? 'application/octet-stream'}; name="${a.filename}"`,
      `Content-Disposition: ${a.disposition}; filename="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
    ];
    if (a.content_id) headers.push(`Content-ID: <${a.content_id}>`);
    parts.push(`${headers.join('\r\n')}\r\n\r\n${wrap(a.content.toString('base64'))}`);
  }
  lines.push(`Content-Type: multipart/mixed; boundary="${b}"`);
  return `${lines.join('\r\n')}\r\n\r\n${parts.map((p) => `--${b}\r\n${p}`).join('\r\n')}\r\n--${b}--\r\n`;
}
