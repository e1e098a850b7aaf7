/**
 * @module store/sqlite/message-keys
 * Interned integer ids (conversations, inbox owners) and sequence counters for the message store,
 * cached in TxCaches so the append path reads neither MAX(seq) nor an id per message. Integer keys
 * keep the message and inbox indexes small, which is most of what makes appends fast.
 */
import type { SqliteDatabase } from './sqlite-database.ts';
import { TxCache } from './tx-cache.ts';

export class MessageKeys {
  /** `<app>\0<convId>` → conversations.id; `<app>\0<userID>` → inbox_owners.id */
  private readonly convIds = new TxCache<number>();
  private readonly ownerIds = new TxCache<number>();
  /** `c<conv>` → last conversation seq; `i<owner>` → last inbox seq. */
  private readonly seqs = new TxCache<number>();
  private readonly s;

  constructor(db: SqliteDatabase) {
    const p = <R = unknown>(sql: string) => db.prepare<unknown[], R>(sql);
    this.s = {
      convId: p<{ id: number }>('SELECT id FROM conversations WHERE sdk_app_id = ? AND conv_id = ?'),
      insertConv: p('INSERT INTO conversations (sdk_app_id, conv_id) VALUES (?, ?)'),
      ownerId: p<{ id: number }>('SELECT id FROM inbox_owners WHERE sdk_app_id = ? AND user_id = ?'),
      insertOwner: p('INSERT INTO inbox_owners (sdk_app_id, user_id) VALUES (?, ?)'),
      maxConvSeq: p<{ m: number | null }>('SELECT MAX(seq) AS m FROM messages WHERE conv = ?'),
      maxInboxSeq: p<{ m: number | null }>('SELECT MAX(seq) AS m FROM inbox WHERE owner = ?'),
    };
  }

  commit(): void {
    this.convIds.commit();
    this.ownerIds.commit();
    this.seqs.commit();
  }

  rollback(): void {
    this.convIds.rollback();
    this.ownerIds.rollback();
    this.seqs.rollback();
  }

  /** Between transactions: drops every cached value (they reload lazily). */
  forget(): void {
    this.convIds.clear();
    this.ownerIds.clear();
    this.seqs.clear();
  }

  /** The conversation's id, or undefined when nothing was ever stored for it. */
  findConv(app: number, convId: string): number | undefined {
    const key = `${app}\u0000${convId}`;
    const cached = this.convIds.get(key);
    if (cached !== undefined) return cached;
    const row = this.s.convId.get(app, convId);
    return row ? this.convIds.load(key, row.id) : undefined;
  }

  /** Inside a write: the conversation's id, created on first use. */
  conv(app: number, convId: string): number {
    return this.findConv(app, convId) ?? this.convIds.set(`${app}\u0000${convId}`, Number(this.s.insertConv.run(app, convId).lastInsertRowid));
  }

  findOwner(app: number, userID: string): number | undefined {
    const key = `${app}\u0000${userID}`;
    const cached = this.ownerIds.get(key);
    if (cached !== undefined) return cached;
    const row = this.s.ownerId.get(app, userID);
    return row ? this.ownerIds.load(key, row.id) : undefined;
  }

  /** Inside a write: the inbox owner's id, created on first use. */
  owner(app: number, userID: string): number {
    return this.findOwner(app, userID) ?? this.ownerIds.set(`${app}\u0000${userID}`, Number(this.s.insertOwner.run(app, userID).lastInsertRowid));
  }

  lastConvSeq(conv: number): number {
    const key = `c${conv}`;
    return this.seqs.get(key) ?? this.seqs.load(key, this.s.maxConvSeq.get(conv)?.m ?? 0);
  }

  /** Records that `seq` was written (call only after the row is in). */
  tookConvSeq(conv: number, seq: number): void {
    this.seqs.set(`c${conv}`, seq);
  }

  lastInboxSeq(owner: number): number {
    const key = `i${owner}`;
    return this.seqs.get(key) ?? this.seqs.load(key, this.s.maxInboxSeq.get(owner)?.m ?? 0);
  }

  nextInboxSeq(owner: number): number {
    return this.seqs.set(`i${owner}`, this.lastInboxSeq(owner) + 1);
  }
}
