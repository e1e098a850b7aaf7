/**
 * @module config
 * Server settings from the environment (docs/configuration.md). Everything has a default, so
 * `npm start` on an empty machine serves on the embedded engines.
 */
import { resolve } from 'node:path';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Empty: embedded SQLite in dataDir. `postgres://...`: the PostgreSQL engine. */
  storeUrl: string;
  /** Empty: in-process bus and presence (single node). `redis://...`: Redis engines. */
  busUrl: string;
  /** Identifies this node in presence and on the bus. */
  nodeId: string;
  /** Prepended to every Redis key and channel (bus `<prefix>bus:`, presence `<prefix>presence:`), so deployments can share one Redis. */
  redisPrefix: string;
  /** PostgreSQL schema holding Parley's tables (created if missing). */
  pgSchema: string;
  /** Presence liveness: a node silent in Redis for this long is dead and its sessions stop counting. */
  nodeTtlMs: number;
  /** Server → client WebSocket ping interval; a peer silent for 2.5 intervals is dropped. */
  heartbeatMs: number;
  /** Pushes for one connection within this window go out in one frame. */
  coalesceMs: number;
  /** Outbound bytes a connection may have pending before it counts as slow. */
  maxOutboundBytes: number;
  /** How long a connection may stay over maxOutboundBytes before it is cut off. */
  slowConsumerGraceMs: number;
  /** Most messages one group-commit transaction carries. */
  groupCommitMaxBatch: number;
  /** Group-commit transactions in flight at once; 0 = what the store prefers (SQLite 1, PostgreSQL 4). */
  groupCommitLanes: number;
  /** Logins per user allowed in a 10 s window before 2025 answers. */
  loginBurstPer10s: number;
  /** A sync whose cursor is further behind than this is told to page history instead. */
  maxSyncGap: number;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${raw}`);
  return n;
}

export function configFromEnv(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const env = process.env;
  return {
    port: int('PORT', 8080),
    host: env['HOST'] ?? '0.0.0.0',
    dataDir: resolve(env['PARLEY_DATA_DIR'] ?? './data'),
    storeUrl: env['PARLEY_STORE'] ?? '',
    busUrl: env['PARLEY_BUS'] ?? '',
    nodeId: env['PARLEY_NODE_ID'] ?? `node-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    redisPrefix: env['PARLEY_REDIS_PREFIX'] ?? 'parley:',
    pgSchema: env['PARLEY_PG_SCHEMA'] || 'public',
    nodeTtlMs: int('PARLEY_NODE_TTL_MS', 15_000),
    heartbeatMs: int('PARLEY_HEARTBEAT_MS', 25_000),
    coalesceMs: int('PARLEY_COALESCE_MS', 2),
    maxOutboundBytes: int('PARLEY_MAX_OUTBOUND_BYTES', 4 * 1024 * 1024),
    slowConsumerGraceMs: int('PARLEY_SLOW_CONSUMER_GRACE_MS', 5_000),
    groupCommitMaxBatch: int('PARLEY_GROUP_COMMIT_MAX_BATCH', 2_000),
    groupCommitLanes: int('PARLEY_GROUP_COMMIT_LANES', 0),
    loginBurstPer10s: int('PARLEY_LOGIN_BURST_PER_10S', 20),
    maxSyncGap: int('PARLEY_MAX_SYNC_GAP', 10_000),
    ...overrides,
  };
}
