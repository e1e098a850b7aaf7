/**
 * @module live/live-rooms
 * The contract between the group module and the live-room fan-out engine (AVChatRoom and
 * BChatRoom). Groups own the rules (who may create, send, mute); the engine owns online-only
 * delivery: room buffers, per-member cursors, priorities, the per-room rate limit, likes,
 * enter/exit notices and online counts.
 */
import type { Priority } from '@parley/protocol';
import type { ClientConnection } from '../gateway/client-connection.ts';

export interface RoomMemberInfo {
  nick?: string;
  avatar?: string;
  /** Guests of guest-mode apps may be admitted to receive only. */
  receiveOnly: boolean;
}

export type PublishOutcome = { delivered: true } | { delivered: false; dropReason: 'MsgFreqCtrl' };

export interface LiveRooms {
  /** Joins the connection to a room (leaving any other live room it is in). Returns the room's online count. */
  join(conn: ClientConnection, sdkAppId: number, groupId: string, info: RoomMemberInfo): Promise<{ memberCount: number }>;
  leave(conn: ClientConnection, sdkAppId: number, groupId: string): Promise<void>;
  /** The live room this connection is in, if any. */
  roomOf(conn: ClientConnection): { sdkAppId: number; groupId: string } | undefined;
  /**
   * Broadcasts an already-encoded WireMessage to every member on every node, subject to the room's
   * rate limit (`ratePerSecond`): above it Low/Lowest are dropped first, then Normal; High never.
   * Synchronous on one node; in a cluster the limit is checked in Redis (cluster/room-rate.ts).
   */
  publish(sdkAppId: number, groupId: string, wireMessage: string, priority: Priority, ratePerSecond: number): PublishOutcome | Promise<PublishOutcome>;
  /** BChatRoom: an already-encoded WireMessage to every online session of the app. */
  broadcastToApp(sdkAppId: number, wireMessage: string): void;
  /** An already-encoded push (not a message) to every online session of the app, on every node. */
  pushToApp(sdkAppId: number, push: string): void;
  /**
   * An already-encoded `groupAttributesUpdated` push to every member on every node: High (never
   * shed), outside the room's rate limit; a member catching up gets only the latest one.
   */
  pushAttributes(sdkAppId: number, groupId: string, push: string): void;
  /** Adds taps to the room's like counters; members get aggregated updates. */
  like(sdkAppId: number, groupId: string, userID: string, count: number): void;
  /** Cluster-wide, approximate (refreshed periodically). */
  onlineCount(sdkAppId: number, groupId: string): Promise<number>;
  /** Removes every member and the room state (dismissed group). */
  closeRoom(sdkAppId: number, groupId: string): void;
  close(): Promise<void>;
}
