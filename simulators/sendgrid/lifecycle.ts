import type { Faker } from '@faker-js/faker';
import { createHash } from 'node:crypto';
import { lazyModule, offsetOf, randomBase64Url, type Clock, type Settings } from '../../src/core/index.js';
import { Stepper, type Database, type Statement } from '../../src/db/index.js';
import type { EventBus } from '../../src/events/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import type { BatchRow, EventWebhookRow, MessageRow, OutcomeRuleRow } from './store.js';

/** Faker is loaded the first time an engagement event needs it, not at boot. */
const fakerModule = lazyModule<typeof import('@faker-js/faker')>('@faker-js/faker', import.meta.url);

/** Events that change a message's delivery state; the others are engagement. */
export const DELIVERY_EVENTS = new Set(['processed', 'deferred', 'delivered', 'bounce', 'dropped']);
export const ALL_EVENTS = ['processed', 'deferred', 'delivered', 'bounce', 'dropped', 'open', 'click', 'unsubscribe', 'group_unsubscribe', 'spamreport'];
/** The Event Webhook setting that lets each event through. */
export const EVENT_FLAG: Record<string, string> = {
  processed: 'processed',
  deferred: 'deferred',
  delivered: 'delivered',
  bounce: 'bounce',
  dropped: 'dropped',
  open: 'open',
  click: 'click',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'group_unsubscribe',
  group_resubscribe: 'group_resubscribe',
  spamreport: 'spam_report',
};

export const DROP_REASONS = {
  bounces: 'Bounced Address',
  unsubscribes: 'Unsubscribed Address',
  spam_reports: 'Spam Reporting Address',
  invalid_emails: 'Invalid',
} as const;

const BOUNCE = { status: '5.1.1', reason: '550 5.1.1 The email account that you tried to reach does not exist.', classification: 'Invalid Address' };
const BLOCK = { status: '5.7.1', reason: '550 5.7.1 Message rejected due to local policy.', classification: 'Reputation' };
const INVALID_REASON = 'Mail domain mentioned in email address is unknown';
const MTA_IP = '149.72.123.24';

/** One planned event: its name and what it carries. */
export interface Step {
  event: string;
  type?: string;
  reason?: string;
  status?: string;
  url?: string;
}

export interface PublicRule {
  tenant: string | null;
  email: string;
  status: string;
  engagement: string[];
  reason: string | null;
  fixture: boolean;
}

export interface EmailLifecycleOptions {
  stepDelayMs: number;
  openRate: number;
  clickRate: number;
  seed: string;
}

/** An event written by a step, to be posted to the tenant's Event Webhooks. */
interface Emitted {
  tenant: string;
  msgId: string;
  data: Record<string, unknown>;
}

/** Does an address match a rule pattern: exact, `local@*`, `*@domain`, or any `*` glob (case-insensitive). */
export function matchesPattern(pattern: string, email: string): boolean {
  const p = pattern.toLowerCase();
  const e = email.toLowerCase();
  if (!p.includes('*')) return p === e;
  const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(e);
}

/** The first http(s) link of an HTML body. */
export function firstLink(html: string | null): string | undefined {
  if (!html) return undefined;
  return /<a\s[^>]*href\s*=\s*["'](https?:\/\/[^"']+)["']/i.exec(html)?.[1];
}

/**
 * The delivery and engagement of each recipient message: processed, then delivered (maybe after
 * deferred), bounce or dropped, then open, click, unsubscribe, spamreport as rules or the seeded
 * rates decide. The plan is fixed when the message is processed; every step is persisted
 * (`next_step_at`) so a restart resumes, and writes its event, its suppression and its Event
 * Webhook deliveries in one transaction.
 */
export class EmailLifecycle {
  private readonly stepper: Stepper;
  private rules: OutcomeRuleRow[] | undefined;
  private readonly setNextStep: Statement;
  private readonly getMessage: Statement;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly webhooks: Webhooks,
    private readonly opts: EmailLifecycleOptions,
  ) {
    this.stepper = new Stepper({ db, clock, table: 'sendgrid_messages', key: 'msg_id', order: 'seq', tenant: 'tenant', run: (due) => this.run(due) });
    this.setNextStep = db.stmt('UPDATE sendgrid_messages SET next_step_at = ? WHERE seq = ?');
    this.getMessage = db.stmt('SELECT * FROM sendgrid_messages WHERE msg_id = ?');
  }

  /**
   * When the next step is due for this tenant's timing (a future send_at waits for its time).
   * `now` is the tenant's simulated time; the answer is a wall-clock due time.
   */
  nextStepAt(tenant: string, now: number, sendAt: number | null = null): number | null {
    const timing = this.settings.timing(tenant);
    if (timing === 'manual') return null;
    const at = timing === 'immediate' ? now : now + this.opts.stepDelayMs;
    return (sendAt !== null && sendAt * 1000 > at ? sendAt * 1000 : at) - offsetOf(this.clock, tenant);
  }

  /** Called inside the write job that stored new messages. */
  accepted(rows: MessageRow[]): void {
    let first: number | null = null;
    for (const r of rows) {
      const at = this.nextStepAt(r.tenant, this.clock.now(r.tenant), r.send_at);
      this.setNextStep.run(at, r.seq);
      if (at !== null && (first === null || at < first)) first = at;
    }
    this.schedule(first);
  }

  /** Messages of a batch held by a pause or a cancel go on when the batch is released. */
  resumeBatch(tenant: string, batchId: string): void {
    const now = this.clock.now(tenant);
    const rows = this.db
      .stmt('SELECT * FROM sendgrid_messages WHERE tenant = ? AND batch_id = ? AND state IS NULL AND next_step_at IS NULL')
      .all(tenant, batchId) as MessageRow[];
    const upd = this.db.stmt('UPDATE sendgrid_messages SET next_step_at = ? WHERE seq = ?');
    for (const r of rows) {
      const at = this.nextStepAt(tenant, now, r.send_at);
      upd.run(at, r.seq);
      this.schedule(at);
    }
  }

  // ---- outcome rules -------------------------------------------------------------------------

  private loadRules(): OutcomeRuleRow[] {
    this.rules ??= this.db.stmt('SELECT * FROM sendgrid_outcome_rules ORDER BY fixture, id').all() as OutcomeRuleRow[];
    return this.rules;
  }

  /** Rules that apply to a tenant: its own first, then those for every tenant. */
  listRules(tenant?: string): PublicRule[] {
    const all = this.loadRules();
    const list = tenant === undefined ? all : [...all.filter((r) => r.tenant === tenant && tenant !== ''), ...all.filter((r) => r.tenant === '')];
    return list.map((r) => ({
      tenant: r.tenant || null,
      email: r.email,
      status: r.status,
      engagement: JSON.parse(r.engagement_json) as string[],
      reason: r.reason,
      fixture: r.fixture === 1,
    }));
  }

  setRules(tenant: string, rules: { email: string; status: string; engagement?: string[]; reason?: string | null }[], fixture = false): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      this.db.stmt('DELETE FROM sendgrid_outcome_rules WHERE tenant = ? AND fixture = ?').run(tenant, fixture ? 1 : 0);
      const ins = this.db.stmt(
        'INSERT INTO sendgrid_outcome_rules (tenant, email, status, engagement_json, reason, fixture, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const r of rules) ins.run(tenant, r.email, r.status, JSON.stringify(r.engagement ?? []), r.reason ?? null, fixture ? 1 : 0, now);
    });
    this.rules = undefined;
  }

  forgetRules(): void {
    this.rules = undefined;
  }

  private ruleFor(tenant: string, email: string): OutcomeRuleRow | undefined {
    const all = this.loadRules();
    return (
      all.find((r) => r.tenant === tenant && r.fixture === 0 && matchesPattern(r.email, email)) ??
      all.find((r) => r.tenant === '' && r.fixture === 0 && matchesPattern(r.email, email)) ??
      all.find((r) => r.fixture === 1 && matchesPattern(r.email, email))
    );
  }

  // ---- planning ------------------------------------------------------------------------------

  /**
   * A Faker seeded by the configured seed and what a replayed demo repeats: the tenant, the
   * recipient and how many messages it got before (message ids differ from run to run).
   */
  private fakerFor(m: MessageRow, salt = ''): Faker {
    const n = this.db
      .stmt('SELECT COUNT(*) FROM sendgrid_messages WHERE tenant = ? AND recipient = ? COLLATE NOCASE AND seq < ?')
      .pluck()
      .get(m.tenant, m.recipient, m.seq) as number;
    const { Faker: FakerClass, en, base } = fakerModule();
    const f = new FakerClass({ locale: [en, base] });
    f.seed(createHash('sha256').update([this.opts.seed, m.tenant, m.recipient.toLowerCase(), n, salt].join('\u0000')).digest().readUInt32BE(0));
    return f;
  }

  /** The list a suppressed address is on, checked in SendGrid's order, or undefined. */
  private suppressedBy(m: MessageRow): keyof typeof DROP_REASONS | undefined {
    const s = this.db.sql;
    const on = (list: string) => s.prepare('SELECT 1 FROM sendgrid_suppressions WHERE tenant = ? AND list = ? AND email = ?').get(m.tenant, list, m.recipient);
    const asm = m.asm_json ? (JSON.parse(m.asm_json) as { group_id?: number }) : undefined;
    const settings = JSON.parse(m.settings_json ?? '{}') as Record<string, boolean>;
    // bypass_list_management skips every list; the others skip one each (not unsubscribe groups).
    const all = settings.bypass_list_management === true;
    if (all) return undefined;
    if (!settings.bypass_bounce_management && on('bounces')) return 'bounces';
    if (!settings.bypass_bounce_management && on('invalid_emails')) return 'invalid_emails';
    if (!settings.bypass_spam_management && on('spam_reports')) return 'spam_reports';
    if (!settings.bypass_unsubscribe_management && on('unsubscribes')) return 'unsubscribes';
    if (asm?.group_id !== undefined) {
      const g = s.prepare('SELECT 1 FROM sendgrid_asm_suppressions WHERE tenant = ? AND group_id = ? AND email = ?').get(m.tenant, asm.group_id, m.recipient);
      if (g) return 'unsubscribes';
    }
    return undefined;
  }

  /** The events after `processed`, from suppressions, the outcome rules, then the seeded rates. */
  plan(m: MessageRow): Step[] {
    const suppressed = this.suppressedBy(m);
    if (suppressed) return [{ event: 'dropped', reason: DROP_REASONS[suppressed] }];
    const rule = this.ruleFor(m.tenant, m.recipient);
    const steps: Step[] = [];
    switch (rule?.status ?? 'delivered') {
      case 'deferred':
        steps.push({ event: 'deferred' }, { event: 'delivered' });
        break;
      case 'bounce':
        return [{ event: 'bounce', type: 'bounce', reason: rule?.reason ?? BOUNCE.reason, status: BOUNCE.status }];
      case 'blocked':
        return [{ event: 'bounce', type: 'blocked', reason: rule?.reason ?? BLOCK.reason, status: BLOCK.status }];
      case 'dropped':
        return [{ event: 'dropped', reason: rule?.reason ?? 'Invalid SMTPAPI header' }];
      case 'invalid':
        return [{ event: 'dropped', reason: DROP_REASONS.invalid_emails, type: 'invalid' }];
      default:
        steps.push({ event: 'delivered' });
    }
    const settings = JSON.parse(m.settings_json ?? '{}') as Record<string, boolean>;
    // Opens and clicks are only seen when tracking is on (SendGrid's default).
    const link = settings.click_tracking === false ? undefined : firstLink(m.html);
    const opens = settings.open_tracking !== false;
    if (rule) {
      const wanted = new Set(JSON.parse(rule.engagement_json) as string[]);
      if (opens && (wanted.has('open') || wanted.has('click'))) steps.push({ event: 'open' });
      if (wanted.has('click') && link) steps.push({ event: 'click', url: link });
      if (wanted.has('unsubscribe')) steps.push({ event: this.unsubscribeEvent(m) });
      if (wanted.has('spamreport')) steps.push({ event: 'spamreport' });
      return steps;
    }
    if (this.opts.openRate > 0 && opens) {
      const f = this.fakerFor(m);
      if (f.number.float({ min: 0, max: 1 }) < this.opts.openRate) {
        steps.push({ event: 'open' });
        if (link && f.number.float({ min: 0, max: 1 }) < this.opts.clickRate) steps.push({ event: 'click', url: link });
      }
    }
    return steps;
  }

  private unsubscribeEvent(m: MessageRow): string {
    const asm = m.asm_json ? (JSON.parse(m.asm_json) as { group_id?: number }) : undefined;
    return asm?.group_id !== undefined ? 'group_unsubscribe' : 'unsubscribe';
  }

  // ---- stepping ------------------------------------------------------------------------------

  schedule(at: number | null): void {
    this.stepper.schedule(at);
  }

  tick(): Promise<void> {
    return this.stepper.tick();
  }

  private async run(due: string[]): Promise<void> {
    const emitted = await this.db.write(() => {
      const out: Emitted[] = [];
      for (const id of due) {
        try {
          this.db.sql.transaction(() => this.stepInTx(id, out, true))();
        } catch {
          // a message that cannot step stops instead of being retried forever
          this.db.stmt('UPDATE sendgrid_messages SET next_step_at = NULL WHERE msg_id = ?').run(id);
        }
      }
      this.dispatch(out);
      return out;
    });
    this.announce(emitted);
  }


  /**
   * Steps one message by hand: its next event, or up to the named event. A delivery event
   * different from the plan replaces the rest of the plan (`bounce`, `dropped`, `deferred`...);
   * an engagement event not planned is added. Answers the message after the steps.
   */
  async advance(msgId: string, target?: string): Promise<MessageRow | undefined> {
    const result = await this.db.write(() => {
      const out: Emitted[] = [];
      const m = this.get(msgId);
      if (!m) return undefined;
      if (target && target !== 'processed') this.retarget(m, target);
      // The event that ends the steps: `blocked` is a bounce, an unsubscribe follows the send's group.
      const want = target === 'blocked' ? 'bounce' : target === 'unsubscribe' || target === 'group_unsubscribe' ? this.unsubscribeEvent(m) : target;
      for (let i = 0; i < 12; i++) {
        const ev = this.stepInTx(msgId, out, false);
        if (!ev || !want || ev === want) break;
      }
      this.dispatch(out);
      return { row: this.get(msgId)!, out };
    });
    if (!result) return undefined;
    this.announce(result.out);
    return result.row;
  }

  /** Makes the plan of a message reach `target`. */
  private retarget(m: MessageRow, target: string): void {
    let plan: Step[] = m.plan_json ? (JSON.parse(m.plan_json) as Step[]) : m.state === null || m.state === undefined ? this.plan(m) : [];
    if (plan.some((s) => s.event === target)) {
      if (!m.plan_json) this.savePlan(m.seq, plan);
      return;
    }
    const link = firstLink(m.html);
    const delivered = m.state === 'delivered' || plan.some((s) => s.event === 'delivered');
    const engagement = (ev: string): Step => (ev === 'click' ? { event: 'click', url: link ?? 'https://example.com/' } : { event: ev });
    if (target === 'delivered') plan = [{ event: 'delivered' }, ...plan.filter((s) => !DELIVERY_EVENTS.has(s.event))];
    else if (target === 'deferred') plan = [{ event: 'deferred' }, { event: 'delivered' }, ...plan.filter((s) => !DELIVERY_EVENTS.has(s.event))];
    else if (target === 'bounce') plan = [{ event: 'bounce', type: 'bounce', reason: BOUNCE.reason, status: BOUNCE.status }];
    else if (target === 'blocked') plan = [{ event: 'bounce', type: 'blocked', reason: BLOCK.reason, status: BLOCK.status }];
    else if (target === 'dropped') plan = [{ event: 'dropped', reason: 'Invalid SMTPAPI header' }];
    else {
      const ev = target === 'unsubscribe' || target === 'group_unsubscribe' ? this.unsubscribeEvent(m) : target;
      if (!delivered) plan = [{ event: 'delivered' }, ...plan.filter((s) => !DELIVERY_EVENTS.has(s.event))];
      const opened =
        plan.some((s) => s.event === 'open') ||
        this.db.stmt("SELECT 1 FROM sendgrid_events WHERE msg_id = ? AND event = 'open'").get(m.msg_id) !== undefined;
      if (ev === 'click' && !opened) plan.push({ event: 'open' });
      plan.push(engagement(ev));
    }
    this.savePlan(m.seq, plan);
  }

  private savePlan(seq: number, plan: Step[]): void {
    this.db.stmt('UPDATE sendgrid_messages SET plan_json = ? WHERE seq = ?').run(JSON.stringify(plan), seq);
  }

  get(msgId: string): MessageRow | undefined {
    return this.getMessage.get(msgId) as MessageRow | undefined;
  }

  /** Writes the next event of one message; answers its name (or undefined when nothing happened). */
  private stepInTx(msgId: string, out: Emitted[], dueOnly: boolean): string | undefined {
    const m = this.get(msgId);
    if (!m) return undefined;
    const now = this.clock.now(m.tenant);
    const s = this.db.sql;
    if (dueOnly && (m.next_step_at === null || m.next_step_at === undefined || m.next_step_at > this.clock.now())) return undefined;
    const stop = () => void s.prepare('UPDATE sendgrid_messages SET next_step_at = NULL WHERE seq = ?').run(m.seq);
    let plan: Step[];
    let step: Step;
    if (m.state === null || m.state === undefined) {
      // Not processed yet: a canceled or paused batch holds it.
      if (m.batch_id !== null && m.send_at !== null) {
        const b = s.prepare('SELECT * FROM sendgrid_batches WHERE tenant = ? AND batch_id = ?').get(m.tenant, m.batch_id) as BatchRow | undefined;
        if (b?.status === 'cancel' || b?.status === 'pause') return stop();
      }
      plan = m.plan_json ? (JSON.parse(m.plan_json) as Step[]) : this.plan(m);
      step = { event: 'processed' };
    } else {
      plan = m.plan_json ? (JSON.parse(m.plan_json) as Step[]) : [];
      const next = plan.shift();
      if (!next) return stop();
      step = next;
    }
    const data = this.eventData(m, step, now);
    out.push({ tenant: m.tenant, msgId: m.msg_id, data });
    s.prepare('INSERT INTO sendgrid_events (sg_event_id, tenant, msg_id, email, event, time, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      data.sg_event_id,
      m.tenant,
      m.msg_id,
      m.recipient,
      step.event,
      now,
      JSON.stringify(data),
    );
    this.suppress(m, step, data, now);
    const state = DELIVERY_EVENTS.has(step.event) ? step.event : m.state;
    const next = plan.length ? this.nextStepAt(m.tenant, now) : null;
    s.prepare('UPDATE sendgrid_messages SET state = ?, plan_json = ?, next_step_at = ?, last_event_time = ? WHERE seq = ?').run(
      state,
      JSON.stringify(plan),
      next,
      now,
      m.seq,
    );
    this.schedule(next);
    return step.event;
  }

  /** SendGrid's event object for one step. Custom args come first so SendGrid's own fields win. */
  private eventData(m: MessageRow, step: Step, now: number): Record<string, unknown> {
    const categories = JSON.parse(m.categories_json) as string[];
    const customArgs = JSON.parse(m.custom_args_json) as Record<string, string>;
    const asm = m.asm_json ? (JSON.parse(m.asm_json) as { group_id?: number }) : undefined;
    const data: Record<string, unknown> = {
      ...customArgs,
      email: m.recipient,
      timestamp: Math.floor(now / 1000),
      'smtp-id': `<${m.x_message_id}@ismtpd0001p1iad2.sendgrid.net>`,
      event: step.event,
    };
    if (categories.length === 1) data.category = categories[0];
    else if (categories.length > 1) data.category = categories;
    data.sg_event_id = randomBase64Url(16);
    data.sg_message_id = m.msg_id;
    if (asm?.group_id !== undefined) data.asm_group_id = asm.group_id;
    const f = () => this.fakerFor(m, step.event);
    switch (step.event) {
      case 'processed':
        if (m.send_at !== null) data.send_at = m.send_at;
        if (m.ip_pool_name !== null) data.pool = { name: m.ip_pool_name, id: 1 };
        break;
      case 'delivered':
        Object.assign(data, { ip: MTA_IP, response: '250 2.0.0 OK', tls: 1 });
        break;
      case 'deferred':
        Object.assign(data, { ip: MTA_IP, response: '421 4.7.0 Try again later, closing connection.', attempt: '1', tls: 1 });
        break;
      case 'bounce':
        Object.assign(data, {
          ip: MTA_IP,
          reason: step.reason,
          status: step.status,
          type: step.type,
          bounce_classification: step.type === 'blocked' ? BLOCK.classification : BOUNCE.classification,
          tls: 1,
        });
        break;
      case 'dropped':
        data.reason = step.reason;
        break;
      case 'open': {
        const g = f();
        Object.assign(data, { useragent: g.internet.userAgent(), ip: g.internet.ipv4(), sg_machine_open: false });
        break;
      }
      case 'click': {
        const g = f();
        Object.assign(data, { url: step.url, url_offset: { index: 0, type: 'html' }, useragent: g.internet.userAgent(), ip: g.internet.ipv4() });
        break;
      }
      case 'unsubscribe':
      case 'group_unsubscribe': {
        const g = f();
        Object.assign(data, { useragent: g.internet.userAgent(), ip: g.internet.ipv4() });
        break;
      }
    }
    return data;
  }

  /** Bounces, blocks, invalid addresses, spam reports and unsubscribes land on their lists. */
  private suppress(m: MessageRow, step: Step, data: Record<string, unknown>, now: number): void {
    const add = (list: string, reason: string | null, status: string | null, ip: string | null) =>
      this.db
        .stmt(
          `INSERT INTO sendgrid_suppressions (tenant, list, email, created, reason, status, ip) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant, list, email) DO UPDATE SET created = excluded.created, reason = excluded.reason, status = excluded.status, ip = excluded.ip`,
        )
        .run(m.tenant, list, m.recipient, Math.floor(now / 1000), reason, status, ip);
    if (step.event === 'bounce') add(step.type === 'blocked' ? 'blocks' : 'bounces', step.reason ?? null, step.status ?? null, null);
    else if (step.event === 'dropped' && step.type === 'invalid') add('invalid_emails', INVALID_REASON, null, null);
    else if (step.event === 'spamreport') add('spam_reports', null, null, MTA_IP);
    else if (step.event === 'unsubscribe') add('unsubscribes', null, null, null);
    else if (step.event === 'group_unsubscribe' && typeof data.asm_group_id === 'number') {
      this.db
        .stmt('INSERT OR IGNORE INTO sendgrid_asm_suppressions (tenant, group_id, email, created) VALUES (?, ?, ?, ?)')
        .run(m.tenant, data.asm_group_id, m.recipient, Math.floor(now / 1000));
    }
  }

  /** Posts the events of one transaction, per tenant, as one JSON array to each enabled Event Webhook. */
  private dispatch(out: Emitted[]): void {
    const byTenant = new Map<string, Record<string, unknown>[]>();
    for (const e of out) {
      const list = byTenant.get(e.tenant) ?? [];
      list.push(e.data);
      byTenant.set(e.tenant, list);
    }
    for (const [tenant, events] of byTenant) postEvents(this.db, this.webhooks, tenant, events);
  }

  private announce(out: Emitted[]): void {
    for (const e of out) {
      this.bus.emit({
        provider: 'sendgrid',
        type: 'sendgrid.event',
        tenant: e.tenant,
        id: e.msgId,
        summary: `${String(e.data.event)} ${String(e.data.email)}`,
        time: new Date(this.clock.now()).toISOString(),
      });
    }
  }

  stop(): void {
    this.stepper.stop();
  }
}

/**
 * Enqueues events to every enabled Event Webhook of a tenant, each webhook getting the events
 * its settings let through. Call inside the write job that recorded the events.
 */
export function postEvents(db: Database, webhooks: Webhooks, tenant: string, events: Record<string, unknown>[], only?: EventWebhookRow): void {
  const hooks = only
    ? [only]
    : (db.stmt('SELECT * FROM sendgrid_event_webhooks WHERE tenant = ? AND enabled = 1 ORDER BY seq').all(tenant) as EventWebhookRow[]);
  for (const h of hooks) {
    const flags = JSON.parse(h.flags_json) as Record<string, boolean>;
    const batch = only ? events : events.filter((e) => flags[EVENT_FLAG[e.event as string]] === true);
    if (batch.length === 0) continue;
    webhooks.enqueue({
      provider: 'sendgrid',
      tenant,
      resource: `sendgrid-webhook:${h.id}`,
      kind: 'sendgrid.events',
      url: h.url,
      method: 'POST',
      body: { contentType: 'application/json', data: JSON.stringify(batch) },
      signer: 'sendgrid',
      context: { webhook_id: h.id, events: batch.length },
    });
  }
}
