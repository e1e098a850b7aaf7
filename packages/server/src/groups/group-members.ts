/**
 * @module groups/group-members
 * Membership changes made by someone in charge — invite, remove, roles, mutes, name cards — and
 * leaving. Each checks the rules matrix and every target before it writes anything, then posts
 * the tip (and, for removals, the system notice) that tells the group.
 */
import { Codes, GroupNoticeType, GroupTipType, MSG_FLAGS, type GroupRole, type MsgFlag } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { GroupRecord, MemberPatch, MemberRecord } from '../store/group-store.ts';
import type { Actor } from './actor.ts';
import { muteUntilFor, type GroupCore } from './group-core.ts';
import { customFields, LIMITS, textField } from './group-fields.ts';

export interface AddResult {
  group: GroupRecord;
  added: string[];
  existing: string[];
  /** Unknown UserIDs (nothing done for them). */
  failed: string[];
}

export interface RemoveResult {
  group: GroupRecord;
  removed: string[];
  notFound: string[];
}

export class GroupMembers {
  constructor(private readonly core: GroupCore) {}

  async add(actor: Actor, groupId: unknown, userIDs: string[], opts: { silent?: boolean; max: number }): Promise<AddResult> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (!rules.memberList) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `Members cannot be added to ${group.type}`);
    if (userIDs.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'No members given');
    if (userIDs.length > opts.max) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, `At most ${opts.max} members per call`);
    if (!actor.rest) {
      const { rank, member } = await core.standing(actor, group);
      if (!member && rank !== 'appAdmin') throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Only members may invite');
      core.require(rules.invite, rank, 'Inviting members');
    }
    const unique = [...new Set(userIDs)];
    const failed = await core.unknownUsers(actor.sdkAppId, unique);
    const candidates = unique.filter((u) => !failed.includes(u));
    const now = core.nowSeconds();
    const r = await core.store.groups.addMembers(
      group.sdkAppId, group.groupId, candidates.map((userID) => ({ userID, role: 'Member' as const, joinTime: now })), group.maxMembers,
    );
    if (!r.ok) throw new ParleyError(r.reason === 'full' ? Codes.GROUP_FULL : Codes.GROUP_NOT_FOUND);
    core.membershipChanged(group);
    core.hooks.afterJoin?.(group, 'Invited', actor.userID, r.added, actor.platform);
    await core.startReadingAtEnd(group, r.added);
    if (r.added.length > 0 && !opts.silent) {
      await core.tips.post(group, actor.userID, { operationType: GroupTipType.MEMBER_JOIN, userIDList: r.added }, { platform: actor.platform });
    }
    return { group: (await core.store.groups.getGroup(group.sdkAppId, group.groupId)) ?? group, added: r.added, existing: r.existing, failed };
  }

  async remove(actor: Actor, groupId: unknown, userIDs: string[], opts: { reason?: string; silent?: boolean; max: number }): Promise<RemoveResult> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (rules.live) {
      // Tencent answers 10004 for delete_group_member on live rooms (mute instead).
      throw new ParleyError(actor.rest ? Codes.GROUP_INVALID_PARAMETER : Codes.GROUP_PERMISSION_DENIED, `Members cannot be removed from ${group.type}`);
    }
    if (userIDs.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'No members given');
    if (userIDs.length > opts.max) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, `At most ${opts.max} members per call`);
    const reason = textField(opts.reason, 'Reason', LIMITS.applyMessage);
    const { rank } = await core.standing(actor, group);
    core.require(rules.kick, rank, 'Removing members');
    const unique = [...new Set(userIDs)];
    const found = await core.store.groups.getMembers(group.sdkAppId, group.groupId, unique);
    for (const [id, m] of found) {
      if (id === actor.userID && !actor.rest) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Use quitGroup to leave');
      if (m.role === 'Owner' || id === group.owner) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'The owner cannot be removed');
      if (!core.outranks(rank, m.role)) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `Removing ${id} needs a higher role`);
    }
    const removed = await core.store.groups.removeMembers(group.sdkAppId, group.groupId, [...found.keys()]);
    core.membershipChanged(group);
    core.hooks.afterExit?.(group, 'Kicked', actor.userID, removed, actor.platform);
    if (removed.length > 0) {
      if (!opts.silent) {
        await core.tips.post(group, actor.userID, { operationType: GroupTipType.MEMBER_KICKED_OUT, userIDList: removed }, { alsoTo: removed, platform: actor.platform });
      }
      await core.notices.send(group, actor.userID, removed, { operationType: GroupNoticeType.KICKED_OUT, ...(reason ? { handleMessage: reason } : {}) });
    }
    return {
      group: (await core.store.groups.getGroup(group.sdkAppId, group.groupId)) ?? group,
      removed,
      notFound: unique.filter((u) => !found.has(u)),
    };
  }

  /** Leaving. Owners may leave Work groups only (the group is then ownerless, or gone when empty). */
  async quit(actor: Actor, groupId: unknown): Promise<void> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (rules.live) {
      if (actor.conn && core.live.roomOf(actor.conn)?.groupId === group.groupId) await core.live.leave(actor.conn, group.sdkAppId, group.groupId);
      return;
    }
    const { member } = await core.standing(actor, group);
    if (!member) throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Not a member of the group');
    const isOwner = member.role === 'Owner' || group.owner === actor.userID;
    if (isOwner && !rules.ownerMayQuit) throw new ParleyError(Codes.GROUP_OWNER_CANNOT_QUIT);
    await core.store.groups.removeMembers(group.sdkAppId, group.groupId, [actor.userID]);
    core.membershipChanged(group);
    core.hooks.afterExit?.(group, 'Quit', actor.userID, [actor.userID], actor.platform);
    const after = await core.store.groups.getGroup(group.sdkAppId, group.groupId);
    if (after && after.memberCount === 0) {
      await core.removeGroup(group);
      core.hooks.afterDestroy?.(group, [], actor.platform);
      await core.purgePending({ sdkAppId: group.sdkAppId, groupId: group.groupId });
      return;
    }
    if (isOwner && after) await core.store.groups.updateGroup(group.sdkAppId, group.groupId, { owner: '' }, core.nowSeconds());
    await core.tips.post(after ?? group, actor.userID, { operationType: GroupTipType.MEMBER_QUIT, userIDList: [actor.userID] }, {
      alsoTo: [actor.userID], platform: actor.platform,
    });
  }

  async setRole(actor: Actor, groupId: unknown, userID: unknown, role: unknown): Promise<GroupRecord> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (!rules.admins) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} has no Admin role`);
    if (role !== 'Admin' && role !== 'Member') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Role must be Admin or Member');
    const { rank } = await core.standing(actor, group);
    core.require('owner', rank, 'Setting roles');
    const target = await this.#member(group, userID);
    if (target.role === 'Owner') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'The owner\'s role cannot be changed');
    if (target.role === role) return group;
    await core.store.groups.updateMember(group.sdkAppId, group.groupId, target.userID, { role: role as GroupRole });
    await core.tips.post(group, actor.userID, {
      operationType: role === 'Admin' ? GroupTipType.MEMBER_SET_ADMIN : GroupTipType.MEMBER_CANCELED_ADMIN, userIDList: [target.userID],
    }, { platform: actor.platform });
    return group;
  }

  /** Mutes (muteTime seconds; 0 unmutes) one or more users. Live rooms need no membership. */
  async mute(actor: Actor, groupId: unknown, userIDs: string[], muteTime: unknown): Promise<GroupRecord> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (typeof muteTime !== 'number' || !Number.isInteger(muteTime) || muteTime < 0 || muteTime > 0xffffffff) {
      throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MuteTime must be 0 to 4294967295 seconds');
    }
    if (userIDs.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'No members given');
    if (userIDs.length > 500) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, 'At most 500 accounts per call');
    const { rank } = await core.standing(actor, group);
    core.require(rules.mute, rank, 'Muting members');
    const unique = [...new Set(userIDs)];
    if (!rules.live) {
      const found = await core.store.groups.getMembers(group.sdkAppId, group.groupId, unique);
      for (const id of unique) {
        const m = found.get(id);
        if (!m) throw new ParleyError(Codes.GROUP_NOT_MEMBER, `${id} is not a member of the group`);
        if (!core.outranks(rank, m.role)) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `Muting ${id} needs a higher role`);
      }
    } else if (unique.includes(group.owner) && rank !== 'appAdmin') {
      throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'The owner cannot be muted');
    }
    const until = muteUntilFor(muteTime, core.nowSeconds());
    await core.store.groups.setMute(group.sdkAppId, group.groupId, unique, until);
    await core.tips.post(group, actor.userID, {
      operationType: GroupTipType.MEMBER_PROFILE_UPDATED, userIDList: unique,
      memberList: unique.map((userID) => ({ userID, muteTime })),
    }, { platform: actor.platform });
    return group;
  }

  async setNameCard(actor: Actor, groupId: unknown, userID: unknown, nameCard: unknown): Promise<GroupRecord> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    core.requireStored(group, 'Name cards');
    const card = textField(nameCard, 'NameCard', LIMITS.nameCard, false) ?? '';
    const target = await this.#member(group, userID ?? actor.userID);
    if (target.userID !== actor.userID || actor.rest) {
      const { rank } = await core.standing(actor, group);
      if (!core.outranks(rank, target.role)) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Setting another member\'s name card needs a higher role');
    }
    await core.store.groups.updateMember(group.sdkAppId, group.groupId, target.userID, { nameCard: card });
    await core.tips.post(group, actor.userID, {
      operationType: GroupTipType.MEMBER_PROFILE_UPDATED, userIDList: [target.userID], memberList: [{ userID: target.userID, nameCard: card }],
    }, { platform: actor.platform });
    return group;
  }

  /** REST modify_group_member_info: any of Role, NameCard, MsgFlag, MuteTime, AppMemberDefinedData. */
  async modify(actor: Actor, groupId: unknown, userID: unknown, fields: Record<string, unknown>): Promise<void> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    core.requireStored(group, 'Member profiles');
    const target = await this.#member(group, userID);
    const patch: MemberPatch = {};
    const flag = fields['MsgFlag'];
    if (flag !== undefined) {
      if (typeof flag !== 'string' || !(MSG_FLAGS as readonly string[]).includes(flag)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Bad MsgFlag');
      patch.msgFlag = flag as MsgFlag;
    }
    const data = customFields(fields['AppMemberDefinedData'], 'AppMemberDefinedData', 'member', target.appMemberDefinedData);
    if (data !== undefined) patch.appMemberDefinedData = data;
    const card = textField(fields['NameCard'], 'NameCard', LIMITS.nameCard);
    const role = fields['Role'];
    if (role !== undefined && role !== 'Admin' && role !== 'Member') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Role must be Admin or Member');
    const muteTime = fields['MuteTime'];
    if (muteTime !== undefined && (typeof muteTime !== 'number' || !Number.isInteger(muteTime) || muteTime < 0)) {
      throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MuteTime must be a non-negative integer');
    }
    if (role !== undefined && target.role === 'Owner') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'The owner\'s role cannot be changed');
    if (role !== undefined && !core.rules(group).admins) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} has no Admin role`);
    if (muteTime !== undefined && core.rules(group).mute === 'nobody') throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} has no mutes`);
    if (Object.keys(patch).length > 0) await core.store.groups.updateMember(group.sdkAppId, group.groupId, target.userID, patch);
    if (card !== undefined) await this.setNameCard(actor, group.groupId, target.userID, card);
    if (role !== undefined) await this.setRole(actor, group.groupId, target.userID, role);
    if (muteTime !== undefined) await this.mute(actor, group.groupId, [target.userID], muteTime);
  }

  async list(actor: Actor, groupId: unknown, offset: number, count: number, roles?: GroupRole[]): Promise<{ group: GroupRecord; members: MemberRecord[]; total: number }> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    if (!core.rules(group).memberList) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} has no member list`);
    if (!actor.appAdmin) {
      const { member } = await core.standing(actor, group);
      if (!member) throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Only members may list members');
    }
    const page = await core.store.groups.listMembers(group.sdkAppId, group.groupId, { offset, limit: count, ...(roles && { roles }) });
    return { group, members: page.members, total: page.total };
  }

  async #member(group: GroupRecord, userID: unknown): Promise<MemberRecord> {
    if (typeof userID !== 'string' || userID === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Member_Account is required');
    const m = await this.core.store.groups.getMember(group.sdkAppId, group.groupId, userID);
    if (!m) throw new ParleyError(Codes.GROUP_NOT_MEMBER, `${userID} is not a member of the group`);
    return m;
  }
}
