/**
 * @module presence/presence.memory
 * In-process presence: the default, for a single node. No liveness tracking is needed, since the
 * node that owns every entry is this process.
 */
import type { Presence, SessionInfo } from './presence.ts';

const userKey = (sdkAppId: number, userID: string) => `${sdkAppId}:${userID}`;

export class MemoryPresence implements Presence {
  /** user key → sessionId → session, in insertion order. */
  private readonly users = new Map<string, Map<string, SessionInfo>>();
  /** room key → nodeId → count. */
  private readonly rooms = new Map<string, Map<string, number>>();
  private closed = false;

  async addSession(session: SessionInfo): Promise<void> {
    this.assertOpen();
    const key = userKey(session.sdkAppId, session.userID);
    let sessions = this.users.get(key);
    if (!sessions) this.users.set(key, (sessions = new Map()));
    sessions.set(session.sessionId, { ...session });
  }

  async removeSession(sdkAppId: number, userID: string, sessionId: string): Promise<void> {
    this.assertOpen();
    const key = userKey(sdkAppId, userID);
    const sessions = this.users.get(key);
    if (!sessions) return;
    sessions.delete(sessionId);
    if (sessions.size === 0) this.users.delete(key);
  }

  async sessions(sdkAppId: number, userID: string): Promise<SessionInfo[]> {
    this.assertOpen();
    return this.list(sdkAppId, userID);
  }

  async sessionsOf(sdkAppId: number, userIDs: string[]): Promise<Map<string, SessionInfo[]>> {
    this.assertOpen();
    return new Map(userIDs.map((u) => [u, this.list(sdkAppId, u)]));
  }

  async setRoomCount(sdkAppId: number, roomId: string, nodeId: string, count: number): Promise<void> {
    this.assertOpen();
    const key = userKey(sdkAppId, roomId);
    let perNode = this.rooms.get(key);
    if (count <= 0) {
      perNode?.delete(nodeId);
      if (perNode?.size === 0) this.rooms.delete(key);
      return;
    }
    if (!perNode) this.rooms.set(key, (perNode = new Map()));
    perNode.set(nodeId, count);
  }

  async roomCount(sdkAppId: number, roomId: string): Promise<number> {
    this.assertOpen();
    let total = 0;
    for (const n of this.rooms.get(userKey(sdkAppId, roomId))?.values() ?? []) total += n;
    return total;
  }

  async removeNode(nodeId: string): Promise<void> {
    this.assertOpen();
    for (const [key, sessions] of this.users) {
      for (const [id, s] of sessions) if (s.nodeId === nodeId) sessions.delete(id);
      if (sessions.size === 0) this.users.delete(key);
    }
    for (const [key, perNode] of this.rooms) {
      perNode.delete(nodeId);
      if (perNode.size === 0) this.rooms.delete(key);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.users.clear();
    this.rooms.clear();
  }

  private list(sdkAppId: number, userID: string): SessionInfo[] {
    const sessions = this.users.get(userKey(sdkAppId, userID));
    // Array.sort is stable: equal login times keep insertion order.
    return sessions ? [...sessions.values()].map((s) => ({ ...s })).sort((x, y) => x.loginAt - y.loginAt) : [];
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryPresence is closed');
  }
}
