/**
 * @module live-room
 * A helper for one AVChatRoom (live-stream room): enter/exit, text, danmaku and likes, speaking the
 * classic live-stream convention existing apps use — a text message whose Text is JSON
 * `{ userAction, userId, nickName, headPic, msg }` with userAction 1 text, 2 enter, 3 exit,
 * 4 like, 5 danmaku. Likes are merged on the client: every tap within `likeWindowMs` goes out as
 * one `like` op with the count, and the server answers all members with aggregated totals. Enter
 * and exit come from the server's own member notices (client-sent userAction 2/3 are not
 * forwarded by the server, so they cannot be forged); a userAction 4 message from an older client
 * is counted by the server and shows up in the `likes` totals.
 *
 *   const room = new LiveRoom(chat, { groupID: 'live-1' });
 *   room.on(LiveRoom.EVENT.TEXT, ({ data }) => show(data.nickName, data.msg));
 *   await room.enter();
 *   await room.sendDanmaku('hello');
 *   room.like();               // tap tap tap → one { count: 3 } per window
 */
import { LiveUserAction, type LikesPush, type RoomMembersPush, type RoomStatsPush, type WireMessage } from '@parley/protocol';
import { TYPES } from './constants.ts';
import { Emitter, type Handler } from './emitter.ts';
import { IMError, SdkCodes } from './errors.ts';
import { fromWire, type Message } from './message.ts';
import type { ChatSDK } from './sdk.ts';

export interface LiveRoomOptions {
  groupID: string;
  /** Display name and avatar carried in the JSON convention (default: the user's ID and ''). */
  nickName?: string;
  headPic?: string;
  /** Taps within this window are sent as one like (default 1000 ms). */
  likeWindowMs?: number;
}

export interface LiveTextEvent {
  userId: string;
  nickName: string;
  headPic: string;
  msg: string;
  /** True for what this client sent. */
  self: boolean;
  message: Message;
}

export interface LiveLikesEvent {
  total: number;
  delta: number;
  topUsers: { userID: string; count: number }[];
}

export interface LiveMembersEvent {
  users: { userID: string; nick?: string; avatar?: string }[];
  count: number;
  onlineCount: number;
}

export interface LiveRoomEvents {
  text: LiveTextEvent;
  danmaku: LiveTextEvent;
  likes: LiveLikesEvent;
  enter: LiveMembersEvent;
  exit: LiveMembersEvent;
  onlineCount: { count: number };
  closed: { groupID: string };
  /** Any other room message (custom messages, non-JSON text is reported as `text`). */
  message: { message: Message };
}

const EVENTS = {
  TEXT: 'text',
  DANMAKU: 'danmaku',
  LIKES: 'likes',
  ENTER: 'enter',
  EXIT: 'exit',
  ONLINE_COUNT: 'onlineCount',
  CLOSED: 'closed',
  MESSAGE: 'message',
} as const;

export class LiveRoom {
  static readonly EVENT = EVENTS;
  readonly groupID: string;
  readonly #chat: ChatSDK;
  readonly #opts: LiveRoomOptions;
  readonly #emitter = new Emitter();
  #unsubscribe: (() => void) | undefined;
  #pendingLikes = 0;
  #likeTimer: ReturnType<typeof setTimeout> | undefined;
  #likeFlush: Promise<void> = Promise.resolve();
  #entered = false;
  #onlineCount = 0;
  #likeTotal = 0;

  constructor(chat: ChatSDK, options: LiveRoomOptions) {
    if (!options || typeof options.groupID !== 'string' || options.groupID.length === 0) {
      throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'LiveRoom: groupID is required');
    }
    this.#chat = chat;
    this.#opts = options;
    this.groupID = options.groupID;
  }

  get entered(): boolean {
    return this.#entered;
  }

  /** Last known online count (approximate, from the server). */
  get onlineCount(): number {
    return this.#onlineCount;
  }

  /** Last known like total. */
  get likeTotal(): number {
    return this.#likeTotal;
  }

  on<K extends keyof LiveRoomEvents>(name: K, handler: Handler<LiveRoomEvents[K]>, context?: unknown): void {
    this.#emitter.on(name, handler, context);
  }

  off<K extends keyof LiveRoomEvents>(name: K, handler: Handler<LiveRoomEvents[K]>, context?: unknown): void {
    this.#emitter.off(name, handler, context);
  }

  /** Joins the room (leaving any other live room of this connection) and starts the events. */
  async enter(): Promise<{ memberCount?: number }> {
    this.#unsubscribe?.();
    this.#unsubscribe = this.#chat._onLive((push, data) => this.#onPush(push, data));
    try {
      const r = await this.#chat.joinGroup({ groupID: this.groupID, type: TYPES.GRP_AVCHATROOM });
      this.#entered = true;
      const count = (r.data.group as { memberCount?: number } | undefined)?.memberCount;
      if (typeof count === 'number') this.#onlineCount = count;
      return typeof count === 'number' ? { memberCount: count } : {};
    } catch (err) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      throw err;
    }
  }

  /** Sends pending likes, leaves the room and stops the events. */
  async exit(): Promise<void> {
    await this.flushLikes().catch(() => {});
    this.#entered = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#chat.quitGroup(this.groupID).catch((err: IMError) => {
      // Already out of the room (dismissed, or never joined on this link): nothing to undo.
      if (err.code !== 10010 && err.code !== 10007) throw err;
    });
  }

  /** A chat line (userAction 1). Empty text is refused before anything is sent. */
  sendText(text: string): Promise<Message> {
    return this.#sendLine(LiveUserAction.TEXT, text);
  }

  /** A danmaku (bullet comment, userAction 5). Empty text is refused before anything is sent. */
  sendDanmaku(text: string): Promise<Message> {
    return this.#sendLine(LiveUserAction.DANMAKU, text);
  }

  /** Counts taps; all taps within the window go out as one like. */
  like(count = 1): void {
    if (!Number.isInteger(count) || count <= 0) throw new IMError(SdkCodes.INVALID_PARAMETER.code, 'like: count must be a positive integer');
    this.#pendingLikes += count;
    if (this.#likeTimer === undefined) {
      this.#likeTimer = setTimeout(() => void this.flushLikes().catch(() => {}), this.#opts.likeWindowMs ?? 1000);
    }
  }

  /** Sends the taps gathered so far now. */
  flushLikes(): Promise<void> {
    if (this.#likeTimer !== undefined) clearTimeout(this.#likeTimer);
    this.#likeTimer = undefined;
    const count = this.#pendingLikes;
    if (count === 0) return this.#likeFlush;
    this.#pendingLikes = 0;
    this.#likeFlush = this.#likeFlush.then(() => this.#chat._request<{ counted: number }>('like', { groupID: this.groupID, count }).then(() => {}));
    return this.#likeFlush;
  }

  async #sendLine(action: number, text: string): Promise<Message> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new IMError(SdkCodes.INVALID_PARAMETER.code, action === LiveUserAction.DANMAKU ? 'Danmaku text is empty' : 'Text is empty');
    }
    const m = await this.#sendAction(action, text, 'Normal');
    const ev = this.#textEvent(m, this.#convention(m), true);
    if (ev) this.#emitter.emit(action === LiveUserAction.DANMAKU ? EVENTS.DANMAKU : EVENTS.TEXT, ev);
    return m;
  }

  async #sendAction(action: number, msg: string, priority: 'Normal'): Promise<Message> {
    const me = this.#chat.getLoginUser();
    const body = { userAction: action, userId: me, nickName: this.#opts.nickName ?? me, headPic: this.#opts.headPic ?? '', msg };
    const m = this.#chat.createTextMessage({ to: this.groupID, conversationType: 'GROUP', payload: { text: JSON.stringify(body) }, priority });
    const r = await this.#chat.sendMessage(m);
    return r.data.message;
  }

  #onPush(push: string, data: any): void {
    if (!data || data.groupID !== undefined && data.groupID !== this.groupID) return;
    switch (push) {
      case 'roomMessage': {
        const w = data as WireMessage;
        if (w.to !== this.groupID) return;
        const me = this.#chat.getLoginUser();
        if (w.from === me && w.clientMsgId && this.#chat._session()?.isOwnMessageID(w.clientMsgId)) return;
        this.#onMessage(fromWire(w, me), w.from === me);
        break;
      }
      case 'roomMembers': {
        const p = data as RoomMembersPush;
        this.#onlineCount = p.onlineCount;
        if (p.joinedCount > 0) this.#emitter.emit(EVENTS.ENTER, { users: p.joined, count: p.joinedCount, onlineCount: p.onlineCount });
        if (p.leftCount > 0) this.#emitter.emit(EVENTS.EXIT, { users: p.left, count: p.leftCount, onlineCount: p.onlineCount });
        this.#emitter.emit(EVENTS.ONLINE_COUNT, { count: p.onlineCount });
        break;
      }
      case 'likes': {
        const p = data as LikesPush;
        this.#likeTotal = p.total;
        this.#emitter.emit(EVENTS.LIKES, { total: p.total, delta: p.delta, topUsers: p.topUsers ?? [] });
        break;
      }
      case 'roomStats': {
        const p = data as RoomStatsPush;
        this.#onlineCount = p.onlineCount;
        this.#emitter.emit(EVENTS.ONLINE_COUNT, { count: p.onlineCount });
        break;
      }
      case 'roomClosed':
        this.#entered = false;
        this.#unsubscribe?.();
        this.#unsubscribe = undefined;
        this.#emitter.emit(EVENTS.CLOSED, { groupID: this.groupID });
        break;
      default:
        break;
    }
  }

  #onMessage(m: Message, self: boolean): void {
    const conv = this.#convention(m);
    if (!conv) {
      if (m.type === TYPES.MSG_TEXT) {
        const ev = this.#textEvent(m, { userId: m.from, nickName: m.nick || m.from, headPic: m.avatar, msg: String(m.payload['text'] ?? '') }, self);
        if (ev) this.#emitter.emit(EVENTS.TEXT, ev);
      } else this.#emitter.emit(EVENTS.MESSAGE, { message: m });
      return;
    }
    const ev = this.#textEvent(m, conv, self);
    switch (conv.userAction) {
      case LiveUserAction.TEXT:
        this.#emitter.emit(EVENTS.TEXT, ev);
        break;
      case LiveUserAction.DANMAKU:
        this.#emitter.emit(EVENTS.DANMAKU, ev);
        break;
      case LiveUserAction.ENTER:
        this.#emitter.emit(EVENTS.ENTER, { users: [{ userID: conv.userId || m.from, nick: conv.nickName, avatar: conv.headPic }], count: 1, onlineCount: this.#onlineCount });
        break;
      case LiveUserAction.EXIT:
        this.#emitter.emit(EVENTS.EXIT, { users: [{ userID: conv.userId || m.from, nick: conv.nickName, avatar: conv.headPic }], count: 1, onlineCount: this.#onlineCount });
        break;
      case LiveUserAction.LIKE:
        // The server counts these into the room's like counter; totals arrive as `likes`.
        break;
      default:
        this.#emitter.emit(EVENTS.MESSAGE, { message: m });
    }
  }

  #convention(m: Message): { userAction: number; userId: string; nickName: string; headPic: string; msg: string } | undefined {
    if (m.type !== TYPES.MSG_TEXT) return undefined;
    const text = String(m.payload['text'] ?? '');
    if (!text.startsWith('{')) return undefined;
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      // A number or a digit string, as older apps send either.
      const raw = o['userAction'];
      const action = typeof raw === 'string' && /^[1-5]$/.test(raw) ? Number(raw) : raw;
      if (typeof action !== 'number') return undefined;
      if (!Number.isInteger(action) || action < 1 || action > 5) return undefined;
      return {
        userAction: action,
        userId: String(o['userId'] ?? m.from),
        nickName: String(o['nickName'] ?? ''),
        headPic: String(o['headPic'] ?? ''),
        msg: String(o['msg'] ?? ''),
      };
    } catch {
      return undefined;
    }
  }

  #textEvent(m: Message, conv: { userId: string; nickName: string; headPic: string; msg: string } | undefined, self: boolean): LiveTextEvent | undefined {
    if (!conv) return undefined;
    return { userId: conv.userId || m.from, nickName: conv.nickName || m.nick || m.from, headPic: conv.headPic || m.avatar, msg: conv.msg, self, message: m };
  }
}
