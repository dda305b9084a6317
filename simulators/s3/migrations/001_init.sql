CREATE TABLE s3_buckets (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  acl TEXT NOT NULL DEFAULT 'private',
  cors TEXT,
  tags TEXT,
  created INTEGER NOT NULL,
  UNIQUE (tenant, name)
);
CREATE INDEX s3_buckets_name ON s3_buckets (name, seq);

CREATE TABLE s3_objects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  blob TEXT NOT NULL,
  content_type TEXT,
  headers TEXT NOT NULL DEFAULT '{}',
  metadata TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]',
  checksums TEXT NOT NULL DEFAULT '{}',
  checksum_type TEXT,
  parts INTEGER,
  storage_class TEXT NOT NULL DEFAULT 'STANDARD',
  acl TEXT NOT NULL DEFAULT 'private',
  last_modified INTEGER NOT NULL,
  UNIQUE (tenant, bucket, key)
);

CREATE TABLE s3_uploads (
  upload_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  content_type TEXT,
  headers TEXT NOT NULL DEFAULT '{}',
  metadata TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]',
  checksum_algorithm TEXT,
  checksum_type TEXT,
  storage_class TEXT NOT NULL DEFAULT 'STANDARD',
  acl TEXT NOT NULL DEFAULT 'private',
  initiated INTEGER NOT NULL
);
CREATE INDEX s3_uploads_bucket ON s3_uploads (tenant, bucket, key, initiated);

CREATE TABLE s3_parts (
  upload_id TEXT NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  blob TEXT NOT NULL,
  checksums TEXT NOT NULL DEFAULT '{}',
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
