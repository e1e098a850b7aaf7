/**
 * @module groups/group-attr-rate
 * Tencent's backend limit on group attribute writes: 5 per second per group, above it **10049**.
 *
 * The same mechanism as the live rooms' per-room send limit, not a new one: a token bucket holding
 * one second of budget (5 writes), refilled at 5/s. On one node it is `live/room-limiter.ts`'s
 * `RoomLimiter`, per group; in a cluster it is the Redis bucket of `cluster/room-rate.ts`
 * (`RoomRate`, in its own key space `<prefix>attr-rate:`), so writers on every node share one
 * budget per group. If Redis cannot answer, this node's own bucket decides (a per-node limit until
 * Redis is back), as for live-room messages.
 */
import type { RoomRate } from '../cluster/room-rate.ts';
import { RoomLimiter } from '../live/room-limiter.ts';

export const ATTR_WRITES_PER_SECOND = 5;

/** A bucket unused for this long is full again: forgetting it changes nothing. */
const IDLE_MS = 2_000;
/** Above this many buckets, idle ones are swept (at most once per IDLE_MS). */
const SWEEP_ABOVE = 1_000;

interface LocalBucket {
  limiter: RoomLimiter;
  last: number;
}

export class AttrWriteRate {
  readonly #local = new Map<string, LocalBucket>();
  #lastSweep = 0;

  constructor(
    /** The cluster-wide buckets (Redis); undefined on one node. */
    private readonly shared: RoomRate | undefined,
    private readonly now: () => number,
    readonly perSecond = ATTR_WRITES_PER_SECOND,
  ) {}

  /** True when one more write to the group is allowed now (and counts it). */
  async admit(sdkAppId: number, groupId: string): Promise<boolean> {
    if (this.shared) {
      try {
        return await this.shared.admit(sdkAppId, groupId, 'Normal', this.perSecond);
      } catch {
        // Redis unreachable: this node's bucket decides.
      }
    }
    return this.#admitLocal(sdkAppId, groupId);
  }

  #admitLocal(sdkAppId: number, groupId: string): boolean {
    const now = this.now();
    const key = `${sdkAppId}:${groupId}`;
    let b = this.#local.get(key);
    if (!b) {
      this.#sweep(now);
      this.#local.set(key, (b = { limiter: new RoomLimiter(), last: now }));
    }
    b.last = now;
    // Normal priority: no reserve, the whole second of budget is usable.
    return b.limiter.admit(1, this.perSecond, now);
  }

  #sweep(now: number): void {
    if (this.#local.size < SWEEP_ABOVE || now - this.#lastSweep < IDLE_MS) return;
    this.#lastSweep = now;
    for (const [key, b] of this.#local) if (now - b.last > IDLE_MS) this.#local.delete(key);
  }
}
