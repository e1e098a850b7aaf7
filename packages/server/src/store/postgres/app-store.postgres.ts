/**
 * @module store/postgres/app-store.postgres
 * AppStore on PostgreSQL. Admins and settings are jsonb columns, read and written whole.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord, type AppSettings, type AppStore, type IntegrationMode } from '../app-store.ts';
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
  constructor(private readonly db: PgDatabase) {}

  async createApp(app: AppRecord): Promise<void> {
    try {
      await this.db.query(`INSERT INTO apps (sdk_app_id, name, mode, secret_key, public_key_pem, admins, settings, created_at, disabled)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, toParams(app));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ParleyError(Codes.INVALID_PARAMETER, `SDKAppID ${app.sdkAppId} already exists`, { cause: err });
      }
      throw err;
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

  /** Only the app row, as the SQLite engine does: accounts and messages under the SDKAppID stay. */
  async deleteApp(sdkAppId: number): Promise<boolean> {
    return (await this.db.query('DELETE FROM apps WHERE sdk_app_id = $1 RETURNING 1', [sdkAppId])).length > 0;
  }
}
