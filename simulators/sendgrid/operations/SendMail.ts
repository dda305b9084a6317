import { randomBase64Url, randomHex } from '../../../src/core/index.js';
import type { SendGridContext } from '../context.js';
import { errors, SendGridError, SendGridErrors, type RecipientKind } from '../errors.js';
import { renderDynamic, substitute } from '../render.js';
import type { AttachmentRow, MessageRow, TemplateRow, VersionRow } from '../store.js';

type Obj = Record<string, unknown>;
export interface Address {
  email: string;
  name?: string;
}

export interface MailResult {
  sandbox: boolean;
  xMessageId: string | null;
  messages: MessageRow[];
}

const MAX_PERSONALIZATIONS = 1000;
const MAX_RECIPIENTS = 1000;
const MAX_EMAIL_LENGTH = 320;
const MAX_SCHEDULE_S = 72 * 3600;
const MAX_CUSTOM_ARGS_BYTES = 10_000;
const RESERVED_HEADERS = new Set([
  'x-sg-id',
  'x-sg-eid',
  'received',
  'dkim-signature',
  'content-type',
  'content-transfer-encoding',
  'to',
  'from',
  'subject',
  'reply-to',
  'cc',
  'bcc',
]);
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CRLF = /[\r\n]/;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/** mail_settings / tracking_settings booleans and the message SendGrid gives when one is not. */
const BOOLEAN_SETTINGS: [string, string, string][] = [
  ['mail_settings', 'bcc', 'The bcc enable param should be a boolean value.'],
  ['mail_settings', 'bypass_list_management', 'The bypass list management enable param should be a boolean value.'],
  ['mail_settings', 'bypass_spam_management', 'The bypass spam management enable param should be a boolean value.'],
  ['mail_settings', 'bypass_bounce_management', 'The bypass bounce management enable param should be a boolean value.'],
  ['mail_settings', 'bypass_unsubscribe_management', 'The bypass unsubscribe management enable param should be a boolean value.'],
  ['mail_settings', 'footer', 'The footer enable param should be a boolean value.'],
  ['mail_settings', 'sandbox_mode', 'The sandbox mode enable param should be a boolean value.'],
  ['mail_settings', 'spam_check', 'The spam check enable param should be a boolean value.'],
  ['tracking_settings', 'click_tracking', 'The click tracking enable param should be a boolean value.'],
  ['tracking_settings', 'open_tracking', 'The open tracking enable param should be a boolean value.'],
  ['tracking_settings', 'subscription_tracking', 'The subscription tracking enable param should be a boolean value.'],
  ['tracking_settings', 'ganalytics', 'The Google Analytics enable param must be a boolean value.'],
];

class Collector {
  readonly list: SendGridError[] = [];
  add(e: SendGridError): void {
    this.list.push(e);
  }
  throwIfAny(): void {
    if (this.list.length) throw new SendGridErrors(this.list);
  }
}

function checkAddress(c: Collector, email: string, tooLong: () => SendGridError, invalid: () => SendGridError): boolean {
  if (email.length > MAX_EMAIL_LENGTH) return c.add(tooLong()), false;
  if (!EMAIL.test(email)) return c.add(invalid()), false;
  return true;
}

function readAddress(x: Obj): Address {
  const a: Address = { email: x.email as string };
  if (isStr(x.name) && x.name !== '') a.name = x.name;
  return a;
}

function checkStringMap(x: unknown, onBad: () => SendGridError, c: Collector): Record<string, string> | undefined {
  if (x === undefined || x === null) return undefined;
  if (!isObj(x) || Object.values(x).some((v) => !isStr(v))) {
    c.add(onBad());
    return undefined;
  }
  return x as Record<string, string>;
}

function checkHeaders(x: unknown, field: string, c: Collector): Record<string, string> | undefined {
  if (x === undefined || x === null) return undefined;
  if (!isObj(x) || Object.values(x).some((v) => !isStr(v))) return void c.add(errors.headerValuesNotStrings(field));
  for (const k of Object.keys(x)) {
    if (!/^[\x21-\x7e]+$/.test(k)) return void c.add(errors.headerKeyInvalid(field));
    if (RESERVED_HEADERS.has(k.toLowerCase())) return void c.add(errors.headerReserved(field));
  }
  return x as Record<string, string>;
}

function checkSendAt(x: unknown, field: string, now: number, c: Collector): number | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'number' || !Number.isInteger(x)) return void c.add(errors.sendAtNotInteger(field));
  if (x - Math.floor(now / 1000) > MAX_SCHEDULE_S) return void c.add(errors.sendAtTooFar(field));
  return x;
}

const byteLength = (m: Record<string, string> | undefined) =>
  m ? Object.entries(m).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0) : 0;

interface Personalization {
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject?: string;
  headers?: Record<string, string>;
  substitutions?: Record<string, string>;
  custom_args?: Record<string, string>;
  dynamic_template_data?: unknown;
  send_at?: number;
}

interface Attachment {
  content: Buffer;
  filename: string;
  type: string | null;
  disposition: string;
  content_id: string | null;
}

function readRecipients(p: Obj, i: number, kind: RecipientKind, c: Collector): Address[] {
  const raw = p[kind];
  if (raw === undefined || raw === null) {
    if (kind === 'to') c.add(errors.toRequired(i));
    return [];
  }
  if (!Array.isArray(raw)) return c.add(errors.recipientsMustBeArray(i, kind)), [];
  if (kind === 'to' && raw.length === 0) return c.add(errors.toRequired(i)), [];
  const out: Address[] = [];
  raw.forEach((r, j) => {
    if (!isObj(r) || !isStr(r.email) || r.email === '') return c.add(errors.recipientEmailRequired(i, kind, j));
    if (checkAddress(c, r.email, () => errors.recipientTooLong(i, kind, j), () => errors.invalidRecipient(i, kind, j))) {
      out.push(readAddress(r));
    }
  });
  return out;
}

/** Validates a mail/send body, collecting every error as SendGrid does. */
function validate(ctx: SendGridContext, tenant: string, body: Obj) {
  const c = new Collector();
  const now = ctx.clock.now(tenant);

  // from / reply_to
  let from: Address | undefined;
  if (!isObj(body.from) || !isStr(body.from.email) || body.from.email === '') c.add(errors.fromRequired());
  else if (checkAddress(c, body.from.email, errors.fromTooLong, errors.invalidFrom)) from = readAddress(body.from);
  let replyTo: Address | undefined;
  if (body.reply_to !== undefined && body.reply_to !== null) {
    if (!isObj(body.reply_to) || !isStr(body.reply_to.email)) c.add(errors.invalidReplyTo());
    else if (checkAddress(c, body.reply_to.email, errors.replyToTooLong, errors.invalidReplyTo)) replyTo = readAddress(body.reply_to);
  }

  // personalizations
  const personalizations: Personalization[] = [];
  const rawP = body.personalizations;
  if (!Array.isArray(rawP) || rawP.length === 0) c.add(errors.personalizationsRequired());
  else if (rawP.length > MAX_PERSONALIZATIONS) c.add(errors.tooManyPersonalizations(rawP.length));
  else {
    let total = 0;
    rawP.forEach((p, i) => {
      if (!isObj(p)) return c.add(errors.toRequired(i));
      const to = readRecipients(p, i, 'to', c);
      const cc = readRecipients(p, i, 'cc', c);
      const bcc = readRecipients(p, i, 'bcc', c);
      total += to.length + cc.length + bcc.length;
      const seen = new Set<string>();
      let dup = false;
      for (const [kind, list] of [['to', to], ['cc', cc], ['bcc', bcc]] as [RecipientKind, Address[]][]) {
        for (const a of list) {
          const k = a.email.toLowerCase();
          if (seen.has(k) && !dup) {
            c.add(errors.duplicateRecipient(i, a.email, kind));
            dup = true;
          }
          seen.add(k);
        }
      }
      let subject: string | undefined;
      if (p.subject !== undefined && p.subject !== null) {
        if (!isStr(p.subject) || p.subject === '') c.add(errors.subjectEmpty(`personalizations.${i}.subject`));
        else subject = p.subject;
      }
      const substitutions = checkStringMap(p.substitutions, () => errors.substitutionsNotStrings(i), c);
      if (substitutions && Object.keys(substitutions).length > 10_000) c.add(errors.tooManySubstitutions(i));
      const customArgs = checkStringMap(p.custom_args, () => errors.customArgsNotStrings(`personalizations.${i}.custom_args`), c);
      personalizations.push({
        to,
        cc,
        bcc,
        subject,
        headers: checkHeaders(p.headers, `personalizations.${i}.headers`, c),
        substitutions,
        custom_args: customArgs,
        dynamic_template_data: p.dynamic_template_data,
        send_at: checkSendAt(p.send_at, `personalizations.${i}.send_at`, now, c),
      });
    });
    if (total > MAX_RECIPIENTS) c.add(errors.tooManyRecipients());
  }

  // template
  let template: { row: TemplateRow; version: VersionRow } | undefined;
  if (body.template_id !== undefined && body.template_id !== null) {
    if (!isStr(body.template_id)) c.add(errors.templateIdNotString(JSON.stringify(body.template_id)));
    else {
      const row = ctx.store.getTemplate.get(body.template_id, tenant) as TemplateRow | undefined;
      const version = row ? (ctx.store.getActiveVersion.get(row.id) as VersionRow | undefined) : undefined;
      if (!row || !version) c.add(errors.templateInvalid(body.template_id));
      else template = { row, version };
    }
  }

  // subject
  let subject: string | undefined;
  if (body.subject !== undefined && body.subject !== null) {
    if (!isStr(body.subject) || body.subject === '') c.add(errors.subjectEmpty('subject'));
    else subject = body.subject;
  }
  const templateHasSubject = template !== undefined && template.version.subject !== '';
  const everyHasSubject = personalizations.length > 0 && personalizations.every((p) => p.subject !== undefined);
  const templateCovers = templateHasSubject || template?.row.generation === 'dynamic' || (body.template_id !== undefined && !template);
  if (subject === undefined && body.subject === undefined && !templateCovers && !everyHasSubject) {
    c.add(errors.subjectRequired());
  }

  // content
  let text: string | undefined;
  let html: string | undefined;
  const content = body.content;
  if (content === undefined || content === null || (Array.isArray(content) && content.length === 0)) {
    if (body.template_id === undefined) c.add(errors.contentRequired());
  } else if (!Array.isArray(content)) c.add(errors.contentRequired());
  else {
    const types: string[] = [];
    content.forEach((item, i) => {
      if (!isObj(item) || !isStr(item.type) || item.type === '') return c.add(errors.contentTypeRequired(i));
      if (/[;\r\n]/.test(item.type)) return c.add(errors.contentTypeInvalid(i));
      if (!isStr(item.value) || item.value === '') return c.add(errors.contentValueEmpty(i));
      const t = item.type.toLowerCase();
      types.push(t);
      if (t === 'text/plain' && text === undefined) text = item.value;
      if (t === 'text/html' && html === undefined) html = item.value;
    });
    const plainCount = types.filter((t) => t === 'text/plain').length;
    const htmlCount = types.filter((t) => t === 'text/html').length;
    if (plainCount > 1 || htmlCount > 1) c.add(errors.contentDuplicate());
    else {
      const plainAt = types.indexOf('text/plain');
      const htmlAt = types.indexOf('text/html');
      if ((plainAt > 0) || (htmlAt >= 0 && htmlAt !== (plainAt === 0 ? 1 : 0))) c.add(errors.contentOrder());
    }
  }

  // attachments
  const attachments: Attachment[] = [];
  if (body.attachments !== undefined && body.attachments !== null) {
    if (!Array.isArray(body.attachments)) c.add(errors.attachmentContentEmpty(0));
    else
      body.attachments.forEach((a, i) => {
        if (!isObj(a) || !isStr(a.content) || a.content === '') return c.add(errors.attachmentContentEmpty(i));
        const b64 = a.content.replace(/\s+/g, '');
        if (!BASE64.test(b64)) return c.add(errors.attachmentNotBase64(i));
        if (!isStr(a.filename) || a.filename === '') return c.add(errors.attachmentFilenameRequired(i));
        if (CRLF.test(a.filename)) return c.add(errors.attachmentFilenameInvalid(i));
        if (a.type !== undefined && a.type !== null && (!isStr(a.type) || /[;\r\n]/.test(a.type))) return c.add(errors.attachmentTypeInvalid(i));
        const disposition = a.disposition ?? 'attachment';
        if (disposition !== 'attachment' && disposition !== 'inline') return c.add(errors.attachmentDisposition(i, String(disposition)));
        // @sendgrid/mail 8 sends `contentId` (its snake-casing skips it); SendGrid takes both.
        const contentId = a.content_id ?? a.contentId;
        if (contentId !== undefined && contentId !== null && (!isStr(contentId) || CRLF.test(contentId))) {
          return c.add(errors.attachmentContentId(i));
        }
        attachments.push({
          content: Buffer.from(b64, 'base64'),
          filename: a.filename,
          type: isStr(a.type) && a.type !== '' ? a.type : null,
          disposition,
          content_id: isStr(contentId) ? contentId : null,
        });
      });
  }

  // categories
  let categories: string[] = [];
  if (body.categories !== undefined && body.categories !== null) {
    const cats = body.categories;
    if (!Array.isArray(cats) || cats.some((x) => !isStr(x))) c.add(errors.categoriesNotStrings());
    else {
      const seen = new Set<string>();
      let bad = false;
      for (const cat of cats as string[]) {
        if (cat.length > 255) (c.add(errors.categoryTooLong(cat)), (bad = true));
        else if (!/^[\x00-\x7f]*$/.test(cat)) (c.add(errors.categoryNonAscii()), (bad = true));
        else if (seen.has(cat)) (c.add(errors.categoryDuplicate(cat)), (bad = true));
        if (bad) break;
        seen.add(cat);
      }
      if (!bad && seen.size > 10) c.add(errors.tooManyCategories(seen.size));
      categories = [...seen];
    }
  }

  // custom_args, headers, sections, send_at, batch_id, asm, ip_pool_name
  const customArgs = checkStringMap(body.custom_args, () => errors.customArgsNotStrings('custom_args'), c);
  personalizations.forEach((p, i) => {
    if (byteLength({ ...customArgs, ...p.custom_args }) > MAX_CUSTOM_ARGS_BYTES) c.add(errors.customArgsTooLarge(i));
  });
  const headers = checkHeaders(body.headers, 'headers', c);
  const sections = checkStringMap(body.sections, errors.sectionsNotStrings, c);
  const sendAt = checkSendAt(body.send_at, 'send_at', now, c);
  let batchId: string | undefined;
  if (body.batch_id !== undefined && body.batch_id !== null) {
    if (!isStr(body.batch_id)) c.add(errors.batchIdNotString());
    else batchId = body.batch_id;
  }
  let asm: Obj | undefined;
  if (body.asm !== undefined && body.asm !== null) {
    const a = body.asm;
    if (!isObj(a) || typeof a.group_id !== 'number' || !Number.isInteger(a.group_id)) c.add(errors.asmGroupId());
    else if (
      a.groups_to_display !== undefined &&
      (!Array.isArray(a.groups_to_display) || a.groups_to_display.some((g) => typeof g !== 'number' || !Number.isInteger(g)))
    ) {
      c.add(errors.asmGroupsToDisplay());
    } else if (Array.isArray(a.groups_to_display) && a.groups_to_display.length > 25) c.add(errors.asmTooManyGroups());
    else asm = a;
  }
  let ipPool: string | undefined;
  if (body.ip_pool_name !== undefined && body.ip_pool_name !== null) {
    if (!isStr(body.ip_pool_name)) c.add(errors.ipPoolNotString());
    else ipPool = body.ip_pool_name;
  }

  // settings
  let sandbox = false;
  /** The settings the delivery lifecycle honours (bypass_*, open_tracking, click_tracking...). */
  const delivery: Record<string, boolean> = {};
  for (const [group, name, message] of BOOLEAN_SETTINGS) {
    const g = body[group];
    if (g === undefined || g === null) continue;
    if (!isObj(g)) continue;
    const s = g[name];
    if (s === undefined || s === null) continue;
    if (!isObj(s) || (s.enable !== undefined && typeof s.enable !== 'boolean')) {
      c.add(errors.settingNotBoolean(`${group}.${name}.enable`, message));
      continue;
    }
    if (group === 'mail_settings' && name === 'sandbox_mode' && s.enable === true) sandbox = true;
    if (typeof s.enable === 'boolean') delivery[name] = s.enable;
  }
  const click = isObj(body.tracking_settings) && isObj(body.tracking_settings.click_tracking) ? body.tracking_settings.click_tracking : undefined;
  if (click && click.enable_text !== undefined && typeof click.enable_text !== 'boolean') {
    c.add(errors.settingNotBoolean('tracking_settings.click_tracking.enable_text', 'The click tracking enable text must be a boolean value.'));
  }

  c.throwIfAny();
  return { from: from!, replyTo, personalizations, template, subject, text, html, attachments, categories, customArgs, headers, sections, sendAt, batchId, asm, ipPool, sandbox, delivery };
}

/** Plain text SendGrid derives from HTML when a template version has none. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function render(source: string, data: unknown, escape: boolean, templateId: string): string {
  try {
    return renderDynamic(source, data, escape);
  } catch {
    throw new SendGridErrors([errors.templateInvalid(templateId)]);
  }
}

/** POST /v3/mail/send: validates, then stores one message per recipient (unless sandboxed). */
export async function SendMail(ctx: SendGridContext, tenant: string, body: unknown): Promise<MailResult> {
  if (!isObj(body)) throw errors.badRequest();
  const m = validate(ctx, tenant, body);
  if (m.sandbox) return { sandbox: true, xMessageId: null, messages: [] };

  const now = ctx.clock.now(tenant);
  const xMessageId = randomBase64Url(16);
  const filter = `filterdrecv-${randomHex(5)}-1-${Math.floor(now / 1000).toString(16).toUpperCase()}`;
  const rows: MessageRow[] = [];
  let n = 0;
  m.personalizations.forEach((p) => {
    let subject = p.subject ?? m.subject ?? null;
    let text = m.text ?? null;
    let html = m.html ?? null;
    if (m.template) {
      const v = m.template.version;
      const id = m.template.row.id;
      if (m.template.row.generation === 'dynamic') {
        const data = p.dynamic_template_data ?? {};
        html = v.html_content ? render(v.html_content, data, true, id) : null;
        const plain = v.plain_content || (v.generate_plain_content && v.html_content ? htmlToText(v.html_content) : '');
        text = plain ? render(plain, data, false, id) : null;
        if (v.subject) subject = render(v.subject, data, false, id);
      } else {
        if (v.html_content) html = v.html_content.split('<%body%>').join(html ?? text ?? '');
        const plain = v.plain_content || (v.generate_plain_content && v.html_content ? htmlToText(v.html_content) : '');
        if (plain) text = plain.split('<%body%>').join(text ?? '');
        if (v.subject) subject = v.subject.split('<%subject%>').join(subject ?? '');
      }
    }
    const apply = (s: string | null) => (s === null ? null : substitute(substitute(s, p.substitutions), m.sections));
    subject = apply(subject);
    text = apply(text);
    html = apply(html);
    const headers = { ...m.headers, ...p.headers };
    const customArgs = { ...m.customArgs, ...p.custom_args };
    const sendAt = p.send_at ?? m.sendAt ?? null;
    const common = {
      x_message_id: xMessageId,
      tenant,
      to_json: JSON.stringify(p.to),
      cc_json: JSON.stringify(p.cc),
      bcc_json: JSON.stringify(p.bcc),
      from_email: m.from.email,
      from_name: m.from.name ?? null,
      reply_to_json: m.replyTo ? JSON.stringify(m.replyTo) : null,
      subject,
      text,
      html,
      headers_json: JSON.stringify(headers),
      categories_json: JSON.stringify(m.categories),
      custom_args_json: JSON.stringify(customArgs),
      template_id: m.template?.row.id ?? null,
      dynamic_template_data_json: p.dynamic_template_data === undefined ? null : JSON.stringify(p.dynamic_template_data),
      send_at: sendAt,
      batch_id: m.batchId ?? null,
      asm_json: m.asm ? JSON.stringify(m.asm) : null,
      ip_pool_name: m.ipPool ?? null,
      settings_json: JSON.stringify(m.delivery),
      created: now,
    };
    for (const [kind, list] of [['to', p.to], ['cc', p.cc], ['bcc', p.bcc]] as [RecipientKind, Address[]][]) {
      for (const a of list) {
        rows.push({ ...common, seq: 0, msg_id: `${xMessageId}.${filter}-${n++}`, recipient: a.email, recipient_name: a.name ?? null, recipient_type: kind });
      }
    }
  });
  const attachments: AttachmentRow[] = m.attachments.map((a, idx) => ({
    x_message_id: xMessageId,
    idx,
    tenant,
    filename: a.filename,
    type: a.type,
    disposition: a.disposition,
    content_id: a.content_id,
    size: a.content.length,
    content: a.content,
  }));

  await ctx.db.write(() => {
    ctx.store.insertTenant.run(tenant, now);
    if (m.batchId) ctx.store.insertBatch.run(tenant, m.batchId, now);
    for (const r of rows) r.seq = Number(ctx.store.insertMessage.run(r).lastInsertRowid);
    for (const a of attachments) ctx.store.insertAttachment.run(a);
    ctx.lifecycle.accepted(rows);
  });
  ctx.bus.emit({
    provider: 'sendgrid',
    type: 'sendgrid.mail.accepted',
    tenant,
    id: xMessageId,
    summary: `${m.from.email} -> ${rows.length} recipient(s): ${(rows[0]?.subject ?? '').slice(0, 60)}`,
    time: new Date(now).toISOString(),
  });
  return { sandbox: false, xMessageId, messages: rows };
}
