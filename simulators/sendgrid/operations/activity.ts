import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';
import type { EventRow, MessageRow } from '../store.js';

/**
 * Email Activity's query language: `field="value"` (to_email, from_email, subject, status,
 * msg_id, template_id, categories), `last_event_time BETWEEN TIMESTAMP "..." AND TIMESTAMP "..."`,
 * combined with AND, OR, NOT and parentheses.
 */
type Token = { kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen'; value: string };
type Pred = (m: ActivityMessage) => boolean;

export interface ActivityMessage {
  row: MessageRow;
  status: string;
  opens: number;
  clicks: number;
  lastEventTime: number;
}

const FIELDS = new Set(['to_email', 'from_email', 'subject', 'status', 'msg_id', 'template_id', 'categories', 'last_event_time']);

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c) || c === ',') i++;
    else if (c === '(') (out.push({ kind: 'lparen', value: c }), i++);
    else if (c === ')') (out.push({ kind: 'rparen', value: c }), i++);
    else if (c === '"' || c === "'") {
      const end = q.indexOf(c, i + 1);
      if (end === -1) throw bad();
      out.push({ kind: 'string', value: q.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = q.slice(i, i + 2);
      const op = two === '!=' || two === '<=' || two === '>=' || two === '<>' ? two : c;
      if (op === '!') throw bad();
      out.push({ kind: 'op', value: op });
      i += op.length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i));
      if (!m) throw bad();
      out.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

const bad = () => errors.invalidRequest('invalid query', 'query');

function parse(q: string): Pred {
  const toks = tokenize(q);
  let p = 0;
  const peekWord = (w: string) => toks[p]?.kind === 'word' && toks[p].value.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!peekWord(w)) throw bad();
    p++;
  };
  const str = (): string => {
    const t = toks[p++];
    if (!t || t.kind !== 'string') throw bad();
    return t.value;
  };
  const timestamp = (): number => {
    expectWord('TIMESTAMP');
    const t = Date.parse(str());
    if (!Number.isFinite(t)) throw bad();
    return t;
  };
  const value = (m: ActivityMessage, field: string): string[] => {
    switch (field) {
      case 'to_email':
        return [m.row.recipient.toLowerCase()];
      case 'from_email':
        return [m.row.from_email.toLowerCase()];
      case 'subject':
        return [m.row.subject ?? ''];
      case 'status':
        return [m.status];
      case 'msg_id':
        return [m.row.msg_id];
      case 'template_id':
        return [m.row.template_id ?? ''];
      case 'categories':
        return JSON.parse(m.row.categories_json) as string[];
      default:
        return [];
    }
  };
  const comparison = (): Pred => {
    const t = toks[p++];
    if (!t || t.kind !== 'word' || !FIELDS.has(t.value)) throw bad();
    const field = t.value;
    if (field === 'last_event_time') {
      if (peekWord('BETWEEN')) {
        p++;
        const from = timestamp();
        expectWord('AND');
        const to = timestamp();
        return (m) => m.lastEventTime >= from && m.lastEventTime <= to;
      }
      const op = toks[p++];
      if (!op || op.kind !== 'op') throw bad();
      const t0 = timestamp();
      const cmp: Record<string, (a: number) => boolean> = {
        '=': (a) => a === t0,
        '<': (a) => a < t0,
        '>': (a) => a > t0,
        '<=': (a) => a <= t0,
        '>=': (a) => a >= t0,
        '!=': (a) => a !== t0,
      };
      const f = cmp[op.value];
      if (!f) throw bad();
      return (m) => f(m.lastEventTime);
    }
    if (peekWord('IN')) {
      p++;
      if (toks[p++]?.kind !== 'lparen') throw bad();
      const vals: string[] = [str()];
      while (toks[p] && toks[p].kind !== 'rparen') vals.push(str());
      p++;
      const set = new Set(vals.map((v) => (field.endsWith('email') ? v.toLowerCase() : v)));
      return (m) => value(m, field).some((v) => set.has(v));
    }
    if (peekWord('LIKE')) {
      p++;
      const pattern = str();
      const re = new RegExp('^' + pattern.split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
      return (m) => value(m, field).some((v) => re.test(v));
    }
    const op = toks[p++];
    if (!op || op.kind !== 'op' || (op.value !== '=' && op.value !== '!=' && op.value !== '<>')) throw bad();
    const raw = str();
    const v = field.endsWith('email') ? raw.toLowerCase() : raw;
    return op.value === '=' ? (m) => value(m, field).includes(v) : (m) => !value(m, field).includes(v);
  };
  const primary = (): Pred => {
    if (peekWord('NOT')) {
      p++;
      const inner = primary();
      return (m) => !inner(m);
    }
    if (toks[p]?.kind === 'lparen') {
      p++;
      const e = or();
      if (toks[p++]?.kind !== 'rparen') throw bad();
      return e;
    }
    return comparison();
  };
  const and = (): Pred => {
    let left = primary();
    while (peekWord('AND')) {
      p++;
      const l = left;
      const r = primary();
      left = (m) => l(m) && r(m);
    }
    return left;
  };
  const or = (): Pred => {
    let left = and();
    while (peekWord('OR')) {
      p++;
      const l = left;
      const r = and();
      left = (m) => l(m) || r(m);
    }
    return left;
  };
  const e = or();
  if (p !== toks.length) throw bad();
  return e;
}

function activityStatus(state: string | null | undefined): string {
  if (state === 'delivered') return 'delivered';
  if (state === 'bounce' || state === 'dropped') return 'not_delivered';
  return 'processed';
}

function toActivity(ctx: SendGridContext, row: MessageRow): ActivityMessage {
  const counts = ctx.db
    .stmt("SELECT SUM(event = 'open') AS opens, SUM(event = 'click') AS clicks FROM sendgrid_events WHERE msg_id = ?")
    .get(row.msg_id) as { opens: number | null; clicks: number | null };
  return { row, status: activityStatus(row.state), opens: counts.opens ?? 0, clicks: counts.clicks ?? 0, lastEventTime: row.last_event_time ?? row.created };
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** GET /v3/messages?query=...&limit=N (limit 1 to 1000, default 10) */
export function ListMessage(ctx: SendGridContext, tenant: string, q: URLSearchParams) {
  const query = q.get('query');
  if (query === null || query.trim() === '') throw errors.invalidRequest('query is required', 'query');
  const limitRaw = q.get('limit') ?? '10';
  if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000) throw errors.invalidRequest('limit must be between 1 and 1000', 'limit');
  const pred = parse(query);
  const rows = ctx.db.stmt('SELECT * FROM sendgrid_messages WHERE tenant = ? ORDER BY seq DESC').all(tenant) as MessageRow[];
  const out = [];
  for (const r of rows) {
    const m = toActivity(ctx, r);
    if (!pred(m)) continue;
    out.push({
      from_email: r.from_email,
      msg_id: r.msg_id,
      subject: r.subject ?? '',
      to_email: r.recipient,
      status: m.status,
      opens_count: m.opens,
      clicks_count: m.clicks,
      last_event_time: isoSeconds(m.lastEventTime),
    });
    if (out.length >= Number(limitRaw)) break;
  }
  return out;
}

const EVENT_NAMES: Record<string, string> = {
  bounce: 'bounced',
  open: 'opened',
  click: 'clicked',
  spamreport: 'spam_report',
};

/** GET /v3/messages/{msg_id} */
export function GetMessage(ctx: SendGridContext, tenant: string, msgId: string) {
  const row = ctx.db.stmt('SELECT * FROM sendgrid_messages WHERE tenant = ? AND msg_id = ?').get(tenant, msgId) as MessageRow | undefined;
  if (!row) throw errors.messageNotFound();
  const events = ctx.db.stmt('SELECT * FROM sendgrid_events WHERE msg_id = ? ORDER BY seq').all(msgId) as EventRow[];
  const asm = row.asm_json ? (JSON.parse(row.asm_json) as { group_id?: number }) : undefined;
  const out: Record<string, unknown> = {
    from_email: row.from_email,
    msg_id: row.msg_id,
    subject: row.subject ?? '',
    to_email: row.recipient,
    status: activityStatus(row.state),
    template_id: row.template_id ?? '',
    events: events.map((e) => {
      const d = JSON.parse(e.data_json) as Record<string, unknown>;
      const ev: Record<string, unknown> = {
        event_name: EVENT_NAMES[e.event] ?? e.event,
        processed: isoSeconds(e.time),
        bounce_type: e.event === 'bounce' ? (d.type === 'blocked' ? 'soft' : 'hard') : '',
        http_user_agent: typeof d.useragent === 'string' ? d.useragent : '',
        mx_server: e.event === 'delivered' || e.event === 'deferred' || e.event === 'bounce' ? 'mx.' + row.recipient.split('@')[1] : '',
      };
      if (typeof d.reason === 'string') ev.reason = d.reason;
      if (typeof d.url === 'string') ev.url = d.url;
      if (typeof d.attempt === 'string') ev.attempt_num = Number(d.attempt);
      return ev;
    }),
    originating_ip: '127.0.0.1',
    categories: JSON.parse(row.categories_json) as string[],
    unique_args: row.custom_args_json,
    outbound_ip: '149.72.123.24',
    outbound_ip_type: 'dedicated',
  };
  if (asm?.group_id !== undefined) out.asm_group_id = asm.group_id;
  return out;
}
