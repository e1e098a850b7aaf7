/**
 * @module core/session-registry
 * The node's logged-in sessions, and delivery to users wherever they are connected.
 *
 * Local sessions are found by (app, user). In a cluster each node subscribes to the user channel of
 * every user it holds a session for, so a push published once reaches exactly the nodes that need
 * it, and presence records sessions cluster-wide for login policies and online status. On a
 * single node this registry is the presence (no second copy of every session is kept).
 * A user's sessions are a small array: almost every user has one, and an array costs far less
 * memory per connection than a Map.
 */
import type { KickReason } from '@parley/protocol';
import type { Bus } from '../bus/bus.ts';
import type { Presence, SessionInfo } from '../presence/presence.ts';
import { decodeClusterMessage, encodeClusterMessage, userChannel } from '../cluster/cluster-message.ts';
import type { Logger } from '../observability/logger.ts';
import type { PushTarget } from './push-target.ts';

export class SessionRegistry {
  readonly #byUser = new Map<string, PushTarget[]>();
  #count = 0;

  constructor(
    private readonly bus: Bus,
    private readonly presence: Presence,
    private readonly nodeId: string,
    /** False on a single node: nothing to publish, no channel to subscribe. */
    private readonly clustered: boolean,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.#count;
  }

  /** Registers a session; resolves once pushes published anywhere in the cluster will reach it. */
  async add(target: PushTarget): Promise<void> {
    const key = `${target.sdkAppId}:${target.userID}`;
    const sessions = this.#byUser.get(key);
    if (sessions) sessions.push(target);
    else this.#byUser.set(key, [target]);
    this.#count++;
    if (!this.clustered) return;
    if (!sessions) {
      const channel = userChannel(target.sdkAppId, target.userID);
      await this.bus.subscribe(channel, (payload) => this.#onBusMessage(target.sdkAppId, target.userID, payload));
    }
    await this.presence.addSession(this.#info(target));
  }

  async remove(target: PushTarget): Promise<void> {
    const key = `${target.sdkAppId}:${target.userID}`;
    const sessions = this.#byUser.get(key);
    const i = sessions ? sessions.indexOf(target) : -1;
    if (!sessions || i < 0) return;
    sessions.splice(i, 1);
    this.#count--;
    if (sessions.length === 0) this.#byUser.delete(key);
    if (!this.clustered) return;
    if (sessions.length === 0) await this.bus.unsubscribe(userChannel(target.sdkAppId, target.userID)).catch(() => {});
    await this.presence.removeSession(target.sdkAppId, target.userID, target.sessionId).catch((err: unknown) => {
      this.logger.warn({ err }, 'presence remove failed');
    });
  }

  localSessions(sdkAppId: number, userID: string): PushTarget[] {
    return this.#byUser.get(`${sdkAppId}:${userID}`)?.slice() ?? [];
  }

  /** The user's sessions on every node, oldest first. */
  async sessionsOf(sdkAppId: number, userID: string): Promise<SessionInfo[]> {
    if (this.clustered) return this.presence.sessions(sdkAppId, userID);
    return (this.#byUser.get(`${sdkAppId}:${userID}`) ?? []).map((t) => this.#info(t));
  }

  /** Sessions of many users at once (query_online_status); offline users map to []. */
  async onlineOf(sdkAppId: number, userIDs: string[]): Promise<Map<string, SessionInfo[]>> {
    if (this.clustered) return this.presence.sessionsOf(sdkAppId, userIDs);
    return new Map(userIDs.map((u) => [u, (this.#byUser.get(`${sdkAppId}:${u}`) ?? []).map((t) => this.#info(t))]));
  }

  /** Delivers an encoded push to every session of the user, except one (the origin of a send). */
  deliver(sdkAppId: number, userID: string, frame: string, exceptSessionId = ''): void {
    this.#deliverLocal(sdkAppId, userID, frame, exceptSessionId);
    if (this.clustered) {
      const payload = encodeClusterMessage({ t: 'push', origin: this.nodeId, except: exceptSessionId, frame });
      this.bus.publish(userChannel(sdkAppId, userID), payload).catch((err: unknown) => {
        // The store has the message; remote clients resync on reconnect or at their next gap.
        this.logger.warn({ err }, 'bus publish failed');
      });
    }
  }

  /** Kicks sessions of a user on every node. Returns the number of sessions known to be kicked. */
  async kick(sdkAppId: number, userID: string, sessionIds: string[] | 'all', reason: KickReason, code: number, message: string): Promise<number> {
    let kicked = this.#kickLocal(sdkAppId, userID, sessionIds, reason, code, message);
    if (this.clustered) {
      const remote = (await this.presence.sessions(sdkAppId, userID)).filter(
        (s) => s.nodeId !== this.nodeId && (sessionIds === 'all' || sessionIds.includes(s.sessionId)),
      );
      if (remote.length > 0) {
        kicked += remote.length;
        const payload = encodeClusterMessage({ t: 'kick', origin: this.nodeId, sessionIds, reason, code, message });
        await this.bus.publish(userChannel(sdkAppId, userID), payload);
      }
    }
    return kicked;
  }

  /** Every local session (for shutdown and sweeps). */
  *all(): IterableIterator<PushTarget> {
    for (const sessions of this.#byUser.values()) yield* sessions;
  }

  #info(t: PushTarget): SessionInfo {
    return { sdkAppId: t.sdkAppId, userID: t.userID, sessionId: t.sessionId, nodeId: this.nodeId, platform: t.platform, loginAt: t.loginAt };
  }

  #deliverLocal(sdkAppId: number, userID: string, frame: string, except: string): void {
    const sessions = this.#byUser.get(`${sdkAppId}:${userID}`);
    if (!sessions) return;
    for (const s of sessions) if (s.sessionId !== except) s.push(frame);
  }

  #kickLocal(sdkAppId: number, userID: string, ids: string[] | 'all', reason: KickReason, code: number, message: string): number {
    const sessions = this.#byUser.get(`${sdkAppId}:${userID}`);
    if (!sessions) return 0;
    let n = 0;
    for (const s of sessions.slice()) {
      if (ids === 'all' || ids.includes(s.sessionId)) {
        s.kick(reason, code, message);
        n++;
      }
    }
    return n;
  }

  #onBusMessage(sdkAppId: number, userID: string, payload: string): void {
    const m = decodeClusterMessage(payload);
    if (!m || m.origin === this.nodeId) return;
    if (m.t === 'push') this.#deliverLocal(sdkAppId, userID, m.frame, m.except);
    else this.#kickLocal(sdkAppId, userID, m.sessionIds, m.reason, m.code, m.message);
  }
}
