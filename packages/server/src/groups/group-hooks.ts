/**
 * @module groups/group-hooks
 * The seam where content checks and webhooks meet the group send path, like MessageHooks for C2C:
 * `beforeGroup` decides (allow, modify, drop, or throw a ParleyError such as 10016 to deny) and
 * `afterGroup` observes a message that was stored or delivered. `noGroupHooks` allows everything.
 * The callbacks module wires Group.CallbackBeforeSendMsg / AfterSendMsg here.
 */
import type { GroupType, MsgBody } from '@parley/protocol';
import type { HookDecision } from '../messaging/message-hooks.ts';
import type { GroupRecord } from '../store/group-store.ts';
import type { StoredMessage } from '../store/message-store.ts';

export interface BeforeGroupSendInput {
  sdkAppId: number;
  groupId: string;
  groupType: GroupType;
  from: string;
  body: MsgBody;
  random: number;
  time: number;
  priority: string;
  cloudCustomData?: string;
  onlineOnly?: boolean;
  platform?: string;
  /** False skips the before-send webhook only (REST ForbidBeforeSendMsgCallback). */
  beforeCallback?: boolean;
}

export interface GroupMessageHooks {
  beforeGroup(input: BeforeGroupSendInput): Promise<HookDecision> | HookDecision;
  /** Must not block or throw. Not called for messages a live room's limiter dropped. */
  afterGroup(message: StoredMessage, body: MsgBody, groupType: GroupType, platform: string): void;
  /** Group lifecycle (after-event webhooks, daily figures). Optional; must not block or throw. */
  afterCreate?(group: GroupRecord, operator: string, members: readonly string[], platform: string): void;
  afterJoin?(group: GroupRecord, joinType: 'Apply' | 'Invited', operator: string, userIDs: readonly string[], platform: string): void;
  afterExit?(group: GroupRecord, exitType: 'Kicked' | 'Quit', operator: string, userIDs: readonly string[], platform: string): void;
  afterDestroy?(group: GroupRecord, members: readonly string[], platform: string): void;
}

const ALLOW: HookDecision = { action: 'allow' };

export const noGroupHooks: GroupMessageHooks = {
  beforeGroup: () => ALLOW,
  afterGroup: () => {},
};
