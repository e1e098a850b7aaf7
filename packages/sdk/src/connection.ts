/**
 * @module connection
 * The WebSocket link as a small state machine, after centrifuge-js: every state change goes through
 * `#setState`, every teardown through `disconnect(code, reason, reconnect)`.
 *
 *   disconnected ──connect()──▶ connecting ──handshake ok──▶ connected
 *        ▲                          │                            │
 *        └──── backoff timer ◀──────┴──── link lost (reconnect) ◀┘
 *
 * "connecting" covers opening the socket and the handshake (login); only then is the link
 * "connected" and queued requests go out. Reconnects wait an exponential backoff with full jitter.
 * Heartbeats (op `heartbeat`) detect a dead link. Close codes below 4100 from the server (kicked,
 * ticket expired, logged out) stop reconnecting; 4100 and above, and network failures, reconnect.
 */
import { IMError, SdkCodes } from './errors.ts';
import type { NetState } from './constants.ts';

/** The subset of the WHATWG WebSocket the SDK uses (browsers' WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: any) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Client-side close codes (not sent by the server). */
export const LocalClose = {
  /** The app (or the SDK) closed the link on purpose. */
  NORMAL: 1000,
  /** The socket closed without a close frame, or could not open. */
  NETWORK: 1006,
  CONNECT_TIMEOUT: 4500,
  HANDSHAKE_FAILED: 4501,
  HEARTBEAT_TIMEOUT: 4502,
  /** A fatal handshake answer (bad ticket): do not reconnect. */
  LOGIN_REJECTED: 4050,
} as const;

export function serverCodeAllowsReconnect(code: number): boolean {
  return code < 4000 || code >= 4100;
}

export type CallFn = (op: string, data: unknown, timeoutMs?: number) => Promise<any>;

export interface HandshakeResult {
  heartbeatIntervalMs: number;
}

export interface ConnectionOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  /** Runs on every fresh socket before it counts as connected (login). Throwing an IMError with `fatal` stops reconnecting. */
  handshake(call: CallFn): Promise<HandshakeResult>;
  onPush(name: string, data: unknown): void;
  onStateChange(state: NetState, prev: NetState): void;
  /** After the link is torn down. `reconnect` tells whether a retry is scheduled. */
  onDisconnect(code: number, reason: string, reconnect: boolean, error?: IMError): void;
  /** After a successful handshake. */
  onConnected(): void;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Overrides (lowers) the server's heartbeat interval. */
  heartbeatIntervalMs?: number;
  /** How long a heartbeat may go unanswered before the link counts as dead. */
  heartbeatTimeoutMs?: number;
  /**
   * Client-side pacing below the server's per-connection request limit (50/s, bursts of 100), so a
   * burst of calls queues here, in order, instead of being refused with 9506.
   */
  maxRequestsPerSecond?: number;
  requestBurst?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * Re-send after a reconnect when the link drops while the request is in flight (idempotent ops:
   * reads, and sends that carry a clientMsgId). Others fail with NO_NETWORK.
   */
  retry?: boolean;
}

interface Pending {
  id: number;
  op: string;
  data: unknown;
  resolve(v: unknown): void;
  reject(e: IMError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  retry: boolean;
  /** Sent on the current socket (as opposed to waiting for a connection). */
  sent: boolean;
}

const OPEN = 1;

/** Thrown by the handshake for an answer that must not be retried. */
export class FatalHandshakeError extends IMError {
  readonly fatal = true;
}

export class Connection {
  state: NetState = 'disconnected';
  readonly #o: ConnectionOptions;
  #ws: WebSocketLike | undefined;
  #nextId = 1;
  /** Requests waiting for a connection, in order. */
  #queue: Pending[] = [];
  /** Requests sent on the current socket, by id. */
  #inflight = new Map<number, Pending>();
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  /** True once the owner wants a link (connect() called, not stopped). */
  #wanted = false;
  #onlineListener: (() => void) | undefined;
  #tokens: number;
  #refilledAt = Date.now();
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectionOptions) {
    this.#o = options;
    this.#tokens = options.requestBurst ?? 80;
  }

  get reconnecting(): boolean {
    return this.#reconnectTimer !== undefined;
  }

  /** Starts (or restarts) connecting unless a link is up or on its way. */
  connect(): void {
    this.#wanted = true;
    this.#listenOnline();
    if (this.state !== 'disconnected') return;
    this.#clearReconnect();
    this.#open();
  }

  /** Reconnects now instead of waiting for the backoff timer (e.g. the browser came back online). */
  reconnectNow(): void {
    if (!this.#wanted || this.state !== 'disconnected') return;
    this.#clearReconnect();
    this.#open();
  }

  /**
   * The one teardown path. Closes the socket, fails or re-queues what was in flight, and either
   * schedules a reconnect or stops for good.
   */
  disconnect(code: number, reason: string, reconnect: boolean, error?: IMError): void {
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.onerror = () => {};
      try {
        if (ws.readyState <= OPEN) ws.close(code >= 4000 && code < 5000 ? code : 1000, reason.slice(0, 100));
      } catch {
        // already closing
      }
    }
    this.#clearTimers();
    const lost = [...this.#inflight.values()];
    this.#inflight.clear();
    for (const p of lost) {
      p.sent = false;
      if (reconnect && p.retry) this.#queue.push(p);
      else this.#settle(p, undefined, new IMError(SdkCodes.NO_NETWORK.code, `The connection was lost during ${p.op}`));
    }
    // Re-sent requests go first, in their original order.
    this.#queue.sort((a, b) => a.id - b.id);
    if (!reconnect) {
      this.#wanted = false;
      this.#unlistenOnline();
      const waiting = this.#queue;
      this.#queue = [];
      for (const p of waiting) this.#settle(p, undefined, error ?? new IMError(SdkCodes.NO_NETWORK.code, 'Not connected'));
    }
    const wasIdle = this.state === 'disconnected' && !ws;
    this.#setState('disconnected');
    if (!wasIdle || !reconnect) this.#o.onDisconnect(code, reason, reconnect, error);
    if (reconnect) this.#scheduleReconnect();
  }

  /** Stops for good (logout, kick, destroy). */
  close(): void {
    this.disconnect(LocalClose.NORMAL, 'client closed', false);
  }

  /**
   * An op for the logged-in session: sent now when connected, otherwise queued until the link is
   * up (or until its timeout). Fails at once with NO_NETWORK when no link is wanted.
   */
  request<T = any>(op: string, data: unknown = {}, opts: RequestOptions = {}): Promise<T> {
    if (!this.#wanted) return Promise.reject(new IMError(SdkCodes.NO_NETWORK.code, 'Not connected'));
    return new Promise<T>((resolve, reject) => {
      const p: Pending = {
        id: this.#nextId++, op, data, resolve: resolve as (v: unknown) => void, reject, timer: undefined,
        retry: opts.retry ?? false, sent: false,
      };
      const timeout = opts.timeoutMs ?? this.#o.requestTimeoutMs ?? 15_000;
      p.timer = setTimeout(() => {
        this.#queue = this.#queue.filter((q) => q !== p);
        this.#inflight.delete(p.id);
        const e = p.sent
          ? new IMError(SdkCodes.REQUEST_TIMEOUT.code, `${op} timed out`)
          : new IMError(SdkCodes.NO_NETWORK.code, `${op} could not be sent: no connection`);
        this.#settle(p, undefined, e);
      }, timeout);
      this.#queue.push(p);
      this.#pump();
    });
  }

  /** Sends queued requests while the link is up and the pacing budget allows. */
  #pump(): void {
    if (this.#pumpTimer !== undefined) return;
    const rate = this.#o.maxRequestsPerSecond ?? 40;
    const burst = this.#o.requestBurst ?? 80;
    while (this.#queue.length > 0 && this.state === 'connected' && this.#ws) {
      const now = Date.now();
      this.#tokens = Math.min(burst, this.#tokens + ((now - this.#refilledAt) * rate) / 1000);
      this.#refilledAt = now;
      if (this.#tokens < 1) {
        this.#pumpTimer = setTimeout(() => {
          this.#pumpTimer = undefined;
          this.#pump();
        }, Math.ceil(((1 - this.#tokens) * 1000) / rate));
        return;
      }
      this.#tokens -= 1;
      this.#send(this.#queue.shift()!);
    }
  }

  /** Sends on the current socket regardless of state (the handshake uses it). */
  #call: CallFn = (op, data, timeoutMs) => {
    const ws = this.#ws;
    if (!ws || ws.readyState !== OPEN) return Promise.reject(new IMError(SdkCodes.NO_NETWORK.code, 'Not connected'));
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.#nextId++, op, data, resolve, reject, timer: undefined, retry: false, sent: false };
      p.timer = setTimeout(() => {
        this.#inflight.delete(p.id);
        this.#settle(p, undefined, new IMError(SdkCodes.REQUEST_TIMEOUT.code, `${op} timed out`));
      }, timeoutMs ?? this.#o.requestTimeoutMs ?? 15_000);
      // Handshake and heartbeats skip the pacing queue but count against it.
      this.#tokens -= 1;
      this.#send(p);
    });
  };

  #send(p: Pending): void {
    const ws = this.#ws!;
    p.sent = true;
    this.#inflight.set(p.id, p);
    try {
      ws.send(JSON.stringify(p.data === undefined ? { id: p.id, op: p.op } : { id: p.id, op: p.op, data: p.data }));
    } catch {
      // The close event follows and re-queues or fails it.
    }
  }

  #settle(p: Pending, value: unknown, error?: IMError): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    if (error) p.reject(error);
    else p.resolve(value);
  }

  #open(): void {
    this.#setState('connecting');
    let ws: WebSocketLike;
    try {
      ws = new this.#o.WebSocket(this.#o.url);
    } catch (err) {
      this.disconnect(LocalClose.NETWORK, `cannot open socket: ${String(err)}`, true);
      return;
    }
    this.#ws = ws;
    this.#connectTimer = setTimeout(() => {
      if (this.#ws === ws && this.state === 'connecting') this.disconnect(LocalClose.CONNECT_TIMEOUT, 'connect timeout', true);
    }, this.#o.connectTimeoutMs ?? 10_000);
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      void this.#handshake(ws);
    };
    ws.onmessage = (ev) => {
      if (this.#ws !== ws) return;
      this.#receive(ev.data);
    };
    ws.onerror = () => {
      // A close event follows.
    };
    ws.onclose = (ev) => {
      if (this.#ws !== ws) return;
      const code = ev.code || LocalClose.NETWORK;
      // Waiting requests fail with what ended the session: kicked (6208) or ticket expired (6206).
      const error = code === 4001 ? new IMError(SdkCodes.KICKED.code, 'Kicked offline')
        : code === 4002 ? new IMError(SdkCodes.USERSIG_EXPIRED.code, 'The UserSig expired')
        : undefined;
      this.disconnect(code, ev.reason || 'connection closed', this.#wanted && serverCodeAllowsReconnect(code), error);
    };
  }

  async #handshake(ws: WebSocketLike): Promise<void> {
    let result: HandshakeResult;
    try {
      result = await this.#o.handshake(this.#call);
    } catch (err) {
      if (this.#ws !== ws) return;
      const e = err instanceof IMError ? err : new IMError(SdkCodes.NO_NETWORK.code, String(err));
      if (e instanceof FatalHandshakeError) this.disconnect(LocalClose.LOGIN_REJECTED, e.message, false, e);
      else this.disconnect(LocalClose.HANDSHAKE_FAILED, e.message, true, e);
      return;
    }
    if (this.#ws !== ws) return;
    if (this.#connectTimer !== undefined) clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#attempt = 0;
    this.#setState('connected');
    this.#startHeartbeat(result.heartbeatIntervalMs);
    this.#o.onConnected();
    if (this.#ws === ws) this.#pump();
  }

  #receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const frames = Array.isArray(parsed) ? parsed : [parsed];
    for (const f of frames as Array<Record<string, unknown>>) {
      if (!f || typeof f !== 'object') continue;
      if (typeof f['push'] === 'string') {
        this.#o.onPush(f['push'], f['data']);
        continue;
      }
      const id = f['id'];
      if (typeof id !== 'number') continue;
      const p = this.#inflight.get(id);
      if (!p) continue;
      this.#inflight.delete(id);
      const code = typeof f['code'] === 'number' ? f['code'] : 0;
      if (code === 0) this.#settle(p, f['data'] ?? {});
      else this.#settle(p, undefined, new IMError(code, typeof f['message'] === 'string' ? f['message'] : '', f['data']));
    }
  }

  #startHeartbeat(serverInterval: number): void {
    const interval = Math.max(200, Math.min(serverInterval || 25_000, this.#o.heartbeatIntervalMs ?? Infinity));
    const timeout = this.#o.heartbeatTimeoutMs ?? Math.min(interval, 10_000);
    const ws = this.#ws;
    const beat = (): void => {
      this.#heartbeatTimer = setTimeout(() => {
        if (this.#ws !== ws || this.state !== 'connected') return;
        this.#call('heartbeat', undefined, timeout).then(
          () => {
            if (this.#ws === ws) beat();
          },
          () => {
            if (this.#ws === ws) this.disconnect(LocalClose.HEARTBEAT_TIMEOUT, 'heartbeat timeout', this.#wanted);
          },
        );
      }, interval);
    };
    beat();
  }

  #scheduleReconnect(): void {
    this.#clearReconnect();
    const min = this.#o.minReconnectDelayMs ?? 500;
    const max = this.#o.maxReconnectDelayMs ?? 20_000;
    // Exponential backoff with full jitter: uniform in [0, min(max, min·2^attempt)).
    const cap = Math.min(max, min * 2 ** Math.min(this.#attempt, 16));
    const delay = Math.floor(Math.random() * cap);
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#wanted && this.state === 'disconnected') this.#open();
    }, delay);
  }

  #clearReconnect(): void {
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  #clearTimers(): void {
    if (this.#pumpTimer !== undefined) clearTimeout(this.#pumpTimer);
    this.#pumpTimer = undefined;
    if (this.#connectTimer !== undefined) clearTimeout(this.#connectTimer);
    if (this.#heartbeatTimer !== undefined) clearTimeout(this.#heartbeatTimer);
    this.#connectTimer = this.#heartbeatTimer = undefined;
    this.#clearReconnect();
  }

  #setState(next: NetState): void {
    const prev = this.state;
    if (prev === next) return;
    this.state = next;
    this.#o.onStateChange(next, prev);
  }

  #listenOnline(): void {
    const g = globalThis as { addEventListener?: (t: string, f: () => void) => void };
    if (this.#onlineListener || typeof g.addEventListener !== 'function' || typeof (globalThis as { navigator?: unknown }).navigator !== 'object') return;
    this.#onlineListener = () => this.reconnectNow();
    g.addEventListener('online', this.#onlineListener);
  }

  #unlistenOnline(): void {
    const g = globalThis as { removeEventListener?: (t: string, f: () => void) => void };
    if (this.#onlineListener && typeof g.removeEventListener === 'function') g.removeEventListener('online', this.#onlineListener);
    this.#onlineListener = undefined;
  }
}
