/**
 * @module store/sqlite/message-store.sqlite
 * MessageStore on SQLite: messages, per-user inboxes, read cursors and the per-user conversation
 * list. Every write method is one transaction. Ids and sequences come from MessageKeys (cached in
 * memory: see tx-cache.ts for why that is exact on a single node).
 *
 * Appending touches only the messages table and one inbox row per inbox user. The conversation
 * list is folded from the inbox when it is read (`fold`), which keeps two more random b-tree
 * writes per inbox user off the hot path.
 */
import type {
  AppendResult,
  ConversationRow,
  InboxRow,
  MessageStore,
  NewMessage,
  StoredMessage,
} from '../message-store.ts';
import { MessageKeys } from './message-keys.ts';
import {
  INBOX_JOIN_COLUMNS,
  INBOX_MESSAGE,
  INBOX_READ,
  INBOX_REVOKE,
  c2cPeer,
  toInboxRow,
  toStoredMessage,
  type InboxJoinRow,
  type MessageRow,
} from './message-rows.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

export class SqliteMessageStore implements MessageStore {
  private readonly keys;
  private readonly s;

  constructor(private readonly db: SqliteDatabase) {
    this.keys = new MessageKeys(db);
    const p = <R = unknown>(sql: string) => db.prepare<unknown[], R>(sql);
    this.s = {
      byDedup: p<MessageRow>('SELECT * FROM messages WHERE conv = ? AND from_user = ? AND dedup_key = ?'),
      bySeq: p<MessageRow>('SELECT * FROM messages WHERE conv = ? AND seq = ? AND deleted = 0'),
      // DO NOTHING on a dedup-key clash: the (rare) duplicate costs a second query, the common
      // case saves a lookup.
      insertMessage: p(`INSERT INTO messages (conv, seq, from_user, to_target, random, time, body, priority,
        cloud_custom_data, nick, avatar, client_msg_id, dedup_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`),
      insertInbox: p('INSERT INTO inbox (owner, seq, kind, msg_id, conv, actor, read_seq, time) VALUES (?,?,?,?,?,?,?,?)'),
      markRevoked: p('UPDATE messages SET revoked = 1 WHERE id = ?'),
      readCursor: p<{ read_seq: number }>('SELECT read_seq FROM read_cursors WHERE conv = ? AND user_id = ?'),
      setCursor: p(`INSERT INTO read_cursors (conv, user_id, read_seq) VALUES (?,?,?)
        ON CONFLICT (conv, user_id) DO UPDATE SET read_seq = MAX(read_seq, excluded.read_seq)`),
      readInbox: p<InboxJoinRow>(`SELECT ${INBOX_JOIN_COLUMNS} FROM inbox i
        LEFT JOIN messages m ON m.id = i.msg_id
        LEFT JOIN conversations c ON c.id = COALESCE(m.conv, i.conv)
        WHERE i.owner = ? AND i.seq > ? ORDER BY i.seq LIMIT ?`),
      history: p<MessageRow>('SELECT * FROM messages WHERE conv = ? AND seq < ? AND deleted = 0 ORDER BY seq DESC LIMIT ?'),
      foldedSeq: p<{ folded_seq: number }>('SELECT folded_seq FROM inbox_owners WHERE id = ?'),
      unfolded: p<{ seq: number; msg_id: number; conv: number }>(`SELECT i.seq, i.msg_id, m.conv FROM inbox i
        JOIN messages m ON m.id = i.msg_id WHERE i.owner = ? AND i.seq > ? AND i.kind = ${INBOX_MESSAGE} ORDER BY i.seq`),
      touchConversation: p(`INSERT INTO user_conversations (owner, conv, last_msg_id, last_inbox) VALUES (?,?,?,?)
        ON CONFLICT (owner, conv) DO UPDATE SET last_msg_id = excluded.last_msg_id, last_inbox = excluded.last_inbox`),
      setFolded: p('UPDATE inbox_owners SET folded_seq = ? WHERE id = ?'),
      conversations: p<MessageRow & { conv_id: string }>(`SELECT m.*, c.conv_id FROM user_conversations uc
        JOIN messages m ON m.id = uc.last_msg_id JOIN conversations c ON c.id = uc.conv
        WHERE uc.owner = ? ORDER BY uc.last_inbox DESC LIMIT ?`),
      unread: p<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE conv = ? AND seq > ? AND from_user <> ? AND deleted = 0'),
      // Tombstones keep seq (sequences come from MAX(seq)) and drop the content.
      deleteFrom: p(`UPDATE messages SET deleted = 1, body = '[]', cloud_custom_data = NULL, nick = NULL, avatar = NULL
        WHERE conv = ? AND from_user = ? AND deleted = 0`),
      hideConversation: p('DELETE FROM user_conversations WHERE owner = ? AND conv = ?'),
      purgeCursors: p('DELETE FROM read_cursors WHERE conv = ? AND read_seq <= ?'),
      // The lowest row a purge still has work on (rows not yet deleted or made a tombstone).
      firstPurgeable: p<{ m: number | null }>(`SELECT MIN(seq) AS m FROM messages WHERE conv = ? AND seq <= ?
        AND (revoked = 0 OR deleted = 0 OR dedup_key IS NOT NULL)`),
      // Recalled messages and the last one stay, without content: inbox recall events join the
      // former by id, and the latter keeps MAX(seq) (where the next sequence comes from), which
      // also means no deleted rowid is ever handed out again.
      purgeTombstones: p(`UPDATE messages SET deleted = 1, body = '[]', cloud_custom_data = NULL, nick = NULL, avatar = NULL,
        client_msg_id = NULL, dedup_key = NULL WHERE conv = ? AND seq > ? AND seq <= ? AND (revoked = 1 OR seq = ?)`),
      purgeMessages: p('DELETE FROM messages WHERE conv = ? AND seq > ? AND seq <= ? AND revoked = 0 AND seq <> ?'),
    };
  }

  /** Runs `fn` in one transaction; ids and sequences it took are kept only if it commits. */
  private write<T>(fn: () => T): T {
    try {
      const out = this.db.transaction(fn)();
      this.keys.commit();
      return out;
    } catch (err) {
      this.keys.rollback();
      throw err;
    }
  }

  async append(batch: NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    return this.write(() => batch.map((m) => this.appendOne(m)));
  }

  private appendOne(m: NewMessage): AppendResult {
    const conv = this.keys.conv(m.sdkAppId, m.convId);
    // An empty dedupKey opts out of de-duplication (stored as NULL, which the unique index ignores).
    const dedupKey = m.dedupKey === '' ? null : m.dedupKey;
    const seq = this.keys.lastConvSeq(conv) + 1;
    const info = this.s.insertMessage.run(
      conv, seq, m.from, m.to, m.random, m.time, m.body, m.priority,
      m.cloudCustomData ?? null, m.nick ?? null, m.avatar ?? null, m.clientMsgId ?? null, dedupKey,
    );
    if (info.changes === 0) {
      // Also finds a copy written earlier in this same batch: one transaction, one connection.
      const existing = dedupKey === null ? undefined : this.s.byDedup.get(conv, m.from, dedupKey);
      if (!existing) throw new Error(`messages: seq ${seq} of conversation ${m.convId} already taken (another writer on parley.db?)`);
      return { message: toStoredMessage(existing, m.sdkAppId, m.convId), inboxSeqs: [], duplicate: true };
    }
    this.keys.tookConvSeq(conv, seq);
    const id = Number(info.lastInsertRowid);
    const inboxSeqs = m.inboxUsers.map((user) => {
      const owner = this.keys.owner(m.sdkAppId, user);
      const inbox = this.keys.nextInboxSeq(owner);
      this.s.insertInbox.run(owner, inbox, INBOX_MESSAGE, id, null, null, null, null);
      return inbox;
    });
    const message: StoredMessage = {
      sdkAppId: m.sdkAppId, convId: m.convId, seq, from: m.from, to: m.to, random: m.random, time: m.time,
      body: m.body, priority: m.priority, revoked: false,
    };
    if (m.cloudCustomData !== undefined) message.cloudCustomData = m.cloudCustomData;
    if (m.nick !== undefined) message.nick = m.nick;
    if (m.avatar !== undefined) message.avatar = m.avatar;
    if (m.clientMsgId !== undefined) message.clientMsgId = m.clientMsgId;
    return { message, inboxSeqs, duplicate: false };
  }

  async readInbox(sdkAppId: number, userID: string, afterSeq: number, limit: number): Promise<InboxRow[]> {
    const owner = this.keys.findOwner(sdkAppId, userID);
    if (owner === undefined || limit <= 0) return [];
    const out: InboxRow[] = [];
    for (const r of this.s.readInbox.all(owner, afterSeq, limit)) {
      const row = toInboxRow(r, sdkAppId);
      if (row) out.push(row);
    }
    return out;
  }

  async lastInboxSeq(sdkAppId: number, userID: string): Promise<number> {
    const owner = this.keys.findOwner(sdkAppId, userID);
    return owner === undefined ? 0 : this.keys.lastInboxSeq(owner);
  }

  async lastSeq(sdkAppId: number, convId: string): Promise<number> {
    const conv = this.keys.findConv(sdkAppId, convId);
    return conv === undefined ? 0 : this.keys.lastConvSeq(conv);
  }

  async history(sdkAppId: number, convId: string, beforeSeq: number | undefined, limit: number): Promise<StoredMessage[]> {
    const conv = this.keys.findConv(sdkAppId, convId);
    if (conv === undefined || limit <= 0) return [];
    return this.s.history.all(conv, beforeSeq ?? NO_UPPER_BOUND, limit).map((r) => toStoredMessage(r, sdkAppId, convId));
  }

  async getMessage(sdkAppId: number, convId: string, seq: number): Promise<StoredMessage | undefined> {
    const conv = this.keys.findConv(sdkAppId, convId);
    const row = conv === undefined ? undefined : this.s.bySeq.get(conv, seq);
    return row ? toStoredMessage(row, sdkAppId, convId) : undefined;
  }

  async revoke(sdkAppId: number, convId: string, seq: number, by: string, inboxUsers: string[]): Promise<number[] | 'missing' | 'already'> {
    return this.write(() => {
      const conv = this.keys.findConv(sdkAppId, convId);
      const row = conv === undefined ? undefined : this.s.bySeq.get(conv, seq);
      if (!row) return 'missing' as const;
      if (row.revoked) return 'already' as const;
      this.s.markRevoked.run(row.id);
      return inboxUsers.map((user) => {
        const owner = this.keys.owner(sdkAppId, user);
        const inbox = this.keys.nextInboxSeq(owner);
        this.s.insertInbox.run(owner, inbox, INBOX_REVOKE, row.id, null, by, null, null);
        return inbox;
      });
    });
  }

  async setRead(
    sdkAppId: number, reader: string, convId: string, readSeq: number, notify: string[], time: number,
  ): Promise<{ readSeq: number; inboxSeqs: number[] }> {
    return this.write(() => {
      const conv = this.keys.conv(sdkAppId, convId);
      const current = this.s.readCursor.get(conv, reader)?.read_seq ?? 0;
      // The cursor never moves back, and a receipt that moves nothing notifies nobody.
      if (readSeq <= current) return { readSeq: current, inboxSeqs: [] };
      this.s.setCursor.run(conv, reader, readSeq);
      const inboxSeqs = notify.map((user) => {
        const owner = this.keys.owner(sdkAppId, user);
        const inbox = this.keys.nextInboxSeq(owner);
        this.s.insertInbox.run(owner, inbox, INBOX_READ, null, conv, reader, readSeq, time);
        return inbox;
      });
      return { readSeq, inboxSeqs };
    });
  }

  /** Brings the owner's user_conversations up to date with message rows added to the inbox since the last fold. */
  private fold(owner: number): void {
    const last = this.keys.lastInboxSeq(owner);
    const folded = this.s.foldedSeq.get(owner)?.folded_seq ?? 0;
    if (folded >= last) return;
    this.write(() => {
      const latest = new Map<number, { msgId: number; inbox: number }>();
      for (const r of this.s.unfolded.iterate(owner, folded) as Iterable<{ seq: number; msg_id: number; conv: number }>) {
        latest.set(r.conv, { msgId: r.msg_id, inbox: r.seq });
      }
      for (const [conv, l] of latest) this.s.touchConversation.run(owner, conv, l.msgId, l.inbox);
      this.s.setFolded.run(last, owner);
    });
  }

  async conversations(sdkAppId: number, userID: string, limit: number): Promise<ConversationRow[]> {
    const owner = this.keys.findOwner(sdkAppId, userID);
    if (owner === undefined || limit <= 0) return [];
    this.fold(owner);
    return this.s.conversations.all(owner, limit).map((row) => {
      const readSeq = this.cursor(row.conv, userID);
      const peer = c2cPeer(row.conv_id, userID);
      return {
        convId: row.conv_id,
        lastMessage: toStoredMessage(row, sdkAppId, row.conv_id),
        readSeq,
        peerReadSeq: peer === undefined ? 0 : this.cursor(row.conv, peer),
        unreadCount: this.s.unread.get(row.conv, readSeq, userID)?.n ?? 0,
      };
    });
  }

  async unreadCount(sdkAppId: number, userID: string, convId: string): Promise<number> {
    const conv = this.keys.findConv(sdkAppId, convId);
    if (conv === undefined) return 0;
    return this.s.unread.get(conv, this.cursor(conv, userID), userID)?.n ?? 0;
  }

  async deleteConversation(sdkAppId: number, userID: string, convId: string): Promise<void> {
    const owner = this.keys.findOwner(sdkAppId, userID);
    const conv = this.keys.findConv(sdkAppId, convId);
    if (owner === undefined || conv === undefined) return;
    // Fold first, so messages already in the inbox cannot bring the conversation back later.
    this.fold(owner);
    this.s.hideConversation.run(owner, conv);
  }

  async deleteFrom(sdkAppId: number, convId: string, from: string): Promise<number> {
    const conv = this.keys.findConv(sdkAppId, convId);
    return conv === undefined ? 0 : this.s.deleteFrom.run(conv, from).changes;
  }

  async purgeConversation(sdkAppId: number, convId: string, upToSeq: number, opts: { chunk?: number } = {}): Promise<number> {
    const conv = this.keys.findConv(sdkAppId, convId);
    if (conv === undefined || upToSeq <= 0) return 0;
    const chunk = Math.max(1, Math.floor(opts.chunk ?? 2000));
    // The conversation row (its interned id) stays, so nothing keyed by it can be mistaken for
    // another conversation's; only rows up to upToSeq go.
    const top = this.keys.lastConvSeq(conv);
    let removed = this.write(() => this.s.purgeCursors.run(conv, upToSeq).changes);
    const first = this.s.firstPurgeable.get(conv, upToSeq)?.m;
    let lo = first == null ? upToSeq : first - 1;
    if (top <= upToSeq) this.write(() => this.s.purgeTombstones.run(conv, top - 1, top, top));
    while (lo < upToSeq) {
      const hi = Math.min(lo + chunk, upToSeq);
      removed += this.write(() => {
        this.s.purgeTombstones.run(conv, lo, hi, top);
        return this.s.purgeMessages.run(conv, lo, hi, top).changes;
      });
      lo = hi;
      // Lets other work (sends, reads) run between chunks.
      if (lo < upToSeq) await new Promise((r) => setImmediate(r));
    }
    return removed;
  }

  /** Drops the cached ids and sequences (an app purge deleted interned ids); they reload from the database. */
  forgetCachedKeys(): void {
    this.keys.forget();
  }

  private cursor(conv: number, userID: string): number {
    return this.s.readCursor.get(conv, userID)?.read_seq ?? 0;
  }
}
