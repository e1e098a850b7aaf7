/**
 * @module callbacks/callback-bodies
 * Request bodies of the webhooks Parley sends, field for field as Tencent's pages show them
 * (message and state bodies: reference §7 and §9; group lifecycle bodies: Tencent's public
 * webhook pages 1047/34372 and siblings). `CallbackCommand` is added by the sender.
 */
import type { MsgBody } from '@parley/protocol';

export interface C2CSendMsgBody {
  From_Account: string;
  To_Account: string;
  MsgSeq: number;
  MsgRandom: number;
  MsgTime: number;
  /** `<MsgSeq>_<MsgRandom>_<MsgTime>` */
  MsgKey: string;
  OnlineOnlyFlag: 0 | 1;
  MsgBody: MsgBody;
  CloudCustomData?: string;
}

export interface C2CAfterSendMsgBody extends C2CSendMsgBody {
  /** 0 on delivery; non-zero (e.g. 80001) when it was refused, then UnreadMsgNum is -1. */
  SendMsgResult: number;
  ErrorInfo: string;
  UnreadMsgNum: number;
}

export interface GroupSendMsgBody {
  GroupId: string;
  Type: string;
  From_Account: string;
  Operator_Account: string;
  Random: number;
  OnlineOnlyFlag: 0 | 1;
  MsgBody: MsgBody;
  CloudCustomData?: string;
  TopicId?: string;
  /** Milliseconds, as a string. */
  EventTime: string;
}

export interface GroupAfterSendMsgBody extends GroupSendMsgBody {
  MsgSeq: number;
  MsgTime: number;
}

export interface MemberAccount { Member_Account: string }

export interface GroupAfterCreateGroupBody {
  GroupId: string;
  Type: string;
  Name: string;
  Operator_Account: string;
  Owner_Account: string;
  MemberList: MemberAccount[];
  UserDefinedDataList?: { Key: string; Value: string }[];
  EventTime?: number;
}

export interface GroupAfterNewMemberJoinBody {
  GroupId: string;
  Type: string;
  JoinType: 'Apply' | 'Invited';
  Operator_Account: string;
  NewMemberList: MemberAccount[];
  EventTime?: number;
}

export interface GroupAfterMemberExitBody {
  GroupId: string;
  Type: string;
  ExitType: 'Kicked' | 'Quit';
  Operator_Account: string;
  ExitMemberList: MemberAccount[];
  EventTime?: number;
}

export interface GroupAfterGroupDestroyedBody {
  GroupId: string;
  Type: string;
  Owner_Account: string;
  Name: string;
  MemberList: MemberAccount[];
  EventTime?: number;
}

export interface StateChangeBody {
  /** Milliseconds. */
  EventTime: number;
  Info: {
    Action: 'Login' | 'Logout' | 'Disconnect';
    To_Account: string;
    Reason: 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut';
  };
  /** Present on a Login that kicked other devices. */
  KickedDevice?: { Platform: string }[];
}

/** Command → body, so `emit(app, command, body)` is type-checked per command. */
export interface AfterBodies {
  'C2C.CallbackAfterSendMsg': C2CAfterSendMsgBody;
  'Group.CallbackAfterSendMsg': GroupAfterSendMsgBody;
  'Group.CallbackAfterCreateGroup': GroupAfterCreateGroupBody;
  'Group.CallbackAfterNewMemberJoin': GroupAfterNewMemberJoinBody;
  'Group.CallbackAfterMemberExit': GroupAfterMemberExitBody;
  'Group.CallbackAfterGroupDestroyed': GroupAfterGroupDestroyedBody;
  'State.StateChange': StateChangeBody;
}

export interface BeforeBodies {
  'C2C.CallbackBeforeSendMsg': C2CSendMsgBody;
  'Group.CallbackBeforeSendMsg': GroupSendMsgBody;
}
