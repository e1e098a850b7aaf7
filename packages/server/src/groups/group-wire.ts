/**
 * @module groups/group-wire
 * Group records as the client sees them: the Web SDK's Group and GroupMember objects
 * (protocol `GroupProfile`, `GroupMember`).
 */
import type { GroupMember, GroupProfile, WireMessage } from '@parley/protocol';
import type { AccountRecord } from '../store/account-store.ts';
import type { GroupRecord, MemberRecord } from '../store/group-store.ts';
import type { StoredMessage } from '../store/message-store.ts';
import { encodeWireMessage } from '../messaging/wire-encoding.ts';
import { toCustomFieldList } from './group-fields.ts';

export function groupProfile(g: GroupRecord, lastSeq: number, self?: MemberRecord, last?: StoredMessage): GroupProfile {
  const p: GroupProfile = {
    groupID: g.groupId,
    type: g.type,
    name: g.name,
    avatar: g.faceUrl,
    introduction: g.introduction,
    notification: g.notification,
    ownerID: g.owner,
    createTime: g.createdAt,
    infoSequence: g.infoSeq,
    lastInfoTime: g.lastInfoTime,
    nextMessageSeq: lastSeq + 1,
    memberCount: g.memberCount,
    maxMemberNum: g.maxMembers,
    muteAllMembers: g.muteAll,
    joinOption: g.joinOption,
    groupCustomField: toCustomFieldList(g.appDefinedData),
  };
  if (self) {
    p.selfInfo = {
      role: self.role, messageRemindType: self.msgFlag, joinTime: self.joinTime, nameCard: self.nameCard,
      muteUntil: self.muteUntil, readSeq: self.readSeq,
    };
  }
  if (last) p.lastMessage = JSON.parse(encodeWireMessage(last, 'GROUP')) as WireMessage;
  return p;
}

export function groupMember(m: MemberRecord, account: AccountRecord | undefined, nowSeconds: number): GroupMember {
  return {
    userID: m.userID,
    nick: account?.nick ?? '',
    avatar: account?.faceUrl ?? '',
    role: m.role,
    joinTime: m.joinTime,
    nameCard: m.nameCard,
    muteUntil: m.muteUntil > nowSeconds ? m.muteUntil : 0,
    memberCustomField: toCustomFieldList(m.appMemberDefinedData),
  };
}
