-- Voice calls (CA SIDs): the resource fields, the planned outcome, the next lifecycle step and
-- the state of the TwiML interpreter (what it fetched, where it waits).
CREATE TABLE twilio_calls (
  seq                       INTEGER PRIMARY KEY AUTOINCREMENT,
  sid                       TEXT NOT NULL UNIQUE,
  account_sid               TEXT NOT NULL,
  parent_call_sid           TEXT,
  to_number                 TEXT NOT NULL,
  from_number               TEXT NOT NULL,
  phone_number_sid          TEXT,
  status                    TEXT NOT NULL,
  direction                 TEXT NOT NULL,
  answered_by               TEXT,
  start_time                INTEGER,
  end_time                  INTEGER,
  duration                  INTEGER,
  url                       TEXT,
  method                    TEXT NOT NULL DEFAULT 'POST',
  twiml                     TEXT,
  status_callback           TEXT,
  status_callback_method    TEXT NOT NULL DEFAULT 'POST',
  status_callback_events    TEXT NOT NULL DEFAULT 'completed',
  record                    INTEGER NOT NULL DEFAULT 0,
  recording_status_callback TEXT,
  recording_status_callback_method TEXT NOT NULL DEFAULT 'POST',
  timeout                   INTEGER NOT NULL DEFAULT 60,
  machine_detection         TEXT,
  error_code                INTEGER,
  error_message             TEXT,
  outcome                   TEXT,
  next_step_at              INTEGER,
  sequence                  INTEGER NOT NULL DEFAULT 0,
  -- simulated seconds of TwiML executed since the answer (Say, Play, Pause, Record...)
  elapsed                   INTEGER NOT NULL DEFAULT 0,
  -- JSON: [{status, time}]
  timeline                  TEXT NOT NULL DEFAULT '[]',
  -- JSON: [{url, method, time, twiml}] every TwiML document the call ran
  documents                 TEXT NOT NULL DEFAULT '[]',
  -- JSON: what the interpreter waits for ({kind: 'gather', ...}) or null
  waiting                   TEXT,
  date_created              INTEGER NOT NULL,
  date_updated              INTEGER NOT NULL
);
CREATE INDEX twilio_calls_account ON twilio_calls (account_sid, seq);
CREATE INDEX twilio_calls_due ON twilio_calls (next_step_at) WHERE next_step_at IS NOT NULL;

-- Recordings (RE SIDs) of calls: Record=true on the call, or a <Record> verb.
CREATE TABLE twilio_recordings (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  sid          TEXT NOT NULL UNIQUE,
  account_sid  TEXT NOT NULL,
  call_sid     TEXT NOT NULL,
  source       TEXT NOT NULL,
  status       TEXT NOT NULL,
  duration     INTEGER NOT NULL,
  channels     INTEGER NOT NULL DEFAULT 1,
  start_time   INTEGER NOT NULL,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
);
CREATE INDEX twilio_recordings_account ON twilio_recordings (account_sid, seq);
CREATE INDEX twilio_recordings_call ON twilio_recordings (call_sid, seq);

-- Transcriptions (TR SIDs) of recordings made with <Record transcribe="true">.
CREATE TABLE twilio_transcriptions (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  sid                TEXT NOT NULL UNIQUE,
  account_sid        TEXT NOT NULL,
  recording_sid      TEXT NOT NULL,
  call_sid           TEXT NOT NULL,
  status             TEXT NOT NULL,
  transcription_text TEXT,
  duration           INTEGER NOT NULL,
  date_created       INTEGER NOT NULL,
  date_updated       INTEGER NOT NULL
);
CREATE INDEX twilio_transcriptions_account ON twilio_transcriptions (account_sid, seq);
CREATE INDEX twilio_transcriptions_recording ON twilio_transcriptions (recording_sid, seq);
