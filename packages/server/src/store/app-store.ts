/**
 * @module store/app-store
 * Apps (tenants). One record per SDKAppID.
 */

export type IntegrationMode = 'independent' | 'guest';

/** Tencent's four multi-device login policies (reference §9). */
export type MultiDevicePolicy = 'single' | 'dual' | 'triple' | 'multi';

export interface AppSettings {
  multiDevicePolicy: MultiDevicePolicy;
  /** Instances allowed per platform (Tencent: 1 by default; up to 10 Web, 3 native). */
  maxInstancesPerPlatform: { web: number; native: number };
  /** Seconds a sender may recall its own message. */
  recallWindowSeconds: number;
  /** Live rooms: messages per second per room before the limiter sheds Low then Normal. */
  roomMessagesPerSecond: number;
  /** Live rooms: like counter broadcast interval. */
  likeFlushMs: number;
  /** Live rooms: messages replayed to a joiner (0 = none, as Tencent). */
  roomHistoryOnJoin: number;
  /** Client requests per second per connection. */
  clientRequestsPerSecond: number;
  /** Webhooks (docs/callbacks.md): absent = none. Validated by apps/callback-settings.ts. */
  callback?: AppCallbackSettings;
}

/** Tencent's console "Webhook Configuration", per app (the shape of callbacks' CallbackConfig). */
export interface AppCallbackSettings {
  /** http:// or https:// */
  url: string;
  /** When set, requests carry Sign = sha256hex(token + RequestTime) and RequestTime. */
  token?: string;
  /** Commands switched on, e.g. C2C.CallbackBeforeSendMsg. */
  enabled: string[];
  /** A failed before-send webhook delivers the message unchanged (Tencent's default) or refuses it with 80003. */
  beforeSendFailurePolicy: 'deliver' | 'refuse';
  /** Retry after-event webhooks that time out. */
  afterRetry: boolean;
  /** Per-request deadline; default 2000. */
  timeoutMs?: number;
}

export interface AppRecord {
  sdkAppId: number;
  name: string;
  mode: IntegrationMode;
  /** v2 HMAC secret (64 lowercase hex characters). */
  secretKey: string;
  /** v1 ECDSA public key (PEM), when the app accepts legacy tickets. */
  publicKeyPem?: string;
  admins: string[];
  settings: AppSettings;
  createdAt: number;
  disabled?: boolean;
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  multiDevicePolicy: 'single',
  maxInstancesPerPlatform: { web: 1, native: 1 },
  recallWindowSeconds: 120,
  roomMessagesPerSecond: 40,
  likeFlushMs: 500,
  roomHistoryOnJoin: 0,
  clientRequestsPerSecond: 50,
};

/** Options of `AppStore.purgeApp`. */
export interface PurgeOptions {
  /** Rows deleted per transaction (default 2000): a big tenant never holds the writer for long. */
  batch?: number;
  /** Stop after this many transactions even if rows remain (default: until done); a later call resumes. */
  maxBatches?: number;
}

/**
 * Apps, and the purge of a deleted app's data. Deleting an app removes its row at once and, in
 * the same transaction, records a purge of everything stored under the SDKAppID (accounts,
 * messages, inboxes, conversations, groups, settings, counters: every tenant table). `purgeApp`
 * then deletes those rows in small transactions; a purge cut short (a crash, `maxBatches`) stays
 * recorded and is resumed by the next `purgeApp` of that SDKAppID (see `pendingPurges`).
 */
export interface AppStore {
  /**
   * Inserts the app; an existing SDKAppID is INVALID_PARAMETER. When a deleted app of the same
   * SDKAppID is still being purged, the purge is finished first, so the new app never sees the
   * old one's data.
   */
  createApp(app: AppRecord): Promise<void>;
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  /** Replaces the mutable fields (name, mode, keys, admins, settings, disabled). */
  updateApp(app: AppRecord): Promise<void>;
  /** Removes the app row and records the purge of its data (one transaction); false when there was no such app. */
  deleteApp(sdkAppId: number): Promise<boolean>;
  /** SDKAppIDs of deleted apps whose data is still to be purged, oldest deletion first. */
  pendingPurges(): Promise<number[]>;
  /**
   * Deletes the deleted app's rows from every tenant table, `batch` rows per transaction, and
   * drops the purge record when none remain. True when the purge is done (or there was none);
   * false when `maxBatches` ran out first. Never touches an SDKAppID without a purge record.
   */
  purgeApp(sdkAppId: number, opts?: PurgeOptions): Promise<boolean>;
  /** Rows stored under the SDKAppID, per table (tables with none left out): a purge's progress. */
  tenantRows(sdkAppId: number): Promise<Record<string, number>>;
}
