/**
 * @module store/open-store
 * Picks the storage engine from configuration: SQLite in the data dir by default, PostgreSQL when
 * PARLEY_STORE holds a postgres:// URL.
 */
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

export interface StoreConfig {
  dataDir: string;
  /** Empty/undefined = SQLite; `postgres://` or `postgresql://` = PostgreSQL. */
  storeUrl?: string;
  /** PostgreSQL schema (PARLEY_PG_SCHEMA); default `public`. Ignored by SQLite. */
  schema?: string;
}

interface PostgresModule {
  openPostgresStore(url: string, opts?: { schema?: string }): Promise<Store>;
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const url = config.storeUrl?.trim() ?? '';
  if (url === '' || url === 'sqlite') return openSqliteStore(config.dataDir);
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // A computed specifier: the PostgreSQL engine is optional at typecheck time.
    const modulePath = ['.', 'postgres', 'postgres-store.ts'].join('/');
    const mod = (await import(modulePath)) as PostgresModule;
    return mod.openPostgresStore(url, config.schema ? { schema: config.schema } : {});
  }
  throw new Error(`Unsupported PARLEY_STORE "${url.replace(/\/\/[^@/]*@/, '//***@')}": use a postgres:// URL or leave it empty for SQLite`);
}
