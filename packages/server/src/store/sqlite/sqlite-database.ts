/**
 * @module store/sqlite/sqlite-database
 * Opens the one SQLite file (`<dataDir>/parley.db`) every SQLite-backed component shares: the
 * server and the CLI point at the same file, so WAL mode plus a busy timeout lets them coexist.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.ts';

export type SqliteDatabase = Database.Database;

export const SQLITE_FILE_NAME = 'parley.db';

export type SqliteSync = 'full' | 'normal';

/** PARLEY_SQLITE_SYNC: `full` (default, every commit is fsynced) or `normal` (WAL: may lose the last commits on power loss, never corrupts). */
export function sqliteSyncFromEnv(env: NodeJS.ProcessEnv = process.env): SqliteSync {
  const v = (env['PARLEY_SQLITE_SYNC'] ?? 'full').trim().toLowerCase();
  if (v === 'full' || v === '') return 'full';
  if (v === 'normal') return 'normal';
  throw new Error(`PARLEY_SQLITE_SYNC must be "full" or "normal", got "${v}"`);
}

export interface OpenSqliteOptions {
  sync?: SqliteSync;
  /** Milliseconds a writer waits for another process's lock (the CLI) before failing. */
  busyTimeoutMs?: number;
}

export function openSqliteDatabase(dataDir: string, opts: OpenSqliteOptions = {}): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(opts.sync ?? sqliteSyncFromEnv()).toUpperCase()}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = OFF');
    // Bigger page cache than the 2 MB default: inbox and message indexes are hot.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
