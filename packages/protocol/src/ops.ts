/**
 * @module ops
 * Requests a client may send, with their data and the response data. docs/protocol.md explains each.
 */
import type { MsgBody, Priority } from './elements.ts';
import type { ConversationType } from './ids.ts';
import type { WireMessage } from './messages.ts';
import type { InboxEvent } from './pushes.ts';

export type Platform = 'Web' | 'Android' | 'iPhone' | 'iPad' | 'Windows' | 'Mac' | 'Linux' | 'Unknown';
export const PLATFORMS: readonly Platform[] = ['Web', 'Android', 'iPhone', 'iPad', 'Windows', 'Mac', 'Linux', 'Unknown'];

export interface LoginRequest {
  sdkAppId: number;
  userID: string;
  userSig: string;
  platform?: Platform;
  protocolVersion?: number;
}

export interface GuestLoginRequest {
  sdkAppId: number;
  platform?: Platform;
  nick?: string;
  avatar?: string;
  protocolVersion?: number;
}

export interface LoginResponse {
  userID: string;
  /** Returned by guestLogin only: a ticket for the generated guest identifier. */
  userSig?: string;
  sessionId: string;
  serverTime: number;
  /** Unix seconds when the ticket expires; the session is closed then unless renewed. */
  expireAt: number;
  /** The newest inbox sequence: a fresh client may start its cursor here. */
  inboxSeq: number;
  heartbeatIntervalMs: number;
  protocolVersion: number;
  guest: boolean;
}

export interface RenewTicketRequest { userSig: string }
export interface RenewTicketResponse { expireAt: number }

export interface SendMessageRequest {
  type: ConversationType;
  to: string;
  body: MsgBody;
  /** Client message id: a retry with the same id is stored once and answered with the same ack. */
  clientMsgId: string;
  random?: number;
  priority?: Priority;
  cloudCustomData?: string;
  /** Deliver to online sessions only; never stored (Tencent's MsgLifeTime 0 / onlineUserOnly). */
  onlineOnly?: boolean;
  /** Guest-mode apps: the sender's display name and avatar travel with the message. */
  nick?: string;
  avatar?: string;
}

export interface SendMessageResponse {
  message: WireMessage;
  /** Set when a live room's rate limiter dropped the message (Tencent answers success with this). */
  dropReason?: 'MsgFreqCtrl';
}

export interface SyncRequest {
  /** The last inbox sequence the client has applied (0 for none). */
  cursor: number;
  limit?: number;
}

export interface SyncResponse {
  events: InboxEvent[];
  /** The inbox sequence to resume from next time. */
  cursor: number;
  isCompleted: boolean;
}

export interface GetMessageListRequest {
  conversationID: string;
  /** The msgKey of the oldest message the client holds; omitted for the newest page. */
  nextReqMessageID?: string;
  count?: number;
}

export interface GetMessageListResponse {
  messageList: WireMessage[];
  nextReqMessageID: string;
  isCompleted: boolean;
}

export interface ConversationSummary {
  conversationID: string;
  type: ConversationType;
  peer: string;
  lastMessage?: WireMessage;
  unreadCount: number;
  /** The last conversation sequence this user has read. */
  readSeq: number;
  /** Whether the peer (C2C) has read up to this user's last message. */
  peerReadSeq: number;
}

export interface GetConversationListResponse { conversationList: ConversationSummary[] }

export interface SetMessageReadRequest {
  conversationID: string;
  /** Read up to this sequence; omitted means everything. */
  seq?: number;
}

export interface RevokeMessageRequest { conversationID: string; msgKey: string }
export interface DeleteConversationRequest { conversationID: string }

export interface ProfileData {
  userID: string;
  nick: string;
  avatar: string;
  [tag: string]: string | number;
}
export interface GetUserProfileRequest { userIDList: string[] }
export interface UpdateMyProfileRequest { nick?: string; avatar?: string }

/** Operation names (the `op` field). */
export type SessionOp = 'login' | 'guestLogin' | 'renewTicket' | 'logout' | 'heartbeat';
export type MessageOp =
  | 'sendMessage' | 'sync' | 'getMessageList' | 'getConversationList' | 'setMessageRead'
  | 'revokeMessage' | 'deleteConversation' | 'getUserProfile' | 'getMyProfile' | 'updateMyProfile';
