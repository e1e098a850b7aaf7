/**
 * @module store/sqlite/tx-cache
 * An in-memory cache that follows SQLite transactions: values set inside a transaction stay
 * "pending" until it commits and are dropped if it rolls back, so the cache never remembers a
 * sequence number or row id that the database does not have.
 *
 * The message store keeps conversation/inbox sequence counters and interned conversation ids here.
 * That is only sound because this process is the single writer of those tables: SQLite is
 * single-node, better-sqlite3 runs each transaction synchronously, and the CLI never writes
 * messages. Values are loaded lazily (MAX(seq), SELECT id) on a miss; when the cache grows past
 * `maxEntries` it is cleared and refills from the database.
 */
export class TxCache<V> {
  private readonly committed = new Map<string, V>();
  private readonly pending = new Map<string, V>();

  constructor(private readonly maxEntries = 500_000) {}

  get(key: string): V | undefined {
    const p = this.pending.get(key);
    return p !== undefined ? p : this.committed.get(key);
  }

  /** Records a value read from committed database state. */
  load(key: string, value: V): V {
    this.committed.set(key, value);
    return value;
  }

  /** Records a value written by the current transaction. */
  set(key: string, value: V): V {
    this.pending.set(key, value);
    return value;
  }

  commit(): void {
    for (const [k, v] of this.pending) this.committed.set(k, v);
    this.pending.clear();
    if (this.committed.size > this.maxEntries) this.committed.clear();
  }

  rollback(): void {
    this.pending.clear();
  }

  /** Drops committed values (call between transactions): they reload from the database. */
  clear(): void {
    this.committed.clear();
  }
}
