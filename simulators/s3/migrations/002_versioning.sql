-- PutBucketVersioning: NULL (never set) or 'Suspended'
ALTER TABLE s3_buckets ADD COLUMN versioning TEXT;
