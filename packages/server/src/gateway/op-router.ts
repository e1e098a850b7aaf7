/**
 * @module gateway/op-router
 * Maps a request's `op` to its handler. Each handler declares whether it needs a logged-in session
 * and a validator for its data; the router answers bad input with a code and never lets one
 * request's failure touch the connection.
 */
import type { ValidateFunction } from 'ajv';
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { ClientConnection, SessionState } from './client-connection.ts';
import type { Services } from '../services.ts';

export interface OpContext {
  conn: ClientConnection;
  services: Services;
}

export interface LoggedInContext extends OpContext {
  session: SessionState;
}

export type OpHandler<D = unknown, R = unknown> = (ctx: OpContext, data: D) => Promise<R> | R;
export type SessionOpHandler<D = unknown, R = unknown> = (ctx: LoggedInContext, data: D) => Promise<R> | R;

interface Route {
  needsSession: boolean;
  validate: ValidateFunction | undefined;
  handler: (ctx: OpContext, data: unknown) => Promise<unknown> | unknown;
}

export class OpRouter {
  readonly #routes = new Map<string, Route>();

  /** An op usable before login (login, heartbeat). */
  public<D>(op: string, validate: ValidateFunction<D> | undefined, handler: OpHandler<D>): void {
    this.#routes.set(op, { needsSession: false, validate, handler: handler as Route['handler'] });
  }

  /** An op that needs a logged-in session. */
  session<D>(op: string, validate: ValidateFunction<D> | undefined, handler: SessionOpHandler<D>): void {
    this.#routes.set(op, {
      needsSession: true,
      validate,
      handler: (ctx, data) => handler({ ...ctx, session: ctx.conn.session! }, data as D),
    });
  }

  has(op: string): boolean {
    return this.#routes.has(op);
  }

  async dispatch(ctx: OpContext, op: string, data: unknown): Promise<unknown> {
    const route = this.#routes.get(op);
    if (!route) throw new ParleyError(Codes.PROTOCOL_UNKNOWN_OP, `Unknown operation: ${op.slice(0, 64)}`);
    if (route.needsSession && !ctx.conn.session) throw new ParleyError(Codes.NOT_LOGGED_IN);
    const payload = data ?? {};
    if (route.validate && !route.validate(payload)) {
      const e = route.validate.errors?.[0];
      const where = e ? `${e.instancePath || 'data'} ${e.message ?? 'is invalid'}` : 'invalid data';
      throw new ParleyError(Codes.SDK_INVALID_PARAMETER, `Invalid ${op} request: ${where}`);
    }
    return route.handler(ctx, payload);
  }
}
