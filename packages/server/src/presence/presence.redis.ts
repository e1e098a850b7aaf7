/**
 * @module presence/presence.redis
 * Cluster-wide presence in Redis, with TTL-based node liveness so a node that dies without
 * cleaning up (kill -9, network partition) stops counting within `nodeTtlMs`.
 *
 * Keys (P = prefix):
 *   P s:<app>:<user>   hash  sessionId → SessionInfo JSON
 *   P r:<app>:<room>   hash  nodeId → member count on that node
 *   P hb:<node>        string, expires after nodeTtlMs; refreshed every nodeTtlMs/3 by the node
 *   P n:<node>         set   every [hashKey, field] the node wrote, for removeNode
 *   P nodes            set   node ids seen, for the sweeper
 * Reads drop entries whose node has no heartbeat key; a periodic sweep on every node removes them
 * for good. Multi-key scripts build key names, so this targets standalone Redis (not Cluster).
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { Presence, SessionInfo } from './presence.ts';
import { closeRedis, openRedis, unavailable, type RedisConnectionOptions } from '../bus/redis-connection.ts';

export interface RedisPresenceOptions extends RedisConnectionOptions {
  /** This node's id; must match the `nodeId` of the sessions it adds. Unique per running process. */
  nodeId: string;
  /** Key prefix; default `parley:presence:`. */
  prefix?: string;
  /** A node whose heartbeat is older than this is dead and its entries are ignored; default 15 s. */
  nodeTtlMs?: number;
  /** Client name in CLIENT LIST; default `parley-presence`. */
  name?: string;
  /**
   * Called when a heartbeat finds this node's liveness key had expired (Redis was unreachable for
   * longer than nodeTtlMs): other nodes may have swept this node's entries, so the owner should
   * add its live sessions and room counts again.
   */
  onLapsed?: () => void;
}

// Removes a session and its node-index entry (the node is read from the stored JSON).
const REMOVE_SESSION = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', ARGV[2] .. cjson.decode(v)['nodeId'], ARGV[3])
return 1`;

type Entry = [key: string, field: string];

export class RedisPresence implements Presence {
  private readonly prefix: string;
  private readonly nodeTtlMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onLapsed: () => void;
  private closed = false;
  private beating = false;

  private constructor(private readonly redis: Redis, readonly nodeId: string, opts: RedisPresenceOptions) {
    this.prefix = opts.prefix ?? 'parley:presence:';
    this.nodeTtlMs = opts.nodeTtlMs ?? 15_000;
    this.onLapsed = opts.onLapsed ?? (() => {});
  }

  /** Connects, clears entries a previous process with this node id left behind, starts the heartbeat. */
  static async open(opts: RedisPresenceOptions): Promise<RedisPresence> {
    const redis = await openRedis(opts, opts.name ?? 'parley-presence');
    const p = new RedisPresence(redis, opts.nodeId, opts);
    try {
      await p.removeNode(p.nodeId);
      await p.heartbeat();
    } catch (err) {
      await closeRedis(redis);
      throw err;
    }
    const beat = setInterval(() => void p.heartbeat().catch(() => {}), Math.max(10, p.nodeTtlMs / 3));
    const sweep = setInterval(() => void p.sweep().catch(() => {}), Math.max(10, p.nodeTtlMs));
    beat.unref();
    sweep.unref();
    p.timers.push(beat, sweep);
    return p;
  }

  async addSession(s: SessionInfo): Promise<void> {
    const key = this.userKey(s.sdkAppId, s.userID);
    const info: SessionInfo = {
      sdkAppId: s.sdkAppId, userID: s.userID, sessionId: s.sessionId, nodeId: s.nodeId, platform: s.platform, loginAt: s.loginAt,
    };
    await this.exec(this.redis.multi()
      .hset(key, s.sessionId, JSON.stringify(info))
      .sadd(this.k(`n:${s.nodeId}`), entry(key, s.sessionId))
      .sadd(this.k('nodes'), s.nodeId));
  }

  async removeSession(sdkAppId: number, userID: string, sessionId: string): Promise<void> {
    const key = this.userKey(sdkAppId, userID);
    await this.run(() => this.redis.eval(REMOVE_SESSION, 1, key, sessionId, this.k('n:'), entry(key, sessionId)));
  }

  async sessions(sdkAppId: number, userID: string): Promise<SessionInfo[]> {
    return (await this.sessionsOf(sdkAppId, [userID])).get(userID) ?? [];
  }

  /** Every requested user is in the result; offline users map to []. */
  async sessionsOf(sdkAppId: number, userIDs: string[]): Promise<Map<string, SessionInfo[]>> {
    const users = [...new Set(userIDs)];
    const pipe = this.redis.pipeline();
    for (const u of users) pipe.hgetall(this.userKey(sdkAppId, u));
    const replies = await this.exec(pipe);
    const all = users.map((_, i) => Object.values(replies[i] as Record<string, string>).map((v) => JSON.parse(v) as SessionInfo));
    const live = await this.liveNodes(all.flat().map((s) => s.nodeId));
    const out = new Map<string, SessionInfo[]>();
    users.forEach((u, i) => {
      const list = (all[i] ?? []).filter((s) => live.has(s.nodeId));
      list.sort((x, y) => x.loginAt - y.loginAt || (x.sessionId < y.sessionId ? -1 : x.sessionId > y.sessionId ? 1 : 0));
      out.set(u, list);
    });
    return out;
  }

  async setRoomCount(sdkAppId: number, roomId: string, nodeId: string, count: number): Promise<void> {
    const key = this.roomKey(sdkAppId, roomId);
    const index = this.k(`n:${nodeId}`);
    await this.exec(count > 0
      ? this.redis.multi().hset(key, nodeId, String(count)).sadd(index, entry(key, nodeId)).sadd(this.k('nodes'), nodeId)
      : this.redis.multi().hdel(key, nodeId).srem(index, entry(key, nodeId)));
  }

  async roomCount(sdkAppId: number, roomId: string): Promise<number> {
    const counts = await this.run(() => this.redis.hgetall(this.roomKey(sdkAppId, roomId)));
    const live = await this.liveNodes(Object.keys(counts));
    let total = 0;
    for (const [node, n] of Object.entries(counts)) if (live.has(node)) total += Number(n);
    return total;
  }

  async removeNode(nodeId: string): Promise<void> {
    const index = this.k(`n:${nodeId}`);
    // Popped in batches so a node with many entries never blocks Redis for long.
    for (;;) {
      const batch = await this.run(() => this.redis.spop(index, 1_000));
      if (batch.length === 0) break;
      const pipe = this.redis.pipeline();
      for (const e of batch) {
        const [key, field] = JSON.parse(e) as Entry;
        pipe.hdel(key, field);
      }
      await this.exec(pipe);
    }
    if (nodeId !== this.nodeId) await this.run(() => this.redis.srem(this.k('nodes'), nodeId));
  }

  /** Stops the heartbeat and disconnects. Entries stay until removeNode or until the node's TTL ends. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await closeRedis(this.redis);
  }

  /** Refreshes this node's liveness key; notices when it had lapsed (the cluster thought us dead). */
  private async heartbeat(): Promise<void> {
    const [previous] = await this.exec(this.redis.multi()
      .set(this.k(`hb:${this.nodeId}`), '1', 'PX', this.nodeTtlMs, 'GET')
      .sadd(this.k('nodes'), this.nodeId));
    if (previous === null && this.beating) this.onLapsed();
    this.beating = true;
  }

  /** Removes the entries of every node whose heartbeat expired. Safe to run on many nodes at once. */
  async sweep(): Promise<string[]> {
    const nodes = await this.run(() => this.redis.smembers(this.k('nodes')));
    const live = await this.liveNodes(nodes);
    const dead = nodes.filter((n) => !live.has(n));
    for (const n of dead) await this.removeNode(n);
    return dead;
  }

  private async liveNodes(nodeIds: string[]): Promise<Set<string>> {
    const ids = [...new Set(nodeIds)];
    if (ids.length === 0) return new Set();
    const beats = await this.run(() => this.redis.mget(ids.map((n) => this.k(`hb:${n}`))));
    return new Set(ids.filter((_, i) => beats[i] != null));
  }

  /** Runs a pipeline or transaction; any failed command fails the whole call. */
  private async exec(pipe: ChainableCommander): Promise<unknown[]> {
    const replies = await this.run(() => pipe.exec());
    if (!replies) throw unavailable(new Error('transaction aborted'));
    return replies.map(([err, value]) => {
      if (err) throw unavailable(err);
      return value;
    });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('RedisPresence is closed');
    try {
      return await op();
    } catch (err) {
      throw unavailable(err);
    }
  }

  private k(suffix: string): string {
    return this.prefix + suffix;
  }

  private userKey(sdkAppId: number, userID: string): string {
    return this.k(`s:${sdkAppId}:${userID}`);
  }

  private roomKey(sdkAppId: number, roomId: string): string {
    return this.k(`r:${sdkAppId}:${roomId}`);
  }
}

function entry(key: string, field: string): string {
  return JSON.stringify([key, field] satisfies Entry);
}
