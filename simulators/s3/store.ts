import type { Database, Statement } from '../../src/db/index.js';

/** A statement that changes buckets: running it empties the bucket cache. */
export interface BucketWrite {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

export interface BucketRow {
  seq: number;
  tenant: string;
  name: string;
  region: string;
  acl: string;
  cors: string | null;
  tags: string | null;
  /** PutBucketVersioning's status: null when never set. */
  versioning: string | null;
  created: number;
}

export interface ObjectRow {
  seq: number;
  tenant: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  blob: string;
  content_type: string | null;
  /** JSON: Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires, SSE... */
  headers: string;
  metadata: string;
  tags: string;
  checksums: string;
  checksum_type: string | null;
  parts: number | null;
  storage_class: string;
  acl: string;
  last_modified: number;
}

export interface UploadRow {
  upload_id: string;
  tenant: string;
  bucket: string;
  key: string;
  content_type: string | null;
  headers: string;
  metadata: string;
  tags: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  storage_class: string;
  acl: string;
  initiated: number;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  blob: string;
  checksums: string;
  last_modified: number;
}

/** Prepared statements of the S3 simulator. */
export class S3Store {
  readonly bucket: Statement;
  readonly bucketByName: Statement;
  readonly listBuckets: Statement;
  readonly insertBucket: BucketWrite;
  readonly deleteBucket: BucketWrite;
  readonly setBucketCors: BucketWrite;
  readonly setBucketTags: BucketWrite;
  readonly setBucketAcl: BucketWrite;
  readonly setBucketVersioning: BucketWrite;
  readonly anyObject: Statement;
  readonly anyUpload: Statement;
  readonly object: Statement;
  readonly insertObject: Statement;
  readonly deleteObject: Statement;
  readonly setObjectTags: Statement;
  readonly setObjectAcl: Statement;
  readonly listFrom: Statement;
  readonly listAfter: Statement;
  readonly upload: Statement;
  readonly insertUpload: Statement;
  readonly deleteUpload: Statement;
  readonly listUploads: Statement;
  readonly part: Statement;
  readonly upsertPart: Statement;
  readonly parts: Statement;
  readonly allBlobs: Statement;
  readonly tenants: Statement;

  /** Buckets by tenant and name (null: no such bucket), as last committed. */
  private readonly buckets = new Map<string, Readonly<BucketRow> | null>();

  constructor(readonly db: Database) {
    const p = (s: string) => db.stmt(s);
    const w = (s: string): BucketWrite => {
      const st = p(s);
      return {
        run: (...params) => {
          this.buckets.clear();
          return st.run(...params);
        },
      };
    };
    this.bucket = p('SELECT * FROM s3_buckets WHERE tenant = ? AND name = ?');
    this.bucketByName = p('SELECT * FROM s3_buckets WHERE name = ? ORDER BY seq LIMIT 1');
    this.listBuckets = p('SELECT * FROM s3_buckets WHERE tenant = ? ORDER BY name');
    this.insertBucket = w('INSERT INTO s3_buckets (tenant, name, region, acl, created) VALUES (?, ?, ?, ?, ?)');
    this.deleteBucket = w('DELETE FROM s3_buckets WHERE tenant = ? AND name = ?');
    this.setBucketCors = w('UPDATE s3_buckets SET cors = ? WHERE tenant = ? AND name = ?');
    this.setBucketTags = w('UPDATE s3_buckets SET tags = ? WHERE tenant = ? AND name = ?');
    this.setBucketAcl = w('UPDATE s3_buckets SET acl = ? WHERE tenant = ? AND name = ?');
    this.setBucketVersioning = w('UPDATE s3_buckets SET versioning = ? WHERE tenant = ? AND name = ?');
    this.anyObject = p('SELECT 1 FROM s3_objects WHERE tenant = ? AND bucket = ? LIMIT 1');
    this.anyUpload = p('SELECT 1 FROM s3_uploads WHERE tenant = ? AND bucket = ? LIMIT 1');
    this.object = p('SELECT * FROM s3_objects WHERE tenant = ? AND bucket = ? AND key = ?');
    this.insertObject = p(`INSERT INTO s3_objects (tenant, bucket, key, size, etag, blob, content_type, headers, metadata, tags,
        checksums, checksum_type, parts, storage_class, acl, last_modified)
      VALUES (@tenant, @bucket, @key, @size, @etag, @blob, @content_type, @headers, @metadata, @tags,
        @checksums, @checksum_type, @parts, @storage_class, @acl, @last_modified)`);
    this.deleteObject = p('DELETE FROM s3_objects WHERE tenant = ? AND bucket = ? AND key = ?');
    this.setObjectTags = p('UPDATE s3_objects SET tags = ? WHERE tenant = ? AND bucket = ? AND key = ?');
    this.setObjectAcl = p('UPDATE s3_objects SET acl = ? WHERE tenant = ? AND bucket = ? AND key = ?');
    // keys compare as bytes (BINARY collation over UTF-8), which is S3's order
    this.listFrom = p('SELECT * FROM s3_objects WHERE tenant = ? AND bucket = ? AND key >= ? ORDER BY key LIMIT ?');
    this.listAfter = p('SELECT * FROM s3_objects WHERE tenant = ? AND bucket = ? AND key > ? ORDER BY key LIMIT ?');
    this.upload = p('SELECT * FROM s3_uploads WHERE upload_id = ? AND tenant = ? AND bucket = ? AND key = ?');
    this.insertUpload = p(`INSERT INTO s3_uploads (upload_id, tenant, bucket, key, content_type, headers, metadata, tags,
        checksum_algorithm, checksum_type, storage_class, acl, initiated)
      VALUES (@upload_id, @tenant, @bucket, @key, @content_type, @headers, @metadata, @tags,
        @checksum_algorithm, @checksum_type, @storage_class, @acl, @initiated)`);
    this.deleteUpload = p('DELETE FROM s3_uploads WHERE upload_id = ?');
    this.listUploads = p('SELECT * FROM s3_uploads WHERE tenant = ? AND bucket = ? ORDER BY key, initiated, upload_id');
    this.part = p('SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?');
    this.upsertPart = p(`INSERT INTO s3_parts (upload_id, part_number, size, etag, blob, checksums, last_modified)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag, blob = excluded.blob,
        checksums = excluded.checksums, last_modified = excluded.last_modified`);
    this.parts = p('SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number');
    this.allBlobs = p('SELECT blob FROM s3_objects UNION ALL SELECT blob FROM s3_parts');
    this.tenants = p('SELECT tenant, MIN(created) AS created FROM s3_buckets GROUP BY tenant ORDER BY MIN(seq)');
  }

  /**
   * A tenant's bucket, from memory once read. Inside a transaction (a group commit, where a
   * bucket may have changed without being committed yet) it is read from the database.
   */
  bucketOf(tenant: string, name: string): Readonly<BucketRow> | undefined {
    if (this.db.sql.inTransaction) return this.bucket.get(tenant, name) as BucketRow | undefined;
    const k = tenant + '\n' + name;
    let b = this.buckets.get(k);
    if (b === undefined) {
      b = (this.bucket.get(tenant, name) as BucketRow | undefined) ?? null;
      if (b) Object.freeze(b);
      if (this.buckets.size >= 10_000) this.buckets.clear();
      this.buckets.set(k, b);
    }
    return b ?? undefined;
  }

  /** Blobs of a tenant's (or every tenant's) records, then deletes the records. */
  reset(tenant?: string): string[] {
    const sql = this.db.sql;
    const where = tenant === undefined ? '' : ' WHERE tenant = ?';
    const args = tenant === undefined ? [] : [tenant];
    const blobs = (
      sql
        .prepare(
          `SELECT blob FROM s3_objects${where} UNION ALL SELECT blob FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads${where})`,
        )
        .all(...args, ...args) as { blob: string }[]
    ).map((r) => r.blob);
    sql.prepare(`DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads${where})`).run(...args);
    sql.prepare(`DELETE FROM s3_uploads${where}`).run(...args);
    sql.prepare(`DELETE FROM s3_objects${where}`).run(...args);
    sql.prepare(`DELETE FROM s3_buckets${where}`).run(...args);
    this.buckets.clear();
    return blobs;
  }
}
