/**
 * @module messaging/global-mute
 * Tencent's global mute (`openconfigsvr/setnospeaking`): per account, until when it may not send
 * C2C messages (refused with 20012) and group messages (10017). The send path asks on every
 * message, so answers are cached per account for `ttlMs`; a change made through this node is
 * effective at once, a change made on another node of a cluster within `ttlMs`.
 */
import type { NoSpeakingRecord, NoSpeakingStore } from '../store/dirty-word-store.ts';

/** Tencent's "for ever". */
export const FOREVER = 0xffffffff;
const NONE: NoSpeakingRecord = Object.freeze({ c2cUntil: 0, groupUntil: 0 });

/** The stored end for a duration in seconds: 0 clears, 4294967295 is for ever. */
export function untilFor(seconds: number, nowSeconds: number): number {
  if (seconds <= 0) return 0;
  if (seconds >= FOREVER) return FOREVER;
  return nowSeconds + seconds;
}

/** What getnospeaking reports for a stored end: seconds left, 4294967295 for ever, 0 when over. */
export function remainingFor(until: number, nowSeconds: number): number {
  if (until >= FOREVER) return FOREVER;
  return Math.max(0, until - nowSeconds);
}

export class GlobalMute {
  private readonly cache = new Map<string, { rec: NoSpeakingRecord; at: number }>();
  private readonly loading = new Map<string, Promise<NoSpeakingRecord>>();

  constructor(
    private readonly store: NoSpeakingStore,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 100_000,
  ) {}

  async get(sdkAppId: number, userID: string): Promise<NoSpeakingRecord> {
    const key = `${sdkAppId}:${userID}`;
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit && now - hit.at < this.ttlMs) return hit.rec;
    // One lookup per account at a time: a sender with many messages in flight would otherwise
    // send the store one identical query per message whenever its entry expires.
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.store.get(sdkAppId, [userID]).then(
      (found) => {
        const rec = found.get(userID) ?? NONE;
        if (this.loading.get(key) === load) this.remember(key, rec, now);
        return rec;
      },
    ).finally(() => {
      if (this.loading.get(key) === load) this.loading.delete(key);
    });
    this.loading.set(key, load);
    return load;
  }

  async set(sdkAppId: number, userID: string, change: Partial<NoSpeakingRecord>): Promise<void> {
    await this.store.set(sdkAppId, userID, change);
    this.forget(sdkAppId, userID);
  }

  /** Drops the cached answer (another node changed it). */
  forget(sdkAppId: number, userID: string): void {
    this.cache.delete(`${sdkAppId}:${userID}`);
    this.loading.delete(`${sdkAppId}:${userID}`);
  }

  /** Like isMuted from the cache alone: undefined when the answer is not cached fresh (no I/O). */
  peek(sdkAppId: number, userID: string, kind: 'c2c' | 'group'): number | undefined {
    const hit = this.cache.get(`${sdkAppId}:${userID}`);
    const now = this.now();
    if (!hit || now - hit.at >= this.ttlMs) return undefined;
    const until = kind === 'c2c' ? hit.rec.c2cUntil : hit.rec.groupUntil;
    return until > Math.floor(now / 1000) ? until : 0;
  }

  /** Whether the account is muted for C2C (`c2c`) or group messages now. */
  async isMuted(sdkAppId: number, userID: string, kind: 'c2c' | 'group'): Promise<number> {
    const rec = await this.get(sdkAppId, userID);
    const until = kind === 'c2c' ? rec.c2cUntil : rec.groupUntil;
    return until > Math.floor(this.now() / 1000) ? until : 0;
  }

  private remember(key: string, rec: NoSpeakingRecord, at: number): void {
    this.cache.delete(key);
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { rec, at });
  }
}
