/**
 * @module rest/command-registry
 * The table of REST commands, keyed `service/command` as in the URL `/v4/<service>/<command>`.
 * Each service registers its commands from its own file under rest/commands/:
 *
 *     registry.register('openim/sendmsg', async (ctx, body) => ({ MsgTime: 1 }));
 *
 * A handler gets the authenticated admin context and the parsed JSON object, returns the
 * command's own response fields (the envelope is added for it), and throws ParleyError to fail.
 */
import type { AppRegistry } from '../apps/app-registry.ts';
import type { TicketVerifier } from '../auth/ticket-verifier.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AppRecord } from '../store/app-store.ts';
import type { Store } from '../store/store.ts';
import type { SessionControl } from './session-control.ts';

export interface RestDeps {
  store: Store;
  apps: AppRegistry;
  verifier: TicketVerifier;
  logger: Logger;
  metrics: Metrics;
  registry: CommandRegistry;
  sessions: SessionControl;
  /** Unix ms; injectable for tests (rate limits, kick times). */
  now?: () => number;
}

export interface RestContext {
  app: AppRecord;
  /** The admin UserID the call was signed as. */
  identifier: string;
  /** The `random` query parameter, as given. */
  random?: string;
  deps: RestDeps;
}

export type RestCommand = (ctx: RestContext, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface CommandOptions {
  /** Calls per second per app (Tencent's per-API limit); default 200. */
  ratePerSecond?: number;
}

export interface RegisteredCommand {
  path: string;
  handler: RestCommand;
  ratePerSecond: number;
}

/** Tencent's default per-API, per-app limit. */
export const DEFAULT_RATE_PER_SECOND = 200;
const PATH = /^[A-Za-z0-9_]+\/[A-Za-z0-9_]+$/;

export class CommandRegistry {
  private readonly commands = new Map<string, RegisteredCommand>();

  register(path: string, handler: RestCommand, opts: CommandOptions = {}): void {
    if (!PATH.test(path)) throw new Error(`REST command path must be "service/command", got "${path}"`);
    if (this.commands.has(path)) throw new Error(`REST command ${path} is already registered`);
    const rate = opts.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
    if (!(rate > 0)) throw new Error(`REST command ${path}: ratePerSecond must be positive`);
    this.commands.set(path, { path, handler, ratePerSecond: rate });
  }

  get(path: string): RegisteredCommand | undefined {
    return this.commands.get(path);
  }

  has(path: string): boolean {
    return this.commands.has(path);
  }

  paths(): string[] {
    return [...this.commands.keys()].sort();
  }
}
