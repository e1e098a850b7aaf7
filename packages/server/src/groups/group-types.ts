/**
 * @module groups/group-types
 * The group type rules matrix as Parley implements it (docs/groups.md has the table and the
 * reasons behind each choice). Every permission check in the group module reads this table; no
 * rule is written twice.
 */
import { GROUP_TYPE_ALIASES, GROUP_TYPES, type GroupType, type JoinOption } from '@parley/protocol';

/** Who may do something, weakest first. `appAdmin` is the REST admin or an app admin account. */
export type Rank = 'none' | 'member' | 'admin' | 'owner' | 'appAdmin';
const RANKS: readonly Rank[] = ['none', 'member', 'admin', 'owner', 'appAdmin'];

export function atLeast(have: Rank, need: Rank): boolean {
  return RANKS.indexOf(have) >= RANKS.indexOf(need);
}

/** 'nobody': the operation does not exist for the type (answered 10007). */
export type Who = Rank | 'nobody';

export interface GroupTypeRules {
  /** Member cap when the creator gives none; 0 = unlimited. */
  defaultMaxMembers: number;
  /** Highest cap a creator may ask for (MaxMemberCount / maxMemberNum). */
  maxMaxMembers: number;
  /** Live rooms: membership is online only (LiveRooms), nothing stored, no history. */
  live: boolean;
  /** Join option a new group gets; `fixedJoinOption` types ignore what the creator asks. */
  defaultJoinOption: JoinOption;
  fixedJoinOption?: JoinOption;
  /** Minimum rank to add members from a client (REST always may, except on live rooms). */
  invite: Who;
  /** Minimum rank to remove members; an admin may remove only plain members. */
  kick: Who;
  ownerMayQuit: boolean;
  /** Minimum rank to dismiss from a client (REST always may). */
  dismiss: Who;
  transfer: boolean;
  /** Whether the Admin role exists. */
  admins: boolean;
  /** Minimum rank to mute someone; an admin may mute only plain members. */
  mute: Who;
  /** Minimum rank to send; live BChatRoom broadcasts need an admin. */
  send: Rank;
  unread: boolean;
  history: boolean;
  recall: boolean;
  /** Member-list APIs (get, add, delete, role) exist. */
  memberList: boolean;
  /** Appears in getGroupList / get_joined_group_list by default. */
  listed: boolean;
  /** Prefix of generated IDs (as observed in Tencent's examples). */
  idPrefix: string;
}

const STORED = { live: false, unread: true, history: true, recall: true, memberList: true, listed: true, send: 'member' } as const;
const LIVE = {
  live: true, defaultMaxMembers: 0, maxMaxMembers: 0, defaultJoinOption: 'FreeAccess', fixedJoinOption: 'FreeAccess',
  invite: 'nobody', kick: 'nobody', ownerMayQuit: false, dismiss: 'owner', transfer: false, admins: false, mute: 'owner',
  unread: false, history: false, recall: false, memberList: false, listed: false,
} as const;

export const GROUP_RULES: Readonly<Record<GroupType, GroupTypeRules>> = {
  Private: {
    ...STORED, defaultMaxMembers: 200, maxMaxMembers: 6000, defaultJoinOption: 'DisableApply', fixedJoinOption: 'DisableApply',
    invite: 'member', kick: 'owner', ownerMayQuit: true, dismiss: 'nobody', transfer: true, admins: false, mute: 'nobody', idPrefix: '@TGS#1',
  },
  Public: {
    ...STORED, defaultMaxMembers: 2000, maxMaxMembers: 6000, defaultJoinOption: 'NeedPermission',
    invite: 'appAdmin', kick: 'admin', ownerMayQuit: false, dismiss: 'owner', transfer: true, admins: true, mute: 'admin', idPrefix: '@TGS#2',
  },
  ChatRoom: {
    ...STORED, defaultMaxMembers: 6000, maxMaxMembers: 6000, defaultJoinOption: 'FreeAccess', unread: false,
    invite: 'appAdmin', kick: 'admin', ownerMayQuit: false, dismiss: 'owner', transfer: true, admins: true, mute: 'admin', idPrefix: '@TGS#3',
  },
  Community: {
    ...STORED, defaultMaxMembers: 100_000, maxMaxMembers: 100_000, defaultJoinOption: 'FreeAccess', fixedJoinOption: 'FreeAccess',
    invite: 'admin', kick: 'admin', ownerMayQuit: false, dismiss: 'owner', transfer: true, admins: true, mute: 'admin', idPrefix: '@TGS#_@TGS#c',
  },
  AVChatRoom: { ...LIVE, send: 'member', idPrefix: '@TGS#a' },
  BChatRoom: { ...LIVE, send: 'admin', idPrefix: '@TGS#b' },
};

/** Canonical type from a REST or SDK spelling (`Work` → `Private`, `Meeting` → `ChatRoom`). */
export function normalizeGroupType(raw: unknown): GroupType | undefined {
  if (typeof raw !== 'string') return undefined;
  if ((GROUP_TYPES as readonly string[]).includes(raw)) return raw as GroupType;
  return GROUP_TYPE_ALIASES[raw];
}
