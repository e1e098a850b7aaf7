/**
 * @module gateway/ops/group-ops
 * Group ops, named as Tencent's Web SDK methods (protocol `group-ops.ts` has the shapes):
 * createGroup, joinGroup, quitGroup, dismissGroup, getGroupList, getGroupProfile,
 * updateGroupProfile, getGroupMemberList, addGroupMember, deleteGroupMember, setGroupMemberRole,
 * setGroupMemberMuteTime, setGroupMemberNameCard, changeGroupOwner, getGroupApplicationList,
 * handleGroupApplication, getGroupOnlineMemberCount, syncGroups, and the attribute ops
 * initGroupAttributes, setGroupAttributes, deleteGroupAttributes, getGroupAttributes. Also fills
 * message-ops' `groupDelegate`, so sendMessage/getMessageList/setMessageRead/revokeMessage/
 * getConversationList work for `GROUP<id>` conversations.
 */
import { Codes, type AddGroupMemberRequest, type GetGroupAttributesRequest, type GroupAttributesRequest, type ChangeGroupOwnerRequest, type CreateGroupRequest, type DeleteGroupMemberRequest, type GetGroupMemberListRequest, type GroupIDRequest, type HandleGroupApplicationRequest, type JoinGroupRequest, type SetGroupMemberMuteTimeRequest, type SetGroupMemberNameCardRequest, type SetGroupMemberRoleRequest, type SyncGroupsRequest, type UpdateGroupProfileRequest } from '@parley/protocol';
import { ParleyError, RawJson } from '../../errors.ts';
import { actorFromSession } from '../../groups/actor.ts';
import { parseAttrMap } from '../../groups/group-attrs.ts';
import { groupMember, groupProfile } from '../../groups/group-wire.ts';
import type { GroupService } from '../../groups/group-service.ts';
import type { GroupRecord } from '../../store/group-store.ts';
import type { LoggedInContext, OpRouter } from '../op-router.ts';
import { groupDelegate } from './message-ops.ts';
import { ajv } from './validator.ts';

const groupID = { type: 'string', minLength: 1, maxLength: 64 };
const userID = { type: 'string', minLength: 1, maxLength: 64 };
const text = (maxLength: number) => ({ type: 'string', maxLength: maxLength * 4 });
const customField = {
  type: 'array', maxItems: 20,
  items: { type: 'object', properties: { key: { type: 'string', maxLength: 64 }, value: { type: 'string', maxLength: 4096 } }, required: ['key', 'value'], additionalProperties: false },
};
const joinOption = { type: 'string', enum: ['FreeAccess', 'NeedPermission', 'DisableApply'] };
const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required, additionalProperties: false });

const validateCreate = ajv.compile<CreateGroupRequest>(obj({
  type: { type: 'string', maxLength: 20 }, name: text(30), groupID, introduction: text(240), notification: text(300), avatar: text(100),
  maxMemberNum: { type: 'integer', minimum: 1 }, joinOption, groupCustomField: customField,
  memberList: {
    type: 'array', maxItems: 500,
    items: obj({ userID, role: { type: 'string', enum: ['Admin', 'Member'] }, memberCustomField: customField }, ['userID']),
  },
}, ['name']));
const validateGroupID = ajv.compile<GroupIDRequest>(obj({ groupID }, ['groupID']));
const validateJoin = ajv.compile<JoinGroupRequest>(obj({ groupID, applyMessage: text(300), type: { type: 'string', maxLength: 20 } }, ['groupID']));
const validateUpdate = ajv.compile<UpdateGroupProfileRequest>(obj({
  groupID, name: text(30), introduction: text(240), notification: text(300), avatar: text(100), maxMemberNum: { type: 'integer', minimum: 1 },
  joinOption, muteAllMembers: { type: 'boolean' }, groupCustomField: customField,
}, ['groupID']));
const validateMemberList = ajv.compile<GetGroupMemberListRequest>(obj({
  groupID, count: { type: 'integer', minimum: 1, maximum: 100 }, offset: { type: 'integer', minimum: 0 },
}, ['groupID']));
const userIDList = { type: 'array', items: userID, minItems: 1, maxItems: 500 };
const validateAdd = ajv.compile<AddGroupMemberRequest>(obj({ groupID, userIDList }, ['groupID', 'userIDList']));
const validateDelete = ajv.compile<DeleteGroupMemberRequest>(obj({ groupID, userIDList, reason: text(300) }, ['groupID', 'userIDList']));
const validateRole = ajv.compile<SetGroupMemberRoleRequest>(obj({ groupID, userID, role: { type: 'string', enum: ['Admin', 'Member'] } }, ['groupID', 'userID', 'role']));
const validateMute = ajv.compile<SetGroupMemberMuteTimeRequest>(obj({ groupID, userID, muteTime: { type: 'integer', minimum: 0, maximum: 4294967295 } }, ['groupID', 'userID', 'muteTime']));
const validateNameCard = ajv.compile<SetGroupMemberNameCardRequest>(obj({ groupID, userID, nameCard: text(50) }, ['groupID', 'nameCard']));
const validateOwner = ajv.compile<ChangeGroupOwnerRequest>(obj({ groupID, newOwnerID: userID }, ['groupID', 'newOwnerID']));
const validateHandle = ajv.compile<HandleGroupApplicationRequest>(obj({
  groupID, applicant: userID, handleAction: { type: 'string', enum: ['Agree', 'Reject'] }, handleMessage: text(300),
}, ['groupID', 'applicant', 'handleAction']));
// Attribute limits (keys, bytes) are the group module's, answered with Tencent's 10045–10048; the
// schema only bounds the work (an inbound frame is at most 64 KiB anyway).
const groupAttributes = { type: 'object', maxProperties: 1000, additionalProperties: { type: 'string' } };
const keyList = { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 1024 } };
const validateAttrs = ajv.compile<GroupAttributesRequest>(obj({ groupID, groupAttributes }, ['groupID', 'groupAttributes']));
const validateAttrKeys = ajv.compile<GetGroupAttributesRequest>(obj({ groupID, keyList }, ['groupID']));
const validateSync = ajv.compile<SyncGroupsRequest>(obj({
  cursors: { type: 'object', maxProperties: 5000, additionalProperties: { type: 'integer', minimum: 0 }, propertyNames: { maxLength: 64 } },
  limit: { type: 'integer', minimum: 1, maximum: 500 },
}, ['cursors']));

function groups(ctx: LoggedInContext): GroupService {
  return ctx.services.groups;
}

/** A Group object for the caller (with selfInfo when a member). */
async function profileFor(ctx: LoggedInContext, group: GroupRecord): Promise<unknown> {
  const g = groups(ctx);
  const self = await ctx.services.store.groups.getMember(group.sdkAppId, group.groupId, ctx.session.userID);
  const history = g.core.rules(group).history;
  if (!history) return groupProfile(group, 0, self);
  // nextMessageSeq follows the sequence (deleted messages keep theirs); lastMessage is the last one left.
  const [lastSeq, last] = await Promise.all([g.core.messaging.lastSeq(group.sdkAppId, group.groupId), g.core.messaging.lastMessage(group.sdkAppId, group.groupId)]);
  return groupProfile(group, lastSeq, self, last);
}

async function reloaded(ctx: LoggedInContext, group: GroupRecord): Promise<unknown> {
  const fresh = (await ctx.services.store.groups.getGroup(group.sdkAppId, group.groupId)) ?? group;
  return profileFor(ctx, fresh);
}

export function registerGroupOps(router: OpRouter): void {
  router.session('createGroup', validateCreate, async (ctx, req) => {
    const group = await groups(ctx).lifecycle.create(actorFromSession(ctx), {
      type: req.type ?? 'Private', name: req.name, groupId: req.groupID, introduction: req.introduction, notification: req.notification,
      faceUrl: req.avatar, maxMembers: req.maxMemberNum, joinOption: req.joinOption, appDefinedData: req.groupCustomField,
      owner: ctx.session.userID,
      members: (req.memberList ?? []).map((m) => ({ userID: m.userID, role: m.role, appMemberDefinedData: m.memberCustomField })),
      maxInitialMembers: 500,
    });
    return { group: await profileFor(ctx, group), overLimitUserIDList: [] };
  });

  router.session('joinGroup', validateJoin, async (ctx, req) => {
    const r = await groups(ctx).joins.join(actorFromSession(ctx), req.groupID, req.applyMessage);
    return { status: r.status, group: await profileFor(ctx, r.group) };
  });

  router.session('quitGroup', validateGroupID, async (ctx, req) => {
    await groups(ctx).members.quit(actorFromSession(ctx), req.groupID);
    return { groupID: req.groupID };
  });

  router.session('dismissGroup', validateGroupID, async (ctx, req) => {
    await groups(ctx).lifecycle.dismiss(actorFromSession(ctx), req.groupID);
    return { groupID: req.groupID };
  });

  router.session('getGroupList', undefined, async (ctx) => {
    const g = groups(ctx);
    const joined = await ctx.services.store.groups.joinedGroups(ctx.session.app.sdkAppId, ctx.session.userID);
    const list = [];
    for (const { group, self } of joined) {
      if (!g.core.rules(group).listed) continue;
      const last = await g.core.messaging.lastMessage(group.sdkAppId, group.groupId);
      list.push(groupProfile(group, last?.seq ?? 0, self, last));
    }
    return { groupList: list };
  });

  router.session('getGroupProfile', validateGroupID, async (ctx, req) => {
    const r = await groups(ctx).lifecycle.profile(actorFromSession(ctx), req.groupID);
    return { group: await profileFor(ctx, r.group) };
  });

  router.session('updateGroupProfile', validateUpdate, async (ctx, req) => {
    const group = await groups(ctx).lifecycle.update(actorFromSession(ctx), req.groupID, {
      name: req.name, introduction: req.introduction, notification: req.notification, faceUrl: req.avatar,
      maxMembers: req.maxMemberNum, joinOption: req.joinOption, muteAll: req.muteAllMembers, appDefinedData: req.groupCustomField,
    });
    return { group: await profileFor(ctx, group) };
  });

  router.session('getGroupMemberList', validateMemberList, async (ctx, req) => {
    const offset = req.offset ?? 0;
    const count = req.count ?? 15;
    const r = await groups(ctx).members.list(actorFromSession(ctx), req.groupID, offset, count);
    const accounts = await ctx.services.store.accounts.getAccounts(ctx.session.app.sdkAppId, r.members.map((m) => m.userID));
    const now = Math.floor(ctx.services.now() / 1000);
    const next = offset + r.members.length;
    return { memberList: r.members.map((m) => groupMember(m, accounts.get(m.userID), now)), offset: next < r.total ? next : 0 };
  });

  router.session('addGroupMember', validateAdd, async (ctx, req) => {
    const r = await groups(ctx).members.add(actorFromSession(ctx), req.groupID, req.userIDList, { max: 500 });
    return { successUserIDList: r.added, failureUserIDList: r.failed, existedUserIDList: r.existing, group: await profileFor(ctx, r.group) };
  });

  router.session('deleteGroupMember', validateDelete, async (ctx, req) => {
    const r = await groups(ctx).members.remove(actorFromSession(ctx), req.groupID, req.userIDList, { ...(req.reason !== undefined && { reason: req.reason }), max: 500 });
    return { successUserIDList: r.removed, failureUserIDList: [], notFoundUserIDList: r.notFound, group: await profileFor(ctx, r.group) };
  });

  router.session('setGroupMemberRole', validateRole, async (ctx, req) => {
    const group = await groups(ctx).members.setRole(actorFromSession(ctx), req.groupID, req.userID, req.role);
    return { group: await reloaded(ctx, group) };
  });

  router.session('setGroupMemberMuteTime', validateMute, async (ctx, req) => {
    const group = await groups(ctx).members.mute(actorFromSession(ctx), req.groupID, [req.userID], req.muteTime);
    return { group: await reloaded(ctx, group) };
  });

  router.session('setGroupMemberNameCard', validateNameCard, async (ctx, req) => {
    const group = await groups(ctx).members.setNameCard(actorFromSession(ctx), req.groupID, req.userID, req.nameCard);
    return { group: await reloaded(ctx, group) };
  });

  router.session('changeGroupOwner', validateOwner, async (ctx, req) => {
    const group = await groups(ctx).lifecycle.changeOwner(actorFromSession(ctx), req.groupID, req.newOwnerID);
    return { group: await profileFor(ctx, group) };
  });

  router.session('getGroupApplicationList', undefined, async (ctx) => {
    const apps = await groups(ctx).joins.applications(actorFromSession(ctx));
    const accounts = await ctx.services.store.accounts.getAccounts(ctx.session.app.sdkAppId, [...new Set(apps.map((a) => a.application.applicant))]);
    return {
      applicationList: apps.map(({ application: a, group }) => ({
        groupID: a.groupId, groupName: group.name, applicant: a.applicant, applicantNick: accounts.get(a.applicant)?.nick ?? '',
        applicationType: 0, note: a.message, time: a.time,
      })),
    };
  });

  router.session('handleGroupApplication', validateHandle, async (ctx, req) => {
    const group = await groups(ctx).joins.handle(actorFromSession(ctx), req.groupID, req.applicant, req.handleAction, req.handleMessage);
    return { group: await profileFor(ctx, group) };
  });

  router.session('getGroupOnlineMemberCount', validateGroupID, async (ctx, req) => {
    return { memberCount: await groups(ctx).chat.onlineCount(actorFromSession(ctx), req.groupID) };
  });

  // Group attributes (groups/group-attrs.ts): members only (2642), 5 writes/s per group (10049).
  router.session('initGroupAttributes', validateAttrs, async (ctx, req) => {
    const attrs = Object.keys(req.groupAttributes).length === 0 ? {} : parseAttrMap(req.groupAttributes);
    return { groupAttributes: await groups(ctx).attrs.replace(actorFromSession(ctx), req.groupID, attrs) };
  });

  router.session('setGroupAttributes', validateAttrs, async (ctx, req) => {
    return { groupAttributes: await groups(ctx).attrs.merge(actorFromSession(ctx), req.groupID, parseAttrMap(req.groupAttributes)) };
  });

  router.session('deleteGroupAttributes', validateAttrKeys, async (ctx, req) => {
    const r = await groups(ctx).attrs.remove(actorFromSession(ctx), req.groupID, req.keyList ?? []);
    return { groupAttributes: r.attrs, keyList: r.keyList };
  });

  router.session('getGroupAttributes', validateAttrKeys, async (ctx, req) => {
    return { groupAttributes: await groups(ctx).attrs.get(actorFromSession(ctx), req.groupID, req.keyList ?? []) };
  });

  router.session('syncGroups', validateSync, (ctx, req) => groups(ctx).chat.sync(actorFromSession(ctx), req.cursors, req.limit ?? 100));

  groupDelegate.send = async (ctx, req) => {
    const r = await groups(ctx).chat.send(actorFromSession(ctx), {
      groupId: req.to, body: req.body, dedupKey: `c:${req.clientMsgId}`, clientMsgId: req.clientMsgId,
      ...(req.random !== undefined && { random: req.random }),
      ...(req.priority !== undefined && { priority: req.priority }),
      ...(req.cloudCustomData !== undefined && { cloudCustomData: req.cloudCustomData }),
      ...(req.nick !== undefined && { nick: req.nick }),
      ...(req.avatar !== undefined && { avatar: req.avatar }),
      onlineOnly: req.onlineOnly === true,
    });
    return new RawJson(`{"message":${r.wire}${r.dropReason ? `,"dropReason":"${r.dropReason}"` : ''}}`);
  };
  groupDelegate.history = (ctx, id, req) => {
    const count = req.count ?? 15;
    if (count > 100) throw new ParleyError(Codes.SDK_INVALID_PARAMETER, 'count is at most 100');
    return groups(ctx).chat.history(actorFromSession(ctx), id, req.nextReqMessageID, count);
  };
  groupDelegate.setRead = (ctx, id, seq) => groups(ctx).chat.setRead(actorFromSession(ctx), id, seq);
  groupDelegate.revoke = async (ctx, id, msgKey) => {
    await groups(ctx).chat.revokeByKey(actorFromSession(ctx), id, msgKey);
    return {};
  };
  groupDelegate.conversations = (ctx) => groups(ctx).chat.conversations(actorFromSession(ctx));
  groupDelegate.deleteConversation = (ctx, id) => groups(ctx).chat.deleteConversation(ctx.session.app.sdkAppId, ctx.session.userID, id);
}
