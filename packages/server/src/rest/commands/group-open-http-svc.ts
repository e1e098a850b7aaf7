/**
 * @module rest/commands/group-open-http-svc
 * The `group_open_http_svc` REST service (reference §5): create_group, get_group_info,
 * modify_group_base_info, add_group_member, delete_group_member, get_group_member_info,
 * modify_group_member_info, destroy_group, get_joined_group_list, get_role_in_group,
 * forbid_send_msg, get_group_shutted_uin (and get_group_muted_account), send_group_msg,
 * send_group_system_notification, change_group_owner, group_msg_recall, group_msg_get_simple,
 * get_online_member_num, import_group_msg, get_appid_group_list; the imports, unread/delete and
 * attribute commands register from their own files (group-*-commands.ts). The REST admin acts with owner
 * rights in every group. Field names, shapes and codes follow the reference; docs/groups.md lists
 * the choices made where it is silent.
 */
import { randomInt } from 'node:crypto';
import { Codes, GroupNoticeType } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { actorFromRest } from '../../groups/actor.ts';
import { validateMsgBody } from '../../messaging/message-validation.ts';
import { groupConvId } from '../../groups/group-messages.ts';
import { restGroupBase, restHistoryEntry, restMember } from '../../groups/group-rest-encoding.ts';
import { GROUP_RULES, normalizeGroupType } from '../../groups/group-types.ts';
import { isWellFormedGroupID } from '../../groups/group-id.ts';
import type { GroupRecord } from '../../store/group-store.ts';
import type { Services } from '../../services.ts';
import type { CommandRegistry, RestContext } from '../command-registry.ts';
import { accounts, int, memberAccounts, str, type Body } from './group-body-fields.ts';
import { registerGroupImportCommands } from './group-import-commands.ts';
import { registerGroupAttrCommands } from './group-attr-commands.ts';
import { registerGroupModerationCommands } from './group-moderation-commands.ts';

/** Body errors from the shared validator (9000x) are 10004 in group APIs. */
function groupBody(raw: unknown, ccd: string | undefined) {
  try {
    return validateMsgBody(raw, ccd, Codes.GROUP_MSG_TOO_LARGE);
  } catch (err) {
    if (err instanceof ParleyError && err.code >= 90000 && err.code < 91000) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, err.message);
    throw err;
  }
}

const IMPORTABLE = new Set(['TIMTextElem', 'TIMFaceElem', 'TIMLocationElem', 'TIMCustomElem']);

export function registerGroupCommands(registry: CommandRegistry, services: Services): void {
  const g = () => services.groups;
  const store = services.store;
  const nowS = () => Math.floor(services.now() / 1000);
  const reg = (name: string, fn: (ctx: RestContext, body: Body) => Promise<Record<string, unknown>>, ratePerSecond?: number) =>
    registry.register(`group_open_http_svc/${name}`, fn, ratePerSecond === undefined ? {} : { ratePerSecond });

  async function lastInfo(group: GroupRecord): Promise<{ sdkAppId: number; lastSeq: number; lastMsgTime: number }> {
    if (!GROUP_RULES[group.type].history) return { sdkAppId: group.sdkAppId, lastSeq: 0, lastMsgTime: 0 };
    const { messaging } = g().core;
    // NextMsgSeq follows the sequence (deleted messages keep theirs); the time is the last message left's.
    const [lastSeq, last] = await Promise.all([messaging.lastSeq(group.sdkAppId, group.groupId), messaging.lastMessage(group.sdkAppId, group.groupId)]);
    return { sdkAppId: group.sdkAppId, lastSeq, lastMsgTime: last?.time ?? 0 };
  }

  reg('create_group', async (ctx, body) => {
    const members = memberAccounts(body, 'MemberList', 100);
    const group = await g().lifecycle.create(actorFromRest(ctx), {
      type: body['Type'], name: body['Name'], groupId: body['GroupId'], introduction: body['Introduction'], notification: body['Notification'],
      faceUrl: body['FaceUrl'], maxMembers: body['MaxMemberCount'] ?? body['MaxMemberNum'], joinOption: body['ApplyJoinOption'],
      appDefinedData: body['AppDefinedData'], owner: str(body, 'Owner_Account', false) ?? '',
      members: members.map((m) => ({ userID: m.Member_Account, role: m['Role'], appMemberDefinedData: m['AppMemberDefinedData'] })),
      maxInitialMembers: 100,
    });
    return group.type === 'Community' ? { GroupId: group.groupId, HugeGroupFlag: 0, Type: 'Community' } : { GroupId: group.groupId };
  });

  reg('get_group_info', async (ctx, body) => {
    const ids = accounts(body, 'GroupIdList', 50);
    if (ids.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'GroupIdList is empty');
    const filter = (body['ResponseFilter'] ?? {}) as Body;
    const found = await store.groups.getGroups(ctx.app.sdkAppId, ids.filter(isWellFormedGroupID));
    const now = nowS();
    const info = [];
    for (const id of ids) {
      const group = found.get(id);
      if (!group) {
        const code = isWellFormedGroupID(id) ? Codes.GROUP_NOT_FOUND : Codes.GROUP_INVALID_ID;
        info.push({ GroupId: id, ErrorCode: code.code, ErrorInfo: code.message });
        continue;
      }
      const entry: Body = { GroupId: id, ErrorCode: 0, ErrorInfo: '', ...restGroupBase(group, await lastInfo(group), filter['GroupBaseInfoFilter'], filter['AppDefinedDataFilter_Group']) };
      if (GROUP_RULES[group.type].memberList && (!filter['GroupBaseInfoFilter'] || filter['MemberInfoFilter'])) {
        const page = await store.groups.listMembers(ctx.app.sdkAppId, id, { offset: 0, limit: 6000 });
        entry['MemberList'] = page.members.map((m) => restMember(m, filter['MemberInfoFilter'], filter['AppDefinedDataFilter_GroupMember'], now));
      }
      info.push(entry);
    }
    return { GroupInfo: info };
  });

  reg('modify_group_base_info', async (ctx, body) => {
    await g().lifecycle.update(actorFromRest(ctx), str(body, 'GroupId'), {
      name: body['Name'], introduction: body['Introduction'], notification: body['Notification'], faceUrl: body['FaceUrl'],
      maxMembers: body['MaxMemberNum'], joinOption: body['ApplyJoinOption'], muteAll: body['MuteAllMember'], appDefinedData: body['AppDefinedData'],
    });
    return {};
  });

  reg('add_group_member', async (ctx, body) => {
    const list = memberAccounts(body, 'MemberList', 300).map((m) => m.Member_Account);
    const r = await g().members.add(actorFromRest(ctx), str(body, 'GroupId'), list, { silent: body['Silence'] === 1, max: 300 });
    return {
      MemberList: [...new Set(list)].map((id) => ({
        Member_Account: id, Result: r.added.includes(id) ? 1 : r.existing.includes(id) ? 2 : 0,
      })),
    };
  });

  reg('delete_group_member', async (ctx, body) => {
    const list = accounts(body, 'MemberToDel_Account', 100);
    await g().members.remove(actorFromRest(ctx), str(body, 'GroupId'), list, {
      silent: body['Silence'] === 1, max: 100, ...(typeof body['Reason'] === 'string' && { reason: body['Reason'] }),
    });
    return {};
  });

  reg('get_group_member_info', async (ctx, body) => {
    const groupId = str(body, 'GroupId');
    const limit = Math.min(int(body, 'Limit') ?? 6000, 6000);
    const next = body['Next'];
    const offset = typeof next === 'string' ? (next === '' ? 0 : Number(next)) : (int(body, 'Offset') ?? 0);
    if (!Number.isInteger(offset) || offset < 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Bad Next');
    const roles = Array.isArray(body['MemberRoleFilter']) ? (body['MemberRoleFilter'] as string[]).filter((r): r is 'Owner' | 'Admin' | 'Member' => r === 'Owner' || r === 'Admin' || r === 'Member') : undefined;
    const r = await g().members.list(actorFromRest(ctx), groupId, offset, limit, roles);
    const now = nowS();
    const out: Body = {
      MemberNum: r.group.memberCount,
      MemberList: r.members.map((m) => restMember(m, body['MemberInfoFilter'], body['AppDefinedDataFilter_GroupMember'], now)),
    };
    if (r.group.type === 'Community' || typeof next === 'string') out['Next'] = offset + r.members.length < r.total ? String(offset + r.members.length) : '';
    return out;
  });

  reg('modify_group_member_info', async (ctx, body) => {
    await g().members.modify(actorFromRest(ctx), str(body, 'GroupId'), str(body, 'Member_Account'), body);
    return {};
  });

  reg('destroy_group', async (ctx, body) => {
    await g().lifecycle.dismiss(actorFromRest(ctx), str(body, 'GroupId'));
    return {};
  });

  reg('get_joined_group_list', async (ctx, body) => {
    const user = str(body, 'Member_Account')!;
    const type = body['GroupType'] === undefined ? undefined : normalizeGroupType(body['GroupType']);
    if (body['GroupType'] !== undefined && !type) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Bad GroupType');
    const limit = Math.min(int(body, 'Limit') ?? 5000, 5000);
    const offset = int(body, 'Offset') ?? 0;
    const filter = (body['ResponseFilter'] ?? {}) as Body;
    const joined = [];
    for (const j of await store.groups.joinedGroups(ctx.app.sdkAppId, user)) {
      if (type && j.group.type !== type) continue;
      // Work groups are inactive until their first message (reference §5.5).
      if (j.group.type === 'Private' && body['WithNoActiveGroups'] !== 1 && (await g().core.messaging.lastSeq(ctx.app.sdkAppId, j.group.groupId)) === 0) continue;
      joined.push(j);
    }
    const page = joined.slice(offset, offset + limit);
    const now = nowS();
    const list = [];
    for (const { group, self } of page) {
      const entry: Body = { GroupId: group.groupId };
      if (filter['GroupBaseInfoFilter']) Object.assign(entry, restGroupBase(group, await lastInfo(group), filter['GroupBaseInfoFilter'], undefined));
      if (filter['SelfInfoFilter']) {
        const { Member_Account: _, ...selfInfo } = restMember(self, filter['SelfInfoFilter'], undefined, now);
        entry['SelfInfo'] = selfInfo;
      }
      list.push(entry);
    }
    return { TotalCount: joined.length, GroupIdList: list };
  });

  reg('get_role_in_group', async (ctx, body) => {
    const group = await g().core.load(ctx.app.sdkAppId, str(body, 'GroupId'));
    const users = accounts(body, 'User_Account', 500);
    const found = await store.groups.getMembers(ctx.app.sdkAppId, group.groupId, users);
    return {
      UserIdList: users.map((u) => ({
        Member_Account: u, Role: u === group.owner && group.owner !== '' ? 'Owner' : (found.get(u)?.role ?? 'NotMember'),
      })),
    };
  });

  reg('forbid_send_msg', async (ctx, body) => {
    const users = accounts(body, 'Members_Account', 500);
    const time = body['MuteTime'] ?? body['ShutUpTime'];
    await g().members.mute(actorFromRest(ctx), str(body, 'GroupId'), users, time);
    return {};
  });

  const mutedList = (legacy: boolean) => async (ctx: RestContext, body: Body) => {
    const group = await g().core.load(ctx.app.sdkAppId, str(body, 'GroupId'));
    const muted = await store.groups.mutedMembers(ctx.app.sdkAppId, group.groupId, nowS());
    return legacy
      ? { GroupId: group.groupId, ShuttedUinList: muted.map((m) => ({ Member_Account: m.userID, ShuttedUntil: m.until })) }
      : { GroupId: group.groupId, MutedAccountList: muted.map((m) => ({ Member_Account: m.userID, MutedUntil: m.until })) };
  };
  reg('get_group_shutted_uin', mutedList(true));
  reg('get_group_muted_account', mutedList(false));

  reg('send_group_msg', async (ctx, body) => {
    const groupId = str(body, 'GroupId');
    const random = int(body, 'Random', true)!;
    if (random > 0xffffffff) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Random must be a uint32');
    const from = str(body, 'From_Account', false) ?? ctx.identifier;
    if (from !== ctx.identifier && !(await services.directory.exists(ctx.app.sdkAppId, from))) throw new ParleyError(Codes.GROUP_USER_NOT_FOUND, `From_Account ${from} does not exist`);
    const ccd = body['CloudCustomData'];
    if (ccd !== undefined && typeof ccd !== 'string') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'CloudCustomData must be a string');
    groupBody(body['MsgBody'], ccd);
    const forbid = Array.isArray(body['ForbidCallbackControl']) ? (body['ForbidCallbackControl'] as unknown[]) : [];
    const r = await g().chat.send(actorFromRest(ctx), {
      groupId, from, body: body['MsgBody'], random,
      // Tencent: the same sender with the same Random within 5 minutes is a duplicate.
      dedupKey: `r:${random}:${Math.floor(nowS() / 300)}`,
      priority: body['MsgPriority'] ?? 'Normal',
      ...(ccd !== undefined && { cloudCustomData: ccd }),
      onlineOnly: body['OnlineOnlyFlag'] === 1,
      beforeCallback: !forbid.includes('ForbidBeforeSendMsgCallback'),
    });
    return { MsgTime: r.message.time, MsgSeq: r.message.seq, ...(r.dropReason && { MsgDropReason: r.dropReason }) };
  });

  reg('send_group_system_notification', async (ctx, body) => {
    const group = await g().core.load(ctx.app.sdkAppId, str(body, 'GroupId'));
    const to = accounts(body, 'ToMembers_Account', 500, false);
    const content = typeof body['Content'] === 'string' ? body['Content'] : '';
    if (content === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Content is required');
    const fields = { operationType: GroupNoticeType.CUSTOM, userDefinedField: content };
    if (GROUP_RULES[group.type].live) {
      if (to.length > 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${group.type} notifications go to all members`);
      const noticeBody = JSON.stringify([{
        MsgType: 'TIMGroupSystemNoticeElem',
        MsgContent: { ...fields, groupProfile: { groupID: group.groupId, name: group.name, type: group.type }, operatorID: ctx.identifier },
      }]);
      const time = nowS();
      const rnd = randomInt(0, 0xffffffff);
      const wire = `{"type":"GROUP","from":"@TIM#SYSTEM","to":${JSON.stringify(group.groupId)},"seq":0,"random":${rnd},"time":${time},"msgKey":"0_${rnd}_${time}","body":${noticeBody},"priority":"High","onlineOnly":true}`;
      if (group.type === 'BChatRoom') g().core.live.broadcastToApp(group.sdkAppId, wire);
      else g().core.live.publish(group.sdkAppId, group.groupId, wire, 'High', Number.MAX_SAFE_INTEGER);
      return {};
    }
    const members = await store.groups.memberIds(ctx.app.sdkAppId, group.groupId);
    const targets = to.length > 0 ? to.filter((u) => members.includes(u)) : members;
    g().core.notices.sendOnline(group, ctx.identifier, targets, fields);
    return {};
  });

  reg('change_group_owner', async (ctx, body) => {
    await g().lifecycle.changeOwner(actorFromRest(ctx), str(body, 'GroupId'), str(body, 'NewOwner_Account'));
    return {};
  });

  reg('group_msg_recall', async (ctx, body) => {
    const group = await g().core.load(ctx.app.sdkAppId, str(body, 'GroupId'));
    if (!GROUP_RULES[group.type].recall) throw new ParleyError(Codes.GROUP_RECALL_UNSUPPORTED);
    const list = body['MsgSeqList'];
    if (!Array.isArray(list) || list.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MsgSeqList is required');
    if (list.length > 10) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'At most 10 messages per call');
    const seqs = list.map((e) => (typeof e === 'object' && e !== null ? (e as Body)['MsgSeq'] : undefined));
    if (!seqs.every((s) => typeof s === 'number' && Number.isInteger(s) && s > 0)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MsgSeq must be a positive integer');
    const out = [];
    for (const seq of seqs as number[]) {
      try {
        await g().chat.revoke(actorFromRest(ctx), group.groupId, seq);
        out.push({ MsgSeq: seq, RetCode: 0 });
      } catch (err) {
        if (!(err instanceof ParleyError)) throw err;
        out.push({ MsgSeq: seq, RetCode: err.code });
      }
    }
    return { RecallRetList: out };
  });

  reg('group_msg_get_simple', async (ctx, body) => {
    const group = await g().chat.readable(actorFromRest(ctx), str(body, 'GroupId'));
    const count = int(body, 'ReqMsgNumber', true)!;
    if (count < 1 || count > 20) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'ReqMsgNumber must be 1 to 20');
    const reqSeq = int(body, 'ReqMsgSeq');
    const withRecalled = body['WithRecalledMsg'] === 1;
    const rows = await store.messages.history(ctx.app.sdkAppId, groupConvId(group.groupId), reqSeq === undefined ? undefined : reqSeq + 1, count + 1);
    const page = rows.slice(0, count);
    return {
      GroupId: group.groupId,
      IsFinished: rows.length > count ? 0 : 1,
      RspMsgList: page.filter((m) => withRecalled || !m.revoked).map(restHistoryEntry),
    };
  });

  reg('get_online_member_num', async (ctx, body) => {
    return { OnlineMemberNum: await g().chat.onlineCount(actorFromRest(ctx), str(body, 'GroupId')) };
  });

  reg('import_group_msg', async (ctx, body) => {
    const group = await g().core.load(ctx.app.sdkAppId, str(body, 'GroupId'));
    if (GROUP_RULES[group.type].live) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} does not store messages`);
    const list = body['MsgList'];
    if (!Array.isArray(list) || list.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MsgList is required');
    if (list.length > 20) throw new ParleyError(Codes.GROUP_MSG_TOO_LONG, 'At most 20 messages per call');
    const last = await g().core.messaging.lastMessage(group.sdkAppId, group.groupId);
    let floor = Math.max(group.createdAt, last?.time ?? 0);
    const now = nowS();
    const results = [];
    for (const raw of list as Body[]) {
      const from = typeof raw['From_Account'] === 'string' ? raw['From_Account'] : '';
      const time = raw['SendTime'];
      const random = typeof raw['Random'] === 'number' ? raw['Random'] : randomInt(0, 0xffffffff);
      if (from === '' || !(await services.directory.exists(ctx.app.sdkAppId, from))) {
        results.push({ MsgSeq: 0, MsgTime: 0, Result: Codes.GROUP_USER_NOT_FOUND.code });
        continue;
      }
      if (typeof time !== 'number' || !Number.isInteger(time) || time > now || time < floor) {
        results.push({ MsgSeq: 0, MsgTime: typeof time === 'number' ? time : 0, Result: Codes.GROUP_INVALID_PARAMETER.code });
        continue;
      }
      let encoded: string;
      try {
        const body0 = raw['MsgBody'];
        if (!Array.isArray(body0) || !body0.every((e) => IMPORTABLE.has((e as Body)?.['MsgType'] as string))) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER);
        encoded = groupBody(body0, undefined).encoded;
      } catch (err) {
        results.push({ MsgSeq: 0, MsgTime: time, Result: err instanceof ParleyError ? err.code : Codes.GROUP_INVALID_PARAMETER.code });
        continue;
      }
      const r = await services.committer.append({
        sdkAppId: group.sdkAppId, convId: groupConvId(group.groupId), from, to: group.groupId, random, dedupKey: `i:${random}:${time}`,
        time, body: encoded, priority: 'Normal', inboxUsers: [],
      });
      floor = time;
      results.push({ MsgSeq: r.message.seq, MsgTime: r.message.time, Result: 0 });
    }
    // After an import every member's unread count is reset (reference §5.21).
    const lastSeq = await g().core.messaging.lastSeq(group.sdkAppId, group.groupId);
    if (lastSeq > 0) for (const u of await store.groups.memberIds(group.sdkAppId, group.groupId)) await g().core.messaging.markRead(group.sdkAppId, group.groupId, u, lastSeq);
    return { ImportMsgResult: results };
  });

  reg('get_appid_group_list', async (ctx, body) => {
    const limit = Math.min(int(body, 'Limit') ?? 10000, 10000);
    const next = int(body, 'Next') ?? 0;
    const type = body['GroupType'] === undefined ? undefined : normalizeGroupType(body['GroupType']);
    if (body['GroupType'] !== undefined && !type) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Bad GroupType');
    const r = await store.groups.listGroups(ctx.app.sdkAppId, { next, limit, ...(type && { type }) });
    return { TotalCount: r.total, GroupIdList: r.groupIds.map((GroupId) => ({ GroupId })), Next: r.next };
  }, 1);

  registerGroupImportCommands(registry, services);
  registerGroupModerationCommands(registry, services);
  registerGroupAttrCommands(registry, services);
}
