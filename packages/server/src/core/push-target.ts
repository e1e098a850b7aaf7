/**
 * @module core/push-target
 * What the real-time core needs from a logged-in connection. The gateway implements it; the core
 * never sees a socket.
 */
import type { KickReason } from '@parley/protocol';

export interface PushTarget {
  readonly sessionId: string;
  readonly sdkAppId: number;
  readonly userID: string;
  readonly platform: string;
  /** Unix ms. */
  readonly loginAt: number;
  /** Queues an encoded server frame (a push) for this connection. */
  push(frame: string): void;
  /** Sends a KICKED_OUT push and closes the connection. */
  kick(reason: KickReason, code: number, message: string): void;
}
