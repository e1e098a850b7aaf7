/**
 * @module bus/redis-connection
 * Opens ioredis connections that fail fast while Redis is down (no offline queue, no resend of
 * unanswered commands), so callers get a clear retryable error instead of an unbounded backlog;
 * the connection itself keeps reconnecting in the background. Shared by the Redis bus and presence.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';

export interface RedisConnectionOptions {
  /** `redis://host:port/db`; default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Extra ioredis options (merged over the fail-fast defaults). */
  redis?: RedisOptions;
}

/** Connects and waits until ready; rejects with STORE_UNAVAILABLE when Redis is unreachable. */
export async function openRedis(opts: RedisConnectionOptions, connectionName: string): Promise<Redis> {
  const client = new Redis(opts.url ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    connectionName,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    // 0: commands in flight when the socket drops are rejected at once instead of waiting.
    maxRetriesPerRequest: 0,
    commandTimeout: 5_000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    ...opts.redis,
  });
  // Errors are reported through rejected commands; without a listener ioredis would log each one.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw unavailable(err);
  }
  return client;
}

export function unavailable(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new ParleyError(Codes.STORE_UNAVAILABLE, `Redis is unavailable: ${reason}`, { cause: err });
}

/** Closes gracefully, falling back to a hard disconnect when Redis is not answering. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
