/**
 * @module pushes
 * Server pushes. C2C events are also rows of the user's inbox, so the same shapes come back from
 * `sync` after a disconnect: every event carries the inbox sequence (`inbox`) that orders it.
 */
import type { WireMessage } from './messages.ts';

export type KickReason = 'multipleAccount' | 'multipleDevice' | 'userSigExpired' | 'REST_API_Kick';

/** An event in a user's inbox: a message, a recall, or a peer's read receipt. */
export type InboxEvent =
  | { inbox: number; kind: 'message'; message: WireMessage }
  /** A recall: of a C2C message, or of a group message (`to` is then the group ID). */
  | { inbox: number; kind: 'revoke'; conversationType: 'C2C' | 'GROUP'; from: string; to: string; seq: number; msgKey: string; by: string }
  | { inbox: number; kind: 'read'; reader: string; peer: string; readSeq: number; time: number };

export interface KickedOutPush { reason: KickReason; code: number; message: string }
export interface UserSigExpiredPush { expireAt: number }

export interface Pushes {
  /** A C2C event (message, recall, receipt), with the receiver's inbox sequence. */
  inbox: InboxEvent;
  kickedOut: KickedOutPush;
  userSigExpired: UserSigExpiredPush;
}

export type PushName = keyof Pushes;
