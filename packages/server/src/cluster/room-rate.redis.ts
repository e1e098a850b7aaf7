/**
 * @module cluster/room-rate.redis
 * The cluster-wide per-room token bucket in Redis (see cluster/room-rate.ts): one hash per room,
 * `<prefix><app>:<group>` {tok, last, rate}, updated atomically by a Lua script on Redis' clock,
 * expiring a minute after last use. Same reserves as live/room-limiter.ts.
 */
import type { Redis } from 'ioredis';
import type { Priority } from '@parley/protocol';
import { closeRedis, openRedis, type RedisConnectionOptions } from '../bus/redis-connection.ts';
import type { RoomRate } from './room-rate.ts';

const RANK: Record<Priority, number> = { High: 0, Normal: 1, Low: 2, Lowest: 3 };
/** Bucket share each priority must leave (same as live/room-limiter.ts). */
const RESERVE = [0, 0, 0.25, 0.5];

// KEYS[1] bucket hash; ARGV rate, rank, reserve fraction. Returns 1 admitted, 0 dropped.
const ADMIT = `
local rate = tonumber(ARGV[1])
local rank = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tok', 'last', 'rate')
local tok = tonumber(v[1])
local last = tonumber(v[2])
local r = tonumber(v[3])
if tok == nil then
  tok = rate
  last = now
elseif r ~= rate then
  tok = math.min(tok, rate)
  last = now
end
local el = now - last
if el > 0 then
  tok = math.min(rate, tok + el * rate / 1000)
  last = now
end
local ok = 0
if rank == 0 then
  tok = math.max(tok - 1, -rate)
  ok = 1
elseif tok >= 1 + reserve * rate then
  tok = tok - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 'tok', tostring(tok), 'last', tostring(last), 'rate', tostring(rate))
redis.call('PEXPIRE', KEYS[1], 60000)
return ok`;

export class RedisRoomRate implements RoomRate {
  private constructor(private readonly redis: Redis, private readonly prefix: string) {
    redis.defineCommand('parleyRoomAdmit', { numberOfKeys: 1, lua: ADMIT });
  }

  /** `prefix` e.g. `parley:rate:`; keys are `<prefix><app>:<group>` and expire a minute after last use. */
  static async open(opts: RedisConnectionOptions & { prefix: string; name: string }): Promise<RedisRoomRate> {
    return new RedisRoomRate(await openRedis(opts, opts.name), opts.prefix);
  }

  admit(sdkAppId: number, groupId: string, priority: Priority, ratePerSecond: number): Promise<boolean> {
    return this.#admit(this.prefix, sdkAppId, groupId, priority, ratePerSecond);
  }

  /**
   * The same buckets in another key space, on this connection (group attribute writes use one, so
   * a group's attribute budget never shares a bucket with a live room's messages). Closing the view
   * does nothing: the connection is this object's.
   */
  withPrefix(prefix: string): RoomRate {
    return {
      admit: (sdkAppId, groupId, priority, ratePerSecond) => this.#admit(prefix, sdkAppId, groupId, priority, ratePerSecond),
      close: async () => {},
    };
  }

  async #admit(prefix: string, sdkAppId: number, groupId: string, priority: Priority, ratePerSecond: number): Promise<boolean> {
    const rank = RANK[priority] ?? 1;
    const cmd = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>)['parleyRoomAdmit']!;
    const r = await cmd.call(this.redis, `${prefix}${sdkAppId}:${groupId}`, ratePerSecond, rank, RESERVE[rank]);
    return r === 1;
  }

  close(): Promise<void> {
    return closeRedis(this.redis);
  }
}
