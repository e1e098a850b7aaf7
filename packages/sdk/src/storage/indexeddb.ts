/**
 * @module storage/indexeddb
 * Browser cache in IndexedDB: one object store, keys `<namespace>\u0000<record>`, values stored by
 * structured clone. A namespace loads with one key-range read; a save is one transaction.
 */
import type { CacheRecords, StorageAdapter } from './storage.ts';

const SEP = '\u0000';

export class IndexedDBStorage implements StorageAdapter {
  #db: Promise<IDBDatabase> | undefined;

  constructor(readonly dbName = 'parley-sdk', private readonly factory: IDBFactory = globalThis.indexedDB) {}

  static available(): boolean {
    return typeof globalThis.indexedDB === 'object' && globalThis.indexedDB !== null;
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(this.dbName, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains('kv')) req.result.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('indexedDB open failed'));
    });
    return this.#db;
  }

  async load(namespace: string): Promise<CacheRecords> {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const out: CacheRecords = {};
      const tx = db.transaction('kv', 'readonly');
      const range = IDBKeyRange.bound(namespace + SEP, namespace + SEP + '\uffff');
      const req = tx.objectStore('kv').openCursor(range);
      req.onsuccess = () => {
        const cur = req.result;
        if (!cur) return resolve(out);
        out[String(cur.key).slice(namespace.length + 1)] = cur.value;
        cur.continue();
      };
      req.onerror = () => reject(req.error ?? new Error('indexedDB read failed'));
    });
  }

  async save(namespace: string, changes: CacheRecords): Promise<void> {
    const db = await this.#open();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite');
      const store = tx.objectStore('kv');
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined) store.delete(namespace + SEP + k);
        else store.put(v, namespace + SEP + k);
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('indexedDB write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('indexedDB write aborted'));
    });
  }

  async clear(namespace: string): Promise<void> {
    const db = await this.#open();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite');
      tx.objectStore('kv').delete(IDBKeyRange.bound(namespace + SEP, namespace + SEP + '\uffff'));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('indexedDB clear failed'));
    });
  }
}
