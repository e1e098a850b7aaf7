/**
 * @module groups/group-messages
 * Messages in stored groups (every type but AVChatRoom and BChatRoom): a per-group sequence from
 * the MessageStore (convId `group:<groupID>`, no inbox rows), durable before the ack through the
 * GroupCommitter, live fan-out as the `groupMessage` push — the WireMessage is encoded once and the
 * same frame goes to every member's sessions — history pages, read cursors, recall and `syncGroups`.
 * Group tips are ordinary group messages posted through `post`.
 */
import { Codes, formatMsgKey, parseMsgKey, type GroupType, type MsgBody } from '@parley/protocol';
import { ParleyError, RawJson } from '../errors.ts';
import type { SessionRegistry } from '../core/session-registry.ts';
import type { GroupCommitter } from '../messaging/group-commit.ts';
import { encodeInboxRow, encodeWireMessage, inboxPush } from '../messaging/wire-encoding.ts';
import type { StoredMessage } from '../store/message-store.ts';
import type { Store } from '../store/store.ts';
import type { GroupMessageHooks } from './group-hooks.ts';

export function groupConvId(groupId: string): string {
  return `group:${groupId}`;
}

export function groupMessagePush(wire: string): string {
  return `{"push":"groupMessage","data":${wire}}`;
}

export interface PostInput {
  sdkAppId: number;
  groupId: string;
  groupType: GroupType;
  from: string;
  /** Encoded MsgBody JSON. */
  body: string;
  /** The body as values, for the after-send hook. */
  bodyValue: MsgBody;
  random: number;
  /** '' opts out of de-duplication. */
  dedupKey: string;
  time: number;
  priority: string;
  cloudCustomData?: string;
  nick?: string;
  avatar?: string;
  clientMsgId?: string;
  /** Deliver to online members only, never stored (seq 0). */
  onlineOnly?: boolean;
  /** The sending session: it gets the ack, not the push. */
  exceptSessionId?: string;
  /** Users who are no longer members but must see this message live (the kicked, the leaver). */
  alsoTo?: readonly string[];
  platform: string;
  /** Skip the after-send hook (tips, imports). */
  silentHooks?: boolean;
}

export interface PostResult {
  wire: string;
  message: StoredMessage;
  duplicate: boolean;
}

interface CachedMembers {
  ids: string[];
  at: number;
}

const MEMBER_CACHE_MAX = 10_000;

/** Most members whose inboxes record a recall (larger groups get a live push only). */
const INBOX_REVOKE_MAX = 6000;

export class GroupMessaging {
  readonly #members = new Map<string, CachedMembers>();

  constructor(
    private readonly store: Store,
    private readonly committer: GroupCommitter,
    private readonly sessions: SessionRegistry,
    private readonly hooks: () => GroupMessageHooks,
    private readonly now: () => number,
    /** How long a cached member list is trusted (changes on this node invalidate it at once). */
    private readonly memberCacheMs: number,
  ) {}

  /** Member IDs for fan-out, cached briefly (changes made on this node invalidate at once). */
  async memberIds(sdkAppId: number, groupId: string): Promise<string[]> {
    const key = `${sdkAppId}:${groupId}`;
    const hit = this.#members.get(key);
    const t = this.now();
    if (hit && t - hit.at < this.memberCacheMs) return hit.ids;
    const ids = await this.store.groups.memberIds(sdkAppId, groupId);
    if (this.#members.size >= MEMBER_CACHE_MAX) this.#members.clear();
    this.#members.set(key, { ids, at: t });
    return ids;
  }

  invalidate(sdkAppId: number, groupId: string): void {
    this.#members.delete(`${sdkAppId}:${groupId}`);
  }

  /** The group's last sequence handed out: deleted messages keep their numbers, so NextMsgSeq never goes back. */
  async lastSeq(sdkAppId: number, groupId: string): Promise<number> {
    return this.store.messages.lastSeq(sdkAppId, groupConvId(groupId));
  }

  async lastMessage(sdkAppId: number, groupId: string): Promise<StoredMessage | undefined> {
    return (await this.store.messages.history(sdkAppId, groupConvId(groupId), undefined, 1))[0];
  }

  /** Stores (unless online only) and delivers a group message to every member. */
  async post(input: PostInput): Promise<PostResult> {
    if (input.onlineOnly) {
      const message = this.#transient(input);
      const wire = encodeWireMessage(message, 'GROUP', true);
      await this.#fanOut(input, wire);
      if (!input.silentHooks) this.hooks().afterGroup(message, input.bodyValue, input.groupType, input.platform);
      return { wire, message, duplicate: false };
    }
    const r = await this.committer.append({
      sdkAppId: input.sdkAppId,
      convId: groupConvId(input.groupId),
      from: input.from,
      to: input.groupId,
      random: input.random,
      dedupKey: input.dedupKey,
      time: input.time,
      body: input.body,
      priority: input.priority,
      ...(input.cloudCustomData !== undefined && { cloudCustomData: input.cloudCustomData }),
      ...(input.nick !== undefined && { nick: input.nick }),
      ...(input.avatar !== undefined && { avatar: input.avatar }),
      ...(input.clientMsgId !== undefined && { clientMsgId: input.clientMsgId }),
      inboxUsers: [],
    });
    const wire = encodeWireMessage(r.message, 'GROUP');
    if (!r.duplicate) {
      await this.#fanOut(input, wire);
      if (!input.silentHooks) this.hooks().afterGroup(r.message, input.bodyValue, input.groupType, input.platform);
    }
    return { wire, message: r.message, duplicate: r.duplicate };
  }

  /** One encoded frame, pushed to each member's sessions on every node. */
  async #fanOut(input: PostInput, wire: string): Promise<void> {
    const frame = groupMessagePush(wire);
    const members = await this.memberIds(input.sdkAppId, input.groupId);
    for (const user of members) this.sessions.deliver(input.sdkAppId, user, frame, user === input.from ? input.exceptSessionId : '');
    for (const user of input.alsoTo ?? []) this.sessions.deliver(input.sdkAppId, user, frame);
  }

  /** A page of history, oldest first, before `nextReqMessageID` (a msgKey) or from the newest. */
  async history(sdkAppId: number, groupId: string, nextReqMessageID: string | undefined, count: number): Promise<RawJson> {
    let before: number | undefined;
    if (nextReqMessageID) {
      const key = parseMsgKey(nextReqMessageID);
      if (!key) throw new ParleyError(Codes.SDK_INVALID_PARAMETER, 'nextReqMessageID is not a message key');
      before = key.seq;
    }
    const rows = await this.store.messages.history(sdkAppId, groupConvId(groupId), before, count + 1);
    const isCompleted = rows.length <= count;
    const page = rows.slice(0, count).reverse();
    const oldest = page[0];
    const next = oldest ? formatMsgKey(oldest.seq, oldest.random, oldest.time) : '';
    return new RawJson(`{"messageList":[${page.map((m) => encodeWireMessage(m, 'GROUP')).join(',')}],"nextReqMessageID":"${next}","isCompleted":${isCompleted}}`);
  }

  /**
   * The first messages after `cursor`, oldest first, at most `limit`, up to `lastSeq`. Deleted
   * messages leave holes in the sequence; a window holding only holes is skipped, so a page is
   * empty only when nothing is left.
   */
  async after(sdkAppId: number, groupId: string, cursor: number, limit: number, lastSeq: number): Promise<StoredMessage[]> {
    for (let from = cursor; from < lastSeq; from += limit) {
      const rows = await this.store.messages.history(sdkAppId, groupConvId(groupId), from + limit + 1, limit);
      const page = rows.filter((m) => m.seq > from).reverse();
      if (page.length > 0) return page;
    }
    return [];
  }

  /** Moves the member's read cursor (default: to the newest message); returns the cursor in force. */
  async setRead(sdkAppId: number, groupId: string, userID: string, seq: number | undefined): Promise<number> {
    const upTo = seq ?? (await this.lastSeq(sdkAppId, groupId));
    if (upTo <= 0) return 0;
    const r = await this.store.messages.setRead(sdkAppId, userID, groupConvId(groupId), upTo, [], Math.floor(this.now() / 1000));
    await this.store.groups.updateMember(sdkAppId, groupId, userID, { readSeq: r.readSeq });
    return r.readSeq;
  }

  /** The member read up to `seq` (default: everything): the cursor moves and any extra unread count set over REST goes. */
  async markRead(sdkAppId: number, groupId: string, userID: string, seq: number | undefined): Promise<number> {
    const readSeq = await this.setRead(sdkAppId, groupId, userID, seq);
    await this.store.groups.updateMember(sdkAppId, groupId, userID, { unreadExtra: 0 });
    return readSeq;
  }

  /** Messages from others after the member's cursor, plus the extra count set by set_unread_msg_num or an import. */
  async unread(sdkAppId: number, groupId: string, userID: string, unreadExtra: number): Promise<number> {
    return unreadExtra + (await this.store.messages.unreadCount(sdkAppId, userID, groupConvId(groupId)));
  }

  /**
   * Marks a stored message recalled. Members get the recall as an event in their inbox, like a C2C
   * recall, so a member offline at the time replays it on sync; groups above INBOX_REVOKE_MAX
   * members get only a live `groupRevoke` push (history still shows the message recalled).
   */
  async revoke(sdkAppId: number, groupId: string, m: StoredMessage, by: string): Promise<void> {
    const members = await this.memberIds(sdkAppId, groupId);
    const viaInbox = members.length <= INBOX_REVOKE_MAX;
    const convId = groupConvId(groupId);
    const r = await this.store.messages.revoke(sdkAppId, convId, m.seq, by, viaInbox ? members : []);
    if (r === 'missing') throw new ParleyError(Codes.GROUP_RECALL_NOT_FOUND);
    if (r === 'already') throw new ParleyError(Codes.GROUP_RECALL_REFUSED, 'The message was already recalled');
    if (viaInbox) {
      members.forEach((user, i) => {
        const inbox = r[i];
        if (inbox === undefined) return;
        const event = encodeInboxRow({ inbox, kind: 'revoke', convId, seq: m.seq, from: m.from, to: m.to, random: m.random, time: m.time, by });
        this.sessions.deliver(sdkAppId, user, inboxPush(event));
      });
      return;
    }
    const frame = `{"push":"groupRevoke","data":${JSON.stringify({ groupID: groupId, seq: m.seq, msgKey: formatMsgKey(m.seq, m.random, m.time), by })}}`;
    for (const user of members) this.sessions.deliver(sdkAppId, user, frame);
  }

  #transient(input: PostInput): StoredMessage {
    return {
      sdkAppId: input.sdkAppId, convId: groupConvId(input.groupId), seq: 0, from: input.from, to: input.groupId,
      random: input.random, time: input.time, body: input.body, priority: input.priority, revoked: false,
      ...(input.cloudCustomData !== undefined && { cloudCustomData: input.cloudCustomData }),
      ...(input.nick !== undefined && { nick: input.nick }),
      ...(input.avatar !== undefined && { avatar: input.avatar }),
      ...(input.clientMsgId !== undefined && { clientMsgId: input.clientMsgId }),
    };
  }
}
