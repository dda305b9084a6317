import type { Clock } from '../../src/core/index.js';

const WINDOW_MS = 60_000;

/**
 * SendGrid's per-endpoint rate limit: a fixed window of one minute per API key and endpoint,
 * reported in X-RateLimit-Limit / -Remaining / -Reset (Unix seconds) on every response.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  private headers(remaining: number, start: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': String(Math.floor((start + WINDOW_MS) / 1000)),
    };
  }

  /** Headers for a request that is not counted (no valid key). */
  peek(): Record<string, string> {
    const now = this.clock.now();
    return this.headers(this.limit, now - (now % WINDOW_MS));
  }

  take(tenant: string, operation: string): { allowed: boolean; headers: Record<string, string> } {
    const now = this.clock.now();
    const start = now - (now % WINDOW_MS);
    const key = `${tenant}\n${operation}`;
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 10_000) this.windows.clear();
      w = { start, used: 0 };
      this.windows.set(key, w);
    }
    const allowed = w.used < this.limit;
    if (allowed) w.used++;
    return { allowed, headers: this.headers(this.limit - w.used, start) };
  }

  reset(tenant?: string): void {
    if (tenant === undefined) return this.windows.clear();
    for (const k of this.windows.keys()) if (k.startsWith(tenant + '\n')) this.windows.delete(k);
  }
}
