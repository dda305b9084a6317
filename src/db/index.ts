import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Migration } from '../core/types.js';
import { projectPath } from './paths.js';

export type SqliteDb = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;
export { projectPath };
export { Stepper, type StepperOptions } from './stepper.js';
export { TenantClock } from './tenant-clock.js';
export { Retention, removeRecords, parseDuration, type RetentionOptions } from './retention.js';

interface Job {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * One SQLite database (WAL) for the whole simulator.
 *
 * Writes that a response depends on go through `write(fn)`: every write queued within one
 * event-loop turn commits in a single transaction (each job in its own savepoint, so one
 * failing job does not undo the others), and the promise resolves only after COMMIT. In WAL
 * mode a committed transaction is in the operating system's hands and survives a crash of the
 * process with every `synchronous` setting; NORMAL and FULL add fsyncs for power loss.
 * `background(fn)` rides along with the next batch (journal rows) without a promise.
 */
export class Database {
  readonly sql: SqliteDb;
  private jobs: Job[] = [];
  private background_: (() => void)[] = [];
  private scheduled = false;
  private commitListeners = new Set<() => void>();
  private statements = new Map<string, Statement>();
  private closed = false;
  private readonly runBatch: (jobs: Job[], bg: (() => void)[]) => unknown[];
  private readonly savepoint: (fn: () => unknown) => unknown;

  constructor(file: string | ':memory:', sync: 'off' | 'normal' | 'full' = 'normal') {
    this.sql = new BetterSqlite3(file);
    if (file !== ':memory:') {
      this.sql.pragma('journal_mode = WAL');
    }
    this.sql.pragma(`synchronous = ${sync.toUpperCase()}`);
    this.sql.pragma('busy_timeout = 5000');
    this.sql.pragma('foreign_keys = ON');
    this.sql.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      namespace TEXT NOT NULL, id TEXT NOT NULL, applied_at TEXT NOT NULL,
      PRIMARY KEY (namespace, id))`);
    // A transaction function called inside another becomes a savepoint.
    this.savepoint = this.sql.transaction((fn: () => unknown) => fn());
    this.runBatch = this.sql.transaction((jobs: Job[], bg: (() => void)[]) => {
      const results: unknown[] = new Array(jobs.length);
      for (let i = 0; i < jobs.length; i++) {
        try {
          results[i] = { ok: true, value: this.savepoint(jobs[i].fn) };
        } catch (e) {
          results[i] = { ok: false, error: e };
        }
      }
      for (const f of bg) {
        try {
          this.savepoint(f);
        } catch {
          // a background row (journal) never fails a request
        }
      }
      return results;
    });
  }

  /** Applies the numbered migrations of one namespace that have not run yet. */
  migrate(namespace: string, migrations: Migration[]): void {
    const done = new Set(
      (this.sql.prepare('SELECT id FROM schema_migrations WHERE namespace = ?').all(namespace) as { id: string }[]).map(
        (r) => r.id,
      ),
    );
    const insert = this.sql.prepare('INSERT INTO schema_migrations (namespace, id, applied_at) VALUES (?, ?, ?)');
    for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      if (done.has(m.id)) continue;
      this.sql.transaction(() => {
        this.sql.exec(m.sql);
        insert.run(namespace, m.id, new Date().toISOString());
      })();
    }
  }

  /** Runs `fn` in the next group commit; resolves with its result once committed. */
  write<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Queues a write nobody waits for; it commits with the next batch. */
  background(fn: () => void): void {
    if (this.closed) return;
    this.background_.push(fn);
    this.schedule();
  }

  /**
   * A prepared statement for `sql`, compiled once and reused (better-sqlite3 compiles on every
   * prepare()). The statement comes back in its default mode: call `.pluck()` after if needed.
   */
  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size >= 1000) this.statements.clear();
      s = this.sql.prepare(sql);
      this.statements.set(sql, s);
    }
    return s.reader ? s.pluck(false) : s;
  }

  /** Called after every group commit (long-polls re-check their query then). */
  onCommit(l: () => void): () => void {
    this.commitListeners.add(l);
    return () => this.commitListeners.delete(l);
  }

  /** A synchronous transaction, for boot-time work and the inspect API. */
  transaction<T>(fn: () => T): T {
    const r = this.sql.transaction(fn)();
    for (const l of this.commitListeners) l();
    return r;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits everything queued so far. */
  flush(): void {
    this.scheduled = false;
    const jobs = this.jobs;
    const bg = this.background_;
    if (jobs.length === 0 && bg.length === 0) return;
    this.jobs = [];
    this.background_ = [];
    let results: unknown[];
    try {
      results = this.runBatch(jobs, bg);
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    for (const l of this.commitListeners) l();
    for (let i = 0; i < jobs.length; i++) {
      const r = results[i] as { ok: boolean; value?: unknown; error?: unknown };
      if (r.ok) jobs[i].resolve(r.value);
      else jobs[i].reject(r.error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.sql.close();
  }
}

/** Reads `NNN_name.sql` files of a folder given relative to the project root. */
export function loadMigrations(relativeDir: string): Migration[] {
  const dir = projectPath(relativeDir);
  return readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

export function openDatabase(opts: { inMemory: boolean; dataDir: string; sync?: 'off' | 'normal' | 'full' }): Database {
  if (opts.inMemory) return new Database(':memory:', 'off');
  mkdirSync(opts.dataDir, { recursive: true });
  return new Database(join(opts.dataDir, 'provider-sim.sqlite'), opts.sync ?? 'normal');
}
