/**
 * @module messaging/message-hooks
 * The seam where content checks and webhooks meet the send path: the sensitive-word filter and
 * before-send callbacks decide (allow, modify, drop, or throw a ParleyError to deny); after-send
 * callbacks observe. `noHooks` allows everything.
 */
import type { MsgBody } from '@parley/protocol';
import type { StoredMessage } from '../store/message-store.ts';

export interface BeforeSendInput {
  sdkAppId: number;
  from: string;
  to: string;
  body: MsgBody;
  random: number;
  time: number;
  cloudCustomData?: string;
  onlineOnly?: boolean;
  platform?: string;
  /** False skips the before-send webhook only (REST ForbidBeforeSendMsgCallback, batchsendmsg); content checks still run. */
  beforeCallback?: boolean;
}

export type HookDecision =
  | { action: 'allow'; body?: MsgBody; cloudCustomData?: string }
  | { action: 'drop' };

export interface MessageHooks {
  /** Runs before a C2C message is stored; throws a ParleyError to deny it. */
  beforeC2C(input: BeforeSendInput): Promise<HookDecision> | HookDecision;
  /** Observes a stored C2C message; must not block or throw. */
  afterC2C(message: StoredMessage, body: MsgBody, platform: string): void;
}

const ALLOW: HookDecision = { action: 'allow' };

export const noHooks: MessageHooks = {
  beforeC2C: () => ALLOW,
  afterC2C: () => {},
};
