-- Phone numbers an account owns (IncomingPhoneNumbers, PN SIDs).
CREATE TABLE twilio_numbers (
  seq                    INTEGER PRIMARY KEY AUTOINCREMENT,
  sid                    TEXT NOT NULL UNIQUE,
  account_sid            TEXT NOT NULL,
  phone_number           TEXT NOT NULL,
  friendly_name          TEXT NOT NULL,
  sms_url                TEXT,
  sms_method             TEXT NOT NULL DEFAULT 'POST',
  sms_fallback_url       TEXT,
  sms_fallback_method    TEXT NOT NULL DEFAULT 'POST',
  voice_url              TEXT,
  voice_method           TEXT NOT NULL DEFAULT 'POST',
  voice_fallback_url     TEXT,
  voice_fallback_method  TEXT NOT NULL DEFAULT 'POST',
  status_callback        TEXT,
  status_callback_method TEXT NOT NULL DEFAULT 'POST',
  fixture                INTEGER NOT NULL DEFAULT 0,
  date_created           INTEGER NOT NULL,
  date_updated           INTEGER NOT NULL
);
CREATE UNIQUE INDEX twilio_numbers_number ON twilio_numbers (account_sid, phone_number);
CREATE INDEX twilio_numbers_lookup ON twilio_numbers (phone_number);

-- People who texted STOP to one of an account's numbers (21610 on later sends).
CREATE TABLE twilio_opt_outs (
  account_sid TEXT NOT NULL,
  person      TEXT NOT NULL,
  number      TEXT NOT NULL,
  created     INTEGER NOT NULL,
  PRIMARY KEY (account_sid, person, number)
);
