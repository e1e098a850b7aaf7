/**
 * @module live
 * Live-room (AVChatRoom) and app-wide broadcast (BChatRoom) pushes and the `like` op
 * (docs/live-rooms.md). Live-room pushes travel batched: one text frame per room flush window is a
 * JSON array of these pushes, the same bytes for every member of the room.
 */
import type { WireMessage } from './messages.ts';

/** A user named in an enter/exit notice. */
export interface RoomMemberSample {
  userID: string;
  nick?: string;
  avatar?: string;
}

/**
 * Server-generated enter/exit notices for one flush window. Up to a threshold every joiner is listed;
 * above it `joined` is a sample and `joinedCount` the total ("X and 37 others joined").
 */
export interface RoomMembersPush {
  groupID: string;
  joined: RoomMemberSample[];
  joinedCount: number;
  left: RoomMemberSample[];
  leftCount: number;
  /** Approximate online count when the notice was cut. */
  onlineCount: number;
}

/** Aggregated like counter update: at most one per room per `likeFlushMs`. */
export interface LikesPush {
  groupID: string;
  /** Room total since the room was opened. */
  total: number;
  /** Taps since the previous update. */
  delta: number;
  /** Users with the most likes in the room, most first. */
  topUsers?: { userID: string; count: number }[];
}

/** Periodic, approximate cluster-wide online count. */
export interface RoomStatsPush {
  groupID: string;
  onlineCount: number;
}

/** The room was dismissed (or closed by the server): the member is no longer in it. */
export interface RoomClosedPush {
  groupID: string;
}

export interface LivePushes {
  /** A live-room (AVChatRoom) message. */
  roomMessage: WireMessage;
  roomMembers: RoomMembersPush;
  likes: LikesPush;
  roomStats: RoomStatsPush;
  roomClosed: RoomClosedPush;
  /** A BChatRoom message to every online session of the app. */
  broadcastMessage: WireMessage;
}

/** `like` op: taps merged client-side (e.g. everything tapped in the last second). */
export interface LikeRequest {
  groupID: string;
  count: number;
}

export interface LikeResponse {
  /** Taps counted (the request's count, capped at MAX_LIKES_PER_CALL). */
  counted: number;
}

/** The most taps one `like` call counts; more are capped, not rejected. */
export const MAX_LIKES_PER_CALL = 1000;

/** The live-stream text convention used by existing apps (`userAction` in a JSON text body). */
export const LiveUserAction = {
  TEXT: 1,
  ENTER: 2,
  EXIT: 3,
  LIKE: 4,
  DANMAKU: 5,
} as const;
