/**
 * @module store/message-store
 * Durable messages and per-user inboxes.
 *
 * A conversation (`convId`: `c2c:<a>:<b>` with a < b, or `group:<groupID>`) numbers its messages
 * 1, 2, 3, ... A C2C message is also recorded in the inbox of each user who must sync it (receiver,
 * and the sender for multi-device sync); an inbox numbers its events 1, 2, 3, ... per user. Recalls
 * and read receipts are inbox events too, so a reconnecting client replays everything it missed
 * from one cursor.
 */

export interface NewMessage {
  sdkAppId: number;
  convId: string;
  from: string;
  /** Receiver user (C2C) or group ID. */
  to: string;
  random: number;
  /** Idempotency key within (app, conversation, sender): a duplicate returns the stored message. */
  dedupKey: string;
  /** Server time, Unix seconds. */
  time: number;
  /** The encoded MsgBody JSON, stored and sent as is. */
  body: string;
  priority: string;
  cloudCustomData?: string;
  nick?: string;
  avatar?: string;
  clientMsgId?: string;
  /** Users whose inbox records the message (C2C); empty for group messages. */
  inboxUsers: string[];
  /** Users for whom the message does not count as unread (the sender). */
}

export interface StoredMessage {
  sdkAppId: number;
  convId: string;
  seq: number;
  from: string;
  to: string;
  random: number;
  time: number;
  body: string;
  priority: string;
  cloudCustomData?: string;
  nick?: string;
  avatar?: string;
  clientMsgId?: string;
  revoked: boolean;
}

export interface AppendResult {
  message: StoredMessage;
  /** Inbox sequence per inbox user, in the order of `inboxUsers`. */
  inboxSeqs: number[];
  /** True when the message was already stored under the same dedupKey (nothing new written). */
  duplicate: boolean;
}

export type InboxRow =
  | { inbox: number; kind: 'message'; message: StoredMessage }
  | { inbox: number; kind: 'revoke'; convId: string; seq: number; from: string; to: string; random: number; time: number; by: string }
  | { inbox: number; kind: 'read'; convId: string; reader: string; readSeq: number; time: number };

export interface ConversationRow {
  convId: string;
  lastMessage: StoredMessage;
  readSeq: number;
  /** The peer's read cursor (C2C), for read receipts in the list. */
  peerReadSeq: number;
  unreadCount: number;
}

export interface InboxEventInput {
  sdkAppId: number;
  userID: string;
}

export interface MessageStore {
  /**
   * How many append transactions may usefully run at once (default 1). A networked database
   * overlaps round trips and fsyncs of independent batches; an embedded one writes serially.
   */
  readonly appendConcurrency?: number;
  /**
   * Appends a batch in one transaction (group commit): allocates conversation and inbox sequences,
   * skips duplicates, and resolves only when the batch is durable.
   */
  append(batch: NewMessage[]): Promise<AppendResult[]>;
  /** Inbox events after `afterSeq`, oldest first, at most `limit`. */
  readInbox(sdkAppId: number, userID: string, afterSeq: number, limit: number): Promise<InboxRow[]>;
  lastInboxSeq(sdkAppId: number, userID: string): Promise<number>;
  /** The conversation's last sequence handed out (deleted or purged messages included: the next is this + 1). */
  lastSeq(sdkAppId: number, convId: string): Promise<number>;
  /** Messages with seq < beforeSeq (or the newest when beforeSeq is undefined), newest first; deleted ones are left out. */
  history(sdkAppId: number, convId: string, beforeSeq: number | undefined, limit: number): Promise<StoredMessage[]>;
  getMessage(sdkAppId: number, convId: string, seq: number): Promise<StoredMessage | undefined>;
  /**
   * Marks a message recalled and records a revoke event in each listed inbox.
   * Returns the new inbox sequences, or 'missing' / 'already'.
   */
  revoke(sdkAppId: number, convId: string, seq: number, by: string, inboxUsers: string[]): Promise<number[] | 'missing' | 'already'>;
  /**
   * Moves `reader`'s read cursor in the conversation forward to `readSeq` (never back) and, when
   * `notify` is given, records a read event in those users' inboxes. Returns the cursor now in force
   * and the notify inbox sequences.
   */
  setRead(sdkAppId: number, reader: string, convId: string, readSeq: number, notify: string[], time: number): Promise<{ readSeq: number; inboxSeqs: number[] }>;
  /** The user's conversations (C2C ones from the inbox), newest activity first. */
  conversations(sdkAppId: number, userID: string, limit: number): Promise<ConversationRow[]>;
  /** Unread messages in one conversation for this user (messages from others after the read cursor). */
  unreadCount(sdkAppId: number, userID: string, convId: string): Promise<number>;
  /** Hides a conversation from the user's list until its next message. */
  deleteConversation(sdkAppId: number, userID: string, convId: string): Promise<void>;
  /**
   * Deletes every message `from` sent in the conversation (delete_group_msg_by_sender): the rows
   * stay as bodiless tombstones so their sequence numbers are never handed out again, but history,
   * getMessage and unread counts no longer see them. Returns how many were deleted.
   */
  deleteFrom(sdkAppId: number, convId: string, from: string): Promise<number>;
  /**
   * Purges a conversation up to `upToSeq` (a dismissed group's, `group:<groupID>`): its messages
   * with seq <= upToSeq and the read cursors at or below it, in transactions of at most `chunk`
   * sequence numbers (default 2,000) so a big group does not hold the writer for long. Sequences
   * are never handed out again: the conversation's next message gets a higher seq than any purged
   * one. Recalled messages stay as bodiless tombstones that history, getMessage and unread counts
   * never return (the recall events in members' inboxes refer to them); an engine whose sequences
   * come from MAX(seq) keeps the last message as such a tombstone too. Messages after `upToSeq`
   * are not touched. Idempotent; returns how many message and cursor rows went.
   */
  purgeConversation(sdkAppId: number, convId: string, upToSeq: number, opts?: { chunk?: number }): Promise<number>;
}
