/**
 * @module moderation/in-memory-dirty-word-repository
 * `DirtyWordRepository` kept in process memory: tests, and single-node setups with no store.
 */
import type { DirtyWordRepository } from './dirty-word-repository.ts';

export class InMemoryDirtyWordRepository implements DirtyWordRepository {
  private readonly apps = new Map<number, Set<string>>();

  async list(sdkAppId: number): Promise<string[]> {
    return [...(this.apps.get(sdkAppId) ?? [])];
  }

  async add(sdkAppId: number, words: string[]): Promise<void> {
    let set = this.apps.get(sdkAppId);
    if (!set) this.apps.set(sdkAppId, (set = new Set()));
    for (const w of words) set.add(w);
  }

  async remove(sdkAppId: number, words: string[]): Promise<void> {
    const set = this.apps.get(sdkAppId);
    if (!set) return;
    for (const w of words) set.delete(w);
    if (set.size === 0) this.apps.delete(sdkAppId);
  }
}
