/**
 * @module groups/group-chat
 * Sending to a group and everything that reads group messages: history, read cursors, unread
 * counts, recall, `syncGroups`, the group entries of the conversation list, online counts.
 * Stored types go through GroupMessaging; AVChatRoom messages through LiveRooms.publish (rate
 * limited per room, answered with `dropReason` when shed); BChatRoom through broadcastToApp.
 */
import { randomInt } from 'node:crypto';
import { Codes, formatMsgKey, parseMsgKey, PRIORITIES, type MsgBody, type Priority } from '@parley/protocol';
import { ParleyError, RawJson } from '../errors.ts';
import { validateMsgBody } from '../messaging/message-validation.ts';
import { encodeWireMessage } from '../messaging/wire-encoding.ts';
import type { GroupRecord } from '../store/group-store.ts';
import type { StoredMessage } from '../store/message-store.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';
import { groupConvId } from './group-messages.ts';
import { atLeast } from './group-types.ts';

export interface GroupSendInput {
  groupId: unknown;
  /** Defaults to the actor; REST may send as any existing user (who need not be a member). */
  from?: string;
  body: unknown;
  random?: number;
  /** Idempotency key (client message id, or a REST Random bucket). */
  dedupKey: string;
  clientMsgId?: string;
  priority?: unknown;
  cloudCustomData?: string;
  onlineOnly?: boolean;
  nick?: string;
  avatar?: string;
  runHooks?: boolean;
  /** False skips only the before-send webhook (REST ForbidBeforeSendMsgCallback); sensitive words and mutes still apply. */
  beforeCallback?: boolean;
  /** Imports: the message's own time (Unix seconds). */
  time?: number;
}

export interface GroupSendResult {
  wire: string;
  message: StoredMessage;
  dropReason?: 'MsgFreqCtrl';
}

export class GroupChat {
  constructor(private readonly core: GroupCore) {}

  async send(actor: Actor, input: GroupSendInput): Promise<GroupSendResult> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, input.groupId);
    const rules = core.rules(group);
    const from = input.from ?? actor.userID;
    const priority = (input.priority ?? 'Normal') as Priority;
    if (!PRIORITIES.includes(priority)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MsgPriority must be High, Normal, Low or Lowest');
    const standing = await core.standing({ ...actor, userID: from, appAdmin: actor.appAdmin && from === actor.userID }, group);
    const rank = actor.rest ? 'appAdmin' : standing.rank;
    if (group.type === 'AVChatRoom') {
      if (!actor.rest) {
        if (!actor.conn || core.live.roomOf(actor.conn)?.groupId !== group.groupId) {
          throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Join the live room before sending to it');
        }
        if (actor.guest) throw new ParleyError(Codes.RECEIVE_ONLY);
      }
    } else if (!atLeast(rank, rules.send)) {
      throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, rules.send === 'member' ? 'Not a member of the group' : `Sending to ${group.type} needs the admin role`);
    }
    // Mutes: the user's own mute, then mute-all (owner, admins and app admins still speak).
    const nowS = core.nowSeconds();
    const muteUntil = standing.member?.muteUntil ?? (await core.store.groups.muteUntil(group.sdkAppId, group.groupId, from));
    if (!actor.rest && muteUntil > nowS) throw new ParleyError(Codes.GROUP_MUTED, `Muted until ${muteUntil}`);
    if (!actor.rest && group.muteAll && !atLeast(rank, 'admin')) throw new ParleyError(Codes.GROUP_MUTED, 'Everyone but the owner and admins is muted');

    let { body, encoded } = validateMsgBody(input.body, input.cloudCustomData, Codes.GROUP_MSG_TOO_LARGE);
    let cloudCustomData = input.cloudCustomData;
    const random = input.random ?? randomInt(0, 0xffffffff);
    const time = input.time ?? nowS;
    if (input.runHooks !== false) {
      const decision = await core.hooks.beforeGroup({
        sdkAppId: group.sdkAppId, groupId: group.groupId, groupType: group.type, from, body, random, time, priority,
        ...(cloudCustomData !== undefined && { cloudCustomData }), onlineOnly: input.onlineOnly === true, platform: actor.platform,
        ...(input.beforeCallback === false && { beforeCallback: false }),
      });
      if (decision.action === 'drop') {
        const message = transient(group, from, random, time, encoded, priority, cloudCustomData, input);
        return { wire: encodeWireMessage(message, 'GROUP', true), message };
      }
      if (decision.body) ({ body, encoded } = validateMsgBody(decision.body, decision.cloudCustomData ?? cloudCustomData, Codes.GROUP_MSG_TOO_LARGE));
      if (decision.cloudCustomData !== undefined) cloudCustomData = decision.cloudCustomData;
    }
    const identity = rules.live || actor.guestMode ? await this.#identity(actor, from, input) : {};

    if (rules.live) {
      const message = transient(group, from, random, time, encoded, priority, cloudCustomData, { ...input, ...identity });
      const wire = encodeWireMessage(message, 'GROUP', true);
      if (group.type === 'BChatRoom') {
        core.live.broadcastToApp(group.sdkAppId, wire);
      } else {
        const outcome = await core.live.publish(group.sdkAppId, group.groupId, wire, priority, actor.roomMessagesPerSecond);
        if (!outcome.delivered) return { wire, message, dropReason: outcome.dropReason };
      }
      core.hooks.afterGroup(message, body, group.type, actor.platform);
      return { wire, message };
    }
    const r = await core.messaging.post({
      sdkAppId: group.sdkAppId, groupId: group.groupId, groupType: group.type, from, body: encoded, bodyValue: body, random,
      dedupKey: input.dedupKey, time, priority,
      ...(cloudCustomData !== undefined && { cloudCustomData }),
      ...identity,
      ...(input.clientMsgId !== undefined && { clientMsgId: input.clientMsgId }),
      onlineOnly: input.onlineOnly === true,
      ...(actor.sessionId !== undefined && { exceptSessionId: actor.sessionId }),
      platform: actor.platform,
      silentHooks: input.runHooks === false,
    });
    return { wire: r.wire, message: r.message };
  }

  /** Loads a stored-history group the caller may read (members; app admins anywhere). */
  async readable(actor: Actor, groupId: unknown): Promise<GroupRecord> {
    const group = await this.core.load(actor.sdkAppId, groupId);
    if (!this.core.rules(group).history) throw new ParleyError(Codes.GROUP_NO_ROAMING);
    if (!actor.appAdmin) {
      const { member } = await this.core.standing(actor, group);
      if (!member) throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Not a member of the group');
    }
    return group;
  }

  async history(actor: Actor, groupId: unknown, nextReqMessageID: string | undefined, count: number): Promise<RawJson> {
    const group = await this.readable(actor, groupId);
    return this.core.messaging.history(group.sdkAppId, group.groupId, nextReqMessageID, count);
  }

  async setRead(actor: Actor, groupId: unknown, seq: number | undefined): Promise<{ readSeq: number }> {
    const group = await this.readable(actor, groupId);
    return { readSeq: await this.core.messaging.markRead(group.sdkAppId, group.groupId, actor.userID, seq) };
  }

  /** Recall: owner, admins and app admins at any time; the sender within the app's window. */
  async revoke(actor: Actor, groupId: unknown, seq: number, key?: { random: number; time: number }): Promise<void> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    if (!core.rules(group).recall) throw new ParleyError(Codes.GROUP_RECALL_UNSUPPORTED);
    const m = await core.store.messages.getMessage(group.sdkAppId, groupConvId(group.groupId), seq);
    if (!m || (key && (m.random !== key.random || m.time !== key.time))) throw new ParleyError(Codes.GROUP_RECALL_NOT_FOUND);
    const { rank } = await core.standing(actor, group);
    if (!atLeast(rank, 'admin')) {
      if (m.from !== actor.userID) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Only the sender, the owner or an admin may recall it');
      if (rank === 'none') throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Not a member of the group');
      if (core.nowSeconds() - m.time > actor.recallWindowSeconds) throw new ParleyError(Codes.GROUP_RECALL_TIME_LIMIT);
    }
    await core.messaging.revoke(group.sdkAppId, group.groupId, m, actor.userID);
  }

  async revokeByKey(actor: Actor, groupId: unknown, msgKey: string): Promise<void> {
    const key = parseMsgKey(msgKey);
    if (!key) throw new ParleyError(Codes.BAD_MSG_KEY);
    await this.revoke(actor, groupId, key.seq, key);
  }

  /** Messages each joined group got after the client's cursor (see protocol SyncGroupsRequest). */
  async sync(actor: Actor, cursors: Record<string, number>, limit: number): Promise<RawJson> {
    const { core } = this;
    const joined = (await core.store.groups.joinedGroups(actor.sdkAppId, actor.userID)).filter((j) => core.rules(j.group).history);
    const joinedIds = new Set(joined.map((j) => j.group.groupId));
    const notMember = Object.keys(cursors).filter((id) => !joinedIds.has(id));
    const parts: string[] = [];
    for (const { group } of joined) {
      // The last message left, not the last sequence: a deleted tail is nothing to fetch.
      const lastSeq = (await core.messaging.lastMessage(group.sdkAppId, group.groupId))?.seq ?? 0;
      const cursor = cursors[group.groupId];
      const head = `{"groupID":${JSON.stringify(group.groupId)},"lastSeq":${lastSeq}`;
      if (cursor === undefined || cursor >= lastSeq) {
        parts.push(`${head},"messages":[],"isCompleted":true}`);
      } else if (lastSeq - cursor > core.deps.maxSyncGap) {
        parts.push(`${head},"messages":[],"isCompleted":false,"tooFarBehind":true}`);
      } else {
        const page = await core.messaging.after(group.sdkAppId, group.groupId, cursor, limit, lastSeq);
        const upTo = page.length > 0 ? page[page.length - 1]!.seq : cursor;
        parts.push(`${head},"messages":[${page.map((m) => encodeWireMessage(m, 'GROUP')).join(',')}],"isCompleted":${upTo >= lastSeq}}`);
      }
    }
    return new RawJson(`{"groups":[${parts.join(',')}],"notMember":${JSON.stringify(notMember)}}`);
  }

  /** The caller's group conversations (stored types with at least one message), as ConversationSummary JSON. */
  async conversations(actor: Actor): Promise<{ time: number; json: string }[]> {
    const { core } = this;
    const out: { time: number; json: string }[] = [];
    for (const { group, self } of await core.store.groups.joinedGroups(actor.sdkAppId, actor.userID)) {
      const rules = core.rules(group);
      if (!rules.history) continue;
      const last = await core.messaging.lastMessage(group.sdkAppId, group.groupId);
      // Deleted by this member (deleteConversation) and nothing new since.
      if (!last || last.seq <= self.hiddenUpTo) continue;
      const unread = rules.unread ? await core.messaging.unread(group.sdkAppId, group.groupId, actor.userID, self.unreadExtra) : 0;
      const id = JSON.stringify(`GROUP${group.groupId}`);
      out.push({
        time: last.time,
        json: `{"conversationID":${id},"type":"GROUP","peer":${JSON.stringify(group.groupId)},"lastMessage":${encodeWireMessage(last, 'GROUP')},"unreadCount":${unread},"readSeq":${self.readSeq},"peerReadSeq":0}`,
      });
    }
    return out;
  }

  /**
   * `deleteConversation` of `GROUP<id>` (and REST recentcontact/delete Type 2): the group leaves the
   * user's conversation list until a message after the current last one arrives; the user stays a
   * member and history is untouched. Like Tencent, deleting a conversation clears its unread count:
   * the member's read cursor moves to the last message and any extra unread count set over REST
   * goes, so the conversation comes back with only the new messages unread. A group the user is not
   * a member of (or that is gone) is not in the list: nothing to do.
   */
  async deleteConversation(sdkAppId: number, userID: string, groupId: string): Promise<void> {
    const { core } = this;
    const group = await core.store.groups.getGroup(sdkAppId, groupId);
    if (!group || !core.rules(group).history) return;
    if (!(await core.store.groups.getMember(sdkAppId, groupId, userID))) return;
    const last = await core.messaging.lastSeq(sdkAppId, groupId);
    if (last > 0) await core.messaging.setRead(sdkAppId, groupId, userID, last);
    await core.store.groups.updateMember(sdkAppId, groupId, userID, { hiddenUpTo: last, unreadExtra: 0 });
  }

  /** Live rooms: the engine's approximate count. Stored types: members with a session (clients only). */
  async onlineCount(actor: Actor, groupId: unknown): Promise<number> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    if (group.type === 'AVChatRoom') return core.live.onlineCount(group.sdkAppId, group.groupId);
    if (actor.rest || core.rules(group).live) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Online counts are for AVChatRoom');
    const { member } = await core.standing(actor, group);
    if (!member && !actor.appAdmin) throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Not a member of the group');
    const ids = await core.messaging.memberIds(group.sdkAppId, group.groupId);
    const online = await core.deps.sessions.onlineOf(group.sdkAppId, ids);
    let n = 0;
    for (const sessions of online.values()) if (sessions.length > 0) n++;
    return n;
  }

  /** Sender nick/avatar: carried as sent in guest-mode apps, else the sender's profile (live rooms only). */
  async #identity(actor: Actor, from: string, input: GroupSendInput): Promise<{ nick?: string; avatar?: string }> {
    if (actor.guestMode) {
      const nick = input.nick ?? actor.nick;
      const avatar = input.avatar ?? actor.avatar;
      return { ...(nick !== undefined && { nick }), ...(avatar !== undefined && { avatar }) };
    }
    const a = (await this.core.store.accounts.getAccounts(actor.sdkAppId, [from])).get(from);
    return { ...(a?.nick ? { nick: a.nick } : {}), ...(a?.faceUrl ? { avatar: a.faceUrl } : {}) };
  }
}

function transient(
  group: GroupRecord, from: string, random: number, time: number, body: string, priority: string,
  cloudCustomData: string | undefined, extra: { nick?: string; avatar?: string; clientMsgId?: string },
): StoredMessage {
  return {
    sdkAppId: group.sdkAppId, convId: groupConvId(group.groupId), seq: 0, from, to: group.groupId, random, time, body, priority,
    revoked: false,
    ...(cloudCustomData !== undefined && { cloudCustomData }),
    ...(extra.nick !== undefined && { nick: extra.nick }),
    ...(extra.avatar !== undefined && { avatar: extra.avatar }),
    ...(extra.clientMsgId !== undefined && { clientMsgId: extra.clientMsgId }),
  };
}

export function restMsgKey(m: StoredMessage): string {
  return formatMsgKey(m.seq, m.random, m.time);
}

export type { MsgBody };
