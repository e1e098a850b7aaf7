/**
 * @module services
 * The dependencies a request handler may use, built once by `server.ts`. Ops and REST commands
 * receive this object; nothing reaches for globals.
 */
import type { VerifyResult } from '@parley/usersig';
import type { ServerConfig } from './config.ts';
import type { AccountDirectory } from './core/account-directory.ts';
import type { SessionRegistry } from './core/session-registry.ts';
import type { WindowCounter } from './core/window-counter.ts';
import type { C2CService } from './messaging/c2c-service.ts';
import type { ExpiryWheel } from './gateway/expiry-wheel.ts';
import type { ParleyEvents } from './messaging/content-hooks.ts';
import type { GroupCommitter } from './messaging/group-commit.ts';
import type { GroupService } from './groups/group-service.ts';
import type { LiveRooms } from './live/live-rooms.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { Presence } from './presence/presence.ts';
import type { AppRecord } from './store/app-store.ts';
import type { Store } from './store/store.ts';

export interface AppLookup {
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
}

export interface TicketCheck {
  verify(app: AppRecord, identifier: string, userSig: string, nowSeconds?: number, remember?: boolean): VerifyResult;
}

export interface Services {
  config: ServerConfig;
  store: Store;
  apps: AppLookup;
  tickets: TicketCheck;
  sessions: SessionRegistry;
  presence: Presence;
  directory: AccountDirectory;
  c2c: C2CService;
  /** Groups: types, membership, group messages (groups/group-service.ts). */
  groups: GroupService;
  /** The one group-commit queue every durable message goes through. */
  committer: GroupCommitter;
  /** Logins per user per 10 s (2025 above it). */
  loginLimiter: WindowCounter;
  /** Closes sessions when their ticket expires. */
  expiry: ExpiryWheel;
  /** AVChatRoom/BChatRoom fan-out engine (live/live-engine.ts). */
  liveRooms: LiveRooms;
  metrics: Metrics;
  logger: Logger;
  /** Login-state events for webhooks and daily figures (messaging/content-hooks.ts); absent in bare tests. */
  events?: ParleyEvents;
  /** Unix ms. */
  now(): number;
}
