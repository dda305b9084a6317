import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';

export const METRICS = [
  'blocks',
  'bounce_drops',
  'bounces',
  'clicks',
  'deferred',
  'delivered',
  'invalid_emails',
  'opens',
  'processed',
  'requests',
  'spam_report_drops',
  'spam_reports',
  'unique_clicks',
  'unique_opens',
  'unsubscribe_drops',
  'unsubscribes',
] as const;
type Metrics = Record<(typeof METRICS)[number], number>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

function parseDate(v: string, field: string): number {
  const t = Date.parse(v + 'T00:00:00Z');
  if (!DATE.test(v) || !Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== v) {
    throw errors.invalidRequest(`${field} must be a date in the format YYYY-MM-DD`, field);
  }
  return t;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The first day of the period a day belongs to (weeks start on Monday), not before `start`. */
function bucket(ms: number, by: string, start: number): number {
  const d = new Date(ms);
  let b = ms;
  if (by === 'week') b = ms - ((d.getUTCDay() + 6) % 7) * DAY;
  else if (by === 'month') b = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Math.max(b, start);
}

/** GET /v3/stats?start_date=&end_date=&aggregated_by=day|week|month: global stats from the recorded events. */
export function GetStats(ctx: SendGridContext, tenant: string, q: URLSearchParams) {
  const startRaw = q.get('start_date');
  if (!startRaw) throw errors.invalidRequest('missing start_date', 'start_date');
  const start = parseDate(startRaw, 'start_date');
  const endRaw = q.get('end_date');
  const end = endRaw ? parseDate(endRaw, 'end_date') : Date.UTC(new Date(ctx.clock.now()).getUTCFullYear(), new Date(ctx.clock.now()).getUTCMonth(), new Date(ctx.clock.now()).getUTCDate());
  if (end < start) throw errors.invalidRequest('end_date must be after start_date', 'end_date');
  if (end - start > 3660 * DAY) throw errors.invalidRequest('the date range may span at most 10 years', 'end_date');
  const by = q.get('aggregated_by') ?? 'day';
  if (!['day', 'week', 'month'].includes(by)) throw errors.invalidRequest('aggregated_by must be day, week or month', 'aggregated_by');

  const empty = (): Metrics => Object.fromEntries(METRICS.map((m) => [m, 0])) as Metrics;
  const buckets = new Map<number, { m: Metrics; opened: Set<string>; clicked: Set<string> }>();
  for (let t = start; t <= end; t += DAY) {
    const b = bucket(t, by, start);
    if (!buckets.has(b)) buckets.set(b, { m: empty(), opened: new Set(), clicked: new Set() });
  }
  const rows = ctx.db
    .stmt('SELECT msg_id, event, time, data_json FROM sendgrid_events WHERE tenant = ? AND time >= ? AND time < ? ORDER BY seq')
    .all(tenant, start, end + DAY) as { msg_id: string; event: string; time: number; data_json: string }[];
  for (const r of rows) {
    const t = Date.UTC(new Date(r.time).getUTCFullYear(), new Date(r.time).getUTCMonth(), new Date(r.time).getUTCDate());
    const b = buckets.get(bucket(t, by, start));
    if (!b) continue;
    const m = b.m;
    const d = JSON.parse(r.data_json) as { type?: string; reason?: string };
    switch (r.event) {
      case 'processed':
        m.processed++;
        m.requests++;
        break;
      case 'delivered':
        m.delivered++;
        break;
      case 'deferred':
        m.deferred++;
        break;
      case 'bounce':
        if (d.type === 'blocked') m.blocks++;
        else m.bounces++;
        break;
      case 'dropped':
        if (d.reason === 'Bounced Address') m.bounce_drops++;
        else if (d.reason === 'Spam Reporting Address') m.spam_report_drops++;
        else if (d.reason === 'Unsubscribed Address') m.unsubscribe_drops++;
        else if (d.reason === 'Invalid') m.invalid_emails++;
        break;
      case 'open':
        m.opens++;
        b.opened.add(r.msg_id);
        m.unique_opens = b.opened.size;
        break;
      case 'click':
        m.clicks++;
        b.clicked.add(r.msg_id);
        m.unique_clicks = b.clicked.size;
        break;
      case 'spamreport':
        m.spam_reports++;
        break;
      case 'unsubscribe':
      case 'group_unsubscribe':
        m.unsubscribes++;
        break;
    }
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, b]) => ({ date: day(t), stats: [{ metrics: b.m }] }));
}
