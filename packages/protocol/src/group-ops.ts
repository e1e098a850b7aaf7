/**
 * @module group-ops
 * Group operations and pushes on the WebSocket protocol. Op names and shapes follow Tencent's Web
 * SDK (`tim.createGroup`, `tim.joinGroup`, ...) so an SDK maps them one to one; docs/groups.md
 * explains the rules each one enforces.
 *
 * Group messages travel through the ordinary message ops with `GROUP<groupID>` conversation IDs
 * (`sendMessage` with `type: 'GROUP'`, `getMessageList`, `setMessageRead`, `revokeMessage`). Live
 * group messages arrive as the `groupMessage` push; after a disconnect a client calls `syncGroups`
 * with the last sequence it holds per group and gets exactly what it missed.
 */
import type { WireMessage } from './messages.ts';

/**
 * Group types as the Web SDK's `TIM.TYPES.GRP_*` values (Tencent's legacy wire names). The server
 * also accepts the V2 names `Work` (= `Private`) and `Meeting` (= `ChatRoom`) on input.
 */
export const GROUP_TYPES = ['Private', 'Public', 'ChatRoom', 'AVChatRoom', 'BChatRoom', 'Community'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];
export const GROUP_TYPE_ALIASES: Readonly<Record<string, GroupType>> = { Work: 'Private', Meeting: 'ChatRoom' };

export const JOIN_OPTIONS = ['FreeAccess', 'NeedPermission', 'DisableApply'] as const;
export type JoinOption = (typeof JOIN_OPTIONS)[number];

export const GROUP_ROLES = ['Owner', 'Admin', 'Member'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export const MSG_FLAGS = ['AcceptAndNotify', 'AcceptNotNotify', 'Discard'] as const;
export type MsgFlag = (typeof MSG_FLAGS)[number];

export type JoinStatus = 'JoinedSuccess' | 'WaitAdminApproval' | 'AlreadyInGroup';

/** `payload.operationType` of a TIMGroupTipElem (Web SDK `GRP_TIP_*`). */
export const GroupTipType = {
  MEMBER_JOIN: 1,
  MEMBER_QUIT: 2,
  MEMBER_KICKED_OUT: 3,
  MEMBER_SET_ADMIN: 4,
  MEMBER_CANCELED_ADMIN: 5,
  GROUP_PROFILE_UPDATED: 6,
  MEMBER_PROFILE_UPDATED: 7,
} as const;

/** `payload.operationType` of a TIMGroupSystemNoticeElem (Web SDK group system notice types). */
export const GroupNoticeType = {
  JOIN_REQUEST: 1,
  JOIN_REQUEST_ACCEPTED: 2,
  JOIN_REQUEST_REJECTED: 3,
  KICKED_OUT: 4,
  GROUP_DISMISSED: 5,
  GROUP_CREATED: 6,
  INVITED: 7,
  QUIT: 8,
  SET_ADMIN: 9,
  CANCELED_ADMIN: 10,
  CUSTOM: 255,
} as const;

/** MsgContent of a TIMGroupTipElem (group tips are group messages: stored, with a sequence). */
export interface GroupTipContent {
  operationType: number;
  operatorID: string;
  groupID: string;
  userIDList: string[];
  /** Profile fields that changed (type 6), in GroupProfile names. */
  newGroupProfile?: Partial<Pick<GroupProfile, 'name' | 'introduction' | 'notification' | 'avatar' | 'ownerID' | 'joinOption' | 'muteAllMembers' | 'maxMemberNum'>> & { groupCustomField?: CustomField[] };
  /** Member changes (type 7): mute end in seconds from now (0 = unmuted), or a new name card. */
  memberList?: { userID: string; muteTime?: number; nameCard?: string }[];
}

/**
 * MsgContent of a TIMGroupSystemNoticeElem. Notices reach the users they concern as messages from
 * `@TIM#SYSTEM` in their inbox (delivered live as the `inbox` push and replayed by `sync`);
 * custom notices sent over REST (type 255) are online only and arrive as a `message` push.
 */
export interface GroupSystemNoticeContent {
  operationType: number;
  groupProfile: { groupID: string; name: string; type: GroupType };
  operatorID: string;
  /** The approver's or rejecter's message (types 2, 3), or the kick reason (4). */
  handleMessage?: string;
  /** Join requests (type 1): who applied and what they wrote. */
  applicant?: string;
  applyMessage?: string;
  /** Custom notices (type 255). */
  userDefinedField?: string;
}

export interface CustomField { key: string; value: string }

export interface GroupSelfInfo {
  role: GroupRole;
  messageRemindType: MsgFlag;
  joinTime: number;
  nameCard: string;
  muteUntil: number;
  /** The last group sequence this member has read. */
  readSeq: number;
}

/** The Web SDK's Group object. */
export interface GroupProfile {
  groupID: string;
  type: GroupType;
  name: string;
  avatar: string;
  introduction: string;
  notification: string;
  ownerID: string;
  createTime: number;
  infoSequence: number;
  lastInfoTime: number;
  /** The sequence the next group message will get (last sequence + 1). */
  nextMessageSeq: number;
  memberCount: number;
  maxMemberNum: number;
  muteAllMembers: boolean;
  joinOption: JoinOption;
  groupCustomField: CustomField[];
  selfInfo?: GroupSelfInfo;
  lastMessage?: WireMessage;
}

/** The Web SDK's GroupMember object. */
export interface GroupMember {
  userID: string;
  nick: string;
  avatar: string;
  role: GroupRole;
  joinTime: number;
  nameCard: string;
  /** Unix seconds; 0 = not muted. */
  muteUntil: number;
  memberCustomField: CustomField[];
}

export interface CreateGroupRequest {
  type?: string;
  name: string;
  groupID?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  maxMemberNum?: number;
  joinOption?: JoinOption;
  memberList?: { userID: string; role?: 'Admin' | 'Member'; memberCustomField?: CustomField[] }[];
  groupCustomField?: CustomField[];
}
export interface CreateGroupResponse { group: GroupProfile; overLimitUserIDList: string[] }

export interface GroupIDRequest { groupID: string }
export interface JoinGroupRequest { groupID: string; applyMessage?: string }
export interface JoinGroupResponse { status: JoinStatus; group?: GroupProfile }
export interface GroupIDResponse { groupID: string }
export interface GroupResponse { group: GroupProfile }
export interface GetGroupListResponse { groupList: GroupProfile[] }

export interface UpdateGroupProfileRequest {
  groupID: string;
  name?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  maxMemberNum?: number;
  joinOption?: JoinOption;
  muteAllMembers?: boolean;
  groupCustomField?: CustomField[];
}

export interface GetGroupMemberListRequest { groupID: string; count?: number; offset?: number }
/** `offset` is where the next page starts; 0 when the list is complete. */
export interface GetGroupMemberListResponse { memberList: GroupMember[]; offset: number }

export interface AddGroupMemberRequest { groupID: string; userIDList: string[] }
export interface AddGroupMemberResponse {
  successUserIDList: string[];
  failureUserIDList: string[];
  existedUserIDList: string[];
  group: GroupProfile;
}

export interface DeleteGroupMemberRequest { groupID: string; userIDList: string[]; reason?: string }
export interface DeleteGroupMemberResponse { successUserIDList: string[]; failureUserIDList: string[]; notFoundUserIDList: string[]; group: GroupProfile }

export interface SetGroupMemberRoleRequest { groupID: string; userID: string; role: 'Admin' | 'Member' }
/** `muteTime` in seconds; 0 unmutes. */
export interface SetGroupMemberMuteTimeRequest { groupID: string; userID: string; muteTime: number }
/** `userID` defaults to the caller. */
export interface SetGroupMemberNameCardRequest { groupID: string; userID?: string; nameCard: string }
export interface ChangeGroupOwnerRequest { groupID: string; newOwnerID: string }

export interface GroupApplication {
  groupID: string;
  groupName: string;
  applicant: string;
  applicantNick: string;
  /** 0: a user asks to join. */
  applicationType: number;
  note: string;
  time: number;
}
export interface GetGroupApplicationListResponse { applicationList: GroupApplication[] }
export interface HandleGroupApplicationRequest {
  handleAction: 'Agree' | 'Reject';
  handleMessage?: string;
  groupID: string;
  applicant: string;
}

export interface GetGroupOnlineMemberCountResponse { memberCount: number }

export interface SyncGroupsRequest {
  /** The last sequence the client holds per group. Joined groups not listed start at their newest. */
  cursors: Record<string, number>;
  /** Most messages per group in this response (default 100). */
  limit?: number;
}
export interface GroupSyncEntry {
  groupID: string;
  /** The group's newest sequence now. */
  lastSeq: number;
  /** Messages after the cursor, oldest first. */
  messages: WireMessage[];
  /** False when more remain after the last message returned: call again with the new cursor. */
  isCompleted: boolean;
  /** Set when the cursor is further behind than the server replays; page history instead. */
  tooFarBehind?: boolean;
}
export interface SyncGroupsResponse {
  groups: GroupSyncEntry[];
  /** Groups listed in `cursors` that the user is no longer in (or that no longer exist). */
  notMember: string[];
}

/** A group's attributes: a small key-value map (≤ 16 keys, key ≤ 32 bytes, value ≤ 4,000 bytes, ≤ 16 KB in all). */
export type GroupAttributeMap = Record<string, string>;

/** `initGroupAttributes` (replaces the whole map; `{}` clears it) and `setGroupAttributes` (adds or replaces keys). */
export interface GroupAttributesRequest { groupID: string; groupAttributes: GroupAttributeMap }
/** `deleteGroupAttributes`: the keys to delete; an empty or missing list deletes every key. */
export interface DeleteGroupAttributesRequest { groupID: string; keyList?: string[] }
/** `getGroupAttributes`: the keys to read (absent keys are left out); an empty or missing list reads the whole map. */
export interface GetGroupAttributesRequest { groupID: string; keyList?: string[] }
/**
 * Answer of every attribute op: the whole map after the call (for `getGroupAttributes`, the keys
 * asked for). `deleteGroupAttributes` also lists the keys it deleted (`keyList`).
 */
export interface GroupAttributesResponse { groupAttributes: GroupAttributeMap; keyList?: string[] }

/** The attributes changed (any writer: a member's op or the REST admin): the whole map now. */
export interface GroupAttributesUpdatedPush { groupID: string; groupAttributes: GroupAttributeMap }

/** Recall of a group message, pushed to online members. */
export interface GroupRevokePush { groupID: string; seq: number; msgKey: string; by: string }

export type GroupOp =
  | 'createGroup' | 'joinGroup' | 'quitGroup' | 'dismissGroup' | 'getGroupList' | 'getGroupProfile'
  | 'updateGroupProfile' | 'getGroupMemberList' | 'addGroupMember' | 'deleteGroupMember'
  | 'setGroupMemberRole' | 'setGroupMemberMuteTime' | 'setGroupMemberNameCard' | 'changeGroupOwner'
  | 'getGroupApplicationList' | 'handleGroupApplication' | 'getGroupOnlineMemberCount' | 'syncGroups'
  | 'initGroupAttributes' | 'setGroupAttributes' | 'deleteGroupAttributes' | 'getGroupAttributes';

export interface GroupPushes {
  /** A group message (or tip) for a member, live. */
  groupMessage: WireMessage;
  groupRevoke: GroupRevokePush;
  /** Every group type (AVChatRoom members in the room; BChatRoom every online session of the app). */
  groupAttributesUpdated: GroupAttributesUpdatedPush;
}
