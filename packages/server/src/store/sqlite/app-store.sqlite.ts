/**
 * @module store/sqlite/app-store.sqlite
 * AppStore on SQLite. Admins and settings are JSON columns: they are read whole and written whole.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord, type AppSettings, type AppStore, type IntegrationMode, type PurgeOptions } from '../app-store.ts';
import { SqliteAppPurge } from './app-purge.sqlite.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

interface AppRow {
  sdk_app_id: number;
  name: string;
  mode: string;
  secret_key: string;
  public_key_pem: string | null;
  admins: string;
  settings: string;
  created_at: number;
  disabled: number;
}

function toRecord(row: AppRow): AppRecord {
  const app: AppRecord = {
    sdkAppId: row.sdk_app_id,
    name: row.name,
    mode: row.mode as IntegrationMode,
    secretKey: row.secret_key,
    admins: JSON.parse(row.admins) as string[],
    // Merge over the defaults so settings added by a later release get their default value.
    settings: { ...DEFAULT_APP_SETTINGS, ...(JSON.parse(row.settings) as Partial<AppSettings>) },
    createdAt: row.created_at,
  };
  if (row.public_key_pem !== null) app.publicKeyPem = row.public_key_pem;
  if (row.disabled) app.disabled = true;
  return app;
}

function toParams(app: AppRecord): Record<string, string | number | null> {
  return {
    sdkAppId: app.sdkAppId,
    name: app.name,
    mode: app.mode,
    secretKey: app.secretKey,
    publicKeyPem: app.publicKeyPem ?? null,
    admins: JSON.stringify(app.admins),
    settings: JSON.stringify(app.settings),
    createdAt: app.createdAt,
    disabled: app.disabled ? 1 : 0,
  };
}

export class SqliteAppStore implements AppStore {
  private readonly insert;
  private readonly select;
  private readonly selectAll;
  private readonly update;
  private readonly remove;
  private readonly purges;

  /** `forget` drops the message store's cached interned ids (a purge frees them). */
  constructor(private readonly db: SqliteDatabase, forget: () => void = () => {}, private readonly now: () => number = Date.now) {
    this.purges = new SqliteAppPurge(db, forget);
    this.insert = db.prepare(`INSERT INTO apps (sdk_app_id, name, mode, secret_key, public_key_pem, admins, settings, created_at, disabled)
      VALUES (:sdkAppId, :name, :mode, :secretKey, :publicKeyPem, :admins, :settings, :createdAt, :disabled)`);
    this.select = db.prepare<[number], AppRow>('SELECT * FROM apps WHERE sdk_app_id = ?');
    this.selectAll = db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY sdk_app_id');
    this.update = db.prepare(`UPDATE apps SET name = :name, mode = :mode, secret_key = :secretKey, public_key_pem = :publicKeyPem,
      admins = :admins, settings = :settings, disabled = :disabled WHERE sdk_app_id = :sdkAppId`);
    // The app row only; its data goes through the purge (app-purge.sqlite.ts).
    this.remove = db.prepare('DELETE FROM apps WHERE sdk_app_id = ?');
  }

  async createApp(app: AppRecord): Promise<void> {
    // A deleted app of this SDKAppID still being purged: finish that first.
    if (this.purges.has(app.sdkAppId)) await this.purges.purge(app.sdkAppId);
    try {
      this.db.transaction(() => {
        if (this.purges.has(app.sdkAppId)) {
          throw new ParleyError(Codes.INVALID_PARAMETER, `SDKAppID ${app.sdkAppId} was deleted and its data is still being purged`);
        }
        this.insert.run(toParams(app));
      }).immediate();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ParleyError(Codes.INVALID_PARAMETER, `SDKAppID ${app.sdkAppId} already exists`, { cause: err });
      }
      throw err;
    }
  }

  async getApp(sdkAppId: number): Promise<AppRecord | undefined> {
    const row = this.select.get(sdkAppId);
    return row ? toRecord(row) : undefined;
  }

  async listApps(): Promise<AppRecord[]> {
    return this.selectAll.all().map(toRecord);
  }

  async updateApp(app: AppRecord): Promise<void> {
    if (this.update.run(toParams(app)).changes === 0) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND);
  }

  async deleteApp(sdkAppId: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.remove.run(sdkAppId).changes === 0) return false;
      this.purges.record(sdkAppId, this.now());
      return true;
    }).immediate();
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
