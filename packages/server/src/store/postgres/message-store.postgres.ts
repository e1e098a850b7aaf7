/**
 * @module store/postgres/message-store.postgres
 * MessageStore on PostgreSQL, safe with many nodes writing at once. Every write method is one
 * transaction; sequences come from the shared `counters` rows (see sequences.postgres.ts). An
 * append batch costs a fixed number of statements whatever its size (arrays through unnest).
 */
import type { AppendResult, ConversationRow, InboxRow, MessageStore, NewMessage, StoredMessage } from '../message-store.ts';
import {
  INBOX_JOIN_SELECT, KIND_MESSAGE, KIND_READ, KIND_REVOKE, c2cPeer, newStoredMessage, toInboxRow, toStoredMessage,
  type InboxJoinRow, type MessageRow,
} from './message-rows.postgres.ts';
import type { PgDatabase, Queryable } from './pg-database.ts';
import { CONVERSATION, INBOX, SequenceRequest } from './sequences.postgres.ts';

const dedupId = (app: number, convId: string, from: string, key: string) => JSON.stringify([app, convId, from, key]);

export class PostgresMessageStore implements MessageStore {
  /**
   * Four batches in flight overlap their round trips and WAL flushes. They cannot reorder a
   * conversation (the committer keeps one conversation in one lane) and cannot leave a visible gap
   * in an inbox: a counter row stays locked until its transaction commits.
   */
  readonly appendConcurrency = 4;

  constructor(private readonly db: PgDatabase) {}

  async append(batch: NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    // Optimistic: the first attempt skips the dedup lookup and lets the unique index object (23505)
    // in the rare batch that repeats a stored key; the retry then looks the keys up. 23505 also
    // covers two nodes inserting the same key at once.
    let attempt = 0;
    return this.db.tx((c) => this.appendIn(c, batch, attempt++ > 0), ['23505']);
  }

  private async appendIn(c: Queryable, batch: NewMessage[], lookUpDuplicates: boolean): Promise<AppendResult[]> {
    const results: AppendResult[] = new Array(batch.length);
    // An empty dedupKey opts out of de-duplication (stored as NULL, which the unique index ignores).
    const stored = lookUpDuplicates ? await this.findDuplicates(c, batch) : new Map<string, StoredMessage>();
    const firstInBatch = new Map<string, number>();
    const copies: Array<[index: number, of: number]> = [];
    const fresh: number[] = [];
    batch.forEach((m, i) => {
      if (m.dedupKey === '') return void fresh.push(i);
      const d = dedupId(m.sdkAppId, m.convId, m.from, m.dedupKey);
      const existing = stored.get(d);
      const first = firstInBatch.get(d);
      if (existing) results[i] = { message: existing, inboxSeqs: [], duplicate: true };
      else if (first !== undefined) copies.push([i, first]);
      else {
        firstInBatch.set(d, i);
        fresh.push(i);
      }
    });

    const seqs = new SequenceRequest();
    for (const i of fresh) {
      const m = batch[i]!;
      seqs.add(m.sdkAppId, CONVERSATION, m.convId);
      for (const u of m.inboxUsers) seqs.add(m.sdkAppId, INBOX, u);
    }
    await seqs.allocate(c);

    const inboxRows: Array<[app: number, user: string, seq: number, conv: string, msgSeq: number]> = [];
    const latest = new Map<string, { app: number; user: string; conv: string; seq: number; inbox: number }>();
    for (const i of fresh) {
      const m = batch[i]!;
      const seq = seqs.take(m.sdkAppId, CONVERSATION, m.convId);
      const inboxSeqs = m.inboxUsers.map((user) => {
        const n = seqs.take(m.sdkAppId, INBOX, user);
        inboxRows.push([m.sdkAppId, user, n, m.convId, seq]);
        latest.set(JSON.stringify([m.sdkAppId, user, m.convId]), { app: m.sdkAppId, user, conv: m.convId, seq, inbox: n });
        return n;
      });
      results[i] = { message: newStoredMessage(m, seq), inboxSeqs, duplicate: false };
    }
    for (const [i, first] of copies) results[i] = { message: { ...results[first]!.message }, inboxSeqs: [], duplicate: true };
    if (fresh.length === 0) return results;

    // Messages, inbox rows and conversation index in one statement (one round trip). The index
    // rows are unique per key (one upsert cannot touch a row twice) and sorted (lock order).
    const convs = [...latest.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
    // The rows travel as JSON documents: JSON.stringify is native, where pg's text-array
    // encoding escapes every element in JavaScript (a quarter of a node's CPU went to it and its garbage).
    const messageRows = fresh.map((i) => {
      const m = batch[i]!;
      return [m.sdkAppId, m.convId, results[i]!.message.seq, m.from, m.to, m.random, m.time, m.body, m.priority,
        m.cloudCustomData ?? null, m.nick ?? null, m.avatar ?? null, m.clientMsgId ?? null, m.dedupKey === '' ? null : m.dedupKey];
    });
    const convRows = convs.map((v) => [v.app, v.user, v.conv, v.seq, v.inbox]);
    await c.query({
      name: 'parley-append',
      text: `WITH msgs AS (
          INSERT INTO messages (sdk_app_id, conv_id, seq, from_user, to_target, random, time, body, priority,
            cloud_custom_data, nick, avatar, client_msg_id, dedup_key)
          SELECT (r->>0)::bigint, r->>1, (r->>2)::bigint, r->>3, r->>4, (r->>5)::bigint, (r->>6)::bigint, r->>7,
            r->>8, r->>9, r->>10, r->>11, r->>12, r->>13
          FROM jsonb_array_elements($1::jsonb) AS r
        ), inbox_rows AS (
          INSERT INTO inbox (sdk_app_id, user_id, seq, kind, conv_id, msg_seq)
          SELECT (r->>0)::bigint, r->>1, (r->>2)::bigint, ${KIND_MESSAGE}, r->>3, (r->>4)::bigint FROM jsonb_array_elements($2::jsonb) AS r
        )
        INSERT INTO user_conversations (sdk_app_id, user_id, conv_id, last_seq, last_inbox)
        SELECT (r->>0)::bigint, r->>1, r->>2, (r->>3)::bigint, (r->>4)::bigint FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(r, ord)
        ORDER BY ord
        ON CONFLICT (sdk_app_id, user_id, conv_id) DO UPDATE SET last_seq = excluded.last_seq, last_inbox = excluded.last_inbox`,
      values: [JSON.stringify(messageRows), JSON.stringify(inboxRows), JSON.stringify(convRows)],
    });
    return results;
  }

  /** Stored messages matching the batch's dedup keys, by dedupId. */
  private async findDuplicates(c: Queryable, batch: NewMessage[]): Promise<Map<string, StoredMessage>> {
    const keyed = batch.filter((m) => m.dedupKey !== '');
    const out = new Map<string, StoredMessage>();
    if (keyed.length === 0) return out;
    const res = await c.query<MessageRow & { dedup_key: string }>(`SELECT m.* FROM messages m
      JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS d(a, conv, f, k)
        ON m.sdk_app_id = d.a AND m.conv_id = d.conv AND m.from_user = d.f AND m.dedup_key = d.k
      WHERE m.dedup_key IS NOT NULL`,
      [keyed.map((m) => m.sdkAppId), keyed.map((m) => m.convId), keyed.map((m) => m.from), keyed.map((m) => m.dedupKey)]);
    for (const r of res.rows) out.set(dedupId(r.sdk_app_id, r.conv_id, r.from_user, r.dedup_key), toStoredMessage(r));
    return out;
  }

  async readInbox(sdkAppId: number, userID: string, afterSeq: number, limit: number): Promise<InboxRow[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<InboxJoinRow>(`${INBOX_JOIN_SELECT}
      WHERE i.sdk_app_id = $1 AND i.user_id = $2 AND i.seq > $3 ORDER BY i.seq LIMIT $4`, [sdkAppId, userID, afterSeq, limit]);
    return rows.map(toInboxRow).filter((r): r is InboxRow => r !== undefined);
  }

  async lastInboxSeq(sdkAppId: number, userID: string): Promise<number> {
    const [row] = await this.db.query<{ value: number }>('SELECT value FROM counters WHERE sdk_app_id = $1 AND kind = $2 AND key = $3',
      [sdkAppId, INBOX, userID]);
    return row?.value ?? 0;
  }

  async lastSeq(sdkAppId: number, convId: string): Promise<number> {
    const [row] = await this.db.query<{ value: number }>('SELECT value FROM counters WHERE sdk_app_id = $1 AND kind = $2 AND key = $3',
      [sdkAppId, CONVERSATION, convId]);
    return row?.value ?? 0;
  }

  async history(sdkAppId: number, convId: string, beforeSeq: number | undefined, limit: number): Promise<StoredMessage[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<MessageRow>(`SELECT * FROM messages WHERE sdk_app_id = $1 AND conv_id = $2
      AND ($3::bigint IS NULL OR seq < $3) AND NOT deleted ORDER BY seq DESC LIMIT $4`, [sdkAppId, convId, beforeSeq ?? null, limit]);
    return rows.map(toStoredMessage);
  }

  async getMessage(sdkAppId: number, convId: string, seq: number): Promise<StoredMessage | undefined> {
    const [row] = await this.db.query<MessageRow>('SELECT * FROM messages WHERE sdk_app_id = $1 AND conv_id = $2 AND seq = $3 AND NOT deleted',
      [sdkAppId, convId, seq]);
    return row ? toStoredMessage(row) : undefined;
  }

  async revoke(sdkAppId: number, convId: string, seq: number, by: string, inboxUsers: string[]): Promise<number[] | 'missing' | 'already'> {
    return this.db.tx(async (c) => {
      // The conditional update decides atomically which of two concurrent recalls wins.
      const hit = await c.query('UPDATE messages SET revoked = true WHERE sdk_app_id = $1 AND conv_id = $2 AND seq = $3 AND NOT revoked RETURNING 1',
        [sdkAppId, convId, seq]);
      if (hit.rowCount === 0) {
        const found = await c.query('SELECT 1 FROM messages WHERE sdk_app_id = $1 AND conv_id = $2 AND seq = $3', [sdkAppId, convId, seq]);
        return found.rowCount === 0 ? 'missing' : 'already';
      }
      const inboxSeqs = await this.addEvents(c, sdkAppId, inboxUsers, KIND_REVOKE, convId, seq, by, null, null);
      return inboxSeqs;
    });
  }

  async setRead(
    sdkAppId: number, reader: string, convId: string, readSeq: number, notify: string[], time: number,
  ): Promise<{ readSeq: number; inboxSeqs: number[] }> {
    return this.db.tx(async (c) => {
      // Inserts or moves the cursor forward; no row back means it did not move (never backwards).
      const moved = readSeq > 0 && (await c.query(`INSERT INTO read_cursors (sdk_app_id, conv_id, user_id, read_seq) VALUES ($1, $2, $3, $4)
        ON CONFLICT (sdk_app_id, conv_id, user_id) DO UPDATE SET read_seq = excluded.read_seq
        WHERE read_cursors.read_seq < excluded.read_seq RETURNING 1`, [sdkAppId, convId, reader, readSeq])).rowCount === 1;
      // A receipt that moves nothing notifies nobody.
      if (!moved) return { readSeq: await this.cursor(c, sdkAppId, convId, reader), inboxSeqs: [] };
      const inboxSeqs = await this.addEvents(c, sdkAppId, notify, KIND_READ, convId, null, reader, readSeq, time);
      return { readSeq, inboxSeqs };
    });
  }

  /** Records one revoke/read event in each user's inbox; returns their inbox sequences in order. */
  private async addEvents(
    c: Queryable, app: number, users: string[], kind: number, convId: string, msgSeq: number | null, actor: string,
    readSeq: number | null, time: number | null,
  ): Promise<number[]> {
    if (users.length === 0) return [];
    const seqs = new SequenceRequest();
    for (const u of users) seqs.add(app, INBOX, u);
    await seqs.allocate(c);
    const inboxSeqs = users.map((u) => seqs.take(app, INBOX, u));
    await c.query(`INSERT INTO inbox (sdk_app_id, user_id, seq, kind, conv_id, msg_seq, actor, read_seq, time)
      SELECT $1, u, s, $4, $5, $6, $7, $8, $9 FROM unnest($2::text[], $3::bigint[]) AS t(u, s)`,
      [app, users, inboxSeqs, kind, convId, msgSeq, actor, readSeq, time]);
    return inboxSeqs;
  }

  async conversations(sdkAppId: number, userID: string, limit: number): Promise<ConversationRow[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<MessageRow & { read_seq: number; unread: number }>(`
      SELECT m.*, COALESCE(rc.read_seq, 0) AS read_seq,
        (SELECT count(*) FROM messages x WHERE x.sdk_app_id = uc.sdk_app_id AND x.conv_id = uc.conv_id
           AND x.seq > COALESCE(rc.read_seq, 0) AND x.from_user <> uc.user_id) AS unread
      FROM user_conversations uc
      JOIN messages m ON m.sdk_app_id = uc.sdk_app_id AND m.conv_id = uc.conv_id AND m.seq = uc.last_seq
      LEFT JOIN read_cursors rc ON rc.sdk_app_id = uc.sdk_app_id AND rc.conv_id = uc.conv_id AND rc.user_id = uc.user_id
      WHERE uc.sdk_app_id = $1 AND uc.user_id = $2 ORDER BY uc.last_inbox DESC LIMIT $3`, [sdkAppId, userID, limit]);
    const peers = rows.map((r) => c2cPeer(r.conv_id, userID));
    const peerCursors = new Map<string, number>();
    if (peers.some((p) => p !== undefined)) {
      const cursors = await this.db.query<{ conv_id: string; user_id: string; read_seq: number }>(
        `SELECT conv_id, user_id, read_seq FROM read_cursors WHERE sdk_app_id = $1 AND (conv_id, user_id) IN
         (SELECT * FROM unnest($2::text[], $3::text[]))`,
        [sdkAppId, rows.map((r) => r.conv_id), peers.map((p) => p ?? '')]);
      for (const cur of cursors) peerCursors.set(cur.conv_id, cur.read_seq);
    }
    return rows.map((r, i) => ({
      convId: r.conv_id,
      lastMessage: toStoredMessage(r),
      readSeq: r.read_seq,
      peerReadSeq: peers[i] === undefined ? 0 : peerCursors.get(r.conv_id) ?? 0,
      unreadCount: r.unread,
    }));
  }

  async unreadCount(sdkAppId: number, userID: string, convId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE sdk_app_id = $1 AND conv_id = $2
      AND seq > COALESCE((SELECT read_seq FROM read_cursors WHERE sdk_app_id = $1 AND conv_id = $2 AND user_id = $3), 0)
      AND from_user <> $3 AND NOT deleted`, [sdkAppId, convId, userID]);
    return row?.n ?? 0;
  }

  async deleteConversation(sdkAppId: number, userID: string, convId: string): Promise<void> {
    await this.db.query('DELETE FROM user_conversations WHERE sdk_app_id = $1 AND user_id = $2 AND conv_id = $3', [sdkAppId, userID, convId]);
  }

  async deleteFrom(sdkAppId: number, convId: string, from: string): Promise<number> {
    // Tombstones: the row keeps its seq, the content goes.
    const rows = await this.db.query(`UPDATE messages SET deleted = true, body = '[]', cloud_custom_data = NULL, nick = NULL, avatar = NULL
      WHERE sdk_app_id = $1 AND conv_id = $2 AND from_user = $3 AND NOT deleted RETURNING 1`, [sdkAppId, convId, from]);
    return rows.length;
  }

  async purgeConversation(sdkAppId: number, convId: string, upToSeq: number, opts: { chunk?: number } = {}): Promise<number> {
    if (upToSeq <= 0) return 0;
    const chunk = Math.max(1, Math.floor(opts.chunk ?? 2000));
    // Sequences come from the counters row, which stays: no purged seq is handed out again.
    let removed = (await this.db.query('DELETE FROM read_cursors WHERE sdk_app_id = $1 AND conv_id = $2 AND read_seq <= $3 RETURNING 1',
      [sdkAppId, convId, upToSeq])).length;
    // The lowest row a purge still has work on (rows not yet deleted or made a tombstone).
    const [first] = await this.db.query<{ m: number | null }>(`SELECT min(seq) AS m FROM messages WHERE sdk_app_id = $1 AND conv_id = $2
      AND seq <= $3 AND (NOT revoked OR NOT deleted OR dedup_key IS NOT NULL)`, [sdkAppId, convId, upToSeq]);
    let lo = first?.m == null ? upToSeq : first.m - 1;
    while (lo < upToSeq) {
      const hi = Math.min(lo + chunk, upToSeq);
      const args = [sdkAppId, convId, lo, hi];
      removed += await this.db.tx(async (c) => {
        // Recalled messages stay as tombstones: the recall events in members' inboxes join them.
        await c.query(`UPDATE messages SET deleted = true, body = '[]', cloud_custom_data = NULL, nick = NULL, avatar = NULL,
          client_msg_id = NULL, dedup_key = NULL WHERE sdk_app_id = $1 AND conv_id = $2 AND seq > $3 AND seq <= $4 AND revoked`, args);
        return (await c.query('DELETE FROM messages WHERE sdk_app_id = $1 AND conv_id = $2 AND seq > $3 AND seq <= $4 AND NOT revoked', args)).rowCount ?? 0;
      });
      lo = hi;
    }
    return removed;
  }

  private async cursor(c: Queryable, sdkAppId: number, convId: string, userID: string): Promise<number> {
    const res = await c.query<{ read_seq: number }>('SELECT read_seq FROM read_cursors WHERE sdk_app_id = $1 AND conv_id = $2 AND user_id = $3',
      [sdkAppId, convId, userID]);
    return res.rows[0]?.read_seq ?? 0;
  }
}
