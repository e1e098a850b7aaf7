/**
 * @module session
 * Everything that belongs to one login: the connection, the account's cache, the C2C inbox cursor,
 * per-group cursors, conversations, recent history and the send queue. A new login builds a new
 * Session and the old one is closed, so nothing of one account can leak into another.
 *
 * Ordering rules (docs/protocol.md): C2C events are applied strictly in inbox order; the cursor is
 * the highest inbox sequence applied with no gap before it; a push past a gap is buffered and
 * `sync` fills the gap. Group messages follow the same rule per group with `syncGroups`.
 */
import { Codes, isRetryable, type GroupAttributesUpdatedPush, type InboxEvent, type LoginResponse, type WireMessage } from '@parley/protocol';
import { Connection, FatalHandshakeError, type CallFn, type HandshakeResult, type WebSocketConstructor } from './connection.ts';
import { EVENT, TYPES, type NetState } from './constants.ts';
import { LocalCache } from './cache.ts';
import { lastMessageOf, newConversation, sortConversations, type Conversation } from './conversation.ts';
import { IMError, SdkCodes } from './errors.ts';
import { bodyOf, fromWire, reviveMessage, stampFromWire, type Message } from './message.ts';
import type { StorageAdapter } from './storage/storage.ts';

export interface SessionConfig {
  sdkAppId: number;
  url: string;
  WebSocket: WebSocketConstructor;
  storage: StorageAdapter;
  platform: string;
  emit(name: string, data?: unknown): void;
  loginTimeoutMs: number;
  requestTimeoutMs: number;
  sendTimeoutMs: number;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  connectTimeoutMs: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  maxRequestsPerSecond?: number;
  requestBurst?: number;
  messageCacheSize: number;
  cacheFlushMs: number;
  /** Where a client with no cached cursor starts the C2C inbox: 'all' replays it, 'latest' starts at the newest. */
  initialSync: 'all' | 'latest';
}

export interface Credentials {
  userID: string;
  userSig: string;
  guest?: { nick?: string; avatar?: string };
}

interface GroupState {
  /** Last group sequence applied with no gap. */
  cursor: number | undefined;
  buffer: Map<number, WireMessage>;
}

type SessionStatus = 'logging-in' | 'online' | 'expired' | 'closed';

/** Internal events for helpers (LiveRoom): live pushes, by push name. */
export type LiveListener = (push: string, data: any) => void;

const SYNC_PAGE = 500;
const OWN_IDS_MAX = 20_000;

export class Session {
  userID: string;
  userSig: string;
  readonly guest: boolean;
  readonly #guestInfo: { nick?: string; avatar?: string } | undefined;
  readonly conn: Connection;
  cache: LocalCache | undefined;
  status: SessionStatus = 'logging-in';
  /** Why the session ended, when not by logout (6208 kicked): later calls reject with it. */
  endCode = 0;
  /** True between SDK_READY and SDK_NOT_READY. */
  ready = false;
  /** Set once the first resync finished (SDK_READY was emitted at least once). */
  #everReady = false;
  login: LoginResponse | undefined;
  #serverTimeOffset = 0;

  // --- C2C inbox ---
  cursor = 0;
  #hadCursor = false;
  #inboxBuffer = new Map<number, InboxEvent>();
  #inboxSync: Promise<void> | undefined;
  #inboxSyncAgain = false;
  #inboxGapTimer: ReturnType<typeof setTimeout> | undefined;

  // --- groups ---
  readonly groups = new Map<string, Record<string, any>>();
  readonly #groupState = new Map<string, GroupState>();
  #groupSync: Promise<void> | undefined;
  #groupSyncAgain = false;
  #groupGapTimer: ReturnType<typeof setTimeout> | undefined;
  /** The AVChatRoom this session has joined (rejoined after every reconnect). */
  liveRoom: { groupID: string } | undefined;
  readonly liveListeners = new Set<LiveListener>();

  // --- model ---
  readonly conversations = new Map<string, Conversation>();
  readonly #history = new Map<string, Message[]>();
  readonly #byId = new Map<string, Message>();
  /** Messages this instance is sending, by ID (= clientMsgId). */
  readonly #sending = new Map<string, Message>();
  /** IDs this instance sent (bounded), so their inbox echoes are not reported as received. */
  readonly #ownIds = new Set<string>();
  /** msgKeys this instance is recalling, so the echo does not fire MESSAGE_REVOKED here. */
  readonly #revoking = new Set<string>();
  #profilesAsked = new Set<string>();

  // --- batched events ---
  #received: Message[] = [];
  #revoked: Message[] = [];
  #peerRead: Message[] = [];
  #convChanged = false;
  #groupsChanged = false;
  #flushScheduled = false;
  #lastTotalUnread = -1;

  // --- login ---
  #loginSettled = false;
  #loginResolve!: (r: LoginResponse) => void;
  #loginReject!: (e: IMError) => void;
  readonly loginPromise: Promise<LoginResponse>;
  #loginTimer: ReturnType<typeof setTimeout> | undefined;
  #everOpened = false;
  #connectGen = 0;
  #kick: { reason: string; code: number; message: string } | undefined;

  constructor(readonly cfg: SessionConfig, creds: Credentials) {
    this.userID = creds.userID;
    this.userSig = creds.userSig;
    this.guest = creds.guest !== undefined;
    this.#guestInfo = creds.guest;
    this.loginPromise = new Promise((resolve, reject) => {
      this.#loginResolve = resolve;
      this.#loginReject = reject;
    });
    this.loginPromise.catch(() => {});
    this.conn = new Connection({
      url: cfg.url,
      WebSocket: cfg.WebSocket,
      handshake: (call) => this.#handshake(call),
      onPush: (name, data) => this.#onPush(name, data),
      onStateChange: (state, prev) => this.#onNetState(state, prev),
      onDisconnect: (code, reason, reconnect, error) => this.#onDisconnect(code, reason, reconnect, error),
      onConnected: () => this.#onConnected(),
      minReconnectDelayMs: cfg.minReconnectDelayMs,
      maxReconnectDelayMs: cfg.maxReconnectDelayMs,
      connectTimeoutMs: cfg.connectTimeoutMs,
      requestTimeoutMs: cfg.requestTimeoutMs,
      ...(cfg.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: cfg.heartbeatIntervalMs }),
      ...(cfg.heartbeatTimeoutMs !== undefined && { heartbeatTimeoutMs: cfg.heartbeatTimeoutMs }),
      ...(cfg.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: cfg.maxRequestsPerSecond }),
      ...(cfg.requestBurst !== undefined && { requestBurst: cfg.requestBurst }),
    });
  }

  get active(): boolean {
    return this.status !== 'closed';
  }

  serverTime(): number {
    return Math.floor(Date.now() / 1000 + this.#serverTimeOffset);
  }

  /** Resolves once the cache is loaded (at once for guests, whose cache opens after login). */
  cacheLoaded: Promise<void> = Promise.resolve();

  /** Loads the cache (named accounts), then connects. Resolves with the login response. */
  async start(): Promise<LoginResponse> {
    this.#loginTimer = setTimeout(() => {
      const e = this.#everOpened
        ? new IMError(SdkCodes.LOGIN_TIMEOUT.code, 'Login timed out')
        : new IMError(SdkCodes.NO_NETWORK.code, 'Login failed: the server could not be reached');
      this.#failLogin(e);
    }, this.cfg.loginTimeoutMs);
    if (!this.guest) {
      this.cacheLoaded = this.#openCache();
      await this.cacheLoaded;
    }
    if (this.status === 'closed') return this.loginPromise;
    this.conn.connect();
    return this.loginPromise;
  }

  #failLogin(e: IMError): void {
    if (this.#loginSettled) return;
    this.#loginSettled = true;
    if (this.#loginTimer !== undefined) clearTimeout(this.#loginTimer);
    this.#loginReject(e);
    void this.close();
  }

  async #openCache(): Promise<void> {
    const cache = new LocalCache(this.cfg.storage, `${this.cfg.sdkAppId}:${this.userID}`, this.cfg.cacheFlushMs);
    this.cache = cache;
    await cache.open();
    const meta = cache.get<{ cursor?: number; groupCursors?: Record<string, number> }>('meta');
    if (meta && typeof meta.cursor === 'number') {
      this.cursor = meta.cursor;
      this.#hadCursor = true;
    }
    for (const [g, c] of Object.entries(meta?.groupCursors ?? {})) this.#groupState.set(g, { cursor: c, buffer: new Map() });
    for (const c of cache.get<Conversation[]>('conversations') ?? []) {
      const conv = { ...newConversation(c.conversationID), ...c };
      this.conversations.set(c.conversationID, conv);
    }
    for (const g of cache.get<Record<string, any>[]>('groups') ?? []) this.groups.set(String(g['groupID']), g);
    for (const key of cache.keys('msgs:')) {
      const list = (cache.get<Record<string, any>[]>(key) ?? []).map(reviveMessage);
      this.#history.set(key.slice(5), list);
      for (const m of list) {
        this.#byId.set(m.ID, m);
        if (m.flow === 'out') this.#rememberOwn(m.ID);
      }
    }
  }

  // ------------------------------------------------------------------ connection

  async #handshake(call: CallFn): Promise<HandshakeResult> {
    this.#everOpened = true;
    const timeout = Math.min(this.cfg.requestTimeoutMs, 15_000);
    let resp: LoginResponse;
    try {
      if (this.guest && !this.userSig) {
        resp = await call('guestLogin', { sdkAppId: this.cfg.sdkAppId, platform: this.cfg.platform, ...this.#guestInfo }, timeout);
        this.userID = resp.userID;
        this.userSig = resp.userSig ?? '';
      } else {
        resp = await call('login', { sdkAppId: this.cfg.sdkAppId, userID: this.userID, userSig: this.userSig, platform: this.cfg.platform }, timeout);
      }
    } catch (err) {
      const e = err instanceof IMError ? err : new IMError(SdkCodes.NO_NETWORK.code, String(err));
      const transient = isRetryable(e.code) || e.code === Codes.REPEATED_LOGIN.code || e.code === SdkCodes.REQUEST_TIMEOUT.code || e.code === SdkCodes.NO_NETWORK.code;
      if (transient) throw e;
      throw new FatalHandshakeError(e.code, e.message, e.data);
    }
    this.login = resp;
    this.#serverTimeOffset = resp.serverTime - Date.now() / 1000;
    if (this.guest && !this.cache) await this.#openCache();
    return { heartbeatIntervalMs: resp.heartbeatIntervalMs };
  }

  #onConnected(): void {
    const gen = ++this.#connectGen;
    if (!this.#loginSettled) {
      this.#loginSettled = true;
      if (this.#loginTimer !== undefined) clearTimeout(this.#loginTimer);
      this.status = 'online';
      this.#loginResolve(this.login!);
    } else if (this.status === 'expired') {
      this.status = 'online';
    }
    void this.#resync(gen);
  }

  async #resync(gen: number): Promise<void> {
    const stale = () => gen !== this.#connectGen || !this.active || this.conn.state !== 'connected';
    // A sync loop still finishing for the previous link may fail: run it again for this one.
    const onThisLink = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (err) {
        if (stale()) throw err;
        await f();
      }
    };
    try {
      if (!this.#hadCursor) {
        // No cache: replay the whole inbox ('all') or start at the newest event ('latest').
        this.cursor = this.cfg.initialSync === 'latest' ? this.login!.inboxSeq : 0;
        this.#hadCursor = true;
        this.#saveMeta();
      }
      await onThisLink(() => this.#syncInbox());
      if (stale()) return;
      if (!this.#everReady) {
        await this.#refreshConversations();
        if (stale()) return;
        await this.#refreshGroups();
        if (stale()) return;
      }
      await onThisLink(() => this.#syncGroups());
      if (stale()) return;
      if (this.liveRoom) {
        const room = this.liveRoom;
        await this.conn.request('joinGroup', { groupID: room.groupID }).catch(() => {});
        if (stale()) return;
      }
      this.#flushEvents();
      if (!this.ready) {
        this.ready = true;
        this.#everReady = true;
        this.cfg.emit(EVENT.SDK_READY);
      }
      void this.#fillProfiles();
    } catch (err) {
      if (stale()) return;
      // A failed step on a live link: start over on a fresh link.
      this.conn.disconnect(4503, `resync failed: ${(err as Error).message}`, true);
    }
  }

  #onNetState(state: NetState, _prev: NetState): void {
    if (!this.active) return;
    this.cfg.emit(EVENT.NET_STATE_CHANGE, { state });
  }

  #onDisconnect(code: number, reason: string, reconnect: boolean, error?: IMError): void {
    if (!this.active) return;
    this.#connectGen++;
    if (reconnect) return;
    // Not reconnecting: find out why.
    if (!this.#loginSettled) {
      this.#failLogin(error ?? new IMError(SdkCodes.NO_NETWORK.code, reason));
      return;
    }
    const kick = this.#kick;
    this.#kick = undefined;
    const expired = code === 4002 || kick?.reason === 'userSigExpired' || error?.code === Codes.USERSIG_EXPIRED.code || error?.code === SdkCodes.USERSIG_EXPIRED.code;
    if (expired) {
      this.status = 'expired';
      this.#setNotReady();
      this.cfg.emit(EVENT.USER_SIG_EXPIRED, { expireAt: this.login?.expireAt ?? 0 });
      this.cfg.emit(EVENT.KICKED_OUT, { type: TYPES.KICKED_OUT_USERSIG_EXPIRED });
      return;
    }
    if (code === 4001 || kick || error?.code === Codes.USERSIG_REVOKED.code) {
      this.endCode = SdkCodes.KICKED.code;
      const type = kick?.reason ?? (error?.code === Codes.USERSIG_REVOKED.code ? TYPES.KICKED_OUT_REST_API : TYPES.KICKED_OUT_MULT_ACCOUNT);
      void this.close().then(() => {
        this.cfg.emit(EVENT.KICKED_OUT, { type });
        this.cfg.emit(EVENT.SDK_NOT_READY);
      });
      this.status = 'closed';
      return;
    }
    // 4003 protocol error, 4004 logged out elsewhere, or a fatal login answer on reconnect.
    this.cfg.emit(EVENT.ERROR, { code: error?.code ?? code, message: error?.message ?? reason });
    this.status = 'closed';
    void this.close().then(() => this.cfg.emit(EVENT.SDK_NOT_READY));
  }

  #setNotReady(): void {
    if (!this.ready) return;
    this.ready = false;
    this.cfg.emit(EVENT.SDK_NOT_READY);
  }

  /** A fresh ticket: renews the live session, or reconnects an expired one. */
  async renewUserSig(userSig: string): Promise<void> {
    this.userSig = userSig;
    if (this.status === 'expired') {
      this.conn.connect();
      return;
    }
    if (this.conn.state === 'connected') {
      const r = await this.conn.request<{ expireAt: number }>('renewTicket', { userSig });
      if (this.login) this.login.expireAt = r.expireAt;
    }
  }

  /** Tears the session down: socket closed, cache flushed, timers stopped. Idempotent. */
  async close(sendLogout = false): Promise<void> {
    const wasActive = this.status !== 'closed' || this.conn.state !== 'disconnected';
    this.status = 'closed';
    if (!this.#loginSettled) {
      // Logged out (or replaced) before the login finished.
      this.#loginSettled = true;
      this.#loginReject(new IMError(SdkCodes.NOT_LOGGED_IN.code, 'Logged out before the login completed'));
    }
    this.ready = false;
    if (this.#loginTimer !== undefined) clearTimeout(this.#loginTimer);
    if (this.#inboxGapTimer !== undefined) clearTimeout(this.#inboxGapTimer);
    if (this.#groupGapTimer !== undefined) clearTimeout(this.#groupGapTimer);
    if (sendLogout && this.conn.state === 'connected') {
      await this.conn.request('logout', {}, { timeoutMs: 2_000 }).catch(() => {});
    }
    if (wasActive) this.conn.close();
    for (const m of this.#sending.values()) m.status = 'fail';
    this.#sending.clear();
    this.liveListeners.clear();
    await this.cache?.close();
  }

  // ------------------------------------------------------------------ pushes

  #onPush(name: string, data: any): void {
    if (!this.active) return;
    switch (name) {
      case 'inbox':
        this.#feedInbox(data as InboxEvent);
        break;
      case 'message':
        this.#onlineMessage(data as WireMessage);
        break;
      case 'groupMessage':
        this.#feedGroup(data as WireMessage);
        break;
      case 'groupRevoke':
        this.#groupRevoke(data);
        break;
      case 'groupAttributesUpdated':
        this.#attributesUpdated(data as GroupAttributesUpdatedPush);
        break;
      case 'resync':
        // The node may have missed pushes from other nodes (cluster bus hiccup): sync now.
        if (this.#everReady && this.conn.state === 'connected') {
          void this.#syncInbox().catch(() => {});
          void this.#syncGroups().catch(() => {});
        }
        break;
      case 'kickedOut':
        this.#kick = data;
        break;
      case 'userSigExpired':
        this.#kick = { reason: 'userSigExpired', code: Codes.USERSIG_EXPIRED.code, message: '' };
        break;
      case 'roomMessage':
      case 'broadcastMessage': {
        const m = this.#fromWire(data as WireMessage);
        if (!this.#isOwnEcho(m)) this.#received.push(m);
        this.#live(name, data);
        break;
      }
      case 'roomMembers':
      case 'likes':
      case 'roomStats':
      case 'roomClosed':
        if (name === 'roomClosed' && this.liveRoom?.groupID === data?.groupID) this.liveRoom = undefined;
        this.#live(name, data);
        break;
      default:
        break;
    }
    this.#scheduleFlush();
  }

  #live(name: string, data: unknown): void {
    for (const l of [...this.liveListeners]) {
      try {
        l(name, data);
      } catch (err) {
        console.error('[parley-sdk] live listener threw', err);
      }
    }
  }

  #onlineMessage(w: WireMessage): void {
    const m = this.#fromWire(w);
    if (this.#isOwnEcho(m)) return;
    this.#received.push(m);
  }

  #isOwnEcho(m: Message): boolean {
    return m.from === this.userID && (this.#sending.has(m.ID) || this.#ownIds.has(m.ID));
  }

  #fromWire(w: WireMessage): Message {
    const m = fromWire(w, this.userID);
    if (w.body[0]?.MsgType === 'TIMGroupSystemNoticeElem') {
      m.conversationID = TYPES.CONV_SYSTEM;
      (m as { conversationType: string }).conversationType = TYPES.CONV_SYSTEM;
    }
    return m;
  }

  // ------------------------------------------------------------------ C2C inbox

  #feedInbox(ev: InboxEvent): void {
    if (ev.inbox <= this.cursor) return;
    if (ev.inbox === this.cursor + 1) {
      this.#applyInbox(ev);
      this.#drainInbox();
      return;
    }
    this.#inboxBuffer.set(ev.inbox, ev);
    if (this.#inboxSync) this.#inboxSyncAgain = true;
    else if (this.#inboxGapTimer === undefined && this.conn.state === 'connected' && this.#everReady) {
      // A short wait lets crossing pushes fill the gap before asking the server.
      this.#inboxGapTimer = setTimeout(() => {
        this.#inboxGapTimer = undefined;
        if (this.#inboxBuffer.size > 0) void this.#syncInbox().catch(() => {});
      }, 50);
    }
  }

  #drainInbox(): void {
    for (;;) {
      const next = this.#inboxBuffer.get(this.cursor + 1);
      if (!next) break;
      this.#inboxBuffer.delete(next.inbox);
      this.#applyInbox(next);
    }
    for (const k of this.#inboxBuffer.keys()) if (k <= this.cursor) this.#inboxBuffer.delete(k);
  }

  /** Runs the inbox sync loop, or joins the one running (which then goes round once more). */
  #syncInbox(): Promise<void> {
    if (this.#inboxSync) {
      this.#inboxSyncAgain = true;
      return this.#inboxSync;
    }
    const run = this.#runInboxSync().finally(() => {
      if (this.#inboxSync === run) this.#inboxSync = undefined;
    });
    this.#inboxSync = run;
    return run;
  }

  async #runInboxSync(): Promise<void> {
    {
      do {
        this.#inboxSyncAgain = false;
        for (;;) {
          let r: { events: InboxEvent[]; cursor: number; isCompleted: boolean };
          try {
            r = await this.conn.request('sync', { cursor: this.cursor, limit: SYNC_PAGE });
          } catch (err) {
            if (err instanceof IMError && err.code === Codes.SYNC_TOO_FAR_BEHIND.code) {
              const seq = Number((err.data as { inboxSeq?: number } | undefined)?.inboxSeq ?? 0);
              await this.#jumpInbox(seq);
              continue;
            }
            throw err;
          }
          if (!this.active) return;
          for (const ev of r.events) this.#feedInbox(ev);
          if (r.cursor > this.cursor && r.events.length > 0) {
            // Sequences the server skipped do not exist: move past them.
            this.cursor = r.cursor;
            this.#saveMeta();
          }
          this.#drainInbox();
          this.#scheduleFlush();
          if (r.isCompleted) {
            if (r.events.length === 0 && r.cursor < this.cursor) {
              // The server's inbox is behind our cursor (its data was reset): follow it.
              this.cursor = r.cursor;
              this.#inboxBuffer.clear();
              this.#saveMeta();
            }
            break;
          }
          if (r.events.length === 0) break;
        }
        if (this.#inboxBuffer.size > 0) this.#inboxSyncAgain = true;
      } while (this.#inboxSyncAgain && this.active && this.conn.state === 'connected');
    }
  }

  /** Too far behind: continue from the server's newest event and page history instead. */
  async #jumpInbox(seq: number): Promise<void> {
    this.cursor = seq;
    for (const k of this.#inboxBuffer.keys()) if (k <= seq) this.#inboxBuffer.delete(k);
    this.#saveMeta();
    // Cached C2C history may now have holes: drop it, it is fetched again on demand.
    for (const id of [...this.#history.keys()]) if (id.startsWith('C2C')) this.#dropHistory(id);
    await this.#refreshConversations();
  }

  #applyInbox(ev: InboxEvent): void {
    this.cursor = ev.inbox;
    this.#saveMeta();
    switch (ev.kind) {
      case 'message':
        this.#applyMessage(ev.message);
        break;
      case 'revoke': {
        if (ev.conversationType === 'GROUP') {
          this.#applyRevoke('GROUP' + ev.to, ev.seq, ev.msgKey, ev.by);
          break;
        }
        const peer = ev.from === this.userID ? ev.to : ev.from;
        this.#applyRevoke('C2C' + peer, ev.seq, ev.msgKey, ev.by);
        break;
      }
      case 'read':
        if (ev.reader === this.userID) this.#applyOwnRead('C2C' + ev.peer, ev.readSeq);
        else this.#applyPeerRead('C2C' + ev.reader, ev.readSeq);
        break;
    }
  }

  /** A stored message (C2C from the inbox, or a group message in order). */
  #applyMessage(w: WireMessage): void {
    const m = this.#fromWire(w);
    if (m.conversationID === TYPES.CONV_SYSTEM) {
      this.#received.push(m);
      this.#onSystemNotice(m);
      return;
    }
    const mine = this.#sending.get(m.ID);
    if (mine) {
      stampFromWire(mine, w);
      this.#addToConversation(mine, false);
      return;
    }
    const known = this.#byId.get(m.ID);
    if (known) {
      // Already held (our own send, or fetched with history first): refresh, do not report again.
      stampFromWire(known, w);
      this.#addToConversation(known, false);
      return;
    }
    const own = m.from === this.userID && this.#ownIds.has(m.ID);
    this.#addToConversation(m, !own);
    if (!own) this.#received.push(m);
    if (m.type === TYPES.MSG_GRP_TIP) this.#onGroupTip(m);
  }

  /** Puts a message in its conversation's history and summary. */
  #addToConversation(m: Message, countUnread: boolean): void {
    if (m.onlineOnly || m.sequence === 0) return;
    const id = m.conversationID;
    const list = this.#history.get(id) ?? [];
    if (!this.#history.has(id)) this.#history.set(id, list);
    if (!list.includes(m)) {
      const last = list[list.length - 1];
      if (!last || last.sequence < m.sequence) list.push(m);
      else {
        const dup = list.findIndex((x) => x.sequence === m.sequence && x.sequence > 0);
        if (dup >= 0) {
          this.#byId.delete(list[dup]!.ID);
          list[dup] = m;
        } else {
          let i = list.length;
          while (i > 0 && list[i - 1]!.sequence > m.sequence) i--;
          list.splice(i, 0, m);
        }
      }
      this.#byId.set(m.ID, m);
      this.#trimHistory(id, list);
    }
    this.#saveHistory(id);
    const conv = this.#conversation(id);
    if (m.conversationType === 'GROUP' && this.groups.get(m.to)) conv.subType = String(this.groups.get(m.to)!['type'] ?? '');
    if (m.conversationType === 'C2C' && m.flow === 'out' && m.sequence <= conv.peerReadSeq) m.isPeerRead = true;
    if (m.flow === 'in' && m.sequence <= conv.readSeq) m.isRead = true;
    if (!conv.lastMessage || conv.lastMessage.lastSequence <= m.sequence) conv.lastMessage = lastMessageOf(m);
    if (countUnread && m.flow === 'in' && m.sequence > conv.readSeq && m.type !== TYPES.MSG_GRP_TIP) conv.unreadCount++;
    this.#convDirty();
  }

  #trimHistory(id: string, list: Message[]): void {
    const excess = list.length - this.cfg.messageCacheSize;
    if (excess <= 0) return;
    for (const old of list.splice(0, excess)) this.#byId.delete(old.ID);
    this.#history.set(id, list);
  }

  #applyRevoke(conversationID: string, seq: number, msgKey: string, by: string): void {
    const m = this.#history.get(conversationID)?.find((x) => x.sequence === seq) ?? undefined;
    const conv = this.conversations.get(conversationID);
    if (conv?.lastMessage && conv.lastMessage.lastSequence === seq) {
      conv.lastMessage.isRevoked = true;
      conv.lastMessage.messageForShow = 'Message recalled';
      this.#convDirty();
    }
    const mine = this.#revoking.has(msgKey);
    if (m) {
      // Already applied (a replayed event, or our own recall's echo): report it once only.
      if (m.isRevoked) return;
      m.isRevoked = true;
      m.revoker = by;
      this.#saveHistory(conversationID);
      if (!mine) this.#revoked.push(m);
      return;
    }
    if (mine) return;
    // Not cached: report what is known about it.
    const type = conversationID.startsWith('GROUP') ? 'GROUP' : 'C2C';
    const stub = reviveMessage({
      ID: '', type: '', payload: {}, conversationType: type, to: conversationID.slice(type === 'GROUP' ? 5 : 3), from: '', flow: 'in',
      conversationID, sequence: seq, msgKey, isRevoked: true, revoker: by, status: 'success',
    });
    this.#revoked.push(stub);
  }

  #applyOwnRead(conversationID: string, readSeq: number): void {
    const conv = this.#conversation(conversationID);
    if (readSeq > conv.readSeq) conv.readSeq = readSeq;
    let unread = 0;
    for (const m of this.#history.get(conversationID) ?? []) {
      if (m.flow !== 'in') continue;
      if (m.sequence <= conv.readSeq) m.isRead = true;
      else if (m.type !== TYPES.MSG_GRP_TIP) unread++;
    }
    const last = conv.lastMessage?.lastSequence ?? 0;
    const oldest = this.#history.get(conversationID)?.[0]?.sequence ?? Infinity;
    // Exact when the cache reaches back to the read position; otherwise keep the count we have.
    if (conv.readSeq >= last) conv.unreadCount = 0;
    else if (oldest <= conv.readSeq + 1) conv.unreadCount = unread;
    this.#saveHistory(conversationID);
    this.#convDirty();
  }

  #applyPeerRead(conversationID: string, readSeq: number): void {
    const conv = this.#conversation(conversationID);
    if (readSeq <= conv.peerReadSeq) return;
    conv.peerReadSeq = readSeq;
    for (const m of this.#history.get(conversationID) ?? []) {
      if (m.flow === 'out' && m.sequence > 0 && m.sequence <= readSeq && !m.isPeerRead) {
        m.isPeerRead = true;
        this.#peerRead.push(m);
      }
    }
    if (conv.lastMessage && conv.lastMessage.fromAccount === this.userID && conv.lastMessage.lastSequence <= readSeq) conv.lastMessage.isPeerRead = true;
    this.#saveHistory(conversationID);
    this.#convDirty();
  }

  // ------------------------------------------------------------------ groups

  #feedGroup(w: WireMessage): void {
    const groupID = w.to;
    if (w.seq === 0 || w.onlineOnly) {
      const m = this.#fromWire(w);
      if (!this.#isOwnEcho(m)) this.#received.push(m);
      return;
    }
    let st = this.#groupState.get(groupID);
    if (!st) {
      st = { cursor: undefined, buffer: new Map() };
      this.#groupState.set(groupID, st);
    }
    if (st.cursor === undefined) {
      if (this.#groupSync || !this.#everReady) {
        st.buffer.set(w.seq, w);
        return;
      }
      // A group we just joined (or were added to): start here.
      st.cursor = w.seq - 1;
    }
    if (w.seq <= st.cursor) return;
    if (w.seq === st.cursor + 1) {
      this.#applyGroupMessage(st, w);
      this.#drainGroup(st);
      return;
    }
    st.buffer.set(w.seq, w);
    if (this.#groupSync) this.#groupSyncAgain = true;
    else if (this.#groupGapTimer === undefined && this.conn.state === 'connected') {
      this.#groupGapTimer = setTimeout(() => {
        this.#groupGapTimer = undefined;
        void this.#syncGroups().catch(() => {});
      }, 50);
    }
  }

  #applyGroupMessage(st: GroupState, w: WireMessage): void {
    st.cursor = w.seq;
    this.#saveMeta();
    this.#applyMessage(w);
  }

  #drainGroup(st: GroupState): void {
    if (st.cursor === undefined) return;
    for (;;) {
      const next = st.buffer.get(st.cursor + 1);
      if (!next) break;
      st.buffer.delete(next.seq);
      this.#applyGroupMessage(st, next);
    }
    for (const k of st.buffer.keys()) if (k <= st.cursor) st.buffer.delete(k);
  }

  /** Runs the group sync loop, or joins the one running (which then goes round once more). */
  #syncGroups(): Promise<void> {
    if (this.#groupSync) {
      this.#groupSyncAgain = true;
      return this.#groupSync;
    }
    const run = this.#runGroupSync().finally(() => {
      if (this.#groupSync === run) this.#groupSync = undefined;
    });
    this.#groupSync = run;
    return run;
  }

  async #runGroupSync(): Promise<void> {
    {
      do {
        this.#groupSyncAgain = false;
        let pending: Record<string, number> | undefined;
        for (;;) {
          const cursors: Record<string, number> = {};
          if (pending) Object.assign(cursors, pending);
          else for (const [g, st] of this.#groupState) if (st.cursor !== undefined) cursors[g] = st.cursor;
          let r: { groups: Array<{ groupID: string; lastSeq: number; messages: WireMessage[]; isCompleted: boolean; tooFarBehind?: boolean }>; notMember: string[] };
          try {
            r = await this.conn.request('syncGroups', { cursors, limit: SYNC_PAGE });
          } catch (err) {
            if (err instanceof IMError && err.code === Codes.PROTOCOL_UNKNOWN_OP.code) return; // server without groups
            throw err;
          }
          if (!this.active) return;
          pending = {};
          for (const entry of r.groups) {
            let st = this.#groupState.get(entry.groupID);
            if (!st) this.#groupState.set(entry.groupID, (st = { cursor: undefined, buffer: new Map() }));
            if (st.cursor !== undefined && entry.lastSeq < st.cursor) {
              // The server's group is behind our cursor (its data was reset): follow it.
              st.cursor = entry.lastSeq;
              st.buffer.clear();
              this.#saveMeta();
            }
            if (st.cursor === undefined || entry.tooFarBehind) {
              st.cursor = entry.lastSeq;
              if (entry.tooFarBehind) this.#dropHistory('GROUP' + entry.groupID);
              this.#saveMeta();
            }
            for (const w of entry.messages) {
              if (w.seq <= st.cursor) continue;
              if (w.seq !== st.cursor + 1) st.cursor = w.seq - 1; // the server skipped sequences that do not exist
              this.#applyGroupMessage(st, w);
            }
            this.#drainGroup(st);
            if (!entry.isCompleted && st.cursor !== undefined) pending[entry.groupID] = st.cursor;
            if (!this.groups.has(entry.groupID)) this.#groupsMaybeStale = true;
          }
          for (const g of r.notMember) this.#forgetGroup(g);
          this.#scheduleFlush();
          if (Object.keys(pending).length === 0) break;
        }
        for (const [, st] of this.#groupState) {
          if (st.cursor === undefined && st.buffer.size > 0) {
            // Pushes for a group the server did not list: start at the oldest buffered.
            st.cursor = Math.min(...st.buffer.keys()) - 1;
            this.#drainGroup(st);
          }
          if (st.buffer.size > 0) this.#groupSyncAgain = true;
        }
      } while (this.#groupSyncAgain && this.active && this.conn.state === 'connected');
      if (this.#groupsMaybeStale) {
        this.#groupsMaybeStale = false;
        await this.#refreshGroups().catch(() => {});
      }
    }
  }
  #groupsMaybeStale = false;

  #attributesUpdated(p: GroupAttributesUpdatedPush): void {
    if (typeof p?.groupID !== 'string' || typeof p.groupAttributes !== 'object' || p.groupAttributes === null) return;
    this.cfg.emit(EVENT.GROUP_ATTRIBUTES_UPDATED, { groupID: p.groupID, groupAttributes: { ...p.groupAttributes } });
  }

  #groupRevoke(p: { groupID: string; seq: number; msgKey: string; by: string }): void {
    this.#applyRevoke('GROUP' + p.groupID, p.seq, p.msgKey, p.by);
  }

  #onGroupTip(m: Message): void {
    const p = m.payload;
    const groupID = String(p['groupID'] ?? m.to);
    const ids: string[] = Array.isArray(p['userIDList']) ? p['userIDList'] : [];
    const g = this.groups.get(groupID);
    switch (p['operationType']) {
      case TYPES.GRP_TIP_MBR_JOIN:
        if (g && typeof g['memberCount'] === 'number') g['memberCount'] += ids.length;
        if (ids.includes(this.userID) && !g) void this.#refreshGroups().catch(() => {});
        break;
      case TYPES.GRP_TIP_MBR_QUIT:
      case TYPES.GRP_TIP_MBR_KICKED_OUT:
        if (ids.includes(this.userID)) this.#forgetGroup(groupID);
        else if (g && typeof g['memberCount'] === 'number') g['memberCount'] = Math.max(0, g['memberCount'] - Math.max(ids.length, 1));
        break;
      case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
        if (g && p['newGroupProfile']) Object.assign(g, p['newGroupProfile']);
        break;
      case TYPES.GRP_TIP_MBR_SET_ADMIN:
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
        if (g && ids.includes(this.userID) && g['selfInfo']) g['selfInfo'].role = p['operationType'] === TYPES.GRP_TIP_MBR_SET_ADMIN ? 'Admin' : 'Member';
        break;
      default:
        return;
    }
    if (g) this.#groupsDirty();
  }

  #onSystemNotice(m: Message): void {
    const p = m.payload;
    const groupID = String(p['groupProfile']?.groupID ?? '');
    this.cfg.emit(EVENT.GROUP_SYSTEM_NOTICE_RECEIVED, { message: m, type: p['operationType'] });
    switch (p['operationType']) {
      case 4: // kicked out
      case 5: // dismissed
      case 8: // quit
        if (groupID) this.#forgetGroup(groupID);
        break;
      case 2: // join request accepted
      case 6: // created
      case 7: // invited
        void this.#refreshGroups().catch(() => {});
        break;
      default:
        break;
    }
  }

  /** The group list from the server; group conversations get their profiles. */
  async #refreshGroups(): Promise<void> {
    let r: { groupList: Record<string, any>[] };
    try {
      r = await this.conn.request('getGroupList', {}, { retry: true });
    } catch (err) {
      if (err instanceof IMError && err.code === Codes.PROTOCOL_UNKNOWN_OP.code) return;
      throw err;
    }
    const seen = new Set<string>();
    for (const g of r.groupList) {
      const id = String(g['groupID']);
      seen.add(id);
      this.#setGroup(g);
      const st = this.#groupState.get(id);
      if (!st) this.#groupState.set(id, { cursor: undefined, buffer: new Map() });
    }
    for (const id of [...this.groups.keys()]) if (!seen.has(id)) this.#forgetGroup(id, false);
    this.#groupsDirty();
  }

  #setGroup(g: Record<string, any>): void {
    const id = String(g['groupID']);
    if (g['type'] === TYPES.GRP_AVCHATROOM) return;
    const { lastMessage: _omit, ...profile } = g;
    this.groups.set(id, profile);
    const conv = this.conversations.get('GROUP' + id);
    if (conv) {
      conv.groupProfile = profile;
      conv.subType = String(profile['type'] ?? '');
    }
    this.#groupsDirty();
  }

  /** Records a group the user is in (after create/join/add). */
  addGroup(g: Record<string, any>): void {
    if (g['type'] === TYPES.GRP_AVCHATROOM) return;
    this.#setGroup(g);
    const id = String(g['groupID']);
    const st = this.#groupState.get(id);
    const last = typeof g['nextMessageSeq'] === 'number' ? g['nextMessageSeq'] - 1 : undefined;
    if (!st) this.#groupState.set(id, { cursor: last, buffer: new Map() });
    else if (st.cursor === undefined && last !== undefined) {
      st.cursor = Math.min(last, st.buffer.size > 0 ? Math.min(...st.buffer.keys()) - 1 : last);
      this.#drainGroup(st);
    }
    this.#saveMeta();
    this.#scheduleFlush();
  }

  updateGroup(g: Record<string, any> | undefined): void {
    if (!g || !this.groups.has(String(g['groupID']))) return;
    this.#setGroup(g);
    this.#scheduleFlush();
  }

  #forgetGroup(groupID: string, emit = true): void {
    const had = this.groups.delete(groupID);
    this.#groupState.delete(groupID);
    this.#saveMeta();
    if (had && emit) this.#groupsDirty();
  }

  forgetGroup(groupID: string): void {
    this.#forgetGroup(groupID);
    this.#scheduleFlush();
  }

  // ------------------------------------------------------------------ conversations

  #conversation(id: string): Conversation {
    let c = this.conversations.get(id);
    if (!c) {
      c = newConversation(id);
      if (c.type === 'GROUP') {
        const g = this.groups.get(id.slice(5));
        if (g) {
          c.groupProfile = g;
          c.subType = String(g['type'] ?? '');
        }
      }
      this.conversations.set(id, c);
    }
    return c;
  }

  /** Creates an empty conversation (getConversationProfile of one that does not exist yet). */
  ensureConversation(id: string): Conversation {
    const had = this.conversations.has(id);
    const c = this.#conversation(id);
    if (!had) {
      this.#convDirty();
      this.#scheduleFlush();
    }
    return c;
  }

  async #refreshConversations(): Promise<void> {
    const r = await this.conn.request<{ conversationList: Array<{ conversationID: string; lastMessage?: WireMessage; unreadCount: number; readSeq: number; peerReadSeq: number }> }>('getConversationList', {}, { retry: true });
    const seen = new Set<string>();
    for (const s of r.conversationList) {
      seen.add(s.conversationID);
      const conv = this.#conversation(s.conversationID);
      const local = conv.lastMessage?.lastSequence ?? 0;
      const remote = s.lastMessage?.seq ?? 0;
      conv.readSeq = Math.max(conv.readSeq, s.readSeq);
      conv.peerReadSeq = Math.max(conv.peerReadSeq, s.peerReadSeq);
      if (remote >= local) {
        conv.unreadCount = s.unreadCount;
        if (s.lastMessage) {
          const m = this.#byId.get(s.lastMessage.clientMsgId ?? '') ?? this.#fromWire(s.lastMessage);
          if (m.conversationType === 'C2C' && m.flow === 'out' && m.sequence <= conv.peerReadSeq) m.isPeerRead = true;
          conv.lastMessage = lastMessageOf(m);
        }
      }
    }
    // Conversations the server no longer lists (deleted on another device) go too.
    for (const id of [...this.conversations.keys()]) {
      if (!seen.has(id) && (id.startsWith('C2C') || id.startsWith('GROUP'))) {
        const c = this.conversations.get(id)!;
        if ((c.lastMessage?.lastSequence ?? 0) > 0) this.conversations.delete(id);
      }
    }
    this.#convDirty();
    this.#scheduleFlush();
  }

  conversationList(): Conversation[] {
    return sortConversations([...this.conversations.values()]);
  }

  totalUnread(): number {
    let n = 0;
    for (const c of this.conversations.values()) if (c.messageRemindType !== TYPES.MSG_REMIND_ACPT_NOT_NOTE) n += c.unreadCount;
    return n;
  }

  removeConversation(id: string, clearHistory: boolean): void {
    this.conversations.delete(id);
    if (clearHistory) this.#dropHistory(id);
    this.#convDirty();
    this.#scheduleFlush();
  }

  markRead(conversationID: string, readSeq: number | undefined): void {
    const conv = this.#conversation(conversationID);
    if (readSeq !== undefined && readSeq > conv.readSeq) conv.readSeq = readSeq;
    conv.unreadCount = 0;
    for (const m of this.#history.get(conversationID) ?? []) if (m.flow === 'in') m.isRead = true;
    this.#saveHistory(conversationID);
    this.#convDirty();
    this.#scheduleFlush();
  }

  async #fillProfiles(): Promise<void> {
    const want: string[] = [];
    for (const c of this.conversations.values()) {
      if (c.type !== 'C2C' || !c.userProfile) continue;
      const id = c.userProfile.userID;
      if (c.userProfile.nick || this.#profilesAsked.has(id)) continue;
      this.#profilesAsked.add(id);
      want.push(id);
    }
    for (let i = 0; i < want.length; i += 100) {
      const ids = want.slice(i, i + 100);
      try {
        const r = await this.conn.request<{ profileList: Array<{ userID: string; nick: string; avatar: string }> }>('getUserProfile', { userIDList: ids });
        for (const p of r.profileList) {
          const c = this.conversations.get('C2C' + p.userID);
          if (c) c.userProfile = { userID: p.userID, nick: p.nick ?? '', avatar: p.avatar ?? '' };
        }
        this.#convDirty();
        this.#scheduleFlush();
      } catch {
        return;
      }
    }
  }

  // ------------------------------------------------------------------ history

  /** Cached history of a conversation, oldest first. */
  cachedHistory(conversationID: string): Message[] {
    return this.#history.get(conversationID) ?? [];
  }

  /** Merges a page fetched from the server into the cache; returns the canonical objects. */
  mergeHistory(conversationID: string, page: WireMessage[]): Message[] {
    const conv = this.conversations.get(conversationID);
    const out = page.map((w) => {
      const fresh = this.#fromWire(w);
      const known = this.#byId.get(fresh.ID);
      const m = known ?? fresh;
      if (known) stampFromWire(known, w);
      if (conv) {
        if (m.flow === 'in' && m.sequence <= conv.readSeq) m.isRead = true;
        if (m.conversationType === 'C2C' && m.flow === 'out' && m.sequence <= conv.peerReadSeq) m.isPeerRead = true;
      }
      return m;
    });
    // Newest first, so an older page that touches the cache extends it backwards without a hole.
    for (let i = out.length - 1; i >= 0; i--) {
      const m = out[i]!;
      if (this.#byId.get(m.ID) === m) continue;
      const list = this.#history.get(conversationID);
      const oldest = list?.[0]?.sequence;
      if (oldest === undefined || m.sequence >= oldest - 1) this.#insertCached(conversationID, m);
    }
    return out;
  }

  #insertCached(conversationID: string, m: Message): void {
    if (m.sequence === 0) return;
    let list = this.#history.get(conversationID);
    if (!list) this.#history.set(conversationID, (list = []));
    if (list.some((x) => x.sequence === m.sequence)) return;
    let i = list.length;
    while (i > 0 && list[i - 1]!.sequence > m.sequence) i--;
    list.splice(i, 0, m);
    this.#byId.set(m.ID, m);
    this.#trimHistory(conversationID, list);
    this.#saveHistory(conversationID);
  }

  #dropHistory(id: string): void {
    for (const m of this.#history.get(id) ?? []) this.#byId.delete(m.ID);
    this.#history.delete(id);
    this.cache?.set('msgs:' + id, undefined);
  }

  /** True for an ID this instance sent (or is sending). */
  isOwnMessageID(id: string): boolean {
    return this.#sending.has(id) || this.#ownIds.has(id);
  }

  findMessage(id: string): Message | undefined {
    return this.#byId.get(id) ?? this.#sending.get(id);
  }

  // ------------------------------------------------------------------ sending

  /** Sends (or re-sends) a message; its ID is the idempotency key. */
  async send(m: Message, opts: { onlineUserOnly?: boolean; nick?: string; avatar?: string }): Promise<Message> {
    m.status = 'unSend';
    m.from = this.userID;
    this.#sending.set(m.ID, m);
    this.#rememberOwn(m.ID);
    const req: Record<string, unknown> = {
      type: m.conversationType, to: m.to, body: bodyOf(m), clientMsgId: m.ID, random: m.random, priority: m.priority,
    };
    if (m.cloudCustomData) req['cloudCustomData'] = m.cloudCustomData;
    if (opts.onlineUserOnly) req['onlineOnly'] = true;
    if (opts.nick) req['nick'] = opts.nick;
    if (opts.avatar) req['avatar'] = opts.avatar;
    const deadline = Date.now() + this.cfg.sendTimeoutMs;
    let attempt = 0;
    try {
      for (;;) {
        try {
          const r = await this.conn.request<{ message: WireMessage; dropReason?: string }>('sendMessage', req, {
            retry: true, timeoutMs: Math.max(1, deadline - Date.now()),
          });
          stampFromWire(m, r.message);
          if (opts.onlineUserOnly) m.onlineOnly = true;
          if (this.active) {
            // The sending session gets the ack instead of the group push: it advances the group's
            // cursor like a push would (C2C sends come back through the inbox).
            if (m.conversationType === 'GROUP' && this.liveRoom?.groupID === m.to) {
              // Live rooms keep no conversation or history.
            } else if (m.conversationType === 'GROUP' && r.message.seq > 0 && this.groups.has(m.to)) this.#feedGroup(r.message);
            else this.#addToConversation(m, false);
            this.#scheduleFlush();
          }
          return m;
        } catch (err) {
          const e = err instanceof IMError ? err : new IMError(SdkCodes.SEND_FAILED.code, String(err));
          // Retry what may succeed unchanged (rate limits, storage hiccups), with the same clientMsgId.
          const retryable = isRetryable(e.code) && e.code !== SdkCodes.NO_NETWORK.code && e.code !== SdkCodes.REQUEST_TIMEOUT.code;
          if (!retryable || !this.active || Date.now() + 100 > deadline) throw e;
          await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt++) * (0.5 + Math.random() / 2)));
        }
      }
    } catch (err) {
      m.status = 'fail';
      throw err;
    } finally {
      this.#sending.delete(m.ID);
    }
  }

  #rememberOwn(id: string): void {
    this.#ownIds.add(id);
    if (this.#ownIds.size > OWN_IDS_MAX) {
      const first = this.#ownIds.values().next().value;
      if (first !== undefined) this.#ownIds.delete(first);
    }
  }

  beginRevoke(msgKey: string): void {
    this.#revoking.add(msgKey);
  }

  endRevoke(msgKey: string, m: Message | undefined, ok: boolean): void {
    if (ok && m) {
      m.isRevoked = true;
      m.revoker = this.userID;
      const conv = this.conversations.get(m.conversationID);
      if (conv?.lastMessage?.lastSequence === m.sequence) {
        conv.lastMessage.isRevoked = true;
        conv.lastMessage.messageForShow = 'Message recalled';
        this.#convDirty();
      }
      this.#saveHistory(m.conversationID);
      this.#scheduleFlush();
    }
    // Keep the key a while: the inbox echo may still be on its way.
    setTimeout(() => this.#revoking.delete(msgKey), 30_000).unref?.();
  }

  // ------------------------------------------------------------------ cache writes and events

  #saveMeta(): void {
    this.cache?.update('meta', () => {
      const groupCursors: Record<string, number> = {};
      for (const [g, st] of this.#groupState) if (st.cursor !== undefined) groupCursors[g] = st.cursor;
      return { v: 1, cursor: this.cursor, groupCursors };
    });
  }

  #saveHistory(id: string): void {
    this.cache?.update('msgs:' + id, () => {
      const list = this.#history.get(id);
      return list && list.length > 0 ? list.map((m) => ({ ...m })) : undefined;
    });
  }

  #convDirty(): void {
    this.#convChanged = true;
    this.#scheduleFlush();
    this.cache?.update('conversations', () => [...this.conversations.values()].map((c) => ({ ...c })));
  }

  #groupsDirty(): void {
    this.#groupsChanged = true;
    this.#scheduleFlush();
    this.cache?.update('groups', () => [...this.groups.values()]);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flushEvents());
  }

  /** Emits what the last batch of work changed, in the order the app expects. */
  #flushEvents(): void {
    this.#flushScheduled = false;
    if (!this.active) return;
    const emit = this.cfg.emit;
    if (this.#received.length > 0) {
      const list = this.#received;
      this.#received = [];
      emit(EVENT.MESSAGE_RECEIVED, list);
    }
    if (this.#revoked.length > 0) {
      const list = this.#revoked;
      this.#revoked = [];
      emit(EVENT.MESSAGE_REVOKED, list);
    }
    if (this.#peerRead.length > 0) {
      const list = this.#peerRead;
      this.#peerRead = [];
      emit(EVENT.MESSAGE_READ_BY_PEER, list);
    }
    if (this.#groupsChanged) {
      this.#groupsChanged = false;
      emit(EVENT.GROUP_LIST_UPDATED, [...this.groups.values()]);
    }
    if (this.#convChanged) {
      this.#convChanged = false;
      emit(EVENT.CONVERSATION_LIST_UPDATED, this.conversationList());
      const total = this.totalUnread();
      if (total !== this.#lastTotalUnread) {
        this.#lastTotalUnread = total;
        emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total);
      }
    }
  }

  /** Runs the event flush now (after an API call changed state). */
  flushSoon(): void {
    this.#scheduleFlush();
  }
}
