/**
 * @module core/session-control
 * What the REST layer may do to live sessions: kick a user everywhere, ask who is online.
 */
import { Codes } from '@parley/protocol';
import type { SessionControl } from '../rest/session-control.ts';
import type { SessionRegistry } from './session-registry.ts';

export function gatewaySessionControl(sessions: SessionRegistry): SessionControl {
  return {
    kickUser: (sdkAppId, userID) =>
      sessions.kick(sdkAppId, userID, 'all', 'REST_API_Kick', Codes.KICKED_BY_OTHERS.code, 'Kicked by the app\'s server (REST kick)'),
    async onlineStatus(sdkAppId, userIDs) {
      const found = await sessions.onlineOf(sdkAppId, userIDs);
      const out = new Map<string, { platform: string }[]>();
      for (const [user, list] of found) out.set(user, list.map((s) => ({ platform: s.platform })));
      return out;
    },
  };
}
