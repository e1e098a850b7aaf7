/**
 * @module core/window-counter
 * "At most `limit` events per key per window" with two map generations: an entry lives at most two
 * windows, so an idle key costs nothing for long (unlike a token bucket kept per key). Used for
 * login bursts, where keys are users and most are seen once.
 */
export class WindowCounter {
  #current = new Map<string, number>();
  #previous = new Map<string, number>();
  #windowStart = 0;

  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Counts one event for `key`; false when the key is over its limit in this window. */
  take(key: string, now: number): boolean {
    if (now - this.#windowStart >= this.windowMs) {
      // One window passed: the old generation drops; two or more: both do.
      this.#previous = now - this.#windowStart >= 2 * this.windowMs ? new Map() : this.#current;
      this.#current = new Map();
      this.#windowStart = now;
    }
    // The previous window's count still weighs in, so a burst straddling the edge is not doubled.
    const n = (this.#current.get(key) ?? 0) + 1;
    if (n + (this.#previous.get(key) ?? 0) > this.limit) return false;
    this.#current.set(key, n);
    return true;
  }
}
