/**
 * @module @parley/sdk/node
 * Node entry: the same API with `ws` as the WebSocket and, when `cachePath` is set, a JSON file
 * cache per account (in-memory otherwise).
 */
import { WebSocket } from 'ws';
import { makeNamespace } from './api.ts';
import type { WebSocketConstructor } from './connection.ts';
import type { PlatformDefaults } from './sdk.ts';
import { FileStorage } from './storage/file.ts';
import { MemoryStorage } from './storage/storage.ts';

const nodeDefaults: PlatformDefaults = {
  WebSocket: () => WebSocket as unknown as WebSocketConstructor,
  storage: (o) => (o.cachePath ? new FileStorage(o.cachePath) : new MemoryStorage()),
  platform: 'Web',
};

export const TIM = makeNamespace(nodeDefaults);
export const TencentCloudChat = TIM;
export default TIM;

export { FileStorage };
export * from './exports.ts';
