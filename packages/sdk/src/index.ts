/**
 * @module @parley/sdk
 * Browser (and any runtime with a global WebSocket) entry: `TIM` / `TencentCloudChat` with
 * `create`, `EVENT`, `TYPES`. The cache goes to IndexedDB when the runtime has it, else memory.
 * Node: import `@parley/sdk/node`, which injects `ws` and a file cache.
 */
import { makeNamespace } from './api.ts';
import { IndexedDBStorage } from './storage/indexeddb.ts';
import { MemoryStorage } from './storage/storage.ts';
import type { WebSocketConstructor } from './connection.ts';
import type { PlatformDefaults } from './sdk.ts';

const browserDefaults: PlatformDefaults = {
  WebSocket: () => (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket,
  storage: () => (IndexedDBStorage.available() ? new IndexedDBStorage() : new MemoryStorage()),
  platform: 'Web',
  server: () => {
    const loc = (globalThis as { location?: { origin?: string } }).location;
    return loc?.origin && /^https?:/.test(loc.origin) ? loc.origin : undefined;
  },
};

export const TIM = makeNamespace(browserDefaults);
export const TencentCloudChat = TIM;
export default TIM;

export * from './exports.ts';
