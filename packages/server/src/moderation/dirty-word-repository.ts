/**
 * @module moderation/dirty-word-repository
 * Persistence of each app's custom sensitive words. The storage engines (SQLite, PostgreSQL)
 * implement this; `DirtyWordFilter` is the only caller and keeps its own in-memory matcher.
 *
 * Contract: a word list is a set (adding a present word or removing an absent one is a no-op);
 * `list` returns words as they were added, in insertion order.
 */
export interface DirtyWordRepository {
  list(sdkAppId: number): Promise<string[]>;
  add(sdkAppId: number, words: string[]): Promise<void>;
  remove(sdkAppId: number, words: string[]): Promise<void>;
}
