import type { ErrorObject } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { projectPath } from '../db/paths.js';
import { ConfigError, type Config, type ConfigExtension, type Knob } from '../core/index.js';

// Heavy modules load on first use: startup pays only for what it needs.
const require = createRequire(import.meta.url);

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** File name of the validator that `npm run build` precompiles with ajv (standalone code). */
export const PRECOMPILED_VALIDATOR = 'config-validator.cjs';

export function schemaHash(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16);
}

/**
 * The ajv validator of the configuration schema: the one precompiled at build time when it
 * matches the schema (no ajv compile at boot), otherwise compiled now.
 */
function validatorFor(schema: Record<string, unknown>): Validator {
  // Next to this module when running dist/src, under dist/src/config from the bundle.
  for (const file of [fileURLToPath(new URL(PRECOMPILED_VALIDATOR, import.meta.url)), projectPath(`dist/src/config/${PRECOMPILED_VALIDATOR}`)]) {
    if (!existsSync(file)) continue;
    const mod = require(file) as { hash: string; validate: Validator };
    if (mod.hash === schemaHash(schema)) return mod.validate;
  }
  const Ajv = require('ajv') as typeof import('ajv');
  return new Ajv.default({ allErrors: false, strict: false }).compile(schema) as Validator;
}

/** Every knob of the kernel: one name as fixtures key, env var and flag. */
export const CORE_KNOBS: Knob[] = [
  { key: 'port', env: 'PORT', flag: 'port', type: 'integer', default: 4747, schema: { minimum: 0, maximum: 65535 }, description: 'Port serving every vendor, /__inspect and /__health.' },
  { key: 'host', env: 'HOST', flag: 'host', type: 'string', default: '127.0.0.1', schema: { minLength: 1 }, description: 'Bind address (0.0.0.0 in the Docker image).' },
  { key: 'publicUrl', env: 'PUBLIC_URL', flag: 'public-url', type: 'string', schema: { pattern: '^https?://[^/]+(/.*)?$' }, description: 'Base URL written into absolute URLs the simulator hands out. Default `http://HOST:PORT`.' },
  { key: 'dataDir', env: 'DATA_DIR', flag: 'data', type: 'string', default: './.provider-sim', schema: { minLength: 1 }, description: 'Data directory (SQLite database, stored bytes).' },
  { key: 'inMemory', env: 'IN_MEMORY', flag: 'in-memory', type: 'boolean', default: false, description: 'Keep all state in memory (throwaway runs, tests).' },
  { key: 'fixtures', env: 'FIXTURES', flag: 'fixtures', type: 'string', description: 'YAML or JSON fixtures file: any key of this table plus vendor seed data.' },
  { key: 'dbSync', env: 'DB_SYNC', flag: 'db-sync', type: 'string', default: 'off', schema: { enum: ['off', 'normal', 'full'] }, description: 'SQLite `synchronous` mode (WAL). Every mode keeps acknowledged writes across a crash of the process; `normal`/`full` also across an OS crash or power loss, at the cost of fsync stalls.' },
  { key: 'logLevel', env: 'LOG_LEVEL', flag: 'log-level', type: 'string', default: 'info', schema: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, description: 'pino log level; one line per request at `info`.' },
  { key: 'maxBodyBytes', env: 'MAX_BODY_BYTES', flag: 'max-body-bytes', type: 'integer', default: 1048576, schema: { minimum: 1 }, description: 'Largest form/JSON request body accepted (S3 object bytes are not limited by it).' },
  { key: 'timing', env: 'TIMING', flag: 'timing', type: 'string', default: 'realistic', schema: { enum: ['realistic', 'immediate', 'manual'] }, description: 'How simulated lifecycles (message delivery...) advance: `realistic` (a few hundred ms per step), `immediate`, or `manual` (only through /__inspect .../advance). Overridable per tenant with PUT /__inspect/settings.' },
  { key: 'stepDelayMs', env: 'STEP_DELAY_MS', flag: 'step-delay-ms', type: 'integer', default: 300, schema: { minimum: 0 }, description: 'Delay of one lifecycle step in `realistic` timing.' },
  { key: 'webhookMaxAttempts', env: 'WEBHOOK_MAX_ATTEMPTS', flag: 'webhook-max-attempts', type: 'integer', default: 5, schema: { minimum: 1 }, description: 'Delivery attempts of one webhook (connection errors, 429 and 5xx are retried).' },
  { key: 'webhookBackoffMs', env: 'WEBHOOK_BACKOFF_MS', flag: 'webhook-backoff-ms', type: 'integer', default: 1000, schema: { minimum: 0 }, description: 'First retry delay of a webhook; doubles with each attempt.' },
  { key: 'webhookTimeoutMs', env: 'WEBHOOK_TIMEOUT_MS', flag: 'webhook-timeout-ms', type: 'integer', default: 10000, schema: { minimum: 1 }, description: 'How long a webhook receiver may take to answer.' },
  { key: 'journalMax', env: 'JOURNAL_MAX', flag: 'journal-max', type: 'integer', default: 10000, schema: { minimum: 1 }, description: 'Request journal rows kept (oldest trimmed first).' },
  { key: 'inspectToken', env: 'INSPECT_TOKEN', flag: 'inspect-token', type: 'string', schema: { minLength: 1 }, description: 'When set, /__inspect requires it (`Authorization: Bearer`, `?token=`, or the cookie of the login form); /__health and vendor endpoints stay open.' },
  { key: 'inspectMaxRecords', env: 'INSPECT_MAX_RECORDS', flag: 'inspect-max-records', type: 'integer', default: 10000, schema: { minimum: 0 }, description: 'Records kept per collection and tenant (journals, webhook deliveries, messages, emails, calls, events); older ones are pruned in the background. 0 keeps everything.' },
  { key: 'inspectMaxAge', env: 'INSPECT_MAX_AGE', flag: 'inspect-max-age', type: 'string', default: '7d', schema: { pattern: '^(0|[0-9]+(ms|s|m|h|d))$' }, description: 'Age past which records are pruned in the background (`90s`, `12h`, `7d`); 0 keeps them.' },
  { key: 'inspectPruneIntervalMs', env: 'INSPECT_PRUNE_INTERVAL_MS', flag: 'inspect-prune-interval-ms', type: 'integer', default: 30000, schema: { minimum: 10 }, description: 'How often the background pruning of old records runs.' },
];

export interface ConfigSources {
  argv?: string[];
  env?: Record<string, string | undefined>;
  /** Values given programmatically (tests, embedding); win over everything else. */
  overrides?: Record<string, unknown>;
}

export function allKnobs(exts: ConfigExtension[]): Knob[] {
  return [...CORE_KNOBS, ...exts.flatMap((e) => e.knobs)];
}

/** The one JSON Schema of the configuration (and of the fixtures file). */
export function configSchema(exts: ConfigExtension[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const k of CORE_KNOBS) root[k.key] = { type: k.type, ...k.schema };
  for (const e of exts) {
    const props: Record<string, unknown> = { ...e.properties };
    for (const k of e.knobs) props[k.key.slice(e.section.length + 1)] = { type: k.type, ...k.schema };
    root[e.section] = { type: 'object', additionalProperties: false, properties: props };
  }
  return { type: 'object', additionalProperties: false, properties: root };
}

function getPath(obj: Record<string, unknown>, key: string): unknown {
  let cur: unknown = obj;
  for (const p of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

function coerce(k: Knob, raw: string): unknown {
  if (k.type === 'integer' || k.type === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && (k.type === 'number' ? Number.isFinite(n) : Number.isInteger(n)) ? n : raw;
  }
  if (k.type === 'boolean') {
    const l = raw.toLowerCase();
    if (l === 'true' || l === '1' || l === 'yes' || l === '') return true;
    if (l === 'false' || l === '0' || l === 'no') return false;
    return raw;
  }
  return raw;
}

function describe(knobs: Knob[], err: ErrorObject): string {
  const path = err.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
  let key = path;
  if (err.keyword === 'additionalProperties') {
    key = (path ? path + '.' : '') + String((err.params as { additionalProperty: string }).additionalProperty);
    return `invalid configuration: unknown key "${key}"`;
  }
  const knob = knobs.find((k) => k.key === key);
  const names = knob ? ` (env ${knob.env}, flag --${knob.flag})` : '';
  return `invalid configuration: "${key || '(root)'}"${names} ${err.message ?? 'is invalid'}`;
}

export function readFixturesFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`invalid configuration: "fixtures" (env FIXTURES, flag --fixtures) cannot read ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : (require('yaml') as typeof import('yaml')).parse(text);
  } catch (e) {
    throw new ConfigError(`invalid configuration: "fixtures" file ${path} does not parse: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`invalid configuration: "fixtures" file ${path} must hold a mapping at its top level`);
  }
  return data as Record<string, unknown>;
}

/**
 * Builds the configuration: defaults < fixtures file < environment < flags < overrides,
 * then validates it against the schema. Throws ConfigError naming the bad key.
 */
export function loadConfig(exts: ConfigExtension[], src: ConfigSources = {}): Config {
  const knobs = allKnobs(exts);
  const env = src.env ?? {};
  let flags: Record<string, string | boolean | undefined> = {};
  if (src.argv && src.argv.length) {
    const options: Record<string, { type: 'string' | 'boolean' }> = {};
    for (const k of knobs) options[k.flag] = { type: k.type === 'boolean' ? 'boolean' : 'string' };
    try {
      flags = parseArgs({ args: src.argv, options, strict: true, allowPositionals: false }).values as typeof flags;
    } catch (e) {
      throw new ConfigError(`invalid command line: ${(e as Error).message}`);
    }
  }
  const fixturesPath =
    (src.overrides?.fixtures as string | undefined) ?? (flags['fixtures'] as string | undefined) ?? env.FIXTURES;
  const merged: Record<string, unknown> = fixturesPath ? readFixturesFile(fixturesPath) : {};
  for (const k of knobs) {
    if (getPath(merged, k.key) === undefined && k.default !== undefined) setPath(merged, k.key, k.default);
    const e = env[k.env];
    if (e !== undefined && e !== '') setPath(merged, k.key, coerce(k, e));
    const f = flags[k.flag];
    if (f !== undefined) setPath(merged, k.key, typeof f === 'boolean' ? f : coerce(k, f));
  }
  for (const [key, v] of Object.entries(src.overrides ?? {})) if (v !== undefined) setPath(merged, key, v);
  if (fixturesPath) merged.fixtures = fixturesPath;
  for (const e of exts) if (merged[e.section] === undefined) merged[e.section] = {};

  const validate = validatorFor(configSchema(exts));
  if (!validate(merged)) throw new ConfigError(describe(knobs, validate.errors![0]));
  const cfg = merged as Config;
  // Without PUBLIC_URL the server derives it from the bound address (src/http/server.ts).
  if (cfg.publicUrl) cfg.publicUrl = cfg.publicUrl.replace(/\/+$/, '');
  return cfg;
}
