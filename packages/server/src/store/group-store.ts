/**
 * @module store/group-store
 * Groups, their members, mutes and join applications, per app. Rules (who may do what) live in
 * `groups/`; the store only keeps state, and does each multi-row change in one transaction.
 *
 * Group messages are not here: they live in the MessageStore under convId `group:<groupID>`.
 * Mutes are kept apart from membership because a muted user who leaves and rejoins stays muted.
 * Every engine passes `group-store.contract.ts`.
 */
import type { GroupRole, GroupType, JoinOption, MsgFlag } from '@parley/protocol';

export interface GroupRecord {
  sdkAppId: number;
  groupId: string;
  type: GroupType;
  name: string;
  introduction: string;
  notification: string;
  faceUrl: string;
  /** '' when the group has no owner (created over REST without one, or a Work group the owner left). */
  owner: string;
  /** Who created it (the owner, or the REST admin): tells 10025 (your own ID) from 10021 (taken). */
  creator: string;
  /** Unix seconds. */
  createdAt: number;
  lastInfoTime: number;
  /** Bumped on every profile change. */
  infoSeq: number;
  maxMembers: number;
  joinOption: JoinOption;
  muteAll: boolean;
  appDefinedData: Record<string, string>;
  /** Stored members (always 0 for live rooms, whose membership is online only). */
  memberCount: number;
}

export type NewGroup = Omit<GroupRecord, 'memberCount' | 'infoSeq' | 'lastInfoTime'>;

export interface MemberRecord {
  userID: string;
  role: GroupRole;
  /** Unix seconds. */
  joinTime: number;
  nameCard: string;
  msgFlag: MsgFlag;
  /** Unix seconds the mute ends; 0 = not muted (from the mute table, so it survives leave/rejoin). */
  muteUntil: number;
  /** The last group sequence this member has read (Tencent's member MsgSeq). */
  readSeq: number;
  /**
   * Unread messages counted on top of those after `readSeq` (set_unread_msg_num, import_group_member's
   * UnreadMsgNum); cleared when the member reads.
   */
  unreadExtra: number;
  /**
   * The member deleted the group conversation when the group was at this sequence: it stays out
   * of the member's conversation list until a later message arrives (0 = not deleted).
   */
  hiddenUpTo: number;
  appMemberDefinedData: Record<string, string>;
}

export interface NewMember {
  userID: string;
  role: GroupRole;
  joinTime: number;
  nameCard?: string;
  msgFlag?: MsgFlag;
  readSeq?: number;
  unreadExtra?: number;
  appMemberDefinedData?: Record<string, string>;
}

export interface GroupPatch {
  name?: string;
  introduction?: string;
  notification?: string;
  faceUrl?: string;
  maxMembers?: number;
  joinOption?: JoinOption;
  muteAll?: boolean;
  /** Keys to set; an empty value deletes the key. */
  appDefinedData?: Record<string, string>;
  owner?: string;
}

export interface MemberPatch {
  role?: GroupRole;
  nameCard?: string;
  msgFlag?: MsgFlag;
  /** Moves forward only. */
  readSeq?: number;
  /** Replaces the extra unread count. */
  unreadExtra?: number;
  /** Replaces the sequence up to which the member's group conversation is hidden. */
  hiddenUpTo?: number;
  /** Keys to set; an empty value deletes the key. */
  appMemberDefinedData?: Record<string, string>;
}

export interface JoinedGroup {
  group: GroupRecord;
  self: MemberRecord;
}

export interface ApplicationRecord {
  groupId: string;
  applicant: string;
  message: string;
  /** Unix seconds. */
  time: number;
}

/** A dismissed group whose messages up to `upToSeq` are still to be purged from the MessageStore. */
export interface GroupPurge {
  sdkAppId: number;
  groupId: string;
  upToSeq: number;
}

export type AddMembersResult =
  | { ok: true; added: string[]; existing: string[] }
  | { ok: false; reason: 'missing' | 'full' };

export interface GroupStore {
  /**
   * Creates the group with its first members in one transaction. 'exists' when the ID is taken,
   * or when a dismissed group of that ID is still being purged (see `deleteGroup`).
   */
  createGroup(group: NewGroup, members: NewMember[]): Promise<'created' | 'exists'>;
  getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined>;
  getGroups(sdkAppId: number, groupIds: string[]): Promise<Map<string, GroupRecord>>;
  /** Applies the patch, bumps infoSeq and lastInfoTime; undefined when the group is gone. */
  updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch, now: number): Promise<GroupRecord | undefined>;
  /**
   * Removes the group with its members (and their per-member state), mutes, applications and
   * attributes, and — in the same transaction — records a pending purge of its messages up to the
   * conversation's last sequence (taken after any append in flight commits), unless it has none.
   * The caller then deletes them with `MessageStore.purgeConversation` and calls `finishPurge`;
   * until then the ID cannot be created again. Returns the former member IDs, or undefined when missing.
   */
  deleteGroup(sdkAppId: number, groupId: string): Promise<string[] | undefined>;
  /** Pending purges (of one group when `only` is given), oldest dismissal first where the engine knows it. */
  pendingPurges(limit: number, only?: { sdkAppId: number; groupId: string }): Promise<GroupPurge[]>;
  /** The purge of the group up to `upToSeq` is done: its ID may be created again. */
  finishPurge(sdkAppId: number, groupId: string, upToSeq: number): Promise<void>;
  /** All groups of the app in creation order, paged by an opaque numeric cursor (0 = start; 0 again when done). */
  listGroups(sdkAppId: number, opts: { type?: GroupType; next: number; limit: number }): Promise<{ groupIds: string[]; next: number; total: number }>;

  /**
   * Adds members unless that would take the group over `maxMembers` (then nothing is written;
   * 0 = no cap).
   * Users already in the group are reported in `existing` and left unchanged.
   */
  addMembers(sdkAppId: number, groupId: string, members: NewMember[], maxMembers: number): Promise<AddMembersResult>;
  /** Removes members; returns those who were members. Their pending applications go too. */
  removeMembers(sdkAppId: number, groupId: string, userIDs: string[]): Promise<string[]>;
  getMember(sdkAppId: number, groupId: string, userID: string): Promise<MemberRecord | undefined>;
  getMembers(sdkAppId: number, groupId: string, userIDs: string[]): Promise<Map<string, MemberRecord>>;
  /** Members ordered by join time (owner first), paged by offset. */
  listMembers(sdkAppId: number, groupId: string, opts: { offset: number; limit: number; roles?: GroupRole[] }): Promise<{ members: MemberRecord[]; total: number }>;
  /** Every member's UserID (for fan-out). */
  memberIds(sdkAppId: number, groupId: string): Promise<string[]>;
  /** False when the user is not a member. */
  updateMember(sdkAppId: number, groupId: string, userID: string, patch: MemberPatch): Promise<boolean>;
  /** Sets (until > 0) or clears (until = 0) mutes, members or not. */
  setMute(sdkAppId: number, groupId: string, userIDs: string[], until: number): Promise<void>;
  /** Mutes still in force at `now`. */
  mutedMembers(sdkAppId: number, groupId: string, now: number): Promise<{ userID: string; until: number }[]>;
  /** Mute end for one user (0 = none), member or not. */
  muteUntil(sdkAppId: number, groupId: string, userID: string): Promise<number>;
  /**
   * Makes `newOwner` (who must be a member) the owner; the previous owner, if a member, becomes
   * Member. One transaction. False when the group or the member is missing.
   */
  transferOwner(sdkAppId: number, groupId: string, newOwner: string, now: number): Promise<boolean>;
  /** Groups the user belongs to, with the user's own member record, newest join first. */
  joinedGroups(sdkAppId: number, userID: string): Promise<JoinedGroup[]>;

  /** Records (or refreshes) a pending application. */
  addApplication(sdkAppId: number, app: ApplicationRecord): Promise<void>;
  getApplication(sdkAppId: number, groupId: string, applicant: string): Promise<ApplicationRecord | undefined>;
  /** Pending applications to these groups, oldest first. */
  listApplications(sdkAppId: number, groupIds: string[]): Promise<ApplicationRecord[]>;
  /**
   * Settles a pending application in one transaction: 'approve' adds the applicant as a member
   * (unless the group is full), 'reject' only removes the application.
   */
  resolveApplication(
    sdkAppId: number, groupId: string, applicant: string, decision: 'approve' | 'reject', member: NewMember, maxMembers: number,
  ): Promise<'approved' | 'rejected' | 'missing' | 'full' | 'already'>;
}

/** A GroupStore for engines that have none yet: every call rejects. */
export function unimplementedGroupStore(engine: string): GroupStore {
  const fail = () => Promise.reject(new Error(`GroupStore is not implemented for the ${engine} engine yet`));
  return new Proxy({} as GroupStore, { get: () => fail });
}
