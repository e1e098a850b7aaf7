/**
 * @module rest/session-control
 * What REST commands may do to live sessions. The gateway provides the real implementation
 * (core/session-control.ts); `noSessions` stands in where there is no gateway (tests, tools).
 */
export interface SessionControl {
  /** Disconnects every session of the user on every node; resolves with how many were kicked. */
  kickUser(sdkAppId: number, userID: string): Promise<number>;
  /** Live sessions per user (users with none are absent from the map). */
  onlineStatus(sdkAppId: number, userIDs: string[]): Promise<Map<string, { platform: string }[]>>;
}

export const noSessions: SessionControl = {
  kickUser: async () => 0,
  onlineStatus: async () => new Map(),
};
