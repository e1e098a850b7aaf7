/**
 * @module store/sqlite/message-rows
 * Row shapes of the messages and inbox tables and their mapping to the store's records. Bodies are
 * TEXT columns returned as stored: never parsed or re-encoded.
 */
import type { InboxRow, StoredMessage } from '../message-store.ts';

export const INBOX_MESSAGE = 0;
export const INBOX_REVOKE = 1;
export const INBOX_READ = 2;

export interface MessageRow {
  id: number;
  conv: number;
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
  revoked: number;
}

/** Inbox row joined with its message (message and revoke events; m_* are NULL for reads) and conversation. */
export interface InboxJoinRow {
  inbox: number;
  kind: number;
  conv_id: string | null;
  actor: string | null;
  read_seq: number | null;
  r_time: number | null;
  m_seq: number | null;
  m_from: string | null;
  m_to: string | null;
  m_random: number | null;
  m_time: number | null;
  m_body: string | null;
  m_priority: string | null;
  m_ccd: string | null;
  m_nick: string | null;
  m_avatar: string | null;
  m_cmid: string | null;
  m_revoked: number | null;
}

export const INBOX_JOIN_COLUMNS = `i.seq AS inbox, i.kind, c.conv_id, i.actor, i.read_seq, i.time AS r_time, m.seq AS m_seq, m.from_user AS m_from, m.to_target AS m_to,
  m.random AS m_random, m.time AS m_time, m.body AS m_body, m.priority AS m_priority, m.cloud_custom_data AS m_ccd,
  m.nick AS m_nick, m.avatar AS m_avatar, m.client_msg_id AS m_cmid, m.revoked AS m_revoked`;

function withOptionals(
  msg: StoredMessage,
  ccd: string | null,
  nick: string | null,
  avatar: string | null,
  clientMsgId: string | null,
): StoredMessage {
  if (ccd !== null) msg.cloudCustomData = ccd;
  if (nick !== null) msg.nick = nick;
  if (avatar !== null) msg.avatar = avatar;
  if (clientMsgId !== null) msg.clientMsgId = clientMsgId;
  return msg;
}

export function toStoredMessage(r: MessageRow, sdkAppId: number, convId: string): StoredMessage {
  return withOptionals(
    {
      sdkAppId,
      convId,
      seq: r.seq,
      from: r.from_user,
      to: r.to_target,
      random: r.random,
      time: r.time,
      body: r.body,
      priority: r.priority,
      revoked: r.revoked !== 0,
    },
    r.cloud_custom_data,
    r.nick,
    r.avatar,
    r.client_msg_id,
  );
}

/** Maps a joined inbox row; undefined when its message is gone (never expected, but not fatal). */
export function toInboxRow(r: InboxJoinRow, sdkAppId: number): InboxRow | undefined {
  if (r.conv_id === null) return undefined;
  if (r.kind === INBOX_READ) {
    return { inbox: r.inbox, kind: 'read', convId: r.conv_id, reader: r.actor ?? '', readSeq: r.read_seq ?? 0, time: r.r_time ?? 0 };
  }
  if (r.m_seq === null) return undefined;
  if (r.kind === INBOX_REVOKE) {
    return {
      inbox: r.inbox,
      kind: 'revoke',
      convId: r.conv_id,
      seq: r.m_seq,
      from: r.m_from ?? '',
      to: r.m_to ?? '',
      random: r.m_random ?? 0,
      time: r.m_time ?? 0,
      by: r.actor ?? '',
    };
  }
  const message = withOptionals(
    {
      sdkAppId,
      convId: r.conv_id,
      seq: r.m_seq,
      from: r.m_from ?? '',
      to: r.m_to ?? '',
      random: r.m_random ?? 0,
      time: r.m_time ?? 0,
      body: r.m_body ?? '',
      priority: r.m_priority ?? '',
      revoked: r.m_revoked === 1,
    },
    r.m_ccd,
    r.m_nick,
    r.m_avatar,
    r.m_cmid,
  );
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
