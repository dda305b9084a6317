CREATE TABLE sendgrid_tenants (
  tenant TEXT PRIMARY KEY,
  created INTEGER NOT NULL
);

-- One row per recipient of an accepted mail send.
CREATE TABLE sendgrid_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  msg_id TEXT NOT NULL UNIQUE,
  x_message_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  recipient TEXT NOT NULL,
  recipient_name TEXT,
  recipient_type TEXT NOT NULL,
  to_json TEXT NOT NULL,
  cc_json TEXT NOT NULL,
  bcc_json TEXT NOT NULL,
  from_email TEXT NOT NULL,
  from_name TEXT,
  reply_to_json TEXT,
  subject TEXT,
  text TEXT,
  html TEXT,
  headers_json TEXT NOT NULL,
  categories_json TEXT NOT NULL,
  custom_args_json TEXT NOT NULL,
  template_id TEXT,
  dynamic_template_data_json TEXT,
  send_at INTEGER,
  batch_id TEXT,
  asm_json TEXT,
  ip_pool_name TEXT,
  created INTEGER NOT NULL
);
CREATE INDEX sendgrid_messages_tenant ON sendgrid_messages (tenant, seq);
CREATE INDEX sendgrid_messages_x ON sendgrid_messages (x_message_id);

-- Attachments belong to one mail send (shared by its recipients' messages).
CREATE TABLE sendgrid_attachments (
  x_message_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  tenant TEXT NOT NULL,
  filename TEXT NOT NULL,
  type TEXT,
  disposition TEXT NOT NULL,
  content_id TEXT,
  size INTEGER NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (x_message_id, idx)
);

CREATE TABLE sendgrid_batches (
  tenant TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  status TEXT,
  created INTEGER NOT NULL,
  PRIMARY KEY (tenant, batch_id)
);

CREATE TABLE sendgrid_templates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  generation TEXT NOT NULL,
  fixture INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sendgrid_template_versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  template_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  html_content TEXT NOT NULL,
  plain_content TEXT NOT NULL,
  generate_plain_content INTEGER NOT NULL,
  active INTEGER NOT NULL,
  editor TEXT NOT NULL,
  test_data TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sendgrid_versions_template ON sendgrid_template_versions (template_id, seq);
