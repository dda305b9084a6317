-- Messaging Services (MG SIDs) and the numbers in their sender pools.
CREATE TABLE twilio_messaging_services (
  seq                           INTEGER PRIMARY KEY AUTOINCREMENT,
  sid                           TEXT NOT NULL UNIQUE,
  account_sid                   TEXT NOT NULL,
  friendly_name                 TEXT NOT NULL,
  inbound_request_url           TEXT,
  inbound_method                TEXT NOT NULL DEFAULT 'POST',
  fallback_url                  TEXT,
  fallback_method               TEXT NOT NULL DEFAULT 'POST',
  status_callback               TEXT,
  sticky_sender                 INTEGER NOT NULL DEFAULT 1,
  mms_converter                 INTEGER NOT NULL DEFAULT 1,
  smart_encoding                INTEGER NOT NULL DEFAULT 1,
  fallback_to_long_code         INTEGER NOT NULL DEFAULT 1,
  area_code_geomatch            INTEGER NOT NULL DEFAULT 1,
  synchronous_validation        INTEGER NOT NULL DEFAULT 0,
  validity_period               INTEGER NOT NULL DEFAULT 14400,
  usecase                       TEXT NOT NULL DEFAULT 'undeclared',
  use_inbound_webhook_on_number INTEGER NOT NULL DEFAULT 0,
  date_created                  INTEGER NOT NULL,
  date_updated                  INTEGER NOT NULL
);
CREATE INDEX twilio_messaging_services_account ON twilio_messaging_services (account_sid, seq);

CREATE TABLE twilio_service_numbers (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  service_sid  TEXT NOT NULL,
  number_sid   TEXT NOT NULL,
  account_sid  TEXT NOT NULL,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL,
  UNIQUE (service_sid, number_sid)
);
CREATE INDEX twilio_service_numbers_number ON twilio_service_numbers (number_sid);
