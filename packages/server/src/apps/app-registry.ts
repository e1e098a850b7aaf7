/**
 * @module apps/app-registry
 * Apps (tenants): creation with Tencent-style SDKAppIDs and keys, and the cached lookup every
 * login and REST call goes through.
 *
 * The cache is short-lived on purpose: the CLI writes the same store from another process, so a
 * miss always re-reads the store (an app created by the CLI is found at once) and a hit older than
 * `ttlMs` is re-read too (a key change or deletion by the CLI takes effect within seconds).
 */
import { createPublicKey, randomInt } from 'node:crypto';
import { Codes } from '@parley/protocol';
import { generateSecretKey, generateV1KeyPair } from '@parley/usersig';
import { ParleyError } from '../errors.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord, type AppSettings, type AppStore, type IntegrationMode } from '../store/app-store.ts';
import { mergeSettings, validateAdmins, validateAppName, validateMode } from './app-settings.ts';

export type V1Curve = 'secp256k1' | 'prime256v1';

export interface CreateAppInput {
  name: string;
  mode?: IntegrationMode;
  /** Also accept legacy v1 (ECDSA) tickets: a key pair on this curve is generated. */
  v1Curve?: V1Curve;
}

export interface CreatedApp {
  app: AppRecord;
  /** The v1 private key, returned once and never stored. */
  v1PrivateKeyPem?: string;
}

export interface AppRegistryOptions {
  ttlMs?: number;
  now?: () => number;
  /**
   * Purge a deleted app's data right after deleting it, in the background (default true). The
   * CLI passes false and leaves it to the server (`purgeDeleted` at start-up and periodically),
   * whose SQLite engine keeps caches a purge must drop.
   */
  purgeOnDelete?: boolean;
  /** A background purge failed (it is resumed by the next `purgeDeleted`). */
  onPurgeError?: (err: unknown) => void;
}

/** Transactions per `purgeApp` call: between calls the registry can stop (close). */
const PURGE_SLICE = 50;

const DEFAULT_ADMIN = 'administrator';
/** Tencent's SDKAppIDs are 10 digits starting 14: 1400000000 to 1499999999. */
const SDKAPPID_MIN = 1_400_000_000;
const SDKAPPID_SPAN = 100_000_000;

export class AppRegistry {
  private readonly cache = new Map<number, { app: AppRecord; at: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly purgeOnDelete: boolean;
  private readonly onPurgeError: (err: unknown) => void;
  private purging: Promise<number> | undefined;
  private purgeAgain = false;
  private stopped = false;

  constructor(private readonly store: AppStore, opts: AppRegistryOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.purgeOnDelete = opts.purgeOnDelete ?? true;
    this.onPurgeError = opts.onPurgeError ?? (() => {});
  }

  /** The app, or undefined. Cached; misses and stale entries re-read the store. */
  async get(sdkAppId: number): Promise<AppRecord | undefined> {
    const hit = this.cache.get(sdkAppId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.app;
    const app = await this.store.getApp(sdkAppId);
    if (app) this.remember(app);
    else this.cache.delete(sdkAppId);
    return app;
  }

  /** Drops the cached record (the app changed on another node), so the next lookup reads the store. */
  forget(sdkAppId: number): void {
    this.cache.delete(sdkAppId);
  }

  /** The cached app when fresh, else undefined (no I/O): lets hot paths skip an await. */
  peek(sdkAppId: number): AppRecord | undefined {
    const hit = this.cache.get(sdkAppId);
    return hit && this.now() - hit.at < this.ttlMs ? hit.app : undefined;
  }

  /** Like get, but a missing app is SDKAPPID_NOT_FOUND. */
  async require(sdkAppId: number): Promise<AppRecord> {
    const app = await this.get(sdkAppId);
    if (!app) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND, `SDKAppID ${sdkAppId} not found`);
    return app;
  }

  async list(): Promise<AppRecord[]> {
    return this.store.listApps();
  }

  async createApp(input: CreateAppInput): Promise<CreatedApp> {
    const name = validateAppName(input.name);
    const mode = validateMode(input.mode ?? 'independent');
    if (input.v1Curve !== undefined && input.v1Curve !== 'secp256k1' && input.v1Curve !== 'prime256v1') {
      throw new ParleyError(Codes.INVALID_PARAMETER, 'v1Curve must be secp256k1 or prime256v1');
    }
    const keys = input.v1Curve ? generateV1KeyPair(input.v1Curve) : undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      const sdkAppId = SDKAPPID_MIN + randomInt(SDKAPPID_SPAN);
      if (await this.store.getApp(sdkAppId)) continue;
      const app: AppRecord = {
        sdkAppId,
        name,
        mode,
        secretKey: generateSecretKey(),
        admins: [DEFAULT_ADMIN],
        settings: structuredClone(DEFAULT_APP_SETTINGS),
        createdAt: Math.floor(this.now() / 1000),
      };
      if (keys) app.publicKeyPem = keys.publicKeyPem;
      try {
        await this.store.createApp(app);
      } catch (err) {
        // Another process took the same ID between our check and insert: draw again.
        if (await this.store.getApp(sdkAppId)) continue;
        throw err;
      }
      this.remember(app);
      return keys ? { app, v1PrivateKeyPem: keys.privateKeyPem } : { app };
    }
    throw new ParleyError(Codes.INTERNAL_ERROR, 'could not find a free SDKAppID');
  }

  /** Accepts v1 tickets signed by the matching private key from now on (replaces any earlier key). */
  async registerPublicKey(sdkAppId: number, pem: string): Promise<AppRecord> {
    let normalized: string;
    try {
      const key = createPublicKey(pem);
      if (key.asymmetricKeyType !== 'ec') throw new Error(`a ${key.asymmetricKeyType ?? 'non-EC'} key`);
      normalized = key.export({ type: 'spki', format: 'pem' }).toString();
    } catch (err) {
      throw new ParleyError(Codes.INVALID_PARAMETER, `not an EC public key in PEM form (${(err as Error).message})`);
    }
    return this.update(sdkAppId, (app) => ({ ...app, publicKeyPem: normalized }));
  }

  async setAdmins(sdkAppId: number, admins: string[]): Promise<AppRecord> {
    const valid = validateAdmins(admins);
    return this.update(sdkAppId, (app) => ({ ...app, admins: valid }));
  }

  async addAdmin(sdkAppId: number, userID: string): Promise<AppRecord> {
    const app = await this.require(sdkAppId);
    if (app.admins.includes(userID)) return app;
    return this.setAdmins(sdkAppId, [...app.admins, userID]);
  }

  async removeAdmin(sdkAppId: number, userID: string): Promise<AppRecord> {
    const app = await this.require(sdkAppId);
    return this.setAdmins(sdkAppId, app.admins.filter((a) => a !== userID));
  }

  async updateSettings(sdkAppId: number, patch: Partial<AppSettings> | Record<string, unknown>): Promise<AppRecord> {
    const app = await this.require(sdkAppId);
    const settings = mergeSettings(app.settings, patch as Record<string, unknown>);
    return this.update(sdkAppId, (a) => ({ ...a, settings }));
  }

  async setDisabled(sdkAppId: number, disabled: boolean): Promise<AppRecord> {
    return this.update(sdkAppId, (app) => {
      const next = { ...app };
      if (disabled) next.disabled = true;
      else delete next.disabled;
      return next;
    });
  }

  /**
   * Deletes the app (its tickets stop working at once) and records the purge of its data, which
   * runs in the background unless `purgeOnDelete` is false (see `purgeDeleted`).
   */
  async delete(sdkAppId: number): Promise<boolean> {
    this.cache.delete(sdkAppId);
    const deleted = await this.store.deleteApp(sdkAppId);
    // Again: a lookup during the await may have cached the row just deleted.
    this.cache.delete(sdkAppId);
    if (deleted && this.purgeOnDelete) void this.purgeDeleted().catch(this.onPurgeError);
    return deleted;
  }

  /**
   * Runs every pending purge of deleted apps to its end (one at a time in this process; a call
   * while one runs joins it and makes it look again). Resolves with how many purges finished.
   */
  purgeDeleted(): Promise<number> {
    if (this.purging) {
      this.purgeAgain = true;
      return this.purging;
    }
    const run = async (): Promise<number> => {
      let done = 0;
      do {
        this.purgeAgain = false;
        for (const id of await this.store.pendingPurges()) {
          for (;;) {
            if (this.stopped) return done;
            if (await this.store.purgeApp(id, { maxBatches: PURGE_SLICE })) break;
          }
          done++;
        }
      } while (this.purgeAgain && !this.stopped);
      return done;
    };
    this.purging = run().finally(() => {
      this.purging = undefined;
    });
    return this.purging;
  }

  /** Stops background purges at the next slice (before the store closes); they resume on the next `purgeDeleted`. */
  async stopPurges(): Promise<void> {
    this.stopped = true;
    await this.purging?.catch(() => {});
  }

  /** Reads fresh from the store (never the cache), applies `change`, writes, re-caches. */
  private async update(sdkAppId: number, change: (app: AppRecord) => AppRecord): Promise<AppRecord> {
    const current = await this.store.getApp(sdkAppId);
    if (!current) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND, `SDKAppID ${sdkAppId} not found`);
    const next = change(current);
    await this.store.updateApp(next);
    this.remember(next);
    return next;
  }

  private remember(app: AppRecord): void {
    this.cache.set(app.sdkAppId, { app, at: this.now() });
  }
}
