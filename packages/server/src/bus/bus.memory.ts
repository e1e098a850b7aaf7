/**
 * @module bus/bus.memory
 * In-process bus: the default, for a single node. Nodes that share a `MemoryBusHub` (tests, or
 * several nodes embedded in one process) talk to each other as if over Redis.
 */
import type { Bus, BusHandler } from './bus.ts';

/** The shared "wire": which buses subscribe to which channel. */
export class MemoryBusHub {
  private readonly channels = new Map<string, Set<MemoryBus>>();

  /** @internal */ join(channel: string, bus: MemoryBus): void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(bus);
  }

  /** @internal */ leave(channel: string, bus: MemoryBus): void {
    const set = this.channels.get(channel);
    if (!set) return;
    set.delete(bus);
    if (set.size === 0) this.channels.delete(channel);
  }

  /** @internal */ publish(channel: string, payload: string): void {
    const set = this.channels.get(channel);
    if (!set) return;
    // Delivery is asynchronous like a real bus: a handler never runs inside publish(). Microtasks
    // run FIFO, so per-publisher order holds; the handler is looked up at delivery time so an
    // unsubscribe that completed in between stops delivery.
    for (const bus of set) queueMicrotask(() => bus.deliver(channel, payload));
  }
}

export interface MemoryBusOptions {
  /** Share one hub between buses standing for different nodes; default: a private hub. */
  hub?: MemoryBusHub;
  /** Called when a handler throws (default: rethrown asynchronously, like an uncaught error). */
  onHandlerError?: (err: unknown, channel: string) => void;
}

export class MemoryBus implements Bus {
  private readonly hub: MemoryBusHub;
  private readonly handlers = new Map<string, BusHandler>();
  private readonly onHandlerError: (err: unknown, channel: string) => void;
  private closed = false;

  constructor(opts: MemoryBusOptions = {}) {
    this.hub = opts.hub ?? new MemoryBusHub();
    this.onHandlerError = opts.onHandlerError ?? ((err) => { throw err; });
  }

  async publish(channel: string, payload: string): Promise<void> {
    this.assertOpen();
    this.hub.publish(channel, payload);
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    this.assertOpen();
    this.handlers.set(channel, handler);
    this.hub.join(channel, this);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.handlers.delete(channel);
    this.hub.leave(channel, this);
  }

  /** Never fires: an in-process bus cannot lose its connection. */
  onReconnect(_listener: () => void): void {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.handlers.keys()) this.hub.leave(channel, this);
    this.handlers.clear();
  }

  /** @internal */ deliver(channel: string, payload: string): void {
    const handler = this.handlers.get(channel);
    if (!handler) return;
    try {
      handler(payload);
    } catch (err) {
      this.onHandlerError(err, channel);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryBus is closed');
  }
}
