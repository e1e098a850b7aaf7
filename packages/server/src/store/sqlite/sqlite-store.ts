/**
 * @module store/sqlite/sqlite-store
 * The embedded default engine: one SQLite file in the data directory.
 */
import type { Store } from '../store.ts';
import { SqliteAccountStore } from './account-store.sqlite.ts';
import { SqliteAppStore } from './app-store.sqlite.ts';
import { SqliteDirtyWordStore, SqliteNoSpeakingStore, SqliteStatsStore } from './extras.sqlite.ts';
import { SqliteGroupAttrStore } from './group-attr-store.sqlite.ts';
import { SqliteGroupStore } from './group-store.sqlite.ts';
import { SqliteMessageStore } from './message-store.sqlite.ts';
import { startCheckpointer } from './checkpointer.ts';
import { openSqliteDatabase, type OpenSqliteOptions } from './sqlite-database.ts';

export async function openSqliteStore(dataDir: string, opts: OpenSqliteOptions = {}): Promise<Store> {
  const db = openSqliteDatabase(dataDir, opts);
  const checkpointer = startCheckpointer(db);
  const messages = new SqliteMessageStore(db);
  return {
    apps: new SqliteAppStore(db, () => messages.forgetCachedKeys()),
    accounts: new SqliteAccountStore(db),
    messages,
    groups: new SqliteGroupStore(db),
    groupAttrs: new SqliteGroupAttrStore(db),
    dirtyWords: new SqliteDirtyWordStore(db),
    noSpeaking: new SqliteNoSpeakingStore(db),
    stats: new SqliteStatsStore(db),
    async close() {
      if (!db.open) return;
      await checkpointer.stop();
      // Fold the WAL back into the main file so a copied data dir is self-contained.
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}
