import type {
  Clock,
  FaultAction,
  FaultFields,
  FaultHook,
  FaultQuery,
  FaultTargets,
  FiredFault,
  ProviderName,
} from '../core/index.js';
import type { Database, Statement } from '../db/index.js';
import type { EventBus } from '../events/index.js';

declare module '../events/index.js' {
  interface SimEventTypes {
    'fault.injected': true;
  }
}

export const FAULT_MIGRATIONS = [
  {
    id: '001_faults',
    sql: `CREATE TABLE faults (
      seq     INTEGER PRIMARY KEY AUTOINCREMENT,  -- list order; never reused, so late counter writes of a replaced rule hit nothing
      id      TEXT NOT NULL UNIQUE,
      rule    TEXT NOT NULL,                       -- the rule as validated (JSON)
      matched INTEGER NOT NULL DEFAULT 0,
      hits    INTEGER NOT NULL DEFAULT 0,
      draws   INTEGER NOT NULL DEFAULT 0           -- random numbers drawn so far (replayed from the seed at boot)
    );`,
  },
];

/** A validated rule, as stored. */
export interface FaultRule {
  id: string;
  provider: ProviderName;
  operation: string | null;
  tenant: string | null;
  match: Record<string, string>;
  action: FaultAction;
  count: number | null;
  nth: number | null;
  probability: number;
  seed: number | null;
}

/** A rule as GET /__inspect/faults shows it, with its counters. */
export interface FaultRuleView extends FaultRule {
  /** Requests that met the rule's filters while it was active. */
  matched: number;
  /** Faults injected. */
  hits: number;
  /** Faults left to inject; null when unlimited. */
  remaining: number | null;
}

interface Live {
  seq: number;
  rule: FaultRule;
  matchers: [string, RegExp][];
  limit: number | null;
  matched: number;
  hits: number;
  draws: number;
  rand: () => number;
}

const MAX_MS = 60_000;
const RULE_KEYS = new Set(['id', 'provider', 'operation', 'tenant', 'match', 'action', 'count', 'nth', 'probability', 'seed']);
const ACTION_KEYS: Record<string, Set<string>> = {
  error: new Set(['type', 'status', 'code', 'message', 'headers', 'ms']),
  latency: new Set(['type', 'ms']),
  reset: new Set(['type', 'ms']),
};

/** mulberry32: a small seeded generator, so a seed gives the same draws on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `*` matches any run of characters; everything else literally, ignoring case. */
function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'is');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Checks one rule from the API. Returns the rule, or a message naming what is wrong.
 * `targets` are the operations and fields each vendor accepts.
 */
export function parseRule(input: unknown, targets: Partial<Record<ProviderName, FaultTargets>>, at: string): Omit<FaultRule, 'id'> & { id?: string } | string {
  if (!isObject(input)) return `${at} must be an object`;
  for (const k of Object.keys(input)) if (!RULE_KEYS.has(k)) return `${at}: unknown field "${k}" (allowed: ${[...RULE_KEYS].join(', ')})`;
  const { id, provider, operation, tenant, match, action, count, nth, probability, seed } = input;
  if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(id))) {
    return `${at}.id must be 1 to 64 letters, digits, '_', '.', ':' or '-'`;
  }
  const t = typeof provider === 'string' ? targets[provider as ProviderName] : undefined;
  if (!t) return `${at}.provider must be one of ${Object.keys(targets).join(', ')}`;
  const p = provider as ProviderName;
  if (operation !== undefined && operation !== null) {
    if (typeof operation !== 'string' || !t.operations.includes(operation)) {
      return `${at}.operation must be a ${p} operation (e.g. ${t.operations.slice(0, 6).join(', ')}, ...)`;
    }
  }
  if (tenant !== undefined && tenant !== null && (typeof tenant !== 'string' || tenant === '')) return `${at}.tenant must be a non-empty string`;
  const m: Record<string, string> = {};
  if (match !== undefined && match !== null) {
    if (!isObject(match)) return `${at}.match must be an object such as {"${t.fields[0]}": "..."}`;
    for (const [k, v] of Object.entries(match)) {
      if (!t.fields.includes(k)) return `${at}.match: ${p} rules match on ${t.fields.join(', ')}, not "${k}"`;
      if (typeof v !== 'string' || v === '') return `${at}.match.${k} must be a non-empty string (use * as a wildcard)`;
      m[k] = v;
    }
  }
  const a = parseAction(action, p, `${at}.action`);
  if (typeof a === 'string') return a;
  if (count !== undefined && count !== null && !isInt(count, 1)) return `${at}.count must be an integer >= 1`;
  if (nth !== undefined && nth !== null && !isInt(nth, 1)) return `${at}.nth must be an integer >= 1`;
  if (probability !== undefined && probability !== null && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) {
    return `${at}.probability must be a number from 0 to 1`;
  }
  if (seed !== undefined && seed !== null && !isInt(seed, 0, 2 ** 32 - 1)) return `${at}.seed must be an integer from 0 to 4294967295`;
  return {
    ...(id === undefined ? {} : { id: id as string }),
    provider: p,
    operation: (operation as string | undefined) ?? null,
    tenant: (tenant as string | undefined) ?? null,
    match: m,
    action: a,
    count: (count as number | undefined) ?? null,
    nth: (nth as number | undefined) ?? null,
    probability: (probability as number | undefined) ?? 1,
    seed: (seed as number | undefined) ?? null,
  };
}

function parseAction(v: unknown, provider: ProviderName, at: string): FaultAction | string {
  if (!isObject(v) || typeof v.type !== 'string' || !ACTION_KEYS[v.type]) return `${at} must be an object with "type": "error", "latency" or "reset"`;
  for (const k of Object.keys(v)) if (!ACTION_KEYS[v.type].has(k)) return `${at}: "${k}" does not apply to a ${v.type} action`;
  if (v.ms !== undefined && !isInt(v.ms, 0, MAX_MS)) return `${at}.ms must be an integer from 0 to ${MAX_MS}`;
  if (v.type === 'latency') {
    if (v.ms === undefined) return `${at}.ms (the delay in milliseconds) is required for latency`;
    return { type: 'latency', ms: v.ms as number };
  }
  if (v.type === 'reset') return v.ms === undefined ? { type: 'reset' } : { type: 'reset', ms: v.ms as number };
  const out: FaultAction = { type: 'error' };
  if (v.status !== undefined) {
    if (!isInt(v.status, 400, 599)) return `${at}.status must be an HTTP error status (400 to 599)`;
    out.status = v.status;
  }
  if (v.code !== undefined) {
    if (provider === 'twilio' && !isInt(v.code, 1, 999_999)) return `${at}.code must be a Twilio error code (an integer such as 20429)`;
    if (provider === 's3' && (typeof v.code !== 'string' || !/^[A-Za-z][A-Za-z0-9.]{0,63}$/.test(v.code))) {
      return `${at}.code must be an S3 error code such as SlowDown or InternalError`;
    }
    if (provider === 'sendgrid') return `${at}.code: SendGrid errors have no code; set status and message`;
    out.code = v.code as number | string;
  }
  if (v.message !== undefined) {
    if (typeof v.message !== 'string' || v.message === '') return `${at}.message must be a non-empty string`;
    out.message = v.message;
  }
  if (v.headers !== undefined) {
    if (!isObject(v.headers)) return `${at}.headers must be an object of strings`;
    for (const [k, h] of Object.entries(v.headers)) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k) || typeof h !== 'string' || /[\r\n]/.test(h)) return `${at}.headers.${k} must be a valid header name with a string value`;
    }
    out.headers = v.headers as Record<string, string>;
  }
  if (v.ms !== undefined) out.ms = v.ms as number;
  return out;
}

function describe(a: FaultAction): string {
  if (a.type === 'latency') return `latency ${a.ms} ms`;
  const wait = a.ms ? ` after ${a.ms} ms` : '';
  if (a.type === 'reset') return `connection reset${wait}`;
  const parts = [a.status, a.code].filter((x) => x !== undefined);
  return `error${parts.length ? ' ' + parts.join(' ') : ''}${wait}`;
}

/**
 * Fault rules (PUT /__inspect/faults), kept in SQLite so a restart keeps them and their
 * counters. Rules are tried in list order; the first whose filters match and that fires
 * (nth / count / probability) applies.
 */
export class FaultStore implements FaultHook {
  private rules: Live[] = [];
  private readonly providers = new Set<ProviderName>();
  private readonly update: Statement;
  private readonly insert: Statement;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly shutdown: AbortSignal,
  ) {
    db.migrate('faults', FAULT_MIGRATIONS);
    this.update = db.stmt('UPDATE faults SET matched = ?, hits = ?, draws = ? WHERE seq = ?');
    this.insert = db.stmt('INSERT INTO faults (id, rule) VALUES (?, ?)');
    const rows = db.stmt('SELECT * FROM faults ORDER BY seq').all() as { seq: number; rule: string; matched: number; hits: number; draws: number }[];
    this.rules = rows.map((r) => this.live(r.seq, JSON.parse(r.rule) as FaultRule, r));
    this.arm();
  }

  private live(seq: number, rule: FaultRule, counters = { matched: 0, hits: 0, draws: 0 }): Live {
    const rand = rule.seed === null ? Math.random : seeded(rule.seed);
    for (let i = 0; i < counters.draws; i++) rand();
    return {
      seq,
      rule,
      matchers: Object.entries(rule.match).map(([k, v]) => [k, glob(v)]),
      // "Fail the Nth call": with nth and no count, the rule fires once.
      limit: rule.count ?? (rule.nth !== null ? 1 : null),
      matched: counters.matched,
      hits: counters.hits,
      draws: counters.draws,
      rand,
    };
  }

  /** Providers with a rule that can still fire. */
  private arm(): void {
    this.providers.clear();
    for (const r of this.rules) if (r.limit === null || r.hits < r.limit) this.providers.add(r.rule.provider);
  }

  armed(provider: ProviderName): boolean {
    return this.providers.has(provider);
  }

  sleep(ms: number): Promise<void> {
    if (this.shutdown.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.shutdown.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.shutdown.addEventListener('abort', done);
    });
  }

  async fire(q: FaultQuery): Promise<FiredFault | undefined> {
    let fields: FaultFields | undefined;
    for (const r of this.rules) {
      const rule = r.rule;
      if (rule.provider !== q.provider) continue;
      if (rule.operation !== null && rule.operation !== q.operation) continue;
      if (rule.tenant !== null && rule.tenant !== q.tenant) continue;
      if (r.limit !== null && r.hits >= r.limit) continue;
      if (r.matchers.length) {
        fields ??= await q.fields();
        if (!matches(r.matchers, fields)) continue;
        // the list may have been replaced while the body was read
        if (r.limit !== null && r.hits >= r.limit) continue;
      }
      r.matched++;
      let fire = rule.nth === null || r.matched >= rule.nth;
      if (fire && rule.probability < 1) {
        r.draws++;
        fire = r.rand() < rule.probability;
      }
      if (fire) r.hits++;
      this.save(r);
      if (!fire) continue;
      if (r.limit !== null && r.hits >= r.limit) this.arm();
      this.bus.emit({
        provider: q.provider,
        type: 'fault.injected',
        tenant: q.tenant ?? '',
        id: rule.id,
        summary: `${q.operation}: ${describe(rule.action)}`,
        time: new Date(this.clock.now()).toISOString(),
      });
      return { rule: rule.id, action: rule.action };
    }
    return undefined;
  }

  private save(r: Live): void {
    const { matched, hits, draws, seq } = r;
    this.db.background(() => this.update.run(matched, hits, draws, seq));
  }

  list(): FaultRuleView[] {
    return this.rules.map((r) => ({
      ...r.rule,
      matched: r.matched,
      hits: r.hits,
      remaining: r.limit === null ? null : Math.max(0, r.limit - r.hits),
    }));
  }

  has(id: string): boolean {
    return this.rules.some((r) => r.rule.id === id);
  }

  /** Replaces every rule (counters start from zero). */
  replace(rules: FaultRule[]): void {
    this.db.flush();
    this.db.transaction(() => {
      this.db.stmt('DELETE FROM faults').run();
      this.rules = rules.map((r) => this.live(Number(this.insert.run(r.id, JSON.stringify(r)).lastInsertRowid), r));
    });
    this.arm();
  }

  add(rule: FaultRule): void {
    const seq = Number(this.db.transaction(() => this.insert.run(rule.id, JSON.stringify(rule)).lastInsertRowid));
    this.rules = [...this.rules, this.live(seq, rule)];
    this.arm();
  }

  /** Removes the rules `drop` selects; returns how many went. */
  remove(drop: (r: FaultRule) => boolean): number {
    const gone = this.rules.filter((r) => drop(r.rule));
    if (gone.length === 0) return 0;
    const del = this.db.stmt('DELETE FROM faults WHERE seq = ?');
    this.db.transaction(() => {
      for (const r of gone) del.run(r.seq);
    });
    this.rules = this.rules.filter((r) => !gone.includes(r));
    this.arm();
    return gone.length;
  }
}

function matches(matchers: [string, RegExp][], fields: FaultFields): boolean {
  for (const [name, re] of matchers) {
    const v = fields[name];
    if (v === undefined) return false;
    if (Array.isArray(v) ? !v.some((x) => re.test(x)) : !re.test(v)) return false;
  }
  return true;
}
