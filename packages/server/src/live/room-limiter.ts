/**
 * @module live/room-limiter
 * The per-room send rate limit with priority shedding (Tencent: 40 msg/s per group; above it
 * lower priorities are dropped first).
 *
 * A token bucket holding up to one second of budget (`rate` tokens), refilled at `rate`/s. Each
 * priority needs a reserve left in the bucket before it may take a token: Normal needs none, Low a
 * quarter of the bucket, Lowest half. So as traffic rises past the rate, the bucket drains to the
 * Lowest reserve first (Lowest dropped), then to Low's (Low dropped), and only a sustained Normal
 * overload drops Normal. High always passes; it takes a token (the bucket may go negative, down to
 * minus one second), so a High burst still holds the others back.
 */

/** 0 High, 1 Normal, 2 Low, 3 Lowest. */
export type PriorityRank = 0 | 1 | 2 | 3;

const RESERVE = [0, 0, 0.25, 0.5] as const;

export class RoomLimiter {
  #tokens = -1;
  #last = 0;
  #rate = 0;

  /** True when a message of this priority may be delivered now. */
  admit(rank: PriorityRank, rate: number, now: number): boolean {
    if (!(rate > 0)) return true;
    if (rate !== this.#rate) {
      this.#tokens = this.#rate === 0 ? rate : Math.min(this.#tokens, rate);
      this.#rate = rate;
      this.#last = now;
    }
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#tokens = Math.min(rate, this.#tokens + (elapsed * rate) / 1000);
      this.#last = now;
    }
    if (rank === 0) {
      this.#tokens = Math.max(this.#tokens - 1, -rate);
      return true;
    }
    if (this.#tokens >= 1 + RESERVE[rank] * rate) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }
}
