/**
 * @module store/postgres/app-purge.postgres
 * Purges a deleted app's rows from every tenant table, a few thousand rows per transaction (rows
 * picked by ctid through the sdk_app_id-leading index each table has), so a tenant with millions
 * of messages never holds long locks or one huge transaction. The purge is recorded in
 * `app_purges` by the app row's DELETE. Each batch takes a share lock on that record in its own
 * transaction and stops when it is gone, and the record is dropped (under an exclusive lock, so
 * after any batch in flight on another node) only after a pass that found nothing left: a purge
 * cut short resumes where it stopped, nodes may purge the same app at once, and an SDKAppID in use
 * is never touched.
 */
import type { PurgeOptions } from '../app-store.ts';
import type { PgDatabase } from './pg-database.ts';

/** Every table that holds tenant data (see migrations.ts); all have an sdk_app_id column. */
const TABLES: readonly string[] = [
  'messages', 'inbox', 'user_conversations', 'read_cursors', 'counters', 'accounts',
  'group_members', 'group_mutes', 'group_applications', 'group_attrs', 'group_purges', 'chat_groups',
  'dirty_words', 'no_speaking', 'daily_counters', 'daily_distinct',
];

/** The tables a purge empties (a test checks it against the schema, so a new tenant table is not forgotten). */
export const PURGED_TABLES: readonly string[] = TABLES;

export const DEFAULT_PURGE_BATCH = 2000;

export class PostgresAppPurge {
  constructor(private readonly db: PgDatabase) {}

  async pending(): Promise<number[]> {
    const rows = await this.db.query<{ sdk_app_id: string | number }>('SELECT sdk_app_id FROM app_purges ORDER BY deleted_at, sdk_app_id');
    return rows.map((r) => Number(r.sdk_app_id));
  }

  async has(sdkAppId: number): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM app_purges WHERE sdk_app_id = $1', [sdkAppId])).length > 0;
  }

  async purge(sdkAppId: number, opts: PurgeOptions = {}): Promise<boolean> {
    const batch = Math.max(1, Math.floor(opts.batch ?? DEFAULT_PURGE_BATCH));
    let budget = opts.maxBatches ?? Number.POSITIVE_INFINITY;
    for (const table of TABLES) {
      for (;;) {
        if (budget-- <= 0) return false;
        // -1: the purge record is gone (finished elsewhere, or never there): touch nothing.
        const n = await this.db.tx(async (c) => {
          const held = await c.query('SELECT 1 FROM app_purges WHERE sdk_app_id = $1 FOR SHARE', [sdkAppId]);
          if (held.rowCount === 0) return -1;
          const res = await c.query(`DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM ${table} WHERE sdk_app_id = $1 LIMIT $2))`, [sdkAppId, batch]);
          return res.rowCount ?? 0;
        });
        if (n < 0) return true;
        if (n < batch) break;
      }
    }
    await this.db.query('DELETE FROM app_purges WHERE sdk_app_id = $1', [sdkAppId]);
    return true;
  }

  async counts(sdkAppId: number): Promise<Record<string, number>> {
    const names = ['apps', 'app_purges', ...TABLES];
    const sql = names.map((t) => `SELECT '${t}' AS t, COUNT(*)::int AS n FROM ${t} WHERE sdk_app_id = $1`).join(' UNION ALL ');
    const out: Record<string, number> = {};
    for (const r of await this.db.query<{ t: string; n: number }>(sql, [sdkAppId])) if (r.n > 0) out[r.t] = r.n;
    return out;
  }
}
