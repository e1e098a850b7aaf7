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
  close(): Promise<void>;
}

export async function openEngines(config: ServerConfig, overrides: EngineOverrides = {}): Promise<Engines> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = overrides.store ?? (await openStore({ dataDir: config.dataDir, storeUrl: config.storeUrl }));
  let bus: Bus;
  let presence: Presence;
  let clustered: boolean;
  if (config.busUrl) {
    const { RedisBus } = await import('./bus/bus.redis.ts');
    const { RedisPresence } = await import('./presence/presence.redis.ts');
    bus = await RedisBus.open({ url: config.busUrl });
    presence = overrides.presence ?? (await RedisPresence.open({ url: config.busUrl, nodeId: config.nodeId }));
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
    async close() {
      if (ownsPresence) await presence.removeNode(config.nodeId).catch(() => {});
      await bus.close().catch(() => {});
      if (ownsPresence) await presence.close().catch(() => {});
      if (ownsStore) await store.close();
    },
  };
}
