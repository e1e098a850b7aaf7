/**
 * @module cluster/cluster-message
 * What nodes say to each other over the Bus, written once above any engine. Each user has a
 * channel (`userChannel`); a node subscribes while it holds a session of that user.
 *
 * Pushes are the hot path, so they use a tiny line format instead of JSON: the frame (already
 * encoded JSON) is carried verbatim, never re-escaped: `P<originNode>\t<exceptSessionId>\n<frame>`.
 * `origin` lets a node ignore its own publications (it delivered locally already).
 * App-wide events (an app disabled or deleted: close its sessions) go on one channel every node
 * subscribes to (`APPS_CHANNEL`): `A<json>`.
 */
import type { KickReason } from '@parley/protocol';

export type ClusterMessage =
  | { t: 'push'; origin: string; frame: string; except: string }
  | { t: 'kick'; origin: string; sessionIds: string[] | 'all'; reason: KickReason; code: number; message: string }
  | { t: 'closeApp'; origin: string; sdkAppId: number; code: number; message: string };

/** Every node subscribes: app-wide events. */
export const APPS_CHANNEL = 'apps';

export function userChannel(sdkAppId: number, userID: string): string {
  return `u:${sdkAppId}:${userID}`;
}

export function encodeClusterMessage(m: ClusterMessage): string {
  if (m.t === 'push') return `P${m.origin}\t${m.except}\n${m.frame}`;
  return (m.t === 'kick' ? 'K' : 'A') + JSON.stringify(m);
}

export function decodeClusterMessage(payload: string): ClusterMessage | undefined {
  const tag = payload.charCodeAt(0);
  if (tag === 80 /* P */) {
    const nl = payload.indexOf('\n');
    const tab = payload.indexOf('\t');
    if (nl < 0 || tab < 0 || tab > nl) return undefined;
    return { t: 'push', origin: payload.slice(1, tab), except: payload.slice(tab + 1, nl), frame: payload.slice(nl + 1) };
  }
  if (tag === 75 /* K */ || tag === 65 /* A */) {
    try {
      const m = JSON.parse(payload.slice(1)) as ClusterMessage;
      return m.t === (tag === 75 ? 'kick' : 'closeApp') ? m : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
