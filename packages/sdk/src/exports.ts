/**
 * @module exports
 * Everything both entry points export besides the namespace.
 */
export { EVENT, TYPES, LOGIN_STATUS } from './constants.ts';
export type { EventName, LoginStatus, NetState, ConversationType, MessagePriority, MessageFlow, MessageStatus } from './constants.ts';
export { ChatSDK, socketURL } from './sdk.ts';
export type { CreateOptions, MessageOptions, SendOptions, PlatformDefaults } from './sdk.ts';
export { Message } from './message.ts';
export type { Payload } from './message.ts';
export type { Conversation, LastMessage } from './conversation.ts';
export { IMError } from './errors.ts';
export type { IMResponse } from './errors.ts';
export type { SDKEvent, Handler } from './emitter.ts';
export { MemoryStorage } from './storage/storage.ts';
export type { StorageAdapter, CacheRecords } from './storage/storage.ts';
export { IndexedDBStorage } from './storage/indexeddb.ts';
export type { WebSocketLike, WebSocketConstructor } from './connection.ts';
export { LiveRoom } from './live-room.ts';
export type { LiveRoomOptions, LiveRoomEvents } from './live-room.ts';
export { VERSION } from './api.ts';
export type { Namespace } from './api.ts';
