/**
 * The group_open_http_svc REST commands, each with its happy path and main error codes, over real
 * HTTP against a node, with WebSocket clients observing the effects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupNoticeType, GroupTipType } from '@parley/protocol';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, loginAll, nextGroupMessage, nextNotice, ok, sendGroup, settle, tipOf, type Users } from './helpers/groups.ts';
import { createTestApp, rest, startNode, text, type TestNode } from './helpers/test-server.ts';

describe('groups: REST group_open_http_svc', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  const call = (cmd: string, body: unknown) => rest(node, app, `group_open_http_svc/${cmd}`, body);
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    u = await loginAll(node, app, ['leckie', 'bob', 'peter', 'tommy', 'jared']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('create_group: custom IDs, types, owner and members; errors 10004 10005 10015 10019 10021 10025 10038', async () => {
    const r = await call('create_group', {
      Owner_Account: 'leckie', Type: 'Public', GroupId: 'MyFirstGroup', Name: 'TestGroup', Introduction: 'intro', Notification: 'note',
      FaceUrl: 'http://this.is.face.url', MaxMemberCount: 500, ApplyJoinOption: 'FreeAccess',
      AppDefinedData: [{ Key: 'GroupTestData1', Value: 'xxxxx' }],
      MemberList: [{ Member_Account: 'bob', Role: 'Admin', AppMemberDefinedData: [{ Key: 'MemberDefined1', Value: 'MemberData1' }] }, { Member_Account: 'peter' }],
    });
    assert.deepEqual(r, { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, GroupId: 'MyFirstGroup' });
    const tip = tipOf(await nextGroupMessage(u.bob!, (m) => m.to === 'MyFirstGroup'));
    assert.deepEqual(tip.userIDList, ['bob', 'peter']);
    assert.equal((await call('create_group', { Type: 'Public', Name: 'x', GroupId: 'MyFirstGroup' })).ErrorCode, 10025, 'the admin created it');
    // A group first created by a client belongs to someone else.
    ok(await u.tommy!.request('createGroup', { type: 'Public', name: 'mine', groupID: 'tommys' }));
    assert.equal((await call('create_group', { Type: 'Public', Name: 'x', GroupId: 'tommys' })).ErrorCode, 10021);
    assert.equal((await call('create_group', { Type: 'Public', Name: 'x', GroupId: '@TGS#nope' })).ErrorCode, 10015);
    assert.equal((await call('create_group', { Type: 'Chaos', Name: 'x' })).ErrorCode, 10004);
    assert.equal((await call('create_group', { Type: 'Public' })).ErrorCode, 10004);
    assert.equal((await call('create_group', { Type: 'Public', Name: 'x', Owner_Account: 'nobody_here' })).ErrorCode, 10019);
    const many = Array.from({ length: 101 }, (_, i) => ({ Member_Account: `m${i}` }));
    assert.equal((await call('create_group', { Type: 'Public', Name: 'x', MemberList: many })).ErrorCode, 10005);
    assert.equal((await call('create_group', { Type: 'Public', Name: 'x', MaxMemberCount: 2, Owner_Account: 'leckie', MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'peter' }] })).ErrorCode, 10038);
    const community = await call('create_group', { Type: 'Community', Name: 'c' });
    assert.equal(community.Type, 'Community');
    assert.equal(community.HugeGroupFlag, 0);
    assert.match(community.GroupId, /^@TGS#_/);
    const work = await call('create_group', { Type: 'Work', Name: 'w', Owner_Account: 'leckie' });
    assert.match(work.GroupId, /^@TGS#1/);
  });

  test('get_group_info: per-group codes, filters, members', async () => {
    const r = await call('get_group_info', {
      GroupIdList: ['MyFirstGroup', 'missing_group', '@TGS#bad\u00ff'],
      ResponseFilter: { GroupBaseInfoFilter: ['Type', 'Name', 'MemberNum', 'Owner_Account', 'MuteAllMember'], MemberInfoFilter: ['Role'], AppDefinedDataFilter_Group: ['GroupTestData1'] },
    });
    assert.equal(r.ErrorCode, 0);
    const [g, missing, bad] = r.GroupInfo;
    assert.deepEqual(missing, { GroupId: 'missing_group', ErrorCode: 10010, ErrorInfo: missing.ErrorInfo });
    assert.equal(bad.ErrorCode, 10015);
    assert.equal(g.ErrorCode, 0);
    assert.equal(g.Type, 'Public');
    assert.equal(g.Name, 'TestGroup');
    assert.equal(g.MemberNum, 3);
    assert.equal(g.Owner_Account, 'leckie');
    assert.equal(g.MuteAllMember, 'Off');
    assert.deepEqual(g.AppDefinedData, [{ Key: 'GroupTestData1', Value: 'xxxxx' }]);
    assert.equal(g.Introduction, undefined, 'filtered out');
    assert.deepEqual(g.MemberList.map((m: any) => [m.Member_Account, m.Role]), [['leckie', 'Owner'], ['bob', 'Admin'], ['peter', 'Member']]);
    const full = (await call('get_group_info', { GroupIdList: ['MyFirstGroup'] })).GroupInfo[0];
    assert.equal(full.MaxMemberNum, 500);
    assert.equal(full.ApplyJoinOption, 'FreeAccess');
    assert.equal(full.Appid, app.sdkAppId);
    assert.equal(full.NextMsgSeq, 2);
    assert.equal(full.MemberList[1].AppMemberDefinedData[0].Value, 'MemberData1');
    assert.equal((await call('get_group_info', { GroupIdList: Array.from({ length: 51 }, (_, i) => `g${i}`) })).ErrorCode, 10005);
  });

  test('modify_group_base_info: fields, custom data deletion, mute all; errors', async () => {
    const r = await call('modify_group_base_info', {
      GroupId: 'MyFirstGroup', Name: 'NewName', Notification: 'NewNotification', MaxMemberNum: 600, ApplyJoinOption: 'NeedPermission', MuteAllMember: 'On',
      AppDefinedData: [{ Key: 'GroupTestData1', Value: '' }, { Key: 'GroupTestData2', Value: 'v2' }],
    });
    assert.equal(r.ErrorCode, 0, r.ErrorInfo);
    const tip = tipOf(await nextGroupMessage(u.peter!, (m) => m.to === 'MyFirstGroup' && tipOf(m)?.operationType === GroupTipType.GROUP_PROFILE_UPDATED));
    assert.equal(tip.newGroupProfile.name, 'NewName');
    assert.equal(tip.newGroupProfile.muteAllMembers, true);
    const g = (await call('get_group_info', { GroupIdList: ['MyFirstGroup'] })).GroupInfo[0];
    assert.equal(g.Name, 'NewName');
    assert.equal(g.MuteAllMember, 'On');
    assert.deepEqual(g.AppDefinedData, [{ Key: 'GroupTestData2', Value: 'v2' }]);
    assert.equal((await sendGroup(u.peter!, 'MyFirstGroup')).code, 10017);
    assert.equal((await call('modify_group_base_info', { GroupId: 'MyFirstGroup', MuteAllMember: 'Off' })).ErrorCode, 0);
    assert.equal((await call('modify_group_base_info', { GroupId: 'MyFirstGroup', Name: 'x'.repeat(31) })).ErrorCode, 10004);
    assert.equal((await call('modify_group_base_info', { GroupId: 'nope_group', Name: 'x' })).ErrorCode, 10010);
    assert.equal((await call('modify_group_base_info', { Name: 'x' })).ErrorCode, 10004);
  });

  test('add_group_member, delete_group_member, get_group_member_info, get_role_in_group', async () => {
    const add = await call('add_group_member', { GroupId: 'MyFirstGroup', MemberList: [{ Member_Account: 'tommy' }, { Member_Account: 'bob' }, { Member_Account: 'ghost1' }] });
    assert.deepEqual(add.MemberList, [{ Member_Account: 'tommy', Result: 1 }, { Member_Account: 'bob', Result: 2 }, { Member_Account: 'ghost1', Result: 0 }]);
    ok(await sendGroup(u.tommy!, 'MyFirstGroup', text('hi from tommy')));
    const silent = await call('add_group_member', { GroupId: 'MyFirstGroup', Silence: 1, MemberList: [{ Member_Account: 'jared' }] });
    assert.equal(silent.MemberList[0].Result, 1);
    const info = await call('get_group_member_info', { GroupId: 'MyFirstGroup', MemberInfoFilter: ['Role', 'JoinTime'], Limit: 2, Offset: 0 });
    assert.equal(info.MemberNum, 5);
    assert.equal(info.MemberList.length, 2);
    assert.deepEqual(Object.keys(info.MemberList[0]).sort(), ['JoinTime', 'Member_Account', 'Role']);
    const admins = await call('get_group_member_info', { GroupId: 'MyFirstGroup', MemberRoleFilter: ['Admin'] });
    assert.deepEqual(admins.MemberList.map((m: any) => m.Member_Account), ['bob']);
    const roles = await call('get_role_in_group', { GroupId: 'MyFirstGroup', User_Account: ['leckie', 'bob', 'tommy', 'stranger'] });
    assert.deepEqual(roles.UserIdList.map((x: any) => x.Role), ['Owner', 'Admin', 'Member', 'NotMember']);
    const del = await call('delete_group_member', { GroupId: 'MyFirstGroup', Reason: 'kick reason', MemberToDel_Account: ['tommy', 'not_a_member'] });
    assert.equal(del.ErrorCode, 0);
    assert.equal((await nextNotice(u.tommy!, GroupNoticeType.KICKED_OUT)).handleMessage, 'kick reason');
    assert.equal((await call('delete_group_member', { GroupId: 'MyFirstGroup', MemberToDel_Account: ['leckie'] })).ErrorCode, 10007);
    assert.equal((await call('add_group_member', { GroupId: 'MyFirstGroup', MemberList: Array.from({ length: 301 }, (_, i) => ({ Member_Account: `m${i}` })) })).ErrorCode, 10005);
    assert.equal((await call('add_group_member', { GroupId: 'missing_group', MemberList: [{ Member_Account: 'tommy' }] })).ErrorCode, 10010);
    // Full: the add is refused whole.
    const small = (await call('create_group', { Type: 'Public', Name: 's', MaxMemberCount: 1 })).GroupId;
    assert.equal((await call('add_group_member', { GroupId: small, MemberList: [{ Member_Account: 'tommy' }, { Member_Account: 'jared' }] })).ErrorCode, 10014);
  });

  test('modify_group_member_info, forbid_send_msg, get_group_shutted_uin', async () => {
    assert.equal((await call('modify_group_member_info', { GroupId: 'MyFirstGroup', Member_Account: 'peter', Role: 'Admin', NameCard: 'Pete', MsgFlag: 'AcceptNotNotify' })).ErrorCode, 0);
    const m = (await call('get_group_member_info', { GroupId: 'MyFirstGroup', MemberInfoFilter: ['Role', 'NameCard', 'MsgFlag'] })).MemberList.find((x: any) => x.Member_Account === 'peter');
    assert.deepEqual([m.Role, m.NameCard, m.MsgFlag], ['Admin', 'Pete', 'AcceptNotNotify']);
    assert.equal((await call('modify_group_member_info', { GroupId: 'MyFirstGroup', Member_Account: 'leckie', Role: 'Member' })).ErrorCode, 10004);
    assert.equal((await call('modify_group_member_info', { GroupId: 'MyFirstGroup', Member_Account: 'stranger', NameCard: 'x' })).ErrorCode, 10007);
    assert.equal((await call('forbid_send_msg', { GroupId: 'MyFirstGroup', Members_Account: ['jared'], MuteTime: 60 })).ErrorCode, 0);
    assert.equal((await sendGroup(u.jared!, 'MyFirstGroup')).code, 10017);
    const muted = await call('get_group_shutted_uin', { GroupId: 'MyFirstGroup' });
    assert.equal(muted.ShuttedUinList[0].Member_Account, 'jared');
    assert.ok(muted.ShuttedUinList[0].ShuttedUntil > Date.now() / 1000);
    assert.equal((await call('get_group_muted_account', { GroupId: 'MyFirstGroup' })).MutedAccountList[0].Member_Account, 'jared');
    assert.equal((await call('forbid_send_msg', { GroupId: 'MyFirstGroup', Members_Account: ['jared'], MuteTime: 0 })).ErrorCode, 0);
    ok(await sendGroup(u.jared!, 'MyFirstGroup'));
    const work = (await call('create_group', { Type: 'Private', Name: 'w', Owner_Account: 'leckie', MemberList: [{ Member_Account: 'jared' }] })).GroupId;
    assert.equal((await call('forbid_send_msg', { GroupId: work, Members_Account: ['jared'], MuteTime: 60 })).ErrorCode, 10007);
  });

  test('send_group_msg, group_msg_get_simple, group_msg_recall', async () => {
    const sent = await call('send_group_msg', { GroupId: 'MyFirstGroup', From_Account: 'leckie', Random: 8912345, MsgPriority: 'High', MsgBody: text('red packet'), CloudCustomData: 'ccd' });
    assert.equal(sent.ErrorCode, 0, sent.ErrorInfo);
    assert.ok(sent.MsgSeq > 0);
    assert.ok(Math.abs(sent.MsgTime - Date.now() / 1000) < 5);
    const live = await nextGroupMessage(u.bob!, (m) => m.to === 'MyFirstGroup' && m.seq === sent.MsgSeq);
    assert.equal(live.from, 'leckie');
    const dup = await call('send_group_msg', { GroupId: 'MyFirstGroup', From_Account: 'leckie', Random: 8912345, MsgBody: text('red packet') });
    assert.equal(dup.MsgSeq, sent.MsgSeq, 'same sender and Random within 5 minutes');
    const admin = await call('send_group_msg', { GroupId: 'MyFirstGroup', Random: 2, MsgBody: text('from the admin') });
    assert.equal(admin.ErrorCode, 0);
    assert.equal((await call('send_group_msg', { GroupId: 'MyFirstGroup', MsgBody: text('x') })).ErrorCode, 10004);
    assert.equal((await call('send_group_msg', { GroupId: 'MyFirstGroup', Random: 3, MsgBody: 'nope' })).ErrorCode, 10004);
    assert.equal((await call('send_group_msg', { GroupId: 'MyFirstGroup', Random: 3, MsgBody: text('x'.repeat(13000)) })).ErrorCode, 80002);
    assert.equal((await call('send_group_msg', { GroupId: 'gone_group', Random: 3, MsgBody: text('x') })).ErrorCode, 10010);
    const online = await call('send_group_msg', { GroupId: 'MyFirstGroup', Random: 4, OnlineOnlyFlag: 1, MsgBody: text('online') });
    assert.equal(online.MsgSeq, 0);
    const h = await call('group_msg_get_simple', { GroupId: 'MyFirstGroup', ReqMsgNumber: 2 });
    assert.equal(h.IsFinished, 0);
    assert.deepEqual(h.RspMsgList.map((m: any) => m.MsgSeq), [admin.MsgSeq, sent.MsgSeq]);
    const red = h.RspMsgList[1];
    assert.deepEqual([red.From_Account, red.MsgPriority, red.MsgRandom, red.IsPlaceMsg, red.CloudCustomData], ['leckie', 1, 8912345, 0, 'ccd']);
    const older = await call('group_msg_get_simple', { GroupId: 'MyFirstGroup', ReqMsgNumber: 20, ReqMsgSeq: sent.MsgSeq - 1 });
    assert.equal(older.IsFinished, 1);
    assert.equal(older.RspMsgList[older.RspMsgList.length - 1].IsSystemMsg, 1, 'the first message is the creation tip');
    assert.equal((await call('group_msg_get_simple', { GroupId: 'MyFirstGroup', ReqMsgNumber: 21 })).ErrorCode, 10004);
    const recall = await call('group_msg_recall', { GroupId: 'MyFirstGroup', MsgSeqList: [{ MsgSeq: sent.MsgSeq }, { MsgSeq: 99999 }] });
    assert.deepEqual(recall.RecallRetList, [{ MsgSeq: sent.MsgSeq, RetCode: 0 }, { MsgSeq: 99999, RetCode: 10030 }]);
    // Members are told through their inbox (a recall event for the group conversation).
    const deadline = Date.now() + 5000;
    let ev: any;
    while (!(ev = u.bob!.pushes.find((p: any) => p.push === 'inbox' && p.data.kind === 'revoke' && p.data.seq === sent.MsgSeq)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(ev, 'bob was told of the recall');
    assert.equal(ev.data.conversationType, 'GROUP');
    const withRecalled = await call('group_msg_get_simple', { GroupId: 'MyFirstGroup', ReqMsgNumber: 1, ReqMsgSeq: sent.MsgSeq, WithRecalledMsg: 1 });
    assert.equal(withRecalled.RspMsgList[0].IsPlaceMsg, 2);
    assert.equal((await call('group_msg_recall', { GroupId: 'MyFirstGroup', MsgSeqList: [{ MsgSeq: sent.MsgSeq }] })).RecallRetList[0].RetCode, 10032);
  });

  test('send_group_system_notification: online members only, custom notice type 255', async () => {
    const r = await call('send_group_system_notification', { GroupId: 'MyFirstGroup', ToMembers_Account: ['peter', 'stranger'], Content: 'Hello World' });
    assert.equal(r.ErrorCode, 0);
    const p = await u.peter!.nextPush('message');
    assert.equal(p.data.onlineOnly, true);
    assert.equal(p.data.from, '@TIM#SYSTEM');
    assert.equal(p.data.to, 'peter');
    assert.deepEqual([p.data.body[0].MsgContent.operationType, p.data.body[0].MsgContent.userDefinedField], [255, 'Hello World']);
    await settle(50);
    assert.equal(u.bob!.pushesNamed('message').length, 0);
    assert.equal((await call('send_group_system_notification', { GroupId: 'MyFirstGroup' })).ErrorCode, 10004);
  });

  test('change_group_owner, get_joined_group_list, get_appid_group_list, get_online_member_num, destroy_group', async () => {
    assert.equal((await call('change_group_owner', { GroupId: 'MyFirstGroup', NewOwner_Account: 'stranger' })).ErrorCode, 10007);
    assert.equal((await call('change_group_owner', { GroupId: 'MyFirstGroup', NewOwner_Account: 'peter' })).ErrorCode, 0);
    const roles = await call('get_role_in_group', { GroupId: 'MyFirstGroup', User_Account: ['leckie', 'peter'] });
    assert.deepEqual(roles.UserIdList.map((x: any) => x.Role), ['Member', 'Owner']);
    const joined = await call('get_joined_group_list', { Member_Account: 'leckie', ResponseFilter: { GroupBaseInfoFilter: ['Type', 'Name'], SelfInfoFilter: ['Role'] } });
    const entry = joined.GroupIdList.find((g: any) => g.GroupId === 'MyFirstGroup');
    assert.deepEqual(entry, { GroupId: 'MyFirstGroup', Type: 'Public', Name: 'NewName', SelfInfo: { Role: 'Member' } });
    // Inactive Work groups (no message yet) are hidden unless asked for.
    const work = (await call('create_group', { Type: 'Private', Name: 'quiet', Owner_Account: 'leckie' })).GroupId;
    const plain = await call('get_joined_group_list', { Member_Account: 'leckie' });
    assert.equal(plain.GroupIdList.some((g: any) => g.GroupId === work), false);
    const all = await call('get_joined_group_list', { Member_Account: 'leckie', WithNoActiveGroups: 1, GroupType: 'Private' });
    assert.ok(all.GroupIdList.some((g: any) => g.GroupId === work));
    assert.equal(all.TotalCount, all.GroupIdList.length);
    const p1 = await call('get_appid_group_list', { Limit: 2 });
    assert.equal(p1.GroupIdList.length, 2);
    assert.ok(p1.TotalCount >= 6);
    assert.notEqual(p1.Next, 0);
    assert.equal((await call('get_appid_group_list', { Limit: 2, Next: p1.Next })).ErrorCode, 60007, '1 call per second');
    await settle(1100);
    const p2 = await call('get_appid_group_list', { Limit: 2, Next: p1.Next });
    assert.equal(p2.ErrorCode, 0);
    assert.notDeepEqual(p2.GroupIdList, p1.GroupIdList);
    assert.equal((await call('get_online_member_num', { GroupId: 'MyFirstGroup' })).ErrorCode, 10007);
    assert.equal((await call('destroy_group', { GroupId: 'MyFirstGroup' })).ErrorCode, 0);
    await nextNotice(u.bob!, GroupNoticeType.GROUP_DISMISSED);
    assert.equal((await call('destroy_group', { GroupId: 'MyFirstGroup' })).ErrorCode, 10010);
    assert.equal((await call('destroy_group', { GroupId: work })).ErrorCode, 0, 'REST may dismiss Work groups');
  });

  test('import_group_msg: ordered, past-only, no notifications, unread reset', async () => {
    const id = (await call('create_group', { Type: 'Public', Name: 'imp', Owner_Account: 'leckie', MemberList: [{ Member_Account: 'bob' }] })).GroupId;
    await settle(1100);
    const now = Math.floor(Date.now() / 1000);
    const pushesBefore = u.bob!.pushesNamed('groupMessage').length;
    const r = await call('import_group_msg', {
      GroupId: id, MsgList: [
        { From_Account: 'leckie', SendTime: now - 1, Random: 1, MsgBody: text('old 1') },
        { From_Account: 'bob', SendTime: now, Random: 2, MsgBody: text('old 2') },
        { From_Account: 'bob', SendTime: now - 100, Random: 3, MsgBody: text('out of order') },
        { From_Account: 'bob', SendTime: now, Random: 4, MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: 'u', ImageFormat: 1, ImageInfoArray: [] } }] },
      ],
    });
    assert.equal(r.ErrorCode, 0, r.ErrorInfo);
    assert.deepEqual(r.ImportMsgResult.map((x: any) => x.Result), [0, 0, 10004, 10004]);
    assert.equal(r.ImportMsgResult[1].MsgSeq, r.ImportMsgResult[0].MsgSeq + 1);
    await settle(50);
    assert.equal(u.bob!.pushesNamed('groupMessage').length, pushesBefore, 'imports notify nobody');
    const conv = ok(await u.bob!.request('getConversationList')).conversationList.find((c: any) => c.conversationID === `GROUP${id}`);
    assert.equal(conv.unreadCount, 0);
    assert.equal(conv.lastMessage.body[0].MsgContent.Text, 'old 2');
    assert.equal((await call('import_group_msg', { GroupId: id, MsgList: Array.from({ length: 21 }, () => ({})) })).ErrorCode, 10020);
  });
});
