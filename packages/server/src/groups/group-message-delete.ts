/**
 * @module groups/group-message-delete
 * delete_group_msg_by_sender: removes everything one user sent to a group from its stored history
 * (moderation, e.g. after banning a spammer). History pages, `syncGroups`, the conversation list's
 * last message and unread counts stop showing them; clients are not notified, as on Tencent, so a
 * copy a client already holds stays on that client. Live rooms store nothing: a no-op there, as
 * Tencent documents.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';
import { groupConvId } from './group-messages.ts';

export class GroupMessageDelete {
  constructor(private readonly core: GroupCore) {}

  /** Returns how many messages were deleted. */
  async bySender(actor: Actor, groupId: unknown, sender: unknown): Promise<number> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    if (typeof sender !== 'string' || sender === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Sender_Account must be a non-empty string');
    const { rank } = await core.standing(actor, group);
    core.require('appAdmin', rank, 'Deleting a member\'s messages');
    if (!core.rules(group).history) return 0;
    return core.store.messages.deleteFrom(group.sdkAppId, groupConvId(group.groupId), sender);
  }
}
