/**
 * @module store/postgres/message-rows.postgres
 * Row shapes of the messages and inbox tables and their mapping to the store's records. Bodies are
 * text returned as stored: never parsed or re-encoded.
 */
import type { InboxRow, NewMessage, StoredMessage } from '../message-store.ts';

export const KIND_MESSAGE = 0;
export const KIND_REVOKE = 1;
export const KIND_READ = 2;

export interface MessageRow {
  sdk_app_id: number;
  conv_id: string;
  seq: number;
  from_user: string;
  to_target: string;
  random: number;
  time: number;
  body: string;
  priority: string;
  cloud_custom_data: string | null;
  nick: string | null;
  avatar: string | null;
  client_msg_id: string | null;
  revoked: boolean;
}

/** An inbox row with its message's columns (all NULL for read events). */
export type InboxJoinRow = { inbox: number; kind: number; i_conv: string; actor: string | null; i_read_seq: number | null; i_time: number | null }
  & { [K in keyof MessageRow]: MessageRow[K] | null };

export const INBOX_JOIN_SELECT = `SELECT i.seq AS inbox, i.kind, i.conv_id AS i_conv, i.actor, i.read_seq AS i_read_seq, i.time AS i_time, m.*
  FROM inbox i LEFT JOIN messages m ON m.sdk_app_id = i.sdk_app_id AND m.conv_id = i.conv_id AND m.seq = i.msg_seq`;

function withOptionals(msg: StoredMessage, src: { cloudCustomData?: string | null; nick?: string | null; avatar?: string | null; clientMsgId?: string | null }): StoredMessage {
  if (src.cloudCustomData != null) msg.cloudCustomData = src.cloudCustomData;
  if (src.nick != null) msg.nick = src.nick;
  if (src.avatar != null) msg.avatar = src.avatar;
  if (src.clientMsgId != null) msg.clientMsgId = src.clientMsgId;
  return msg;
}

export function toStoredMessage(r: MessageRow): StoredMessage {
  return withOptionals(
    {
      sdkAppId: r.sdk_app_id, convId: r.conv_id, seq: r.seq, from: r.from_user, to: r.to_target, random: r.random,
      time: r.time, body: r.body, priority: r.priority, revoked: r.revoked,
    },
    { cloudCustomData: r.cloud_custom_data, nick: r.nick, avatar: r.avatar, clientMsgId: r.client_msg_id },
  );
}

/** The record a freshly appended message is stored as. */
export function newStoredMessage(m: NewMessage, seq: number): StoredMessage {
  return withOptionals(
    { sdkAppId: m.sdkAppId, convId: m.convId, seq, from: m.from, to: m.to, random: m.random, time: m.time, body: m.body, priority: m.priority, revoked: false },
    m,
  );
}

/** Maps a joined inbox row; undefined when its message is gone (never expected, but not fatal). */
export function toInboxRow(r: InboxJoinRow): InboxRow | undefined {
  if (r.kind === KIND_READ) {
    return { inbox: r.inbox, kind: 'read', convId: r.i_conv, reader: r.actor ?? '', readSeq: r.i_read_seq ?? 0, time: r.i_time ?? 0 };
  }
  if (r.seq === null) return undefined;
  const message = toStoredMessage(r as MessageRow);
  if (r.kind === KIND_REVOKE) {
    const { convId, seq, from, to, random, time } = message;
    return { inbox: r.inbox, kind: 'revoke', convId, seq, from, to, random, time, by: r.actor ?? '' };
  }
  return { inbox: r.inbox, kind: 'message', message };
}

/** The other party of a C2C conversation `c2c:<a>:<b>`; undefined for groups. */
export function c2cPeer(convId: string, userID: string): string | undefined {
  if (!convId.startsWith('c2c:')) return undefined;
  const rest = convId.slice(4);
  // UserIDs cannot contain ':', so the first ':' splits the pair.
  const i = rest.indexOf(':');
  if (i < 0) return undefined;
  const a = rest.slice(0, i);
  const b = rest.slice(i + 1);
  return a === userID ? b : a;
}
