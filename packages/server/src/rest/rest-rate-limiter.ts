/**
 * @module rest/rest-rate-limiter
 * Tencent's REST limits are per API and per SDKAppID: one token bucket per (app, command), refilled
 * at the command's rate and holding one second's worth. Idle buckets are evicted oldest first so a
 * flood of apps cannot grow the map without bound.
 */
import { TokenBucket } from '../core/token-bucket.ts';

export class RestRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly maxKeys = 100_000) {}

  /** Takes one call from the bucket; false when the app is over the command's limit. */
  take(sdkAppId: number, path: string, ratePerSecond: number, nowMs: number): boolean {
    const key = `${sdkAppId}/${path}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = new TokenBucket(ratePerSecond, ratePerSecond, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }
}
