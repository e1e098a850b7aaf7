/**
 * @module messaging/wire-encoding
 * Turns stored rows into client frames. A message is encoded once (`encodeWireMessage`); frames
 * for each receiver are built by concatenating that text with the receiver's inbox sequence.
 */
import { formatMsgKey } from '@parley/protocol';
import type { InboxRow, StoredMessage } from '../store/message-store.ts';

/** JSON text of a WireMessage; `body` is already JSON text and is spliced in, not re-encoded. */
export function encodeWireMessage(m: StoredMessage, type: 'C2C' | 'GROUP', onlineOnly = false): string {
  let s = `{"type":"${type}","from":${JSON.stringify(m.from)},"to":${JSON.stringify(m.to)},"seq":${m.seq},"random":${m.random},"time":${m.time},"msgKey":"${formatMsgKey(m.seq, m.random, m.time)}","body":${m.body},"priority":${JSON.stringify(m.priority)}`;
  if (m.cloudCustomData) s += `,"cloudCustomData":${JSON.stringify(m.cloudCustomData)}`;
  if (m.nick) s += `,"nick":${JSON.stringify(m.nick)}`;
  if (m.avatar) s += `,"avatar":${JSON.stringify(m.avatar)}`;
  if (m.clientMsgId) s += `,"clientMsgId":${JSON.stringify(m.clientMsgId)}`;
  if (onlineOnly) s += ',"onlineOnly":true';
  if (m.revoked) s += ',"revoked":true';
  return s + '}';
}

export function inboxMessageEvent(inbox: number, wire: string): string {
  return `{"inbox":${inbox},"kind":"message","message":${wire}}`;
}

export function inboxPush(event: string): string {
  return `{"push":"inbox","data":${event}}`;
}

/** An inbox row as the JSON text of an InboxEvent (for sync responses and pushes). */
export function encodeInboxRow(row: InboxRow): string {
  switch (row.kind) {
    case 'message':
      return inboxMessageEvent(row.inbox, encodeWireMessage(row.message, row.message.convId.startsWith('group:') ? 'GROUP' : 'C2C'));
    case 'revoke':
      return JSON.stringify({
        inbox: row.inbox, kind: 'revoke', conversationType: row.convId.startsWith('group:') ? 'GROUP' : 'C2C', from: row.from, to: row.to, seq: row.seq,
        msgKey: formatMsgKey(row.seq, row.random, row.time), by: row.by,
      });
    case 'read': {
      const [, a, b] = row.convId.split(':');
      const peer = a === row.reader ? b : a;
      return JSON.stringify({ inbox: row.inbox, kind: 'read', reader: row.reader, peer, readSeq: row.readSeq, time: row.time });
    }
  }
}
