/**
 * @module cache
 * One account's cache records in memory, written back to the storage adapter in batches: a change
 * marks its record dirty and a flush follows within `flushDelayMs`. Reads never wait for storage.
 */
import type { CacheRecords, StorageAdapter } from './storage/storage.ts';

export class LocalCache {
  #records: CacheRecords = {};
  /** Dirty records: each produces its value when the flush runs (so bursts serialize once). */
  #dirty = new Map<string, () => unknown>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly storage: StorageAdapter,
    readonly namespace: string,
    private readonly flushDelayMs = 200,
  ) {}

  async open(): Promise<void> {
    try {
      this.#records = await this.storage.load(this.namespace);
    } catch {
      this.#records = {};
    }
  }

  get<T>(key: string): T | undefined {
    return this.#records[key] as T | undefined;
  }

  keys(prefix = ''): string[] {
    return Object.keys(this.#records).filter((k) => k.startsWith(prefix));
  }

  /** Stores a record (a JSON-safe value; `undefined` deletes it). */
  set(key: string, value: unknown): void {
    this.update(key, () => value);
  }

  /** Marks a record changed; `produce` builds its JSON-safe value at flush time. */
  update(key: string, produce: () => unknown): void {
    if (this.#closed) return;
    this.#dirty.set(key, produce);
    if (this.#timer === undefined) this.#timer = setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /** Writes pending changes now. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty.size === 0) return this.#flushing;
    const changes: CacheRecords = {};
    for (const [k, produce] of this.#dirty) {
      const v = produce();
      changes[k] = v;
      if (v === undefined) delete this.#records[k];
      else this.#records[k] = v;
    }
    this.#dirty.clear();
    const all = this.#records;
    this.#flushing = this.#flushing.then(() => this.storage.save(this.namespace, changes, { ...all })).catch((err) => {
      console.warn('[parley-sdk] cache write failed', err);
    });
    return this.#flushing;
  }

  /** Final flush; later writes are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }
}
