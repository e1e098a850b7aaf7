/**
 * @module sdk
 * The instance returned by `TIM.create` / `TencentCloudChat.create`: the Web SDK's method names,
 * option objects and result shapes over Parley's protocol. Platform pieces (the WebSocket
 * constructor, the cache storage) are injected by the entry point (`index.ts` for browsers,
 * `node.ts` for Node), so this module never imports a Node module.
 */
import { Codes, isValidUserID, parseMsgKey, type Platform, type WireMessage } from '@parley/protocol';
import type { WebSocketConstructor } from './connection.ts';
import { EVENT, LOGIN_STATUS, TYPES, type ConversationType, type LoginStatus, type MessagePriority } from './constants.ts';
import { conversationTypeOf, type Conversation } from './conversation.ts';
import { Emitter, type Handler } from './emitter.ts';
import { IMError, ok, SdkCodes, type IMResponse } from './errors.ts';
import { Message, newMessageID, type Payload } from './message.ts';
import { Session, type LiveListener, type SessionConfig } from './session.ts';
import { MemoryStorage, type StorageAdapter } from './storage/storage.ts';

export interface CreateOptions {
  SDKAppID: number;
  /** The Parley server: `http(s)://host:port` or `ws(s)://host:port` (the socket is `<base>/ws`). */
  server?: string;
  /** Tencent's private-deployment option name; same as `server`. */
  proxyServer?: string;
  /** WebSocket constructor (browsers: the global one; Node entry: `ws`). */
  WebSocket?: WebSocketConstructor;
  /** Cache storage: an adapter, or 'memory'. Browsers default to IndexedDB, Node to memory (or a file with `cachePath`). */
  storage?: StorageAdapter | 'memory';
  /** Node entry only: directory for the JSON cache files. */
  cachePath?: string;
  platform?: Platform;
  /** Guest-mode apps: the display identity carried by messages. */
  nick?: string;
  avatar?: string;
  loginTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How long a send may wait (queued while offline, retried) before it fails. */
  sendTimeoutMs?: number;
  connectTimeoutMs?: number;
  reconnectMinDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Lowers the heartbeat interval the server announces (dead-link detection). */
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** Client-side request pacing (default 40/s with bursts of 80, under the server's 50/s and 100). */
  maxRequestsPerSecond?: number;
  requestBurst?: number;
  /** Recent messages kept per conversation in the cache (default 100). */
  messageCacheSize?: number;
  cacheFlushMs?: number;
  /** A client with no cached cursor: replay the inbox ('all', default) or start at the newest ('latest'). */
  initialSync?: 'all' | 'latest';
  /**
   * Parley: a separate instance even if one exists for this SDKAppID (tests, tools that run several
   * accounts side by side). Normally `create` returns the one instance per SDKAppID.
   */
  isolated?: boolean;
}

/** What an entry point supplies: the platform's defaults. */
export interface PlatformDefaults {
  WebSocket(): WebSocketConstructor | undefined;
  storage(options: CreateOptions): StorageAdapter;
  platform: Platform;
  /** A default server when none is given (browsers: the page's origin). */
  server?(): string | undefined;
}

export interface MessageOptions {
  to: string;
  conversationType: ConversationType;
  payload: Payload;
  priority?: MessagePriority;
  cloudCustomData?: string;
}

export interface SendOptions {
  onlineUserOnly?: boolean;
  priority?: MessagePriority;
  offlinePushInfo?: unknown;
}

/** `server` → the WebSocket URL. */
export function socketURL(server: string): string {
  let s = server.trim().replace(/\/+$/, '');
  if (s.startsWith('http://')) s = 'ws://' + s.slice(7);
  else if (s.startsWith('https://')) s = 'wss://' + s.slice(8);
  else if (!/^wss?:\/\//.test(s)) s = 'ws://' + s;
  return s.endsWith('/ws') ? s : s + '/ws';
}

const instances = new Map<number, ChatSDK>();

export function createInstance(options: CreateOptions, defaults: PlatformDefaults): ChatSDK {
  if (!options || typeof options.SDKAppID !== 'number' || !Number.isInteger(options.SDKAppID) || options.SDKAppID <= 0) {
    throw new IMError(2000, 'create: SDKAppID (a positive integer) is required');
  }
  if (options.isolated) return new ChatSDK(options, defaults);
  const existing = instances.get(options.SDKAppID);
  if (existing) return existing;
  const sdk = new ChatSDK(options, defaults);
  instances.set(options.SDKAppID, sdk);
  return sdk;
}

export class ChatSDK {
  readonly #options: CreateOptions;
  readonly #defaults: PlatformDefaults;
  readonly #emitter = new Emitter();
  readonly #storage: StorageAdapter;
  #session: Session | undefined;
  /** Serializes login/logout so an account switch finishes before the next starts. */
  #chain: Promise<unknown> = Promise.resolve();
  #destroyed = false;
  #logLevel = 1;

  constructor(options: CreateOptions, defaults: PlatformDefaults) {
    this.#options = options;
    this.#defaults = defaults;
    this.#storage = options.storage === 'memory' || !options.storage ? (options.storage === 'memory' ? new MemoryStorage() : defaults.storage(options)) : options.storage;
  }

  get SDKAppID(): number {
    return this.#options.SDKAppID;
  }

  // ------------------------------------------------------------------ events

  on(name: string, handler: Handler<any>, context?: unknown): void {
    this.#emitter.on(name, handler, context);
  }

  off(name: string, handler: Handler<any>, context?: unknown): void {
    this.#emitter.off(name, handler, context);
  }

  setLogLevel(level: number): void {
    this.#logLevel = level;
  }

  getLogLevel(): number {
    return this.#logLevel;
  }

  registerPlugin(_plugins: Record<string, unknown>): void {
    // Uploads are the app's business in Parley (messages carry URLs); accepted for compatibility.
  }

  // ------------------------------------------------------------------ login

  login(options: { userID: string; userSig: string }): Promise<IMResponse<{ repeatLogin: boolean; errorInfo?: string }>> {
    const epoch = this.#logoutEpoch;
    return this.#loggingIn(async () => {
      this.#checkAlive();
      const userID = options?.userID;
      const userSig = options?.userSig;
      if (typeof userID !== 'string' || !isValidUserID(userID)) throw new IMError(SdkCodes.INVALID_USER_ID.code, 'login: userID must be 1 to 32 characters of [A-Za-z0-9_-]');
      if (typeof userSig !== 'string' || userSig.length === 0) throw new IMError(2003, 'login: userSig is required');
      const cur = this.#session;
      if (cur?.active && cur.userID === userID && !cur.guest) {
        if (cur.status === 'expired') await cur.renewUserSig(userSig);
        return ok({ repeatLogin: true, errorInfo: `${userID} is already logged in` });
      }
      if (cur) await this.#endSession(cur, true);
      return this.#startSession({ userID, userSig }, epoch);
    });
  }

  /** Guest-mode apps: logs in as a server-generated `guest_…` user (data.userID, data.userSig). */
  guestLogin(options: { nick?: string; avatar?: string } = {}): Promise<IMResponse<{ userID: string; userSig: string; repeatLogin: boolean }>> {
    const epoch = this.#logoutEpoch;
    return this.#loggingIn(async () => {
      this.#checkAlive();
      const cur = this.#session;
      if (cur?.active && cur.guest) return ok({ userID: cur.userID, userSig: cur.userSig, repeatLogin: true });
      if (cur) await this.#endSession(cur, true);
      const guest: { nick?: string; avatar?: string } = {};
      const nick = options.nick ?? this.#options.nick;
      const avatar = options.avatar ?? this.#options.avatar;
      if (nick !== undefined) guest.nick = nick;
      if (avatar !== undefined) guest.avatar = avatar;
      const r = await this.#startSession({ userID: '', userSig: '', guest }, epoch);
      const s = this.#session!;
      return ok({ userID: s.userID, userSig: s.userSig, repeatLogin: r.data.repeatLogin });
    });
  }

  async #startSession(creds: { userID: string; userSig: string; guest?: { nick?: string; avatar?: string } }, epoch: number): Promise<IMResponse<{ repeatLogin: boolean }>> {
    if (epoch !== this.#logoutEpoch) throw new IMError(SdkCodes.NOT_LOGGED_IN.code, 'Logged out before the login completed');
    const session = new Session(this.#sessionConfig(), creds);
    this.#session = session;
    const waiters = this.#sessionWaiters;
    this.#sessionWaiters = [];
    for (const w of waiters) w();
    try {
      await session.start();
    } catch (err) {
      if (this.#session === session) this.#session = undefined;
      throw err;
    }
    return ok({ repeatLogin: false });
  }

  logout(): Promise<IMResponse<Record<string, never>>> {
    // A login still waiting (e.g. for the network) is abandoned at once rather than waited for.
    this.#logoutEpoch++;
    const pending = this.#session;
    if (pending?.status === 'logging-in') void pending.close();
    return this.#serialize(async () => {
      const s = this.#session;
      if (s) await this.#endSession(s, true);
      return ok({});
    });
  }

  /** Logs out, closes everything and frees the SDKAppID for a new `create`. */
  async destroy(): Promise<IMResponse<Record<string, never>>> {
    if (this.#destroyed) return ok({});
    await this.logout();
    this.#destroyed = true;
    if (instances.get(this.SDKAppID) === this) instances.delete(this.SDKAppID);
    this.#emitter.emit(EVENT.SDK_DESTROY);
    this.#emitter.removeAll();
    return ok({});
  }

  async #endSession(s: Session, sendLogout: boolean): Promise<void> {
    if (this.#session === s) this.#session = undefined;
    const wasReady = s.ready;
    const wasActive = s.active;
    await s.close(sendLogout);
    if (wasActive && wasReady) this.#emitter.emit(EVENT.SDK_NOT_READY);
  }

  /** Supplies a fresh ticket: renews the live session, or resumes one whose ticket expired. */
  async renewUserSig(userSig: string): Promise<IMResponse<Record<string, never>>> {
    const s = this.#need(false);
    if (typeof userSig !== 'string' || userSig.length === 0) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'renewUserSig: userSig is required');
    await s.renewUserSig(userSig);
    return ok({});
  }

  getLoginUser(): string {
    const s = this.#session;
    return s?.active && s.status !== 'logging-in' ? s.userID : '';
  }

  /** V2TIM style: 1 logged in, 2 logging in, 3 logged out. */
  getLoginStatus(): LoginStatus {
    const s = this.#session;
    if (this.#pendingLogins > 0 && !(s?.active && s.status !== 'logging-in')) return LOGIN_STATUS.LOGINING;
    if (!s?.active) return LOGIN_STATUS.LOGOUT;
    return s.status === 'logging-in' ? LOGIN_STATUS.LOGINING : LOGIN_STATUS.LOGINED;
  }

  isReady(): boolean {
    return this.#session?.ready === true;
  }

  /** Server time in seconds (local time before login). */
  getServerTime(): number {
    return this.#session?.serverTime() ?? Math.floor(Date.now() / 1000);
  }

  /** Parley: the connection state ('connected' | 'connecting' | 'disconnected'). */
  getNetState(): string {
    return this.#session?.conn.state ?? 'disconnected';
  }

  // ------------------------------------------------------------------ messages

  createTextMessage(options: MessageOptions): Message {
    const text = options?.payload?.['text'];
    if (typeof text !== 'string') throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'createTextMessage: payload.text must be a string');
    return this.#create(options, TYPES.MSG_TEXT, { text });
  }

  createCustomMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    return this.#create(options, TYPES.MSG_CUSTOM, { data: String(p['data'] ?? ''), description: String(p['description'] ?? ''), extension: String(p['extension'] ?? '') });
  }

  createFaceMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    if (typeof p['index'] !== 'number') throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'createFaceMessage: payload.index must be a number');
    return this.#create(options, TYPES.MSG_FACE, { index: p['index'], data: String(p['data'] ?? '') });
  }

  createLocationMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    const latitude = Number(p['latitude']);
    const longitude = Number(p['longitude']);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'createLocationMessage: latitude and longitude must be numbers');
    return this.#create(options, TYPES.MSG_LOCATION, { description: String(p['description'] ?? ''), latitude, longitude });
  }

  /** Parley carries URLs: payload `{ url | imageUrl, width?, height?, size?, imageFormat?, uuid? }` or `{ imageInfoArray }`. */
  createImageMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    const url = p['url'] ?? p['imageUrl'];
    const list = p['imageInfoArray'];
    if (typeof url !== 'string' && !(Array.isArray(list) && list.length > 0)) {
      throw new IMError(2251, 'createImageMessage: payload.url (or imageInfoArray) is required; Parley does not upload files');
    }
    const imageInfoArray = Array.isArray(list) && list.length > 0
      ? list.map((i: Payload) => ({ type: Number(i['type'] ?? 0), url: String(i['url'] ?? i['imageUrl'] ?? ''), imageUrl: String(i['url'] ?? i['imageUrl'] ?? ''), width: Number(i['width'] ?? 0), height: Number(i['height'] ?? 0), size: Number(i['size'] ?? 0) }))
      : [{ type: 0, url: String(url), imageUrl: String(url), width: Number(p['width'] ?? 0), height: Number(p['height'] ?? 0), size: Number(p['size'] ?? 0) }];
    return this.#create(options, TYPES.MSG_IMAGE, { uuid: String(p['uuid'] ?? ''), imageFormat: Number(p['imageFormat'] ?? 255), imageInfoArray });
  }

  /** Parley carries URLs: payload `{ url | fileUrl, fileName, fileSize, uuid? }`. */
  createFileMessage(options: MessageOptions): Message {
    const p = options?.payload ?? {};
    const fileUrl = p['fileUrl'] ?? p['url'];
    if (typeof fileUrl !== 'string') throw new IMError(2401, 'createFileMessage: payload.url is required; Parley does not upload files');
    return this.#create(options, TYPES.MSG_FILE, { fileUrl, fileName: String(p['fileName'] ?? p['name'] ?? ''), fileSize: Number(p['fileSize'] ?? p['size'] ?? 0), uuid: String(p['uuid'] ?? '') });
  }

  #create(options: MessageOptions, type: string, payload: Payload): Message {
    if (!options || typeof options.to !== 'string' || options.to.length === 0) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'A message needs `to`');
    const convType = options.conversationType;
    if (convType !== 'C2C' && convType !== 'GROUP') throw new IMError(2106, 'conversationType must be TYPES.CONV_C2C or TYPES.CONV_GROUP');
    if (options.priority !== undefined && !['High', 'Normal', 'Low', 'Lowest'].includes(options.priority)) {
      throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'Unknown priority');
    }
    const from = this.#session?.userID ?? '';
    const m = new Message({
      ID: newMessageID(from || 'anon'), type, payload, conversationType: convType, to: options.to, from, flow: 'out',
      ...(options.priority !== undefined && { priority: options.priority }),
      ...(options.cloudCustomData !== undefined && { cloudCustomData: String(options.cloudCustomData) }),
    });
    return m;
  }

  /**
   * Sends a message. Resolves `{ code: 0, data: { message } }`; rejects with `{ code, message,
   * data: { message } }` and the message in state 'fail'. While the link is down the send waits
   * (up to `sendTimeoutMs`) and goes out after the reconnect with the same ID, which the server
   * de-duplicates.
   */
  async sendMessage(message: Message, options: SendOptions = {}): Promise<IMResponse<{ message: Message }>> {
    if (!(message instanceof Message)) throw new IMError(2105, 'sendMessage: not a Message created by this SDK');
    let s: Session;
    try {
      s = this.#need(true);
    } catch (err) {
      message.status = 'fail';
      throw withMessage(err as IMError, message);
    }
    if (options.priority) message.priority = options.priority;
    if (message.status === 'success') throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'sendMessage: this message was already sent');
    try {
      const nick = this.#options.nick;
      const avatar = this.#options.avatar;
      await s.send(message, {
        ...(options.onlineUserOnly && { onlineUserOnly: true }),
        ...(s.guest && nick !== undefined && { nick }),
        ...(s.guest && avatar !== undefined && { avatar }),
      });
      return ok({ message });
    } catch (err) {
      const e = err instanceof IMError ? err : new IMError(SdkCodes.SEND_FAILED.code, String(err));
      throw withMessage(e, message);
    }
  }

  /** Sends a failed message again, with the same ID (the server stores it once). */
  resendMessage(message: Message): Promise<IMResponse<{ message: Message }>> {
    if (message instanceof Message && message.status === 'fail') message.status = 'unSend';
    return this.sendMessage(message);
  }

  async revokeMessage(message: Message): Promise<IMResponse<{ message: Message }>> {
    const s = this.#need(true);
    if (!(message instanceof Message) || !message.msgKey) throw new IMError(2110, 'revokeMessage: the message was not sent');
    s.beginRevoke(message.msgKey);
    try {
      await s.conn.request('revokeMessage', { conversationID: message.conversationID, msgKey: message.msgKey });
      s.endRevoke(message.msgKey, message, true);
      return ok({ message });
    } catch (err) {
      s.endRevoke(message.msgKey, message, false);
      throw err;
    }
  }

  /**
   * A page of history, oldest first. Online it comes from the server (and refreshes the cache);
   * offline, or before the first sync, it comes from the cache.
   */
  async getMessageList(options: { conversationID: string; nextReqMessageID?: string; count?: number }): Promise<IMResponse<{ messageList: Message[]; nextReqMessageID: string; isCompleted: boolean }>> {
    const s = await this.#cachedSession();
    const conversationID = options?.conversationID;
    if (typeof conversationID !== 'string' || !conversationTypeOf(conversationID)) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'getMessageList: conversationID must be C2C<userID> or GROUP<groupID>');
    const count = Math.max(1, Math.min(15, Math.floor(Number(options.count ?? 15)) || 15));
    const next = options.nextReqMessageID || undefined;
    if (s.ready && s.conn.state === 'connected') {
      try {
        const r = await s.conn.request<{ messageList: WireMessage[]; nextReqMessageID: string; isCompleted: boolean }>('getMessageList', {
          conversationID, count, ...(next !== undefined && { nextReqMessageID: next }),
        }, { retry: true });
        const messageList = s.mergeHistory(conversationID, r.messageList);
        s.flushSoon();
        return ok({ messageList, nextReqMessageID: r.nextReqMessageID, isCompleted: r.isCompleted });
      } catch (err) {
        if (!(err instanceof IMError) || (err.code !== SdkCodes.NO_NETWORK.code && err.code !== SdkCodes.REQUEST_TIMEOUT.code)) throw err;
        // The link went away: answer from the cache.
      }
    }
    const cached = s.cachedHistory(conversationID);
    let end = cached.length;
    if (next !== undefined) {
      const key = parseMsgKey(next);
      const before = key?.seq ?? 0;
      end = cached.findIndex((m) => m.sequence >= before);
      if (end < 0) end = cached.length;
    }
    const page = cached.slice(Math.max(0, end - count), end);
    const first = page[0];
    return ok({
      messageList: page,
      nextReqMessageID: first?.msgKey ?? '',
      isCompleted: !first || (end - count <= 0 && first.sequence <= 1),
    });
  }

  /** Marks a conversation read (everything in it); the peer gets a read receipt. */
  async setMessageRead(options: { conversationID: string }): Promise<IMResponse<Record<string, never>>> {
    const s = this.#need(true);
    const conversationID = options?.conversationID;
    if (typeof conversationID !== 'string' || !conversationTypeOf(conversationID)) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'setMessageRead: bad conversationID');
    const r = await s.conn.request<{ readSeq?: number }>('setMessageRead', { conversationID }, { retry: true });
    s.markRead(conversationID, r.readSeq);
    return ok({});
  }

  // ------------------------------------------------------------------ conversations

  async getConversationList(filter?: string[] | { type?: string; hasUnreadCount?: boolean }): Promise<IMResponse<{ conversationList: Conversation[]; isSyncCompleted: boolean }>> {
    const s = await this.#cachedSession();
    let list = s.conversationList();
    if (Array.isArray(filter)) list = list.filter((c) => filter.includes(c.conversationID));
    else if (filter && typeof filter === 'object') {
      if (filter.type) list = list.filter((c) => c.type === filter.type);
      if (filter.hasUnreadCount) list = list.filter((c) => c.unreadCount > 0);
    }
    return ok({ conversationList: list, isSyncCompleted: s.ready });
  }

  async getConversationProfile(conversationID: string): Promise<IMResponse<{ conversation: Conversation }>> {
    const s = await this.#cachedSession();
    if (typeof conversationID !== 'string' || !conversationTypeOf(conversationID)) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'getConversationProfile: bad conversationID');
    return ok({ conversation: s.ensureConversation(conversationID) });
  }

  async deleteConversation(options: string | { conversationIDList: string[]; clearHistoryMessage?: boolean }): Promise<IMResponse<{ conversationID?: string; conversationIDList: string[] }>> {
    const s = this.#need(true);
    const ids = typeof options === 'string' ? [options] : options?.conversationIDList;
    const clear = typeof options === 'string' ? true : options?.clearHistoryMessage !== false;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string' || !conversationTypeOf(id))) {
      throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'deleteConversation: bad conversationID');
    }
    for (const id of ids) {
      await s.conn.request('deleteConversation', { conversationID: id }, { retry: true });
      s.removeConversation(id, clear);
    }
    return ok(typeof options === 'string' ? { conversationID: options, conversationIDList: ids } : { conversationIDList: ids });
  }

  getTotalUnreadMessageCount(): number {
    return this.#session?.totalUnread() ?? 0;
  }

  // ------------------------------------------------------------------ groups

  async createGroup(options: Record<string, any>): Promise<IMResponse<{ group: Record<string, any>; overLimitUserIDList: string[] }>> {
    const s = this.#need(true);
    if (!options || typeof options['name'] !== 'string') throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'createGroup: name is required');
    const req: Record<string, unknown> = { ...options, type: options['type'] ?? TYPES.GRP_WORK };
    if (Array.isArray(options['memberList'])) {
      req['memberList'] = options['memberList'].map((m: any) => (typeof m === 'string' ? { userID: m } : m));
    }
    const r = await s.conn.request<{ group: Record<string, any>; overLimitUserIDList?: string[] }>('createGroup', req);
    s.addGroup(r.group);
    return ok({ group: r.group, overLimitUserIDList: r.overLimitUserIDList ?? [] });
  }

  async joinGroup(options: { groupID: string; applyMessage?: string; type?: string }): Promise<IMResponse<{ status: string; group?: Record<string, any> }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'joinGroup');
    const r = await s.conn.request<{ status: string; group?: Record<string, any> }>('joinGroup', {
      groupID, ...(options.applyMessage !== undefined && { applyMessage: options.applyMessage }),
    });
    const type = r.group?.['type'] ?? options.type;
    if (type === TYPES.GRP_AVCHATROOM) {
      // One live room at a time per connection; the SDK rejoins it after a reconnect.
      if (r.status === TYPES.JOIN_STATUS_SUCCESS || r.status === TYPES.JOIN_STATUS_ALREADY_IN_GROUP) s.liveRoom = { groupID };
    } else if (r.group && (r.status === TYPES.JOIN_STATUS_SUCCESS || r.status === TYPES.JOIN_STATUS_ALREADY_IN_GROUP)) {
      s.addGroup(r.group);
    }
    return ok(r.group ? { status: r.status, group: r.group } : { status: r.status });
  }

  async quitGroup(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    const s = this.#need(true);
    groupID = this.#groupID(groupID, 'quitGroup');
    await s.conn.request('quitGroup', { groupID });
    if (s.liveRoom?.groupID === groupID) s.liveRoom = undefined;
    s.forgetGroup(groupID);
    return ok({ groupID });
  }

  async dismissGroup(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    const s = this.#need(true);
    groupID = this.#groupID(groupID, 'dismissGroup');
    await s.conn.request('dismissGroup', { groupID });
    if (s.liveRoom?.groupID === groupID) s.liveRoom = undefined;
    s.forgetGroup(groupID);
    return ok({ groupID });
  }

  async getGroupList(_options?: unknown): Promise<IMResponse<{ groupList: Record<string, any>[] }>> {
    const s = this.#need(true);
    const r = await s.conn.request<{ groupList: Record<string, any>[] }>('getGroupList', {}, { retry: true });
    for (const g of r.groupList) s.addGroup(g);
    return ok({ groupList: r.groupList });
  }

  async getGroupProfile(options: { groupID: string }): Promise<IMResponse<{ group: Record<string, any> }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'getGroupProfile');
    const r = await s.conn.request<{ group: Record<string, any> }>('getGroupProfile', { groupID }, { retry: true });
    s.updateGroup(r.group);
    return ok({ group: r.group });
  }

  async updateGroupProfile(options: Record<string, any>): Promise<IMResponse<{ group: Record<string, any> }>> {
    const s = this.#need(true);
    this.#groupID(options?.['groupID'], 'updateGroupProfile');
    const r = await s.conn.request<{ group: Record<string, any> }>('updateGroupProfile', options);
    s.updateGroup(r.group);
    return ok({ group: r.group });
  }

  async getGroupMemberList(options: { groupID: string; count?: number; offset?: number }): Promise<IMResponse<{ memberList: Record<string, any>[]; offset: number }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'getGroupMemberList');
    const r = await s.conn.request('getGroupMemberList', {
      groupID, ...(options.count !== undefined && { count: options.count }), ...(options.offset !== undefined && { offset: options.offset }),
    }, { retry: true });
    return ok(r);
  }

  addGroupMember(options: { groupID: string; userIDList: string[] }): Promise<IMResponse<any>> {
    return this.#groupCall('addGroupMember', options);
  }

  deleteGroupMember(options: { groupID: string; userIDList: string[]; reason?: string }): Promise<IMResponse<any>> {
    return this.#groupCall('deleteGroupMember', options);
  }

  setGroupMemberRole(options: { groupID: string; userID: string; role: string }): Promise<IMResponse<any>> {
    return this.#groupCall('setGroupMemberRole', options);
  }

  setGroupMemberMuteTime(options: { groupID: string; userID: string; muteTime: number }): Promise<IMResponse<any>> {
    return this.#groupCall('setGroupMemberMuteTime', options);
  }

  setGroupMemberNameCard(options: { groupID: string; userID?: string; nameCard: string }): Promise<IMResponse<any>> {
    return this.#groupCall('setGroupMemberNameCard', options);
  }

  changeGroupOwner(options: { groupID: string; newOwnerID: string }): Promise<IMResponse<any>> {
    return this.#groupCall('changeGroupOwner', options);
  }

  async getGroupOnlineMemberCount(groupID: string): Promise<IMResponse<{ memberCount: number }>> {
    const s = this.#need(true);
    groupID = this.#groupID(groupID, 'getGroupOnlineMemberCount');
    const r = await s.conn.request<{ memberCount: number }>('getGroupOnlineMemberCount', { groupID }, { retry: true });
    return ok({ memberCount: r.memberCount });
  }

  async getGroupApplicationList(): Promise<IMResponse<{ applicationList: Record<string, any>[] }>> {
    const s = this.#need(true);
    const r = await s.conn.request<{ applicationList: Record<string, any>[] }>('getGroupApplicationList', {}, { retry: true });
    return ok({ applicationList: r.applicationList });
  }

  /**
   * Approves or rejects a join request, given as `application` (from getGroupApplicationList) or
   * `message` (the join-request group system notice).
   */
  async handleGroupApplication(options: { handleAction: 'Agree' | 'Reject'; handleMessage?: string; application?: Record<string, any>; message?: Message }): Promise<IMResponse<{ group?: Record<string, any> }>> {
    const s = this.#need(true);
    let groupID: unknown;
    let applicant: unknown;
    if (options?.application) {
      groupID = options.application['groupID'];
      applicant = options.application['applicant'];
    } else if (options?.message) {
      const p = options.message.payload;
      groupID = p['groupProfile']?.groupID ?? p['groupID'];
      applicant = p['applicant'] ?? options.message.from;
    }
    if (typeof groupID !== 'string' || typeof applicant !== 'string') throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'handleGroupApplication: pass the application or the notice message');
    if (options.handleAction !== 'Agree' && options.handleAction !== 'Reject') throw new IMError(SdkCodes.INVALID_PARAMETER.code, "handleAction must be 'Agree' or 'Reject'");
    const r = await s.conn.request<Record<string, any>>('handleGroupApplication', {
      handleAction: options.handleAction, groupID, applicant, ...(options.handleMessage !== undefined && { handleMessage: options.handleMessage }),
    });
    return ok(r);
  }

  // Group attributes: members only (2642); the server allows 5 writes a second per group (10049).
  // Every member online (this instance included) gets GROUP_ATTRIBUTES_UPDATED with the whole map.

  /** Replaces the group's whole attribute map. `data.groupAttributes`: the map now. */
  async initGroupAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'initGroupAttributes');
    const groupAttributes = this.#attrMap(options.groupAttributes, 'initGroupAttributes');
    const r = await s.conn.request<{ groupAttributes: Record<string, string> }>('initGroupAttributes', { groupID, groupAttributes });
    return ok({ groupAttributes: r.groupAttributes });
  }

  /** Adds or replaces keys. `data.groupAttributes`: the keys set (as Tencent's Web SDK answers). */
  async setGroupAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'setGroupAttributes');
    const groupAttributes = this.#attrMap(options.groupAttributes, 'setGroupAttributes');
    if (Object.keys(groupAttributes).length === 0) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'setGroupAttributes: groupAttributes is empty');
    await s.conn.request('setGroupAttributes', { groupID, groupAttributes });
    return ok({ groupAttributes });
  }

  /** Deletes the listed keys; an empty `keyList` deletes them all. `data.keyList`: the keys deleted. */
  async deleteGroupAttributes(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ keyList: string[] }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'deleteGroupAttributes');
    const keyList = this.#keyList(options.keyList, 'deleteGroupAttributes');
    const r = await s.conn.request<{ keyList: string[] }>('deleteGroupAttributes', { groupID, keyList });
    return ok({ keyList: r.keyList });
  }

  /** The listed keys (absent ones left out), or the whole map for an empty `keyList`. */
  async getGroupAttributes(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    const s = this.#need(true);
    const groupID = this.#groupID(options?.groupID, 'getGroupAttributes');
    const keyList = this.#keyList(options.keyList, 'getGroupAttributes');
    const r = await s.conn.request<{ groupAttributes: Record<string, string> }>('getGroupAttributes', { groupID, keyList }, { retry: true });
    return ok({ groupAttributes: r.groupAttributes });
  }

  #attrMap(v: unknown, op: string): Record<string, string> {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
      throw new IMError(SdkCodes.INVALID_PARAMETER.code, `${op}: groupAttributes must be an object of string values`);
    }
    return { ...(v as Record<string, string>) };
  }

  #keyList(v: unknown, op: string): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((k) => typeof k !== 'string')) throw new IMError(SdkCodes.INVALID_PARAMETER.code, `${op}: keyList must be an array of strings`);
    return [...v];
  }

  async #groupCall(op: string, options: Record<string, any>): Promise<IMResponse<any>> {
    const s = this.#need(true);
    this.#groupID(options?.['groupID'], op);
    const r = await s.conn.request<Record<string, any>>(op, options);
    if (r && typeof r === 'object' && r['group']) s.updateGroup(r['group']);
    return ok(r);
  }

  #groupID(id: unknown, op: string): string {
    if (typeof id !== 'string' || id.length === 0) throw new IMError(SdkCodes.INVALID_PARAMETER.code, `${op}: groupID is required`);
    return id;
  }

  // ------------------------------------------------------------------ profiles

  async getMyProfile(): Promise<IMResponse<Record<string, any>>> {
    const s = this.#need(true);
    return ok(await s.conn.request('getMyProfile', {}, { retry: true }));
  }

  async getUserProfile(options: { userIDList: string[] }): Promise<IMResponse<Record<string, any>[]>> {
    const s = this.#need(true);
    if (!Array.isArray(options?.userIDList) || options.userIDList.length === 0) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'getUserProfile: userIDList is required');
    const r = await s.conn.request<{ profileList: Record<string, any>[] }>('getUserProfile', { userIDList: options.userIDList }, { retry: true });
    return ok(r.profileList);
  }

  async updateMyProfile(options: { nick?: string; avatar?: string; [k: string]: unknown }): Promise<IMResponse<Record<string, any>>> {
    const s = this.#need(true);
    const req: Record<string, string> = {};
    if (typeof options?.nick === 'string') req['nick'] = options.nick;
    if (typeof options?.avatar === 'string') req['avatar'] = options.avatar;
    await s.conn.request('updateMyProfile', req);
    const profile = { userID: s.userID, ...req };
    this.#emitter.emit(EVENT.PROFILE_UPDATED, [profile]);
    return ok(profile);
  }

  // ------------------------------------------------------------------ internals for helpers

  /** @internal The live session (LiveRoom uses it). */
  _session(): Session | undefined {
    return this.#session?.active ? this.#session : undefined;
  }

  /** @internal Subscribes to live-room pushes of the current session. */
  _onLive(listener: LiveListener): () => void {
    const s = this.#need(false);
    s.liveListeners.add(listener);
    return () => s.liveListeners.delete(listener);
  }

  /** @internal */
  _request<T>(op: string, data: unknown): Promise<T> {
    return this.#need(true).conn.request<T>(op, data);
  }

  // ------------------------------------------------------------------ plumbing

  #need(ready: boolean): Session {
    this.#checkAlive();
    const s = this.#session;
    if (s && !s.active && s.endCode === SdkCodes.KICKED.code) throw new IMError(SdkCodes.KICKED.code, 'Kicked offline; log in again');
    if (!s?.active) throw new IMError(SdkCodes.NOT_LOGGED_IN.code, 'Not logged in');
    if (ready && !s.ready) {
      if (s.status === 'expired') throw new IMError(SdkCodes.USERSIG_EXPIRED.code, 'The UserSig expired; call renewUserSig');
      throw new IMError(SdkCodes.NOT_READY.code, 'SDK not ready: wait for SDK_READY');
    }
    // Ready and momentarily offline: calls wait for the reconnect (up to their timeout).
    return s;
  }

  #checkAlive(): void {
    if (this.#destroyed) throw new IMError(SdkCodes.NOT_LOGGED_IN.code, 'This instance was destroyed; call create again');
  }

  #sessionWaiters: Array<() => void> = [];
  /** Bumped by logout: logins called before it give up instead of starting. */
  #logoutEpoch = 0;

  /**
   * For cache reads: the session, once its cache is loaded. A login that is under way (even one
   * still waiting for the network) counts, so cached data answers at start-up.
   */
  async #cachedSession(): Promise<Session> {
    if (!this.#session?.active && this.#pendingLogins > 0) {
      await new Promise<void>((r) => {
        this.#sessionWaiters.push(r);
        // The login may fail before creating a session.
        void this.#chain.then(() => r(), () => r());
      });
    }
    const s = this.#need(false);
    await s.cacheLoaded;
    return s;
  }

  /** Logins in progress (getLoginStatus answers 2 from the call on). */
  #pendingLogins = 0;

  #loggingIn<T>(fn: () => Promise<T>): Promise<T> {
    this.#pendingLogins++;
    const run = this.#serialize(fn);
    void run.then(
      () => this.#pendingLogins--,
      () => this.#pendingLogins--,
    );
    return run;
  }

  #serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  #sessionConfig(): SessionConfig {
    const o = this.#options;
    const server = o.server ?? o.proxyServer ?? this.#defaults.server?.();
    if (!server) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'create: `server` (the Parley server URL) is required');
    const WebSocket = o.WebSocket ?? this.#defaults.WebSocket();
    if (!WebSocket) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'No WebSocket implementation: pass `WebSocket` to create (in Node, import "@parley/sdk/node")');
    return {
      sdkAppId: o.SDKAppID,
      url: socketURL(server),
      WebSocket,
      storage: this.#storage,
      platform: o.platform ?? this.#defaults.platform,
      emit: (name, data) => this.#emitter.emit(name, data),
      loginTimeoutMs: o.loginTimeoutMs ?? 15_000,
      requestTimeoutMs: o.requestTimeoutMs ?? 15_000,
      sendTimeoutMs: o.sendTimeoutMs ?? 120_000,
      minReconnectDelayMs: o.reconnectMinDelayMs ?? 500,
      maxReconnectDelayMs: o.reconnectMaxDelayMs ?? 20_000,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      ...(o.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: o.heartbeatIntervalMs }),
      ...(o.heartbeatTimeoutMs !== undefined && { heartbeatTimeoutMs: o.heartbeatTimeoutMs }),
      ...(o.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: o.maxRequestsPerSecond }),
      ...(o.requestBurst !== undefined && { requestBurst: o.requestBurst }),
      messageCacheSize: o.messageCacheSize ?? 100,
      cacheFlushMs: o.cacheFlushMs ?? 200,
      initialSync: o.initialSync ?? 'all',
    };
  }
}

function withMessage(e: IMError, message: Message): IMError {
  return new IMError(e.code, e.message, { ...(typeof e.data === 'object' && e.data !== null ? e.data : {}), message });
}

export { Codes };
