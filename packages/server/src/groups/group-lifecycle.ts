/**
 * @module groups/group-lifecycle
 * Creating, reading, changing and dismissing groups, and transferring ownership.
 */
import { Codes, GroupNoticeType, GroupTipType, type GroupTipContent, type JoinOption } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { GroupPatch, GroupRecord, NewMember } from '../store/group-store.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';
import { customFields, joinOptionField, LIMITS, textField } from './group-fields.ts';
import { customGroupIDProblem, generateGroupID } from './group-id.ts';
import { GROUP_RULES, normalizeGroupType } from './group-types.ts';

export interface CreateGroupInput {
  type: unknown;
  name: unknown;
  groupId?: unknown;
  introduction?: unknown;
  notification?: unknown;
  faceUrl?: unknown;
  maxMembers?: unknown;
  joinOption?: unknown;
  appDefinedData?: unknown;
  /** REST: Owner_Account (optional, '' = no owner). Clients: always the caller. */
  owner: string;
  members: { userID: string; role?: unknown; appMemberDefinedData?: unknown }[];
  /** Most initial members accepted (REST 100, SDK 500). */
  maxInitialMembers: number;
  /** import_group: the group's own creation time (Unix seconds), and no tips, notices or webhooks. */
  imported?: { createdAt: number };
}

export interface ProfileChangeInput {
  name?: unknown;
  introduction?: unknown;
  notification?: unknown;
  faceUrl?: unknown;
  maxMembers?: unknown;
  joinOption?: unknown;
  muteAll?: unknown;
  appDefinedData?: unknown;
}

function intField(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} must be an integer`);
  return v;
}

export class GroupLifecycle {
  constructor(private readonly core: GroupCore) {}

  async create(actor: Actor, input: CreateGroupInput): Promise<GroupRecord> {
    const { core } = this;
    const type = normalizeGroupType(input.type ?? 'Private');
    if (!type) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Type must be Private (Work), Public, ChatRoom (Meeting), Community, AVChatRoom or BChatRoom');
    const rules = GROUP_RULES[type];
    if (actor.guest) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Guests cannot create groups');
    if (rules.live && input.members.length > 0) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${type} takes no MemberList`);
    if (input.members.length > input.maxInitialMembers) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, `At most ${input.maxInitialMembers} initial members`);
    const name = textField(input.name, 'Name', LIMITS.name, true)!;
    const introduction = textField(input.introduction, 'Introduction', LIMITS.introduction) ?? '';
    const notification = textField(input.notification, 'Notification', LIMITS.notification) ?? '';
    const faceUrl = textField(input.faceUrl, 'FaceUrl', LIMITS.faceUrl) ?? '';
    const appDefinedData = customFields(input.appDefinedData, 'AppDefinedData', 'group') ?? {};
    for (const k of Object.keys(appDefinedData)) if (appDefinedData[k] === '') delete appDefinedData[k];
    const askedMax = intField(input.maxMembers, 'MaxMemberCount');
    let maxMembers = rules.defaultMaxMembers;
    if (askedMax !== undefined && !rules.live) {
      if (askedMax < 1 || askedMax > rules.maxMaxMembers) {
        throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `MaxMemberCount must be 1 to ${rules.maxMaxMembers} for ${type}`);
      }
      maxMembers = askedMax;
    }
    const askedJoin = joinOptionField(input.joinOption);
    const joinOption: JoinOption = rules.fixedJoinOption ?? askedJoin ?? rules.defaultJoinOption;

    const now = input.imported?.createdAt ?? core.nowSeconds();
    const owner = input.owner;
    if (owner !== '' && !(await core.deps.directory.exists(actor.sdkAppId, owner))) {
      throw new ParleyError(Codes.GROUP_USER_NOT_FOUND, `Owner ${owner} does not exist`);
    }
    const members: NewMember[] = [];
    if (owner !== '' && !rules.live) members.push({ userID: owner, role: 'Owner', joinTime: now });
    const seen = new Set(members.map((m) => m.userID));
    for (const m of input.members) {
      if (typeof m.userID !== 'string' || m.userID === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Member_Account must be a string');
      if (seen.has(m.userID)) continue;
      seen.add(m.userID);
      const role = m.role ?? 'Member';
      if (role !== 'Member' && role !== 'Admin') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'An initial member\'s Role may only be Admin');
      if (role === 'Admin' && !rules.admins) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${type} has no Admin role`);
      const data = customFields(m.appMemberDefinedData, 'AppMemberDefinedData', 'member') ?? {};
      members.push({ userID: m.userID, role, joinTime: now, appMemberDefinedData: data });
    }
    const unknown = await core.unknownUsers(actor.sdkAppId, members.filter((m) => m.userID !== owner).map((m) => m.userID));
    if (unknown.length > 0) throw new ParleyError(Codes.GROUP_USER_NOT_FOUND, `Unknown UserIDs: ${unknown.slice(0, 5).join(', ')}`);
    if (maxMembers > 0 && members.length > maxMembers) throw new ParleyError(Codes.GROUP_MEMBER_QUOTA, `More than ${maxMembers} members`);

    let groupId: string;
    const custom = input.groupId;
    if (custom !== undefined && custom !== null && custom !== '') {
      if (typeof custom !== 'string') throw new ParleyError(Codes.GROUP_INVALID_ID, 'GroupId must be a string');
      const problem = customGroupIDProblem(custom, type);
      if (problem) throw new ParleyError(Codes.GROUP_INVALID_ID, problem);
      groupId = custom;
    } else {
      groupId = generateGroupID(type);
    }
    const record = {
      sdkAppId: actor.sdkAppId, groupId, type, name, introduction, notification, faceUrl, owner, creator: actor.userID,
      createdAt: now, maxMembers, joinOption, muteAll: false, appDefinedData,
    };
    for (let attempt = 0; ; attempt++) {
      if ((await core.store.groups.createGroup(record, members)) === 'created') break;
      // A dismissed group of this ID whose purge was cut short (a crash, a store error): finish it, then try again.
      if (attempt === 0 && (await core.purgePending({ sdkAppId: actor.sdkAppId, groupId: record.groupId })) > 0) continue;
      if (custom === undefined || custom === null || custom === '') {
        if (attempt < 5) {
          record.groupId = generateGroupID(type);
          continue;
        }
        throw new ParleyError(Codes.GROUP_INTERNAL_ERROR, 'Could not allocate a group ID');
      }
      const existing = await core.store.groups.getGroup(actor.sdkAppId, groupId);
      if (existing && existing.creator === actor.userID) throw new ParleyError(Codes.GROUP_ID_YOURS);
      throw new ParleyError(Codes.GROUP_ID_TAKEN);
    }
    const group = (await core.store.groups.getGroup(actor.sdkAppId, record.groupId))!;
    if (input.imported) return group;
    const invited = members.filter((m) => m.role !== 'Owner').map((m) => m.userID);
    if (invited.length > 0) await core.tips.post(group, actor.userID, { operationType: GroupTipType.MEMBER_JOIN, userIDList: invited }, { platform: actor.platform });
    if (!actor.rest && owner !== '') await core.notices.send(group, actor.userID, [owner], { operationType: GroupNoticeType.GROUP_CREATED });
    core.hooks.afterCreate?.(group, actor.userID, members.map((m) => m.userID), actor.platform);
    return group;
  }

  /** Reads a group; anyone may (search by ID); `self` is set when the caller is a member. */
  async profile(actor: Actor, groupId: unknown): Promise<{ group: GroupRecord; self: Awaited<ReturnType<GroupCore['standing']>>['member']; lastSeq: number }> {
    const group = await this.core.load(actor.sdkAppId, groupId);
    const { member, rank } = await this.core.standing(actor, group);
    // Work groups cannot be found by ID (reference: only Work is not searchable).
    if (group.type === 'Private' && rank === 'none') throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Not a member of the group');
    const lastSeq = this.core.rules(group).history ? await this.core.messaging.lastSeq(group.sdkAppId, group.groupId) : 0;
    return { group, self: member, lastSeq };
  }

  async update(actor: Actor, groupId: unknown, input: ProfileChangeInput): Promise<GroupRecord> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    const { rank } = await core.standing(actor, group);
    // Work groups: any member edits the profile; elsewhere the owner and admins (live rooms: owner).
    core.require(rules.live ? 'owner' : group.type === 'Private' ? 'member' : 'admin', rank, 'Changing the group profile');
    const patch: GroupPatch = {};
    const name = textField(input.name, 'Name', LIMITS.name);
    if (name !== undefined) {
      if (name === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'Name must not be empty');
      patch.name = name;
    }
    const introduction = textField(input.introduction, 'Introduction', LIMITS.introduction);
    if (introduction !== undefined) patch.introduction = introduction;
    const notification = textField(input.notification, 'Notification', LIMITS.notification);
    if (notification !== undefined) patch.notification = notification;
    const faceUrl = textField(input.faceUrl, 'FaceUrl', LIMITS.faceUrl);
    if (faceUrl !== undefined) patch.faceUrl = faceUrl;
    const max = intField(input.maxMembers, 'MaxMemberNum');
    if (max !== undefined && !rules.live) {
      if (max < 1 || max > rules.maxMaxMembers) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `MaxMemberNum must be 1 to ${rules.maxMaxMembers}`);
      patch.maxMembers = max;
    }
    const join = joinOptionField(input.joinOption);
    if (join !== undefined && join !== group.joinOption) {
      if (rules.fixedJoinOption) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} groups always use ${rules.fixedJoinOption}`);
      patch.joinOption = join;
    }
    if (input.muteAll !== undefined && input.muteAll !== null) {
      const muteAll = input.muteAll === true || input.muteAll === 'On' ? true : input.muteAll === false || input.muteAll === 'Off' ? false : undefined;
      if (muteAll === undefined) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'MuteAllMember must be On or Off');
      if (muteAll !== group.muteAll) {
        core.require(rules.mute, rank, 'Muting everyone');
        patch.muteAll = muteAll;
      }
    }
    const data = customFields(input.appDefinedData, 'AppDefinedData', 'group', group.appDefinedData);
    if (data !== undefined) patch.appDefinedData = data;
    if (Object.keys(patch).length === 0) return group;
    const updated = await core.store.groups.updateGroup(group.sdkAppId, group.groupId, patch, core.nowSeconds());
    if (!updated) throw new ParleyError(Codes.GROUP_NOT_FOUND);
    const changed: NonNullable<GroupTipContent['newGroupProfile']> = {};
    if (patch.name !== undefined) changed.name = patch.name;
    if (patch.introduction !== undefined) changed.introduction = patch.introduction;
    if (patch.notification !== undefined) changed.notification = patch.notification;
    if (patch.faceUrl !== undefined) changed.avatar = patch.faceUrl;
    if (patch.maxMembers !== undefined) changed.maxMemberNum = patch.maxMembers;
    if (patch.joinOption !== undefined) changed.joinOption = patch.joinOption;
    if (patch.muteAll !== undefined) changed.muteAllMembers = patch.muteAll;
    if (patch.appDefinedData !== undefined) changed.groupCustomField = Object.entries(patch.appDefinedData).map(([key, value]) => ({ key, value }));
    await core.tips.post(updated, actor.userID, { operationType: GroupTipType.GROUP_PROFILE_UPDATED, userIDList: [], newGroupProfile: changed }, { platform: actor.platform });
    return updated;
  }

  async dismiss(actor: Actor, groupId: unknown): Promise<void> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (!actor.rest) {
      const { rank } = await core.standing(actor, group);
      core.require(rules.dismiss, rank, 'Dismissing the group');
    }
    const members = await core.removeGroup(group);
    if (members === undefined) throw new ParleyError(Codes.GROUP_NOT_FOUND);
    core.hooks.afterDestroy?.(group, members, actor.platform);
    if (rules.live) {
      core.live.closeRoom(group.sdkAppId, group.groupId);
      return;
    }
    await core.notices.send(group, actor.userID, members, { operationType: GroupNoticeType.GROUP_DISMISSED });
    // The answer waits for the purge, so the ID can be created again as soon as it arrives.
    await core.purgePending({ sdkAppId: group.sdkAppId, groupId: group.groupId });
  }

  async changeOwner(actor: Actor, groupId: unknown, newOwner: unknown): Promise<GroupRecord> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (!rules.transfer) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${group.type} has no ownership transfer`);
    const { rank } = await core.standing(actor, group);
    core.require('owner', rank, 'Transferring ownership');
    if (typeof newOwner !== 'string' || newOwner === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, 'NewOwner_Account is required');
    if (newOwner === group.owner) return group;
    if (!(await core.store.groups.getMember(group.sdkAppId, group.groupId, newOwner))) {
      throw new ParleyError(Codes.GROUP_NOT_MEMBER, `${newOwner} is not a member of the group`);
    }
    if (!(await core.store.groups.transferOwner(group.sdkAppId, group.groupId, newOwner, core.nowSeconds()))) {
      throw new ParleyError(Codes.GROUP_NOT_FOUND);
    }
    const updated = (await core.store.groups.getGroup(group.sdkAppId, group.groupId))!;
    await core.tips.post(updated, actor.userID, {
      operationType: GroupTipType.GROUP_PROFILE_UPDATED, userIDList: [newOwner], newGroupProfile: { ownerID: newOwner },
    }, { platform: actor.platform });
    return updated;
  }
}
