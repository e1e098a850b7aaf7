/**
 * @module gateway/expiry-wheel
 * Closes sessions whose ticket expires, with one timer for the whole node instead of one per
 * connection: sessions sit in per-second buckets and a 1 s tick expires the buckets it passes.
 * A ticket is valid through `expireAt` (as the ticket libraries define it), so a session goes at
 * the first tick after.
 */
import { Codes } from '@parley/protocol';
import type { ClientConnection } from './client-connection.ts';

export class ExpiryWheel {
  readonly #buckets = new Map<number, Set<ClientConnection>>();
  #last: number;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.#last = Math.floor(now() / 1000);
    this.#timer = setInterval(() => this.tick(), 1000);
    this.#timer.unref();
  }

  /** (Re)schedules the connection's expiry at its session's `expireAt`. */
  arm(conn: ClientConnection): void {
    this.disarm(conn);
    const session = conn.session;
    if (!session) return;
    const second = Math.max(session.expireAt + 1, this.#last + 1);
    let bucket = this.#buckets.get(second);
    if (!bucket) this.#buckets.set(second, (bucket = new Set()));
    bucket.add(conn);
    conn.expiryBucket = second;
  }

  disarm(conn: ClientConnection): void {
    const second = conn.expiryBucket;
    if (second === 0) return;
    conn.expiryBucket = 0;
    const bucket = this.#buckets.get(second);
    bucket?.delete(conn);
    if (bucket?.size === 0) this.#buckets.delete(second);
  }

  tick(): void {
    const now = Math.floor(this.now() / 1000);
    for (let s = this.#last + 1; s <= now; s++) {
      const bucket = this.#buckets.get(s);
      if (!bucket) continue;
      this.#buckets.delete(s);
      for (const conn of bucket) {
        conn.expiryBucket = 0;
        const session = conn.session;
        if (conn.closed || !session) continue;
        conn.push(`{"push":"userSigExpired","data":{"expireAt":${session.expireAt}}}`);
        conn.kick('userSigExpired', Codes.USERSIG_EXPIRED.code, Codes.USERSIG_EXPIRED.message);
      }
    }
    this.#last = now;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#buckets.clear();
  }
}
