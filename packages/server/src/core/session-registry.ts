/**
 * @module core/session-registry
 * The node's logged-in sessions, and delivery to users wherever they are connected.
 *
 * Local sessions are found by (app, user). In a cluster each node subscribes to the user channel of
 * every user it holds a session for, so a push published once reaches exactly the nodes that need
 * it, and presence records sessions cluster-wide for login policies and online status. On a
 * single node this registry is the presence (no second copy of every session is kept).
 * Almost every user has one session: it is stored as itself, and only a user with several gets an
 * array (an array per user cost ~56 B per connection; a Map per user far more).
 *
 * Bus outages: pub/sub keeps nothing for absent subscribers, so pushes published while this node's
 * bus connection was down are lost. When the bus has reconnected (and resubscribed every channel),
 * every local session gets a `resync` push (docs/protocol.md): the client calls `sync` (and
 * `syncGroups`) at once instead of waiting for its next gap. When presence says the cluster had
 * forgotten this node, `reannounce()` writes every local session to presence again.
 */
import type { KickReason } from '@parley/protocol';
import type { Bus } from '../bus/bus.ts';
import type { Presence, SessionInfo } from '../presence/presence.ts';
import { APPS_CHANNEL, decodeClusterMessage, encodeClusterMessage, userChannel } from '../cluster/cluster-message.ts';
import type { Logger } from '../observability/logger.ts';
import type { PushTarget } from './push-target.ts';

/** Sent to local sessions after a bus reconnect; the client resyncs at once. */
export const RESYNC_PUSH = '{"push":"resync","data":{"reason":"busReconnect"}}';
/** Resync hints go out in chunks this large, one chunk per tick, so the stores see a ramp, not a wall. */
const RESYNC_CHUNK = 2_000;
const RESYNC_TICK_MS = 20;

/** One user's local sessions: the session itself, or an array when there are several. */
type Sessions = PushTarget | PushTarget[];
const listOf = (s: Sessions | undefined): PushTarget[] => (s === undefined ? [] : Array.isArray(s) ? s : [s]);

export class SessionRegistry {
  /** app → user → session(s); nested so no composite key string is kept per user. */
  readonly #byApp = new Map<number, Map<string, Sessions>>();
  #count = 0;
  /** Called when an app's sessions are closed (here or on another node): drop what is cached of it. */
  onAppClosed: ((sdkAppId: number) => void) | undefined = undefined;
  /** How this node's own push publications begin (see cluster-message.ts). */
  readonly #selfTag: string;

  constructor(
    private readonly bus: Bus,
    private readonly presence: Presence,
    private readonly nodeId: string,
    /** False on a single node: nothing to publish, no channel to subscribe. */
    private readonly clustered: boolean,
    private readonly logger: Logger,
  ) {
    this.#selfTag = encodeClusterMessage({ t: 'push', origin: nodeId, except: '', frame: '' }).split('\t')[0] + '\t';
    if (clustered) {
      bus.onReconnect(() => this.hintResync());
      bus.subscribe(APPS_CHANNEL, (payload) => this.#onAppsMessage(payload)).catch((err: unknown) => {
        this.logger.warn({ err }, 'apps channel subscribe failed');
      });
    }
  }

  get size(): number {
    return this.#count;
  }

  /** Registers a session; resolves once pushes published anywhere in the cluster will reach it. */
  async add(target: PushTarget): Promise<void> {
    let users = this.#byApp.get(target.sdkAppId);
    if (!users) this.#byApp.set(target.sdkAppId, (users = new Map()));
    const sessions = users.get(target.userID);
    if (sessions === undefined) users.set(target.userID, target);
    else if (Array.isArray(sessions)) sessions.push(target);
    else users.set(target.userID, [sessions, target]);
    this.#count++;
    if (!this.clustered) return;
    try {
      if (!sessions) {
        const channel = userChannel(target.sdkAppId, target.userID);
        await this.bus.subscribe(channel, (payload) => this.#onBusMessage(target.sdkAppId, target.userID, payload));
      }
      await this.presence.addSession(this.#info(target));
    } catch (err) {
      // Redis is unreachable: the login fails (retryable) and leaves nothing behind.
      await this.remove(target);
      throw err;
    }
  }

  /**
   * Writes every local session to presence again (after presence found this node had lapsed:
   * other nodes may have swept its entries). Resolves with the number re-added.
   */
  async reannounce(): Promise<number> {
    if (!this.clustered) return 0;
    const all = [...this.all()];
    let n = 0;
    for (let i = 0; i < all.length; i += 1_000) {
      const results = await Promise.allSettled(all.slice(i, i + 1_000).map((t) => this.presence.addSession(this.#info(t))));
      for (const r of results) if (r.status === 'fulfilled') n++;
    }
    if (n < all.length) this.logger.warn({ failed: all.length - n }, 'presence reannounce incomplete');
    return n;
  }

  /** Pushes `resync` to every local session (after a bus reconnect), a chunk per tick. */
  hintResync(): void {
    const all = [...this.all()];
    this.logger.info({ sessions: all.length }, 'bus reconnected: asking local sessions to resync');
    const step = (from: number) => {
      for (let i = from; i < Math.min(all.length, from + RESYNC_CHUNK); i++) all[i]!.push(RESYNC_PUSH);
      if (from + RESYNC_CHUNK < all.length) setTimeout(step, RESYNC_TICK_MS, from + RESYNC_CHUNK).unref();
    };
    step(0);
  }

  async remove(target: PushTarget): Promise<void> {
    const users = this.#byApp.get(target.sdkAppId);
    const sessions = users?.get(target.userID);
    if (!users || sessions === undefined) return;
    let last: boolean;
    if (Array.isArray(sessions)) {
      const i = sessions.indexOf(target);
      if (i < 0) return;
      sessions.splice(i, 1);
      last = sessions.length === 0;
      if (last) users.delete(target.userID);
      else if (sessions.length === 1) users.set(target.userID, sessions[0]!);
    } else {
      if (sessions !== target) return;
      users.delete(target.userID);
      last = true;
    }
    this.#count--;
    if (!this.clustered) return;
    if (last) await this.bus.unsubscribe(userChannel(target.sdkAppId, target.userID)).catch(() => {});
    await this.presence.removeSession(target.sdkAppId, target.userID, target.sessionId).catch((err: unknown) => {
      this.logger.warn({ err }, 'presence remove failed');
    });
  }

  localSessions(sdkAppId: number, userID: string): PushTarget[] {
    return listOf(this.#get(sdkAppId, userID)).slice();
  }

  /** The user's sessions on every node, oldest first. */
  async sessionsOf(sdkAppId: number, userID: string): Promise<SessionInfo[]> {
    if (this.clustered) return this.presence.sessions(sdkAppId, userID);
    return listOf(this.#get(sdkAppId, userID)).map((t) => this.#info(t));
  }

  /** Sessions of many users at once (query_online_status); offline users map to []. */
  async onlineOf(sdkAppId: number, userIDs: string[]): Promise<Map<string, SessionInfo[]>> {
    if (this.clustered) return this.presence.sessionsOf(sdkAppId, userIDs);
    return new Map(userIDs.map((u) => [u, listOf(this.#get(sdkAppId, u)).map((t) => this.#info(t))]));
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

  /**
   * Closes every session of an app on every node (the app was disabled or deleted): each gets a
   * `kickedOut` push (REST_API_Kick, `code`) and its connection closes. Returns the local count.
   */
  async closeApp(sdkAppId: number, code: number, message: string): Promise<number> {
    const n = this.#closeAppLocal(sdkAppId, code, message);
    if (this.clustered) await this.bus.publish(APPS_CHANNEL, encodeClusterMessage({ t: 'closeApp', origin: this.nodeId, sdkAppId, code, message }));
    return n;
  }

  #closeAppLocal(sdkAppId: number, code: number, message: string): number {
    this.onAppClosed?.(sdkAppId);
    const users = this.#byApp.get(sdkAppId);
    if (!users) return 0;
    let n = 0;
    for (const sessions of [...users.values()]) {
      for (const s of listOf(sessions).slice()) {
        s.kick('REST_API_Kick', code, message);
        n++;
      }
    }
    return n;
  }

  #onAppsMessage(payload: string): void {
    const m = decodeClusterMessage(payload);
    if (m?.t === 'closeApp' && m.origin !== this.nodeId) this.#closeAppLocal(m.sdkAppId, m.code, m.message);
  }

  /** Every local session (for shutdown and sweeps). */
  *all(): IterableIterator<PushTarget> {
    for (const users of this.#byApp.values()) {
      for (const sessions of users.values()) {
        if (Array.isArray(sessions)) yield* sessions;
        else yield sessions;
      }
    }
  }

  #get(sdkAppId: number, userID: string): Sessions | undefined {
    return this.#byApp.get(sdkAppId)?.get(userID);
  }

  #info(t: PushTarget): SessionInfo {
    return { sdkAppId: t.sdkAppId, userID: t.userID, sessionId: t.sessionId, nodeId: this.nodeId, platform: t.platform, loginAt: t.loginAt };
  }

  #deliverLocal(sdkAppId: number, userID: string, frame: string, except: string): void {
    const sessions = this.#get(sdkAppId, userID);
    if (sessions === undefined) return;
    if (!Array.isArray(sessions)) {
      if (sessions.sessionId !== except) sessions.push(frame);
      return;
    }
    for (const s of sessions) if (s.sessionId !== except) s.push(frame);
  }

  #kickLocal(sdkAppId: number, userID: string, ids: string[] | 'all', reason: KickReason, code: number, message: string): number {
    const sessions = this.#get(sdkAppId, userID);
    if (sessions === undefined) return 0;
    let n = 0;
    for (const s of listOf(sessions).slice()) {
      if (ids === 'all' || ids.includes(s.sessionId)) {
        s.kick(reason, code, message);
        n++;
      }
    }
    return n;
  }

  #onBusMessage(sdkAppId: number, userID: string, payload: string): void {
    // Our own publications come back on every channel we hold; drop them before decoding.
    if (payload.startsWith(this.#selfTag)) return;
    const m = decodeClusterMessage(payload);
    if (!m || m.origin === this.nodeId) return;
    if (m.t === 'push') this.#deliverLocal(sdkAppId, userID, m.frame, m.except);
    else if (m.t === 'kick') this.#kickLocal(sdkAppId, userID, m.sessionIds, m.reason, m.code, m.message);
  }
}
