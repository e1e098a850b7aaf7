/**
 * @module groups/group-join
 * Joining by the user's own request, and the application flow: with `NeedPermission` the request
 * is recorded, the owner and admins get a JOIN_REQUEST system notice, and one of them approves or
 * rejects it (`handleGroupApplication`); the applicant is told either way. Live rooms are joined
 * through LiveRooms with no approval (guests of guest-mode apps receive only).
 */
import { Codes, GroupNoticeType, GroupTipType, type JoinStatus } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { ApplicationRecord, GroupRecord } from '../store/group-store.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';
import { LIMITS, textField } from './group-fields.ts';

export interface JoinResult {
  status: JoinStatus;
  group: GroupRecord;
}

export class GroupJoin {
  constructor(private readonly core: GroupCore) {}

  async join(actor: Actor, groupId: unknown, applyMessage: unknown): Promise<JoinResult> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    const message = textField(applyMessage, 'applyMessage', LIMITS.applyMessage) ?? '';
    if (rules.live) {
      if (group.type === 'BChatRoom') return { status: 'JoinedSuccess', group }; // every online user receives it anyway
      if (!actor.conn) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Live rooms are joined from a client connection');
      if (actor.guest && !actor.guestMode) throw new ParleyError(Codes.GUEST_NOT_ALLOWED);
      const { nick, avatar } = actor.guest ? { nick: actor.nick, avatar: actor.avatar } : await this.#profile(actor);
      await core.live.join(actor.conn, group.sdkAppId, group.groupId, {
        receiveOnly: actor.guest, ...(nick !== undefined && { nick }), ...(avatar !== undefined && { avatar }),
      });
      return { status: 'JoinedSuccess', group };
    }
    if (actor.guest) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Guests may only join live rooms');
    const { member, rank } = await core.standing(actor, group);
    if (member) return { status: 'AlreadyInGroup', group };
    if (group.type === 'Private') throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Work groups are joined by invitation only');
    if (group.joinOption === 'DisableApply' && rank !== 'appAdmin') throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'The group does not accept join requests');
    if (group.maxMembers > 0 && group.memberCount >= group.maxMembers) throw new ParleyError(Codes.GROUP_FULL);
    if (group.joinOption === 'NeedPermission' && rank !== 'appAdmin') {
      await core.store.groups.addApplication(group.sdkAppId, { groupId: group.groupId, applicant: actor.userID, message, time: core.nowSeconds() });
      await core.notices.send(group, actor.userID, await this.#approvers(group), {
        operationType: GroupNoticeType.JOIN_REQUEST, applicant: actor.userID, applyMessage: message,
      });
      return { status: 'WaitAdminApproval', group };
    }
    await this.#admit(group, actor.userID, actor.userID, actor.platform);
    return { status: 'JoinedSuccess', group: (await core.store.groups.getGroup(group.sdkAppId, group.groupId)) ?? group };
  }

  /** Pending applications to the groups the caller owns or administers (all groups for app admins: none listed). */
  async applications(actor: Actor): Promise<{ application: ApplicationRecord; group: GroupRecord }[]> {
    const joined = await this.core.store.groups.joinedGroups(actor.sdkAppId, actor.userID);
    const managed = joined.filter((j) => j.self.role === 'Owner' || j.self.role === 'Admin' || j.group.owner === actor.userID);
    const byId = new Map(managed.map((j) => [j.group.groupId, j.group]));
    const apps = await this.core.store.groups.listApplications(actor.sdkAppId, [...byId.keys()]);
    return apps.map((application) => ({ application, group: byId.get(application.groupId)! }));
  }

  async handle(actor: Actor, groupId: unknown, applicant: unknown, action: unknown, handleMessage: unknown): Promise<GroupRecord> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    core.requireStored(group, 'Join applications');
    if (action !== 'Agree' && action !== 'Reject') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'handleAction must be Agree or Reject');
    if (typeof applicant !== 'string' || applicant === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'applicant is required');
    const note = textField(handleMessage, 'handleMessage', LIMITS.applyMessage) ?? '';
    const { rank } = await core.standing(actor, group);
    core.require('admin', rank, 'Handling join requests');
    const now = core.nowSeconds();
    const r = await core.store.groups.resolveApplication(
      group.sdkAppId, group.groupId, applicant, action === 'Agree' ? 'approve' : 'reject',
      { userID: applicant, role: 'Member', joinTime: now }, group.maxMembers,
    );
    if (r === 'missing') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'No pending application from this user');
    if (r === 'full') throw new ParleyError(Codes.GROUP_FULL);
    if (r === 'approved') {
      core.membershipChanged(group);
      await core.startReadingAtEnd(group, [applicant]);
      await core.tips.post(group, actor.userID, { operationType: GroupTipType.MEMBER_JOIN, userIDList: [applicant] }, { platform: actor.platform });
    }
    if (r !== 'already') {
      await core.notices.send(group, actor.userID, [applicant], {
        operationType: r === 'approved' ? GroupNoticeType.JOIN_REQUEST_ACCEPTED : GroupNoticeType.JOIN_REQUEST_REJECTED,
        ...(note !== '' && { handleMessage: note }),
      });
    }
    return (await core.store.groups.getGroup(group.sdkAppId, group.groupId)) ?? group;
  }

  /** Adds a member who asked to join (free access or approved). */
  async #admit(group: GroupRecord, userID: string, operator: string, platform: string): Promise<void> {
    const { core } = this;
    const r = await core.store.groups.addMembers(group.sdkAppId, group.groupId, [{ userID, role: 'Member', joinTime: core.nowSeconds() }], group.maxMembers);
    if (!r.ok) throw new ParleyError(r.reason === 'full' ? Codes.GROUP_FULL : Codes.GROUP_NOT_FOUND);
    if (r.added.length === 0) return;
    core.membershipChanged(group);
    core.hooks.afterJoin?.(group, 'Apply', operator, [userID], platform);
    await core.startReadingAtEnd(group, [userID]);
    await core.tips.post(group, operator, { operationType: GroupTipType.MEMBER_JOIN, userIDList: [userID] }, { platform });
  }

  async #approvers(group: GroupRecord): Promise<string[]> {
    const owners = await this.core.store.groups.listMembers(group.sdkAppId, group.groupId, { offset: 0, limit: 100, roles: ['Owner', 'Admin'] });
    const ids = owners.members.map((m) => m.userID);
    if (group.owner !== '' && !ids.includes(group.owner)) ids.push(group.owner);
    return ids;
  }

  /** The joiner's display identity for enter notices: profile nick and avatar (guests: as given at login). */
  async #profile(actor: Actor): Promise<{ nick?: string; avatar?: string }> {
    const a = (await this.core.store.accounts.getAccounts(actor.sdkAppId, [actor.userID])).get(actor.userID);
    return { ...(a?.nick ? { nick: a.nick } : {}), ...(a?.faceUrl ? { avatar: a.faceUrl } : {}) };
  }
}
