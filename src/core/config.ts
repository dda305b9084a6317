/** Shapes a vendor uses to extend the one configuration schema (see src/config). */

export interface Knob {
  /** Dotted key in the fixtures file, e.g. "port" or "twilio.defaultAuthToken". */
  key: string;
  env: string;
  flag: string;
  type: 'integer' | 'number' | 'string' | 'boolean';
  default?: string | number | boolean;
  /** Extra JSON Schema keywords (minimum, enum, pattern...). */
  schema?: Record<string, unknown>;
  description: string;
}

export interface ConfigExtension {
  /** Top-level section of the fixtures file owned by the vendor ("twilio"). */
  section: string;
  knobs: Knob[];
  /** JSON Schema properties of the section besides the knobs (accounts, keys...). */
  properties: Record<string, unknown>;
}

export type Timing = 'realistic' | 'immediate' | 'manual';

/** Per-tenant settings (PUT /__inspect/settings), read by the simulators. */
export interface Settings {
  /** The tenant's value, else the global one set through the API, else the configured default. */
  timing(tenant: string): Timing;
}

/** The validated configuration. Vendor sections are read by their vendor. */
export interface Config {
  port: number;
  host: string;
  /** Filled in from the bound address when not configured. */
  publicUrl: string;
  dataDir: string;
  inMemory: boolean;
  dbSync: 'off' | 'normal' | 'full';
  fixtures?: string;
  logLevel: string;
  maxBodyBytes: number;
  journalMax: number;
  inspectToken?: string;
  inspectMaxRecords: number;
  inspectMaxAge: string;
  inspectPruneIntervalMs: number;
  timing: Timing;
  stepDelayMs: number;
  webhookMaxAttempts: number;
  webhookBackoffMs: number;
  webhookTimeoutMs: number;
  [section: string]: unknown;
}
