/**
 * @module storage/file
 * Node cache: one JSON file per account under `cachePath`, rewritten atomically (temp file +
 * rename) on each save. Imported only by the Node entry (`@parley/sdk/node`).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheRecords, StorageAdapter } from './storage.ts';

export class FileStorage implements StorageAdapter {
  /** Saves to one file are chained so a slow write never lands after a newer one. */
  readonly #chains = new Map<string, Promise<void>>();
  #seq = 0;

  constructor(readonly dir: string) {}

  #file(namespace: string): string {
    return join(this.dir, `parley-${namespace.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  async load(namespace: string): Promise<CacheRecords> {
    await this.#chains.get(namespace);
    try {
      const parsed: unknown = JSON.parse(await readFile(this.#file(namespace), 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as CacheRecords) : {};
    } catch {
      return {};
    }
  }

  save(namespace: string, _changes: CacheRecords, all: CacheRecords): Promise<void> {
    const text = JSON.stringify(all);
    const prev = this.#chains.get(namespace) ?? Promise.resolve();
    const next = prev.then(async () => {
      await mkdir(this.dir, { recursive: true });
      const file = this.#file(namespace);
      const tmp = `${file}.${process.pid}.${++this.#seq}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file);
    });
    const settled = next.catch(() => {});
    this.#chains.set(namespace, settled);
    return next;
  }

  async clear(namespace: string): Promise<void> {
    await this.#chains.get(namespace);
    await rm(this.#file(namespace), { force: true });
  }
}
