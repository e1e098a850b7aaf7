/**
 * @module store/postgres/app-store.postgres
 * AppStore on PostgreSQL. Admins and settings are jsonb columns, read and written whole.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord, type AppSettings, type AppStore, type IntegrationMode, type PurgeOptions } from '../app-store.ts';
import { PostgresAppPurge } from './app-purge.postgres.ts';
import type { PgDatabase } from './pg-database.ts';

interface AppRow {
  sdk_app_id: number;
  name: string;
  mode: string;
  secret_key: string;
  public_key_pem: string | null;
  admins: string[];
  settings: Partial<AppSettings>;
  created_at: number;
  disabled: boolean;
}

function toRecord(row: AppRow): AppRecord {
  const app: AppRecord = {
    sdkAppId: row.sdk_app_id,
    name: row.name,
    mode: row.mode as IntegrationMode,
    secretKey: row.secret_key,
    admins: row.admins,
    // Merged over the defaults so settings added by a later release get their default value.
    settings: { ...DEFAULT_APP_SETTINGS, ...row.settings },
    createdAt: row.created_at,
  };
  if (row.public_key_pem !== null) app.publicKeyPem = row.public_key_pem;
  if (row.disabled) app.disabled = true;
  return app;
}

function toParams(app: AppRecord): unknown[] {
  return [
    app.sdkAppId, app.name, app.mode, app.secretKey, app.publicKeyPem ?? null,
    JSON.stringify(app.admins), JSON.stringify(app.settings), app.createdAt, app.disabled === true,
  ];
}

export class PostgresAppStore implements AppStore {
  private readonly purges;

  constructor(private readonly db: PgDatabase, private readonly now: () => number = Date.now) {
    this.purges = new PostgresAppPurge(db);
  }

  async createApp(app: AppRecord): Promise<void> {
    // A deleted app of this SDKAppID still being purged: finish that first.
    if (await this.purges.has(app.sdkAppId)) await this.purges.purge(app.sdkAppId);
    let inserted: unknown[];
    try {
      inserted = await this.db.query(`INSERT INTO apps (sdk_app_id, name, mode, secret_key, public_key_pem, admins, settings, created_at, disabled)
        SELECT $1::bigint, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::jsonb, $8::bigint, $9::boolean
        WHERE NOT EXISTS (SELECT 1 FROM app_purges WHERE sdk_app_id = $1) RETURNING 1`, toParams(app));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ParleyError(Codes.INVALID_PARAMETER, `SDKAppID ${app.sdkAppId} already exists`, { cause: err });
      }
      throw err;
    }
    if (inserted.length === 0) {
      throw new ParleyError(Codes.INVALID_PARAMETER, `SDKAppID ${app.sdkAppId} was deleted and its data is still being purged`);
    }
  }

  async getApp(sdkAppId: number): Promise<AppRecord | undefined> {
    const [row] = await this.db.query<AppRow>('SELECT * FROM apps WHERE sdk_app_id = $1', [sdkAppId]);
    return row ? toRecord(row) : undefined;
  }

  async listApps(): Promise<AppRecord[]> {
    return (await this.db.query<AppRow>('SELECT * FROM apps ORDER BY sdk_app_id')).map(toRecord);
  }

  async updateApp(app: AppRecord): Promise<void> {
    const p = toParams(app);
    p.splice(7, 1); // createdAt is not mutable
    const rows = await this.db.query(`UPDATE apps SET name = $2, mode = $3, secret_key = $4, public_key_pem = $5,
      admins = $6, settings = $7, disabled = $8 WHERE sdk_app_id = $1 RETURNING 1`, p);
    if (rows.length === 0) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND);
  }

  /** The app row; its data goes through the purge (app-purge.postgres.ts), recorded in the same transaction. */
  async deleteApp(sdkAppId: number): Promise<boolean> {
    return this.db.tx(async (c) => {
      if ((await c.query('DELETE FROM apps WHERE sdk_app_id = $1', [sdkAppId])).rowCount === 0) return false;
      await c.query('INSERT INTO app_purges (sdk_app_id, deleted_at) VALUES ($1, $2) ON CONFLICT (sdk_app_id) DO NOTHING', [sdkAppId, this.now()]);
      return true;
    });
  }

  async pendingPurges(): Promise<number[]> {
    return this.purges.pending();
  }

  async purgeApp(sdkAppId: number, opts?: PurgeOptions): Promise<boolean> {
    return this.purges.purge(sdkAppId, opts);
  }

  async tenantRows(sdkAppId: number): Promise<Record<string, number>> {
    return this.purges.counts(sdkAppId);
  }
}
