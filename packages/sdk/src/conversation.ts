/**
 * @module conversation
 * The Web SDK's Conversation object and its `lastMessage` summary.
 */
import type { ConversationType } from './constants.ts';
import { messageForShow, type Message, type Payload } from './message.ts';

export interface LastMessage {
  ID: string;
  lastTime: number;
  lastSequence: number;
  fromAccount: string;
  type: string;
  payload: Payload;
  messageForShow: string;
  isRevoked: boolean;
  isPeerRead: boolean;
  nick: string;
  cloudCustomData: string;
  /** Parley: the message key, for history paging. */
  msgKey: string;
}

export interface Conversation {
  conversationID: string;
  type: ConversationType | '@TIM#SYSTEM';
  /** Group type for group conversations. */
  subType: string;
  unreadCount: number;
  lastMessage: LastMessage | null;
  groupProfile: Record<string, any> | null;
  userProfile: { userID: string; nick: string; avatar: string } | null;
  groupAtInfoList: unknown[];
  remark: string;
  isPinned: boolean;
  messageRemindType: string;
  markList: number[];
  customData: string;
  draftText: string;
  /** Parley: the last sequence this user has read. */
  readSeq: number;
  /** Parley: the last sequence of this user's messages the C2C peer has read. */
  peerReadSeq: number;
}

export function newConversation(conversationID: string): Conversation {
  const type = conversationID.startsWith('C2C') ? 'C2C' : conversationID.startsWith('GROUP') ? 'GROUP' : '@TIM#SYSTEM';
  return {
    conversationID,
    type,
    subType: '',
    unreadCount: 0,
    lastMessage: null,
    groupProfile: type === 'GROUP' ? { groupID: conversationID.slice(5) } : null,
    userProfile: type === 'C2C' ? { userID: conversationID.slice(3), nick: '', avatar: '' } : null,
    groupAtInfoList: [],
    remark: '',
    isPinned: false,
    messageRemindType: '',
    markList: [],
    customData: '',
    draftText: '',
    readSeq: 0,
    peerReadSeq: 0,
  };
}

export function lastMessageOf(m: Message): LastMessage {
  return {
    ID: m.ID,
    lastTime: m.time,
    lastSequence: m.sequence,
    fromAccount: m.from,
    type: m.type,
    payload: m.payload,
    messageForShow: messageForShow(m),
    isRevoked: m.isRevoked,
    isPeerRead: m.isPeerRead,
    nick: m.nick,
    cloudCustomData: m.cloudCustomData,
    msgKey: m.msgKey,
  };
}

/** Newest activity first; pinned conversations before the rest. */
export function sortConversations(list: Conversation[]): Conversation[] {
  return list.sort((a, b) => {
    if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
    const ta = a.lastMessage?.lastTime ?? 0;
    const tb = b.lastMessage?.lastTime ?? 0;
    if (ta !== tb) return tb - ta;
    return (b.lastMessage?.lastSequence ?? 0) - (a.lastMessage?.lastSequence ?? 0);
  });
}

export function conversationTypeOf(id: string): ConversationType | undefined {
  if (id.startsWith('C2C') && id.length > 3) return 'C2C';
  if (id.startsWith('GROUP') && id.length > 5) return 'GROUP';
  return undefined;
}
