/**
 * @module messages
 * The message as it travels to clients. One encoding serves every receiver: nothing in it depends
 * on who reads it (a C2C client derives its conversation from `from`/`to` and its own userID).
 */
import type { MsgBody, Priority } from './elements.ts';
import type { ConversationType } from './ids.ts';

export interface WireMessage {
  /** 'C2C' or 'GROUP'. */
  type: ConversationType;
  from: string;
  /** The receiver (C2C) or the group ID (GROUP). */
  to: string;
  /** Conversation sequence, strictly increasing from 1 within the conversation (0 for online-only). */
  seq: number;
  random: number;
  /** Server time, Unix seconds. */
  time: number;
  /** `<seq>_<random>_<time>`. */
  msgKey: string;
  body: MsgBody;
  priority?: Priority;
  cloudCustomData?: string;
  /** Sender's nick and avatar: stamped from the profile, or carried as sent in guest-mode apps. */
  nick?: string;
  avatar?: string;
  /** The client's own id for the send (idempotency key), echoed so the sender's devices can match it. */
  clientMsgId?: string;
  /** True for messages delivered to online sessions only and never stored. */
  onlineOnly?: boolean;
  revoked?: boolean;
}
