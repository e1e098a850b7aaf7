/**
 * @module core/token-bucket
 * A token bucket: `rate` tokens per second, holding at most `burst`. Time is passed in so tests
 * and callers sharing one clock read stay cheap and deterministic.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  constructor(readonly rate: number, readonly burst: number, now: number) {
    this.#tokens = burst;
    this.#last = now;
  }
  take(now: number, n = 1): boolean {
    const elapsed = (now - this.#last) / 1000;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.rate);
      this.#last = now;
    }
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}

/** Token buckets keyed by string, evicting idle keys so the map stays bounded. */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  constructor(readonly rate: number, readonly burst: number, readonly maxKeys = 100_000) {}
  take(key: string, now: number): boolean {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      b = new TokenBucket(this.rate, this.burst, now);
      this.#buckets.set(key, b);
    }
    return b.take(now);
  }
}
