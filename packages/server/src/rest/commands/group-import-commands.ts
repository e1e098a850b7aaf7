/**
 * @module rest/commands/group-import-commands
 * group_open_http_svc/import_group and import_group_member (reference §5.21 "related import APIs"):
 * migrating groups and their members with their original times, without tips, notices or webhooks.
 * Rules live in groups/group-import.ts.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { actorFromRest } from '../../groups/actor.ts';
import type { Services } from '../../services.ts';
import type { CommandRegistry } from '../command-registry.ts';
import { memberAccounts, str } from './group-body-fields.ts';

/** Tencent: up to 300 members per import_group_member call. */
const MAX_IMPORTED_MEMBERS = 300;

export function registerGroupImportCommands(registry: CommandRegistry, services: Services): void {
  const g = () => services.groups;

  registry.register('group_open_http_svc/import_group', async (ctx, body) => {
    // Members come separately (import_group_member), with their own join times.
    if (body['MemberList'] !== undefined) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'import_group takes no MemberList; use import_group_member');
    const group = await g().imports.group(actorFromRest(ctx), {
      type: body['Type'], name: body['Name'], groupId: body['GroupId'], introduction: body['Introduction'], notification: body['Notification'],
      faceUrl: body['FaceUrl'], maxMembers: body['MaxMemberCount'] ?? body['MaxMemberNum'], joinOption: body['ApplyJoinOption'],
      appDefinedData: body['AppDefinedData'], owner: str(body, 'Owner_Account', false) ?? '', createTime: body['CreateTime'],
    });
    return { GroupId: group.groupId };
  });

  registry.register('group_open_http_svc/import_group_member', async (ctx, body) => {
    const groupId = str(body, 'GroupId');
    if (!Array.isArray(body['MemberList'])) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MemberList is required');
    const list = memberAccounts(body, 'MemberList', MAX_IMPORTED_MEMBERS);
    const results = await g().imports.members(actorFromRest(ctx), groupId, list.map((m) => ({
      userID: m.Member_Account, role: m['Role'], joinTime: m['JoinTime'], unreadMsgNum: m['UnreadMsgNum'],
    })), MAX_IMPORTED_MEMBERS);
    return { MemberList: [...results].map(([Member_Account, Result]) => ({ Member_Account, Result })) };
  });
}
