import { createHash } from 'node:crypto';
import { offsetOf, type Clock, type Settings } from '../../src/core/index.js';
import { Stepper, type Database } from '../../src/db/index.js';
import type { EventBus } from '../../src/events/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import { countSegments } from './phone.js';
import { API_VERSION } from './serializers.js';
import type { MessageRow } from './store.js';

/** Twilio's asynchronous delivery errors. */
export const DELIVERY_ERRORS: Record<number, string> = {
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
};

export const FINAL_MESSAGE_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'canceled', 'received', 'read']);

export interface OutcomeRule {
  id?: number;
  tenant: string;
  kind: 'message' | 'call';
  number: string;
  status: string;
  error_code: number | null;
  fixture?: number;
}

/** The planned end of a message: `delivered`, or `undelivered:30003` / `failed:30008`. */
export type Outcome = string;

export interface LifecycleOptions {
  stepDelayMs: number;
  /** Share of messages without a rule that end undelivered (demos); 0 for none. */
  failureRate: number;
  seed: string;
}

/**
 * The outbound message state machine: (scheduled|accepted) -> queued -> sending -> sent ->
 * delivered, or sending -> failed / sent -> undelivered as the outcome rules decide. Steps are
 * persisted (`next_step_at`), so a restart resumes them; every transition writes its status
 * callback into the webhook outbox in the same transaction.
 */
export class MessageLifecycle {
  private readonly stepper: Stepper;
  /** Outcome rules by tenant ('' = every tenant), loaded on first use. */
  private rules: Map<string, OutcomeRule[]> | undefined;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly webhooks: Webhooks,
    private readonly opts: LifecycleOptions,
  ) {
    this.stepper = new Stepper({ db, clock, table: 'twilio_messages', key: 'sid', tenant: 'account_sid', run: (due, now) => this.run(due, now) });
  }

  /**
   * When the next step after entering `status` is due, for this tenant's timing mode. `now` and
   * `sendAt` are the tenant's simulated time; the answer is a wall-clock due time.
   */
  nextStepAt(tenant: string, status: string, now: number, sendAt: number | null = null): number | null {
    if (FINAL_MESSAGE_STATUSES.has(status)) return null;
    const timing = this.settings.timing(tenant);
    if (timing === 'manual') return null;
    const offset = offsetOf(this.clock, tenant);
    if (status === 'scheduled') return sendAt === null ? null : sendAt - offset;
    return (timing === 'immediate' ? now : now + this.opts.stepDelayMs) - offset;
  }

  listRules(tenant?: string): OutcomeRule[] {
    if (!this.rules) {
      this.rules = new Map();
      for (const r of this.db.stmt('SELECT * FROM twilio_outcome_rules ORDER BY id').all() as OutcomeRule[]) {
        const list = this.rules.get(r.tenant) ?? [];
        list.push(r);
        this.rules.set(r.tenant, list);
      }
    }
    if (tenant === undefined) return [...this.rules.values()].flat();
    return [...(this.rules.get(tenant) ?? []), ...(tenant ? this.rules.get('') ?? [] : [])];
  }

  /** Replaces the (non-fixture) rules of a tenant ('' = every tenant). */
  setRules(tenant: string, rules: Omit<OutcomeRule, 'tenant'>[], fixture = false): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      this.db.stmt('DELETE FROM twilio_outcome_rules WHERE tenant = ? AND fixture = ?').run(tenant, fixture ? 1 : 0);
      const ins = this.db.stmt(
        'INSERT INTO twilio_outcome_rules (tenant, kind, number, status, error_code, fixture, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const r of rules) ins.run(tenant, r.kind, r.number, r.status, r.error_code ?? null, fixture ? 1 : 0, now);
    });
    this.rules = undefined;
  }

  forgetRules(): void {
    this.rules = undefined;
  }

  /** Picks the outcome of a new message. */
  outcomeFor(tenant: string, sid: string, to: string): Outcome {
    for (const r of this.listRules(tenant)) {
      if (r.kind !== 'message') continue;
      const hit = r.number.endsWith('*') ? to.startsWith(r.number.slice(0, -1)) : to === r.number;
      if (!hit) continue;
      if (r.status === 'delivered') return 'delivered';
      return `${r.status}:${r.error_code ?? (r.status === 'failed' ? 30008 : 30003)}`;
    }
    if (this.opts.failureRate > 0) {
      const h = createHash('sha256').update(this.opts.seed + sid).digest().readUInt32BE(0) / 0x100000000;
      if (h < this.opts.failureRate) return 'undelivered:30003';
    }
    return 'delivered';
  }

  /** Makes sure a tick runs by `at`. */
  schedule(at: number | null): void {
    this.stepper.schedule(at);
  }

  /** Advances every message whose step is due, then sleeps until the next one. */
  tick(): Promise<void> {
    return this.stepper.tick();
  }

  private async run(due: string[], now: number): Promise<void> {
    const changed = await this.db.write(() => {
      // Read the rows inside the transaction: an /advance or a cancel may have moved them.
      const rows = this.db
        .stmt('SELECT * FROM twilio_messages WHERE sid IN (SELECT value FROM json_each(?)) AND next_step_at IS NOT NULL AND next_step_at <= ?')
        .all(JSON.stringify(due), now) as MessageRow[];
      return rows.map((m) => this.stepInTx(m.account_sid, m.sid, m)).filter(Boolean);
    });
    for (const m of changed) this.emit(m!);
  }

  /**
   * One step by hand (manual timing), or steps up to `target`. A final target different from
   * the planned one replaces the outcome (`undelivered` with `errorCode`, default 30003).
   */
  async advance(tenant: string, sid: string, target?: string, errorCode?: number): Promise<MessageRow | undefined> {
    const result = await this.db.write(() => {
      const changed: MessageRow[] = [];
      let row = this.get(tenant, sid);
      if (!row) return undefined;
      const planned = (row.outcome ?? 'delivered').split(':')[0];
      if (target && FINAL_MESSAGE_STATUSES.has(target) && target !== 'canceled' && (target !== planned || errorCode !== undefined)) {
        const outcome = target === 'delivered' ? 'delivered' : `${target}:${errorCode ?? (target === 'failed' ? 30008 : 30003)}`;
        this.db.stmt('UPDATE twilio_messages SET outcome = ? WHERE sid = ?').run(outcome, sid);
      }
      for (let i = 0; i < 10; i++) {
        const next = this.stepInTx(tenant, sid);
        if (!next) break;
        changed.push(next);
        row = next;
        if (!target || row.status === target || FINAL_MESSAGE_STATUSES.has(row.status)) break;
      }
      return { row, changed };
    });
    if (!result) return undefined;
    for (const m of result.changed) this.emit(m);
    return result.row;
  }

  private get(tenant: string, sid: string): MessageRow | undefined {
    return this.db.stmt('SELECT * FROM twilio_messages WHERE account_sid = ? AND sid = ?').get(tenant, sid) as MessageRow | undefined;
  }

  private nextStatus(m: MessageRow & { outcome?: string | null }): string | null {
    const [end] = (m.outcome ?? 'delivered').split(':');
    switch (m.status) {
      case 'scheduled':
      case 'accepted':
        return 'queued';
      case 'queued':
        return 'sending';
      case 'sending':
        return end === 'failed' ? 'failed' : 'sent';
      case 'sent':
        return end === 'undelivered' ? 'undelivered' : 'delivered';
      default:
        return null;
    }
  }

  /** Moves one message one step inside the current transaction; returns the new row. */
  private stepInTx(tenant: string, sid: string, current?: MessageRow): MessageRow | undefined {
    const m = current ?? this.get(tenant, sid);
    if (!m) return undefined;
    const status = this.nextStatus(m);
    if (!status) {
      this.db.stmt('UPDATE twilio_messages SET next_step_at = NULL WHERE sid = ?').run(sid);
      return undefined;
    }
    const now = this.clock.now(tenant);
    if (m.status === 'accepted' && m.from_number === null && m.messaging_service_sid) this.chooseSender(m, now);
    const code = status === 'failed' || status === 'undelivered' ? Number((m.outcome ?? '').split(':')[1]) || 30008 : null;
    const dateSent = status === 'sent' || (status === 'failed' && m.date_sent === null) ? now : m.date_sent;
    const price = status === 'sent' ? (-0.0079 * Math.max(1, m.num_segments)).toFixed(5) : m.price;
    const next = this.nextStepAt(tenant, status, now);
    this.db
      .stmt(
        `UPDATE twilio_messages SET status = ?, date_updated = ?, date_sent = ?, price = ?, error_code = ?, error_message = ?,
           next_step_at = ? WHERE sid = ?`,
      )
      .run(status, now, dateSent, price, code ?? m.error_code, code ? DELIVERY_ERRORS[code] ?? 'Unknown error' : m.error_message, next, sid);
    const row: MessageRow = {
      ...m,
      status,
      date_updated: now,
      date_sent: dateSent,
      price,
      error_code: code ?? m.error_code,
      error_message: code ? DELIVERY_ERRORS[code] ?? 'Unknown error' : m.error_message,
      next_step_at: next,
    };
    if (row.status_callback) {
      const params: [string, string][] = [
        ['AccountSid', row.account_sid],
        ['ApiVersion', API_VERSION],
        ['From', row.from_number ?? ''],
        ['MessageSid', row.sid],
        ['MessageStatus', row.status],
        ['SmsSid', row.sid],
        ['SmsStatus', row.status],
        ['To', row.to_number],
      ];
      if (row.messaging_service_sid) params.push(['MessagingServiceSid', row.messaging_service_sid]);
      if (row.error_code !== null && (row.status === 'failed' || row.status === 'undelivered')) {
        params.push(['ErrorCode', String(row.error_code)]);
      }
      if (row.status === 'delivered') params.push(['RawDlrDoneDate', rawDlrDate(now)]);
      this.webhooks.enqueue({
        provider: 'twilio',
        tenant: row.account_sid,
        resource: row.sid,
        kind: 'message.status',
        url: row.status_callback,
        method: 'POST',
        params,
        signer: 'twilio',
        context: { status: row.status },
      });
    }
    this.schedule(next);
    return row;
  }

  /**
   * A Messaging Service picks the sender when the message leaves `accepted`: with sticky
   * sender, the same pool number for the same recipient every time.
   */
  private chooseSender(m: MessageRow, now: number): void {
    const pool = this.db
      .stmt(
        `SELECT n.phone_number FROM twilio_service_numbers sn JOIN twilio_numbers n ON n.sid = sn.number_sid
         WHERE sn.account_sid = ? AND sn.service_sid = ? ORDER BY sn.seq`,
      )
      .pluck()
      .all(m.account_sid, m.messaging_service_sid) as string[];
    if (pool.length === 0) return;
    const i = createHash('sha256').update(m.to_number).digest().readUInt32BE(0) % pool.length;
    m.from_number = pool[i];
    m.num_segments = countSegments(m.body);
    this.db
      .stmt('UPDATE twilio_messages SET from_number = ?, num_segments = ?, date_updated = ? WHERE sid = ?')
      .run(m.from_number, m.num_segments, now, m.sid);
  }

  private emit(m: MessageRow): void {
    this.bus.emit({
      provider: 'twilio',
      type: 'twilio.message.updated',
      tenant: m.account_sid,
      id: m.sid,
      summary: m.error_code ? `${m.status} (${m.error_code})` : m.status,
      time: new Date(this.clock.now(m.account_sid)).toISOString(),
    });
  }

  stop(): void {
    this.stepper.stop();
  }
}

/** YYMMDDhhmm, as carriers report delivery receipts. */
function rawDlrDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}
