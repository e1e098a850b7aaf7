/**
 * @module groups/group-unread
 * set_unread_msg_num: an admin sets how many messages a member has not read, as a migration
 * brings them over. The member's cursor moves to the end of history and the number is kept as
 * the member's extra unread count, which the conversation list adds to messages arriving after
 * it; reading the group clears it. Types without unread counts (Meeting, live rooms) answer 10007.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';

export class GroupUnread {
  constructor(private readonly core: GroupCore) {}

  async set(actor: Actor, groupId: unknown, userID: unknown, count: unknown): Promise<void> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    if (!core.rules(group).unread) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} keeps no unread counts`);
    if (typeof userID !== 'string' || userID === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Member_Account must be a non-empty string');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 0xffffffff) {
      throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'UnreadMsgNum must be a non-negative integer');
    }
    const { rank } = await core.standing(actor, group);
    core.require('appAdmin', rank, 'Setting unread counts');
    if (!(await core.store.groups.getMember(group.sdkAppId, group.groupId, userID))) {
      throw new ParleyError(Codes.GROUP_NOT_MEMBER, `${userID} is not a member of the group`);
    }
    await core.messaging.setRead(group.sdkAppId, group.groupId, userID, undefined);
    await core.store.groups.updateMember(group.sdkAppId, group.groupId, userID, { unreadExtra: count });
  }
}
