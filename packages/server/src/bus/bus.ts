/**
 * @module bus/bus
 * Node-to-node transport for the cluster. Engines only move bytes on named channels: in-process
 * (`bus.memory.ts`, the default; single node only) and Redis pub/sub (`bus.redis.ts`). What travels
 * on it is written once, above the bus, in `cluster/cluster-message.ts`.
 *
 * Contract: a message published on a channel reaches every subscriber of that channel at most once,
 * in publish order per publisher; nothing is stored for absent subscribers (delivery guarantees
 * come from the store and client resync, not from the bus).
 */

export type BusHandler = (payload: string) => void;

export interface Bus {
  publish(channel: string, payload: string): Promise<void>;
  /** Subscribes this node to a channel; one handler per channel per node. */
  subscribe(channel: string, handler: BusHandler): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Called after the engine reconnects (e.g. Redis restarted): the core resyncs what it may have missed. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
