-- Accounts met through credentials (or declared in fixtures). The AccountSid is the tenant.
CREATE TABLE twilio_accounts (
  sid           TEXT PRIMARY KEY,
  auth_token    TEXT NOT NULL,
  friendly_name TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'active',
  fixture       INTEGER NOT NULL DEFAULT 0,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);

-- API keys (SK...) and their secrets, bound to one account.
CREATE TABLE twilio_api_keys (
  sid          TEXT PRIMARY KEY,
  account_sid  TEXT NOT NULL,
  secret       TEXT NOT NULL,
  fixture      INTEGER NOT NULL DEFAULT 0,
  date_created INTEGER NOT NULL
);

CREATE TABLE twilio_messages (
  seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
  sid                   TEXT NOT NULL UNIQUE,
  account_sid           TEXT NOT NULL,
  to_number             TEXT NOT NULL,
  from_number           TEXT,
  body                  TEXT NOT NULL,
  status                TEXT NOT NULL,
  direction             TEXT NOT NULL,
  num_segments          INTEGER NOT NULL,
  num_media             INTEGER NOT NULL,
  messaging_service_sid TEXT,
  error_code            INTEGER,
  error_message         TEXT,
  price                 TEXT,
  price_unit            TEXT NOT NULL DEFAULT 'USD',
  date_created          INTEGER NOT NULL,
  date_updated          INTEGER NOT NULL,
  date_sent             INTEGER,
  send_at               INTEGER,
  status_callback       TEXT,
  params                TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX twilio_messages_account ON twilio_messages (account_sid, seq);

CREATE TABLE twilio_media (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  sid          TEXT NOT NULL UNIQUE,
  account_sid  TEXT NOT NULL,
  message_sid  TEXT NOT NULL,
  content_type TEXT NOT NULL,
  url          TEXT NOT NULL,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
);
CREATE INDEX twilio_media_message ON twilio_media (message_sid, seq);
