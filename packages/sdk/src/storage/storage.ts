/**
 * @module storage/storage
 * Where the SDK keeps its local cache (conversation list, recent history, sync cursors), one
 * namespace per account (`<SDKAppID>:<userID>`). The SDK holds everything in memory and hands the
 * adapter batches of changed records; the adapter only loads and saves.
 *
 * Adapters: `MemoryStorage` (default; survives logout/login within one instance), `IndexedDBStorage`
 * (browsers; picked automatically when `indexedDB` exists), and `FileStorage` (Node; `cachePath`,
 * from the `@parley/sdk/node` entry).
 */

export type CacheRecords = Record<string, unknown>;

export interface StorageAdapter {
  /** Every record of a namespace (empty when none). */
  load(namespace: string): Promise<CacheRecords>;
  /**
   * Persists a namespace. `changes` has the records written since the last save (`undefined`
   * deletes one); `all` is the complete current set, for adapters that rewrite everything.
   */
  save(namespace: string, changes: CacheRecords, all: CacheRecords): Promise<void>;
  /** Deletes a namespace. */
  clear?(namespace: string): Promise<void>;
}

/** Keeps records as JSON text, so nothing the SDK mutates later leaks into the cache. */
export class MemoryStorage implements StorageAdapter {
  readonly #spaces = new Map<string, Map<string, string>>();

  async load(namespace: string): Promise<CacheRecords> {
    const out: CacheRecords = {};
    for (const [k, v] of this.#spaces.get(namespace) ?? []) out[k] = JSON.parse(v);
    return out;
  }

  async save(namespace: string, changes: CacheRecords): Promise<void> {
    let space = this.#spaces.get(namespace);
    if (!space) this.#spaces.set(namespace, (space = new Map()));
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) space.delete(k);
      else space.set(k, JSON.stringify(v));
    }
  }

  async clear(namespace: string): Promise<void> {
    this.#spaces.delete(namespace);
  }
}
