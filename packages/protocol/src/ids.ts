/**
 * @module ids
 * Identifier rules shared by server and SDK.
 */

/** UserID: 1–32 bytes of [A-Za-z0-9_-] (Tencent's safe set; the server enforces it). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function isValidUserID(id: unknown): id is string {
  return typeof id === 'string' && USER_ID_PATTERN.test(id);
}

export type ConversationType = 'C2C' | 'GROUP';

/** Conversation IDs as Tencent's SDK writes them: `C2C<userID>` or `GROUP<groupID>`. */
export function conversationID(type: ConversationType, peer: string): string {
  return type + peer;
}

export function parseConversationID(id: string): { type: ConversationType; peer: string } | undefined {
  if (id.startsWith('C2C') && id.length > 3) return { type: 'C2C', peer: id.slice(3) };
  if (id.startsWith('GROUP') && id.length > 5) return { type: 'GROUP', peer: id.slice(5) };
  return undefined;
}

/**
 * Message keys read as Tencent's `<MsgSeq>_<MsgRandom>_<MsgTime>`; in Parley the first part is the
 * conversation sequence, so a key (and a `nextReqMessageID`) names its position in history.
 */
export function formatMsgKey(seq: number, random: number, time: number): string {
  return `${seq}_${random}_${time}`;
}

export function parseMsgKey(key: unknown): { seq: number; random: number; time: number } | undefined {
  if (typeof key !== 'string' || key.length > 50) return undefined;
  const m = /^(\d{1,15})_(\d{1,10})_(\d{1,12})$/.exec(key);
  if (!m) return undefined;
  return { seq: Number(m[1]), random: Number(m[2]), time: Number(m[3]) };
}
