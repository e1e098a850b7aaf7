/**
 * @module groups/group-rest-encoding
 * Group records in the REST API's spelling (reference §5.8, §5.12, §5.14): base info with
 * `GroupBaseInfoFilter`, member info with `MemberInfoFilter`, custom data with the
 * `AppDefinedDataFilter_*` lists, and history entries for group_msg_get_simple.
 */
import type { GroupRecord, MemberRecord } from '../store/group-store.ts';
import type { StoredMessage } from '../store/message-store.ts';

const PRIORITY_NUMBER: Record<string, number> = { High: 1, Normal: 2, Low: 3, Lowest: 4 };

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function keyValues(data: Record<string, string>, filter: string[] | undefined): { Key: string; Value: string }[] {
  return Object.entries(data).filter(([k]) => !filter || filter.includes(k)).map(([Key, Value]) => ({ Key, Value }));
}

export interface GroupInfoExtras {
  sdkAppId: number;
  lastSeq: number;
  lastMsgTime: number;
}

/** Base info fields, all or those named by GroupBaseInfoFilter. */
export function restGroupBase(g: GroupRecord, x: GroupInfoExtras, filter: unknown, dataFilter: unknown): Record<string, unknown> {
  const all: Record<string, unknown> = {
    Type: g.type,
    Name: g.name,
    Appid: x.sdkAppId,
    Introduction: g.introduction,
    Notification: g.notification,
    FaceUrl: g.faceUrl,
    Owner_Account: g.owner,
    CreateTime: g.createdAt,
    InfoSeq: g.infoSeq,
    LastInfoTime: g.lastInfoTime,
    LastMsgTime: x.lastMsgTime,
    NextMsgSeq: x.lastSeq + 1,
    MemberNum: g.memberCount,
    MaxMemberNum: g.maxMembers,
    ApplyJoinOption: g.joinOption,
    MuteAllMember: g.muteAll ? 'On' : 'Off',
    AppDefinedData: keyValues(g.appDefinedData, strings(dataFilter)),
  };
  const wanted = strings(filter);
  if (!wanted) return all;
  const out: Record<string, unknown> = {};
  for (const k of wanted) if (k in all) out[k] = all[k];
  if (strings(dataFilter)) out['AppDefinedData'] = all['AppDefinedData'];
  return out;
}

/** One member, all fields or those named by MemberInfoFilter (`Account` is always there). */
export function restMember(m: MemberRecord, filter: unknown, dataFilter: unknown, nowSeconds: number): Record<string, unknown> {
  const all: Record<string, unknown> = {
    Role: m.role,
    JoinTime: m.joinTime,
    MsgSeq: m.readSeq,
    MsgFlag: m.msgFlag,
    LastSendMsgTime: 0,
    MuteUntil: m.muteUntil > nowSeconds ? m.muteUntil : 0,
    NameCard: m.nameCard,
    AppMemberDefinedData: keyValues(m.appMemberDefinedData, strings(dataFilter)),
  };
  const wanted = strings(filter);
  const out: Record<string, unknown> = { Member_Account: m.userID };
  for (const [k, v] of Object.entries(all)) if (!wanted || wanted.includes(k)) out[k] = v;
  if (strings(dataFilter)) out['AppMemberDefinedData'] = all['AppMemberDefinedData'];
  return out;
}

/** The element type group tips are stored with (the Web SDK's TIM.TYPES.MSG_GRP_TIP). */
const TIP = 'TIMGroupTipElem';

/**
 * A group tip as a REST element. TIMGroupTipElem is an SDK type that REST's element list (Text,
 * Location, Face, Custom, Sound, Image, File, Video) does not have, so REST sees a tip as a custom
 * element: `Desc` names the SDK type and `Data` is the tip's MsgContent as JSON — a REST client
 * that knows element types keeps working, and nothing of the tip is lost.
 */
function restTipElem(elem: { MsgContent?: unknown }): Record<string, unknown> {
  return { MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify(elem.MsgContent ?? {}), Desc: TIP, Ext: '' } };
}

/** A history entry of group_msg_get_simple (IsPlaceMsg 2 = recalled, body emptied; IsSystemMsg 1 = a group tip). */
export function restHistoryEntry(m: StoredMessage): Record<string, unknown> {
  const body = JSON.parse(m.body) as { MsgType?: string; MsgContent?: unknown }[];
  const isTip = body[0]?.MsgType === TIP;
  const entry: Record<string, unknown> = {
    From_Account: m.from,
    IsPlaceMsg: m.revoked ? 2 : 0,
    MsgBody: m.revoked ? [] : isTip ? body.map(restTipElem) : body,
    MsgPriority: PRIORITY_NUMBER[m.priority] ?? 2,
    MsgRandom: m.random,
    MsgSeq: m.seq,
    MsgTimeStamp: m.time,
  };
  if (m.cloudCustomData) entry['CloudCustomData'] = m.cloudCustomData;
  if (isTip) entry['IsSystemMsg'] = 1;
  return entry;
}
