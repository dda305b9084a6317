-- Verify v2: services, verifications and each send of a code (an attempt).
CREATE TABLE twilio_verify_services (
  seq                               INTEGER PRIMARY KEY AUTOINCREMENT,
  sid                               TEXT NOT NULL UNIQUE,
  account_sid                       TEXT NOT NULL,
  friendly_name                     TEXT NOT NULL,
  code_length                       INTEGER NOT NULL,
  lookup_enabled                    INTEGER NOT NULL,
  psd2_enabled                      INTEGER NOT NULL,
  skip_sms_to_landlines             INTEGER NOT NULL,
  dtmf_input_required               INTEGER NOT NULL,
  tts_name                          TEXT,
  do_not_share_warning_enabled      INTEGER NOT NULL,
  custom_code_enabled               INTEGER NOT NULL,
  default_template_sid              TEXT,
  verify_event_subscription_enabled INTEGER NOT NULL,
  params                            TEXT NOT NULL DEFAULT '{}',
  date_created                      INTEGER NOT NULL,
  date_updated                      INTEGER NOT NULL
);
CREATE INDEX twilio_verify_services_account ON twilio_verify_services (account_sid, seq);

CREATE TABLE twilio_verifications (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  sid            TEXT NOT NULL UNIQUE,
  account_sid    TEXT NOT NULL,
  service_sid    TEXT NOT NULL,
  to_address     TEXT NOT NULL,
  channel        TEXT NOT NULL,
  status         TEXT NOT NULL,
  code           TEXT NOT NULL,
  check_attempts INTEGER NOT NULL DEFAULT 0,
  amount         TEXT,
  payee          TEXT,
  lookup         TEXT NOT NULL DEFAULT '{}',
  date_created   INTEGER NOT NULL,
  date_updated   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
);
CREATE INDEX twilio_verifications_to ON twilio_verifications (service_sid, to_address, seq);
CREATE INDEX twilio_verifications_account ON twilio_verifications (account_sid, seq);

CREATE TABLE twilio_verification_attempts (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  sid              TEXT NOT NULL UNIQUE,
  account_sid      TEXT NOT NULL,
  service_sid      TEXT NOT NULL,
  verification_sid TEXT NOT NULL,
  to_address       TEXT NOT NULL,
  channel          TEXT NOT NULL,
  message_sid      TEXT,
  time             INTEGER NOT NULL
);
CREATE INDEX twilio_verification_attempts_verification ON twilio_verification_attempts (verification_sid, seq);
CREATE INDEX twilio_verification_attempts_to ON twilio_verification_attempts (service_sid, to_address, time);
