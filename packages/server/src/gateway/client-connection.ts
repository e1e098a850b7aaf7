/**
 * @module gateway/client-connection
 * One WebSocket client: its outbound queue and, once logged in, its session.
 *
 * Outbound frames are coalesced: everything queued within `coalesceMs` leaves as one text frame
 * (a JSON array when there are several), built by joining already-encoded strings — no re-encoding.
 * The queue is bounded: a client whose pending bytes (queued + socket buffer) stay above
 * `maxOutboundBytes` for `slowConsumerGraceMs`, or reach twice that at any moment, is cut off with
 * SLOW_CONSUMER; it resyncs from its cursor when it comes back.
 */
import type { WebSocket } from 'ws';
import { Codes, type KickReason } from '@parley/protocol';
import type { AppRecord } from '../store/app-store.ts';
import type { PushTarget } from '../core/push-target.ts';
import { msBetween, shortMs } from '../core/short-ms.ts';
import { CloseCodes } from './close-codes.ts';

/** Requests per second before login; after login the app's `clientRequestsPerSecond` applies. */
const ANONYMOUS_REQUESTS_PER_SECOND = 20;

export interface ConnectionLimits {
  coalesceMs: number;
  maxOutboundBytes: number;
  slowConsumerGraceMs: number;
}

export interface SessionState {
  app: AppRecord;
  userID: string;
  sessionId: string;
  platform: string;
  loginAt: number;
  /** Unix seconds. */
  expireAt: number;
  guest: boolean;
  nick?: string;
  avatar?: string;
}

/** What the live-room engine keeps on a connection while it is in a live room. */
export interface LiveMembership {
  /** The connection closed: leave the room. */
  connectionClosed(): void;
}

/*
 * Memory per idle connection is a floor (docs/benchmarks.md): every field here is 8 bytes on each
 * of tens of thousands of connections, a number that is not a small integer is another 16-byte
 * box, and each object allocated per connection costs its header too. So: the limits object is
 * the gateway's (shared), the queue exists only while frames wait, times are short ms
 * (core/short-ms.ts), and the token bucket keeps its tokens as an integer count of thousandths and
 * refills from `lastSeen` (no clock of its own).
 */
export class ClientConnection implements PushTarget {
  session: SessionState | undefined;
  /** Last frame or pong from the peer, in short ms; also when the request bucket was last refilled. */
  lastSeen = shortMs(Date.now());
  closed = false;
  /** Set while a login is being processed, so a second one cannot race it. */
  loggingIn = false;
  /** Unix second after which the session's ticket is expired; its bucket in the expiry wheel. */
  expiryBucket = 0;
  /** Set by the live-room engine while the connection is in a live room. */
  live: LiveMembership | undefined = undefined;
  // Request rate (9506 above it): a token bucket kept in two numbers, not an object per connection.
  #rate = ANONYMOUS_REQUESTS_PER_SECOND;
  /** Tokens × 1000 (integer arithmetic keeps it a small integer, not a boxed double). */
  #milliTokens = ANONYMOUS_REQUESTS_PER_SECOND * 2000;

  /** Frames waiting for the shared flush; undefined when none (the connection is then not in the flush list). */
  #queue: string[] | undefined = undefined;
  #queuedBytes = 0;
  /** Short ms since when pending bytes are over the limit; -1 while under it. */
  #overSince = -1;

  constructor(
    readonly ws: WebSocket,
    readonly remoteAddress: string,
    /** Shared by every connection of a gateway. */
    private readonly limits: ConnectionLimits,
  ) {}

  get sessionId(): string {
    return this.session?.sessionId ?? '';
  }
  get sdkAppId(): number {
    return this.session?.app.sdkAppId ?? 0;
  }
  get userID(): string {
    return this.session?.userID ?? '';
  }
  get platform(): string {
    return this.session?.platform ?? 'Unknown';
  }
  get loginAt(): number {
    return this.session?.loginAt ?? 0;
  }
  /** Bytes queued here and not yet handed to the socket (live rooms add ws.bufferedAmount). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** A frame or pong arrived: refills the request bucket up to now and records the time. */
  seen(now: number): void {
    const t = shortMs(now);
    const elapsed = msBetween(this.lastSeen, t);
    if (elapsed > 0) {
      this.#milliTokens = Math.min(this.#rate * 2000, this.#milliTokens + elapsed * this.#rate);
      this.lastSeen = t;
    }
  }

  /** A request arrived: takes one token; false when the connection is over its request rate. */
  takeRequest(now: number): boolean {
    this.seen(now);
    if (this.#milliTokens < 1000) return false;
    this.#milliTokens -= 1000;
    return true;
  }

  /** After login: the app's `clientRequestsPerSecond`, bursts of twice that. */
  setRequestRate(perSecond: number): void {
    this.#rate = perSecond;
    this.#milliTokens = perSecond * 2000;
  }

  /** Queues an encoded frame (push or response). */
  push(frame: string): void {
    if (this.closed) return;
    const queue = this.#queue;
    if (queue === undefined) this.#queue = [frame];
    else queue.push(frame);
    this.#queuedBytes += frame.length;
    if (this.checkPressure()) return;
    if (queue === undefined) scheduleFlush(this, this.limits.coalesceMs);
  }

  reply(id: number, code: number, message: string, data?: unknown): void {
    const body = data === undefined ? '' : `,"data":${JSON.stringify(data)}`;
    this.push(`{"id":${id},"code":${code},"message":${JSON.stringify(message)}${body}}`);
  }

  flush(): void {
    const q = this.#queue;
    if (this.closed || q === undefined) return;
    const text = q.length === 1 ? q[0]! : `[${q.join(',')}]`;
    this.#queue = undefined;
    this.#queuedBytes = 0;
    this.ws.send(text);
    this.checkPressure();
  }

  kick(reason: KickReason, code: number, message: string): void {
    this.push(`{"push":"kickedOut","data":${JSON.stringify({ reason, code, message })}}`);
    this.close(reason === 'userSigExpired' ? CloseCodes.USERSIG_EXPIRED : CloseCodes.KICKED, reason);
  }

  /** Flushes what is queued, then closes with an application close code. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
  }

  /**
   * True when the connection was cut off for being slow. TypeScript-private, not `#`: a class with
   * a `#method` carries a brand slot in every instance.
   */
  private checkPressure(): boolean {
    const pending = this.#queuedBytes + this.ws.bufferedAmount;
    const max = this.limits.maxOutboundBytes;
    if (pending <= max) {
      this.#overSince = -1;
      return false;
    }
    const now = shortMs(Date.now());
    if (this.#overSince < 0) this.#overSince = now;
    if (pending > 2 * max || msBetween(this.#overSince, now) > this.limits.slowConsumerGraceMs) {
      this.#queue = undefined;
      this.#queuedBytes = 0;
      this.closed = true;
      this.ws.close(CloseCodes.SLOW_CONSUMER, Codes.SLOW_CONSUMER.message.slice(0, 120));
      // A client that stopped reading will not complete the closing handshake.
      setTimeout(() => this.ws.terminate(), 1000).unref();
      return true;
    }
    return false;
  }

  /** Called by the heartbeat sweep: re-checks a connection that is over its limit but quiet. */
  sweepPressure(): void {
    if (!this.closed && this.#overSince >= 0) this.checkPressure();
  }
}

/*
 * One timer for every connection with frames waiting, not one per connection: at thousands of
 * sends per second a timer per connection per window is a large share of the allocation.
 */
let waiting: ClientConnection[] = [];
let armed = false;

function scheduleFlush(conn: ClientConnection, coalesceMs: number): void {
  waiting.push(conn);
  if (armed) return;
  armed = true;
  if (coalesceMs > 0) setTimeout(flushWaiting, coalesceMs);
  else setImmediate(flushWaiting);
}

function flushWaiting(): void {
  const list = waiting;
  waiting = [];
  armed = false;
  for (const conn of list) conn.flush();
}
