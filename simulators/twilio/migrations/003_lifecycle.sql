-- Message lifecycle: when the next step is due (NULL: waits for /advance or is final) and the
-- planned outcome (delivered, or undelivered/failed with an error code) chosen at creation.
ALTER TABLE twilio_messages ADD COLUMN next_step_at INTEGER;
ALTER TABLE twilio_messages ADD COLUMN outcome TEXT;
CREATE INDEX twilio_messages_due ON twilio_messages (next_step_at) WHERE next_step_at IS NOT NULL;

-- Outcome rules: what happens to a message or call to a number after it was accepted.
CREATE TABLE twilio_outcome_rules (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant     TEXT NOT NULL,          -- '' for every tenant
  kind       TEXT NOT NULL,          -- 'message' or 'call'
  number     TEXT NOT NULL,          -- exact E.164 number, or a prefix ending in '*'
  status     TEXT NOT NULL,          -- final status: delivered, undelivered, failed (calls: busy, no-answer, failed, completed)
  error_code INTEGER,
  fixture    INTEGER NOT NULL DEFAULT 0,
  created    INTEGER NOT NULL
);
CREATE INDEX twilio_outcome_rules_tenant ON twilio_outcome_rules (tenant, kind);
