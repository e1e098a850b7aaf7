/**
 * @module engines
 * Picks the engines from configuration: embedded SQLite + in-process bus/presence by default,
 * PostgreSQL (`PARLEY_STORE=postgres://...`) and Redis (`PARLEY_BUS=redis://...`) for a cluster.
 * The core never learns which one it got.
 */
import { mkdirSync } from 'node:fs';
import type { Bus } from './bus/bus.ts';
import { MemoryBus, type MemoryBusHub } from './bus/bus.memory.ts';
import type { ServerConfig } from './config.ts';
import type { Presence } from './presence/presence.ts';
import type { RoomRate } from './cluster/room-rate.ts';
import { MemoryPresence } from './presence/presence.memory.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

export interface EngineOverrides {
  /** Several nodes in one process (tests): share a hub and a presence to act as a cluster. */
  memoryHub?: MemoryBusHub;
  presence?: Presence;
  store?: Store;
}

export interface Engines {
  store: Store;
  bus: Bus;
  presence: Presence;
  /** True when other nodes may exist (a shared bus). */
  clustered: boolean;
  /**
   * Registers a listener for "the cluster may have forgotten this node" (Redis presence found the
   * node's liveness key expired, e.g. Redis restarted or was unreachable for longer than
   * PARLEY_NODE_TTL_MS): the owner re-adds its live sessions and room counts. Never fires on one node.
   */
  onPresenceLapsed(listener: () => void): void;
  /** Cluster-wide per-room send rate (Redis); absent on one node, where the live engine's own limiter is exact. */
  roomRate?: RoomRate;
  /** Cluster-wide group attribute write rate (the same Redis buckets, own key space); absent on one node. */
  groupAttrRate?: RoomRate;
  close(): Promise<void>;
}

export async function openEngines(config: ServerConfig, overrides: EngineOverrides = {}): Promise<Engines> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = overrides.store ?? (await openStore({ dataDir: config.dataDir, storeUrl: config.storeUrl, schema: config.pgSchema }));
  const lapsedListeners: Array<() => void> = [];
  let bus: Bus;
  let presence: Presence;
  let clustered: boolean;
  let roomRate: RoomRate | undefined;
  let groupAttrRate: RoomRate | undefined;
  if (config.busUrl) {
    const { RedisBus } = await import('./bus/bus.redis.ts');
    const { RedisPresence } = await import('./presence/presence.redis.ts');
    const { RedisRoomRate } = await import('./cluster/room-rate.redis.ts');
    // Connection names carry the prefix and node id, so CLIENT LIST tells deployments and nodes apart.
    const name = `${config.redisPrefix}${config.nodeId}`;
    try {
      bus = await RedisBus.open({ url: config.busUrl, prefix: `${config.redisPrefix}bus:`, name: `${name}:bus` });
    } catch (err) {
      if (overrides.store === undefined) await store.close().catch(() => {});
      throw err;
    }
    let ownPresence: Presence | undefined;
    try {
      presence = overrides.presence ?? (ownPresence = await RedisPresence.open({
        url: config.busUrl,
        nodeId: config.nodeId,
        prefix: `${config.redisPrefix}presence:`,
        nodeTtlMs: config.nodeTtlMs,
        name: `${name}:presence`,
        onLapsed: () => {
          for (const l of lapsedListeners) l();
        },
      }));
      const rate = await RedisRoomRate.open({ url: config.busUrl, prefix: `${config.redisPrefix}rate:`, name: `${name}:rate` });
      roomRate = rate;
      groupAttrRate = rate.withPrefix(`${config.redisPrefix}attr-rate:`);
    } catch (err) {
      await ownPresence?.close().catch(() => {});
      await bus.close().catch(() => {});
      if (overrides.store === undefined) await store.close().catch(() => {});
      throw err;
    }
    clustered = true;
  } else {
    bus = new MemoryBus(overrides.memoryHub ? { hub: overrides.memoryHub } : {});
    presence = overrides.presence ?? new MemoryPresence();
    clustered = overrides.memoryHub !== undefined;
  }
  const ownsStore = overrides.store === undefined;
  const ownsPresence = overrides.presence === undefined;
  return {
    store, bus, presence, clustered,
    ...(roomRate && { roomRate }),
    ...(groupAttrRate && { groupAttrRate }),
    onPresenceLapsed(listener) {
      lapsedListeners.push(listener);
    },
    async close() {
      if (ownsPresence) await presence.removeNode(config.nodeId).catch(() => {});
      await bus.close().catch(() => {});
      await roomRate?.close().catch(() => {});
      if (ownsPresence) await presence.close().catch(() => {});
      if (ownsStore) await store.close();
    },
  };
}
