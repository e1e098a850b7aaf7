/**
 * @module cluster/room-rate
 * The per-room send rate limit (AVChatRoom, `roomMessagesPerSecond`), cluster-wide.
 *
 * The live-room engine's own limiter (`live/room-limiter.ts`) counts what one node sees; with
 * senders spread over N nodes a room would get up to N times its rate. In a cluster the limit is
 * instead one token bucket per room in Redis, with the same priority reserves (High always passes,
 * Lowest is shed first, then Low, then Normal), updated by a Lua script on Redis' clock so node
 * clocks do not matter. `ClusterLiveRooms` puts it in front of the engine: the engine then only
 * fans out (its own limiter is bypassed with rate 0). One Redis round trip per live-room message;
 * a room's rate (40/s by default) bounds how many of them succeed, not how many are tried.
 *
 * The Redis engine is `room-rate.redis.ts` (loaded only in a cluster).
 *
 * If Redis cannot answer, the node falls back to its local limiter for that message (a degraded,
 * per-node limit) rather than refusing every live message.
 */
import type { Priority } from '@parley/protocol';
import type { ClientConnection } from '../gateway/client-connection.ts';
import type { LiveRoomEngine } from '../live/live-engine.ts';
import type { LiveRooms, PublishOutcome, RoomMemberInfo } from '../live/live-rooms.ts';
import type { Metrics } from '../observability/metrics.ts';

/** Cluster-wide admission for one room message. */
export interface RoomRate {
  /** True when a message of this priority may be delivered now in the room, cluster-wide. */
  admit(sdkAppId: number, groupId: string, priority: Priority, ratePerSecond: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The live-room engine with a cluster-wide room rate limit in front of `publish`. */
export class ClusterLiveRooms implements LiveRooms {
  readonly #dropped;
  constructor(readonly engine: LiveRoomEngine, private readonly rate: RoomRate, metrics: Metrics) {
    this.#dropped = metrics.counter('parley_live_dropped_total', 'Live-room messages dropped (MsgFreqCtrl: room limiter; slow: catch-up budget; overflow: ring bound)', ['reason', 'priority']);
  }

  async publish(sdkAppId: number, groupId: string, wireMessage: string, priority: Priority, ratePerSecond: number): Promise<PublishOutcome> {
    if (!(ratePerSecond > 0)) return this.engine.publish(sdkAppId, groupId, wireMessage, priority, ratePerSecond);
    let admitted: boolean;
    try {
      admitted = await this.rate.admit(sdkAppId, groupId, priority, ratePerSecond);
    } catch {
      // Redis unreachable: this node's own limiter decides (per-node limit until Redis returns).
      return this.engine.publish(sdkAppId, groupId, wireMessage, priority, ratePerSecond);
    }
    if (!admitted) {
      this.#dropped.inc({ reason: 'MsgFreqCtrl', priority });
      return { delivered: false, dropReason: 'MsgFreqCtrl' };
    }
    return this.engine.publish(sdkAppId, groupId, wireMessage, priority, 0);
  }

  join(conn: ClientConnection, sdkAppId: number, groupId: string, info: RoomMemberInfo): Promise<{ memberCount: number }> {
    return this.engine.join(conn, sdkAppId, groupId, info);
  }
  leave(conn: ClientConnection, sdkAppId: number, groupId: string): Promise<void> {
    return this.engine.leave(conn, sdkAppId, groupId);
  }
  roomOf(conn: ClientConnection): ReturnType<LiveRoomEngine['roomOf']> {
    return this.engine.roomOf(conn);
  }
  broadcastToApp(sdkAppId: number, wireMessage: string): void {
    this.engine.broadcastToApp(sdkAppId, wireMessage);
  }
  pushToApp(sdkAppId: number, push: string): void {
    this.engine.pushToApp(sdkAppId, push);
  }
  pushAttributes(sdkAppId: number, groupId: string, push: string): void {
    this.engine.pushAttributes(sdkAppId, groupId, push);
  }
  like(sdkAppId: number, groupId: string, userID: string, count: number): void {
    this.engine.like(sdkAppId, groupId, userID, count);
  }
  onlineCount(sdkAppId: number, groupId: string): Promise<number> {
    return this.engine.onlineCount(sdkAppId, groupId);
  }
  closeRoom(sdkAppId: number, groupId: string): void {
    this.engine.closeRoom(sdkAppId, groupId);
  }
  close(): Promise<void> {
    return this.engine.close();
  }
}
