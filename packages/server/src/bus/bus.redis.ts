/**
 * @module bus/bus.redis
 * Redis pub/sub bus: one publisher and one subscriber connection per node. After the subscriber
 * reconnects, it resubscribes every channel itself (ioredis' auto-resubscribe does not say when it
 * is done) and only then calls the onReconnect listeners, so a resync they start cannot miss
 * messages published after it. Publishing while Redis is down rejects with the retryable
 * STORE_UNAVAILABLE code.
 */
import type { Redis } from 'ioredis';
import type { Bus, BusHandler } from './bus.ts';
import { closeRedis, openRedis, unavailable, type RedisConnectionOptions } from './redis-connection.ts';

export interface RedisBusOptions extends RedisConnectionOptions {
  /** Prepended to every channel name, to share one Redis between deployments; default `parley:bus:`. */
  prefix?: string;
  /** Client name shown in CLIENT LIST (`<name>:pub`, `<name>:sub`); default `parley-bus`. */
  name?: string;
  /** Called when a handler or a reconnect listener throws; default: ignored. */
  onError?: (err: unknown) => void;
}

export class RedisBus implements Bus {
  private readonly handlers = new Map<string, BusHandler>();
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly prefix: string;
  private readonly onError: (err: unknown) => void;
  private closed = false;
  private wasReady = true;

  private constructor(private readonly pub: Redis, private readonly sub: Redis, opts: RedisBusOptions) {
    this.prefix = opts.prefix ?? 'parley:bus:';
    this.onError = opts.onError ?? (() => {});
    sub.on('message', (channel: string, payload: string) => this.deliver(channel, payload));
    sub.on('close', () => { this.wasReady = false; });
    sub.on('ready', () => {
      if (this.wasReady) return;
      this.wasReady = true;
      void this.resubscribe();
    });
  }

  /** Connects both connections; rejects with STORE_UNAVAILABLE when Redis is unreachable. */
  static async open(opts: RedisBusOptions = {}): Promise<RedisBus> {
    const name = opts.name ?? 'parley-bus';
    // Our own resubscription replaces ioredis' so we know when it has finished.
    const subOpts = { ...opts, redis: { ...opts.redis, autoResubscribe: false } };
    // Auto-pipelining sends the publishes of one event-loop turn in one write: a busy node publishes
    // once per delivered message, and a syscall each was an eighth of its CPU.
    const pub = await openRedis({ ...opts, redis: { enableAutoPipelining: true, ...opts.redis } }, `${name}:pub`);
    try {
      return new RedisBus(pub, await openRedis(subOpts, `${name}:sub`), opts);
    } catch (err) {
      await closeRedis(pub);
      throw err;
    }
  }

  async publish(channel: string, payload: string): Promise<void> {
    this.assertOpen();
    try {
      await this.pub.publish(this.prefix + channel, payload);
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Rejects with STORE_UNAVAILABLE (and is not subscribed) when Redis is down. */
  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    this.assertOpen();
    const had = this.handlers.has(channel);
    this.handlers.set(channel, handler);
    if (had) return;
    try {
      await this.sub.subscribe(this.prefix + channel);
    } catch (err) {
      if (this.handlers.get(channel) === handler) this.handlers.delete(channel);
      throw unavailable(err);
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    if (!this.handlers.delete(channel) || this.closed) return;
    // Delivery stops at once (the handler is gone); a failed UNSUBSCRIBE only leaves Redis sending
    // us messages we drop, and the next reconnect does not resubscribe the channel.
    await this.sub.unsubscribe(this.prefix + channel).catch(() => {});
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }

  private deliver(channel: string, payload: string): void {
    if (!channel.startsWith(this.prefix)) return;
    const handler = this.handlers.get(channel.slice(this.prefix.length));
    if (!handler) return;
    try {
      handler(payload);
    } catch (err) {
      this.onError(err);
    }
  }

  private async resubscribe(): Promise<void> {
    const channels = [...this.handlers.keys()].map((c) => this.prefix + c);
    try {
      if (channels.length > 0) await this.sub.subscribe(...channels);
    } catch (err) {
      // The connection dropped again; the next 'ready' retries.
      this.onError(err);
      return;
    }
    if (this.closed) return;
    for (const listener of this.reconnectListeners) {
      try {
        listener();
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RedisBus is closed');
  }
}
