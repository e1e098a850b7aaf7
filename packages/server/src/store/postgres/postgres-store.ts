/**
 * @module store/postgres/postgres-store
 * The PostgreSQL engine, for clusters: every node points at the same database. Opening migrates
 * the schema (under an advisory lock, so nodes may start together).
 */
import type { Store } from '../store.ts';
import { PostgresAccountStore } from './account-store.postgres.ts';
import { PostgresAppStore } from './app-store.postgres.ts';
import { PostgresDirtyWordStore, PostgresNoSpeakingStore, PostgresStatsStore } from './extras.postgres.ts';
import { PostgresGroupAttrStore } from './group-attr-store.postgres.ts';
import { PostgresGroupStore } from './group-store.postgres.ts';
import { PostgresMessageStore } from './message-store.postgres.ts';
import { migrate } from './migrations.ts';
import { PgDatabase, toStoreError, type PgOptions } from './pg-database.ts';

export type PostgresStoreOptions = PgOptions;

/**
 * Opens the store at `url` (`postgres://user:pass@host:port/db`). Rejects with STORE_UNAVAILABLE
 * when PostgreSQL cannot be reached.
 */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<Store> {
  const db = new PgDatabase(url, opts);
  try {
    await migrate(db.pool, db.schema);
  } catch (err) {
    await db.close().catch(() => {});
    throw toStoreError(err);
  }
  return {
    apps: new PostgresAppStore(db),
    accounts: new PostgresAccountStore(db),
    messages: new PostgresMessageStore(db),
    groups: new PostgresGroupStore(db),
    groupAttrs: new PostgresGroupAttrStore(db),
    dirtyWords: new PostgresDirtyWordStore(db),
    noSpeaking: new PostgresNoSpeakingStore(db),
    stats: new PostgresStatsStore(db),
    close: () => db.close(),
  };
}
