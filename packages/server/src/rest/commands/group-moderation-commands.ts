/**
 * @module rest/commands/group-moderation-commands
 * group_open_http_svc/set_unread_msg_num and delete_group_msg_by_sender: an admin correcting a
 * member's unread count, and removing what one sender posted from a group's history. Rules:
 * groups/group-unread.ts and groups/group-message-delete.ts.
 */
import { actorFromRest } from '../../groups/actor.ts';
import type { Services } from '../../services.ts';
import type { CommandRegistry } from '../command-registry.ts';
import { str } from './group-body-fields.ts';

export function registerGroupModerationCommands(registry: CommandRegistry, services: Services): void {
  const g = () => services.groups;

  registry.register('group_open_http_svc/set_unread_msg_num', async (ctx, body) => {
    await g().unread.set(actorFromRest(ctx), str(body, 'GroupId'), str(body, 'Member_Account'), body['UnreadMsgNum']);
    return {};
  });

  registry.register('group_open_http_svc/delete_group_msg_by_sender', async (ctx, body) => {
    await g().deletes.bySender(actorFromRest(ctx), str(body, 'GroupId'), str(body, 'Sender_Account'));
    return {};
  });
}
