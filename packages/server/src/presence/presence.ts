/**
 * @module presence/presence
 * Who is online where, cluster-wide: sessions per user and live-room member counts. Engines:
 * in-process (`presence.memory.ts`, default) and Redis (`presence.redis.ts`).
 */

export interface SessionInfo {
  sdkAppId: number;
  userID: string;
  sessionId: string;
  nodeId: string;
  platform: string;
  /** Unix milliseconds. */
  loginAt: number;
}

export interface Presence {
  addSession(session: SessionInfo): Promise<void>;
  removeSession(sdkAppId: number, userID: string, sessionId: string): Promise<void>;
  /** The user's sessions on every node, oldest first. */
  sessions(sdkAppId: number, userID: string): Promise<SessionInfo[]>;
  /** Sessions for many users at once (query_online_status); every requested user is a key, offline ones map to []. */
  sessionsOf(sdkAppId: number, userIDs: string[]): Promise<Map<string, SessionInfo[]>>;
  /** Records this node's count of members in a room (0 removes it); the cluster-wide count is the sum over live nodes. */
  setRoomCount(sdkAppId: number, roomId: string, nodeId: string, count: number): Promise<void>;
  roomCount(sdkAppId: number, roomId: string): Promise<number>;
  /** Drops every entry this node wrote (on shutdown, or when a node is declared dead). */
  removeNode(nodeId: string): Promise<void>;
  close(): Promise<void>;
}
