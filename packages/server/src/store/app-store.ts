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

export interface AppStore {
  createApp(app: AppRecord): Promise<void>;
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  /** Replaces the mutable fields (name, mode, keys, admins, settings, disabled). */
  updateApp(app: AppRecord): Promise<void>;
  deleteApp(sdkAppId: number): Promise<boolean>;
}
