-- Delivery lifecycle of each recipient message: the last delivery state, the events still to
-- come, and when the next one is due (NULL: waiting for /advance, a batch, or nothing left).
ALTER TABLE sendgrid_messages ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sendgrid_messages ADD COLUMN state TEXT;
ALTER TABLE sendgrid_messages ADD COLUMN plan_json TEXT;
ALTER TABLE sendgrid_messages ADD COLUMN next_step_at INTEGER;
ALTER TABLE sendgrid_messages ADD COLUMN last_event_time INTEGER;
CREATE INDEX sendgrid_messages_due ON sendgrid_messages (next_step_at) WHERE next_step_at IS NOT NULL;

CREATE TABLE sendgrid_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sg_event_id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  email TEXT NOT NULL,
  event TEXT NOT NULL,
  time INTEGER NOT NULL,
  data_json TEXT NOT NULL
);
CREATE INDEX sendgrid_events_msg ON sendgrid_events (msg_id, seq);
CREATE INDEX sendgrid_events_tenant ON sendgrid_events (tenant, seq);

CREATE TABLE sendgrid_event_webhooks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  url TEXT NOT NULL,
  friendly_name TEXT,
  flags_json TEXT NOT NULL,
  oauth_client_id TEXT,
  oauth_token_url TEXT,
  signed INTEGER NOT NULL DEFAULT 0,
  public_key TEXT,
  private_key TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX sendgrid_event_webhooks_tenant ON sendgrid_event_webhooks (tenant, seq);

-- bounces, blocks, spam_reports, invalid_emails, unsubscribes (global).
CREATE TABLE sendgrid_suppressions (
  tenant TEXT NOT NULL,
  list TEXT NOT NULL,
  email TEXT NOT NULL COLLATE NOCASE,
  created INTEGER NOT NULL,
  reason TEXT,
  status TEXT,
  ip TEXT,
  PRIMARY KEY (tenant, list, email)
);

CREATE TABLE sendgrid_asm_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  is_default INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX sendgrid_asm_groups_tenant ON sendgrid_asm_groups (tenant, id);

CREATE TABLE sendgrid_asm_suppressions (
  tenant TEXT NOT NULL,
  group_id INTEGER NOT NULL,
  email TEXT NOT NULL COLLATE NOCASE,
  created INTEGER NOT NULL,
  PRIMARY KEY (tenant, group_id, email)
);

CREATE TABLE sendgrid_outcome_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  email TEXT NOT NULL,
  status TEXT NOT NULL,
  engagement_json TEXT NOT NULL,
  reason TEXT,
  fixture INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
