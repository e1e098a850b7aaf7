/**
 * The group_open_http_svc commands that complete the REST surface: import_group,
 * import_group_member, set_unread_msg_num, delete_group_msg_by_sender and the group attribute
 * commands, over real HTTP, with WebSocket clients checking what members then see.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, loginAll, ok, sendGroup, type Users } from './helpers/groups.ts';
import { createTestApp, rest, startNode, text, type TestNode } from './helpers/test-server.ts';

describe('groups: REST imports, unread counts, deleting by sender, attributes', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  const call = (cmd: string, body: unknown) => rest(node, app, `group_open_http_svc/${cmd}`, body);
  const now = () => Math.floor(Date.now() / 1000);
  const unreadOf = async (user: string, groupId: string) =>
    ok(await u[user]!.request('getConversationList')).conversationList.find((c: any) => c.conversationID === `GROUP${groupId}`)?.unreadCount;
  const say = async (groupId: string, from: string, t: string) => {
    const r = await call('send_group_msg', { GroupId: groupId, From_Account: from, Random: Math.floor(Math.random() * 1e9), MsgBody: text(t) });
    assert.equal(r.ErrorCode, 0, r.ErrorInfo);
    return r.MsgSeq as number;
  };

  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    u = await loginAll(node, app, ['leckie', 'bob', 'peter', 'spam', 'eve']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('import_group: CreateTime kept, no tip; AVChatRoom 10007; bad CreateTime, MemberList, owner, ID', async () => {
    const created = now() - 86400;
    const r = await call('import_group', {
      Owner_Account: 'leckie', Type: 'Public', GroupId: 'ImportedGroup', Name: 'Old group', Introduction: 'from before',
      ApplyJoinOption: 'FreeAccess', AppDefinedData: [{ Key: 'origin', Value: 'legacy' }], CreateTime: created,
    });
    assert.deepEqual(r, { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, GroupId: 'ImportedGroup' });
    const info = (await call('get_group_info', { GroupIdList: ['ImportedGroup'] })).GroupInfo[0];
    assert.equal(info.CreateTime, created);
    assert.equal(info.Owner_Account, 'leckie');
    assert.equal(info.MemberList[0].JoinTime, created, 'the owner joined when the group was created');
    assert.deepEqual(info.AppDefinedData, [{ Key: 'origin', Value: 'legacy' }]);
    const hist = await call('group_msg_get_simple', { GroupId: 'ImportedGroup', ReqMsgNumber: 20 });
    assert.deepEqual(hist.RspMsgList, [], 'an import posts no tip');
    const generated = await call('import_group', { Type: 'Community', Name: 'c' });
    assert.match(generated.GroupId, /^@TGS#_/);

    assert.equal((await call('import_group', { Type: 'AVChatRoom', Name: 'live' })).ErrorCode, 10007);
    assert.equal((await call('import_group', { Type: 'BChatRoom', Name: 'live' })).ErrorCode, 10007);
    assert.equal((await call('import_group', { Type: 'Public', Name: 'x', CreateTime: now() + 3600 })).ErrorCode, 10004);
    assert.equal((await call('import_group', { Type: 'Public', Name: 'x', CreateTime: 'yesterday' })).ErrorCode, 10004);
    assert.equal((await call('import_group', { Type: 'Public', Name: 'x', MemberList: [{ Member_Account: 'bob' }] })).ErrorCode, 10004);
    assert.equal((await call('import_group', { Type: 'Public', Name: 'x', Owner_Account: 'nobody_here' })).ErrorCode, 10019);
    assert.equal((await call('import_group', { Type: 'Public', Name: 'x', GroupId: 'ImportedGroup' })).ErrorCode, 10025);
    assert.equal((await call('import_group', { Type: 'Public' })).ErrorCode, 10004);
  });

  test('import_group_member: join times, roles, per-member Result; a bad entry imports nobody', async () => {
    const created = (await call('get_group_info', { GroupIdList: ['ImportedGroup'] })).GroupInfo[0].CreateTime as number;
    const bad = await call('import_group_member', {
      GroupId: 'ImportedGroup', MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'peter', JoinTime: created - 1 }],
    });
    assert.equal(bad.ErrorCode, 10004, 'a JoinTime before the group existed');
    assert.equal((await call('get_role_in_group', { GroupId: 'ImportedGroup', User_Account: ['bob'] })).UserIdList[0].Role, 'NotMember', 'nothing half-applied');
    assert.equal((await call('import_group_member', { GroupId: 'ImportedGroup', MemberList: [{ Member_Account: 'bob', Role: 'Owner' }] })).ErrorCode, 10004);
    assert.equal((await call('import_group_member', { GroupId: 'ImportedGroup', MemberList: [{ Member_Account: 'bob', UnreadMsgNum: -1 }] })).ErrorCode, 10004);
    assert.equal((await call('import_group_member', { GroupId: 'ImportedGroup', MemberList: [{ Member_Account: 'bob', JoinTime: now() + 60 }] })).ErrorCode, 10004);
    assert.equal((await call('import_group_member', { GroupId: 'ImportedGroup', MemberList: [] })).ErrorCode, 10004);
    assert.equal((await call('import_group_member', { GroupId: 'ImportedGroup' })).ErrorCode, 10004);
    const many = Array.from({ length: 301 }, (_, i) => ({ Member_Account: `m${i}` }));
    assert.equal((await call('import_group_member', { GroupId: 'ImportedGroup', MemberList: many })).ErrorCode, 10005);

    const r = await call('import_group_member', {
      GroupId: 'ImportedGroup',
      MemberList: [
        { Member_Account: 'bob', Role: 'Admin', JoinTime: created + 10 },
        { Member_Account: 'peter', JoinTime: created + 20 },
        { Member_Account: 'leckie' },
        { Member_Account: 'ghost_user' },
      ],
    });
    assert.equal(r.ErrorCode, 0, r.ErrorInfo);
    assert.deepEqual(r.MemberList, [
      { Member_Account: 'bob', Result: 1 }, { Member_Account: 'peter', Result: 1 }, { Member_Account: 'leckie', Result: 2 }, { Member_Account: 'ghost_user', Result: 0 },
    ]);
    const members = (await call('get_group_member_info', { GroupId: 'ImportedGroup' })).MemberList;
    assert.deepEqual(members.map((m: any) => [m.Member_Account, m.Role, m.JoinTime]), [
      ['leckie', 'Owner', created], ['bob', 'Admin', created + 10], ['peter', 'Member', created + 20],
    ]);

    const live = await call('create_group', { Type: 'AVChatRoom', Name: 'live' });
    assert.equal((await call('import_group_member', { GroupId: live.GroupId, MemberList: [{ Member_Account: 'bob' }] })).ErrorCode, 10007);
    const tiny = await call('create_group', { Type: 'Public', Name: 'tiny', Owner_Account: 'leckie', MaxMemberCount: 2 });
    assert.equal((await call('import_group_member', { GroupId: tiny.GroupId, MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'peter' }] })).ErrorCode, 10014);
  });

  test('import_group_member UnreadMsgNum and set_unread_msg_num show in the conversation list until the member reads', async () => {
    await say('ImportedGroup', 'leckie', 'first');
    const r = await call('import_group_member', { GroupId: 'ImportedGroup', MemberList: [{ Member_Account: 'eve', UnreadMsgNum: 5 }] });
    assert.equal(r.MemberList[0].Result, 1);
    assert.equal(await unreadOf('eve', 'ImportedGroup'), 5);
    await say('ImportedGroup', 'bob', 'after the import');
    assert.equal(await unreadOf('eve', 'ImportedGroup'), 6, 'new messages count on top');
    ok(await u.eve!.request('setMessageRead', { conversationID: 'GROUPImportedGroup' }));
    assert.equal(await unreadOf('eve', 'ImportedGroup'), 0, 'reading clears the imported count');

    assert.deepEqual(await call('set_unread_msg_num', { GroupId: 'ImportedGroup', Member_Account: 'peter', UnreadMsgNum: 12 }), { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    assert.equal(await unreadOf('peter', 'ImportedGroup'), 12);
    await call('set_unread_msg_num', { GroupId: 'ImportedGroup', Member_Account: 'peter', UnreadMsgNum: 0 });
    assert.equal(await unreadOf('peter', 'ImportedGroup'), 0, 'a lower count, even below what arrived');
    await say('ImportedGroup', 'leckie', 'one more');
    assert.equal(await unreadOf('peter', 'ImportedGroup'), 1);

    assert.equal((await call('set_unread_msg_num', { GroupId: 'ImportedGroup', Member_Account: 'spam', UnreadMsgNum: 1 })).ErrorCode, 10007, 'not a member');
    assert.equal((await call('set_unread_msg_num', { GroupId: 'ImportedGroup', Member_Account: 'peter', UnreadMsgNum: -3 })).ErrorCode, 10004);
    assert.equal((await call('set_unread_msg_num', { GroupId: 'ImportedGroup', Member_Account: 'peter', UnreadMsgNum: '3' })).ErrorCode, 10004);
    assert.equal((await call('set_unread_msg_num', { GroupId: 'ImportedGroup', Member_Account: 'peter' })).ErrorCode, 10004);
    assert.equal(await unreadOf('peter', 'ImportedGroup'), 1, 'refused calls change nothing');
    const meeting = await call('create_group', { Type: 'ChatRoom', Name: 'meet', Owner_Account: 'leckie' });
    assert.equal((await call('set_unread_msg_num', { GroupId: meeting.GroupId, Member_Account: 'leckie', UnreadMsgNum: 1 })).ErrorCode, 10007, 'Meeting groups keep no unread counts');
    assert.equal((await call('set_unread_msg_num', { GroupId: 'no_such_group', Member_Account: 'peter', UnreadMsgNum: 1 })).ErrorCode, 10010);
  });

  test('delete_group_msg_by_sender: gone from REST history, getMessageList, syncGroups and unread counts', async () => {
    const g = await call('create_group', { Type: 'Public', Name: 'spammed', Owner_Account: 'leckie', MemberList: [{ Member_Account: 'spam' }, { Member_Account: 'bob' }] });
    const id = g.GroupId as string;
    const before = (await call('group_msg_get_simple', { GroupId: id, ReqMsgNumber: 1 })).RspMsgList[0].MsgSeq as number;
    ok(await u.bob!.request('setMessageRead', { conversationID: `GROUP${id}` }));
    await say(id, 'spam', 'buy now 1');
    const keep = await say(id, 'leckie', 'hello');
    for (let i = 2; i <= 6; i++) await say(id, 'spam', `buy now ${i}`);
    assert.equal(await unreadOf('bob', id), 7);

    assert.deepEqual(await call('delete_group_msg_by_sender', { GroupId: id, Sender_Account: 'spam' }), { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    // The deleted tail keeps its sequence numbers: NextMsgSeq does not go back.
    assert.equal((await call('get_group_info', { GroupIdList: [id] })).GroupInfo[0].NextMsgSeq, keep + 6);
    assert.equal(ok(await u.bob!.request('getGroupProfile', { groupID: id })).group.nextMessageSeq, keep + 6);
    const hist = await call('group_msg_get_simple', { GroupId: id, ReqMsgNumber: 20, WithRecalledMsg: 1 });
    assert.ok(hist.RspMsgList.every((m: any) => m.From_Account !== 'spam'), 'REST history');
    assert.deepEqual(hist.RspMsgList.map((m: any) => m.MsgSeq).slice(0, 1), [keep]);
    const page = ok(await u.bob!.request('getMessageList', { conversationID: `GROUP${id}`, count: 2 }));
    assert.deepEqual(page.messageList.map((m: any) => m.seq), [before, keep], 'client history: a page is filled from what is left');
    const sync = ok(await u.bob!.request('syncGroups', { cursors: { [id]: before }, limit: 2 }));
    const entry = sync.groups.find((x: any) => x.groupID === id);
    assert.deepEqual(entry.messages.map((m: any) => m.seq), [keep], 'syncGroups skips the holes');
    assert.equal(entry.isCompleted, true);
    const tail = ok(await u.bob!.request('syncGroups', { cursors: { [id]: keep }, limit: 2 }));
    const tailEntry = tail.groups.find((x: any) => x.groupID === id);
    assert.deepEqual(tailEntry.messages, []);
    assert.equal(tailEntry.isCompleted, true, 'a cursor in the deleted tail is complete, not a loop');
    assert.equal(await unreadOf('bob', id), 1);
    const list = ok(await u.bob!.request('getConversationList')).conversationList.find((c: any) => c.conversationID === `GROUP${id}`);
    assert.equal(list.lastMessage.from, 'leckie', 'the last message shown is the last one left');

    // The sender may post again, with fresh sequence numbers.
    const again = ok(await sendGroup(u.spam!, id, text('sorry')));
    assert.ok(again.message.seq > keep + 5);
    assert.equal((await call('group_msg_get_simple', { GroupId: id, ReqMsgNumber: 1 })).RspMsgList[0].From_Account, 'spam');

    const live = await call('create_group', { Type: 'AVChatRoom', Name: 'live' });
    assert.equal((await call('delete_group_msg_by_sender', { GroupId: live.GroupId, Sender_Account: 'spam' })).ErrorCode, 0, 'live rooms: nothing stored, no error');
    assert.equal((await call('delete_group_msg_by_sender', { GroupId: id })).ErrorCode, 10004);
    assert.equal((await call('delete_group_msg_by_sender', { GroupId: 'no_such_group', Sender_Account: 'spam' })).ErrorCode, 10010);
  });

  test('group attributes: set, modify, get, clear on AVChatRoom and stored groups; limits 10045-10048 write nothing', async () => {
    const live = (await call('create_group', { Type: 'AVChatRoom', Name: 'voice room' })).GroupId as string;
    const get = async (id: string) => (await call('get_group_attr', { GroupId: id })).GroupAttrAry;
    assert.deepEqual(await call('get_group_attr', { GroupId: live }), { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, GroupAttrAry: [] });
    assert.equal((await call('set_group_attr', { GroupId: live, GroupAttr: [{ key: 'seat1', value: 'bob' }, { key: 'seat2', value: 'eve' }] })).ErrorCode, 0);
    assert.equal((await call('modify_group_attr', { GroupId: live, GroupAttr: [{ key: 'seat2', value: '' }, { key: 'topic', value: 'jazz' }] })).ErrorCode, 0);
    assert.deepEqual(await get(live), [{ key: 'seat1', value: 'bob' }, { key: 'seat2', value: '' }, { key: 'topic', value: 'jazz' }]);
    assert.equal((await call('set_group_attr', { GroupId: live, GroupAttr: [{ key: 'only', value: '1' }] })).ErrorCode, 0);
    assert.deepEqual(await get(live), [{ key: 'only', value: '1' }], 'set replaces the whole map');

    const limit = async (cmd: string, attrs: unknown, code: number) => {
      assert.equal((await call(cmd, { GroupId: live, GroupAttr: attrs })).ErrorCode, code, `${cmd} ${code}`);
      assert.deepEqual(await get(live), [{ key: 'only', value: '1' }], `${cmd} ${code} wrote nothing`);
    };
    await limit('modify_group_attr', [{ key: 'k'.repeat(33), value: 'v' }], 10045);
    await limit('modify_group_attr', [{ key: 'ok', value: 'v' }, { key: 'big', value: 'x'.repeat(4001) }], 10046);
    await limit('modify_group_attr', Array.from({ length: 16 }, (_, i) => ({ key: `k${i}`, value: 'v' })), 10047);
    await limit('set_group_attr', Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(4000) })), 10048);
    await limit('modify_group_attr', [{ key: 'a', value: 1 }], 10004);
    await limit('modify_group_attr', [{ key: 'a', value: '1' }, { key: 'a', value: '2' }], 10004);
    await limit('modify_group_attr', [], 10004);
    await limit('set_group_attr', 'k=v', 10004);
    assert.equal((await call('modify_group_attr', { GroupId: live, GroupAttr: Array.from({ length: 15 }, (_, i) => ({ key: `k${i}`, value: 'v' })) })).ErrorCode, 0, '16 keys fit');
    assert.equal((await get(live)).length, 16);

    assert.equal((await call('clear_group_attr', { GroupId: live })).ErrorCode, 0);
    assert.deepEqual(await get(live), []);
    assert.equal((await call('get_group_attr', { GroupId: 'no_such_group' })).ErrorCode, 10010);
    assert.equal((await call('modify_group_attr', { GroupId: '@TGS#bad\u00ff', GroupAttr: [{ key: 'a', value: 'b' }] })).ErrorCode, 10015);

    // Stored groups keep them too; dismissing the group removes them.
    assert.equal((await call('set_group_attr', { GroupId: 'ImportedGroup', GroupAttr: [{ key: 'mode', value: 'quiet' }] })).ErrorCode, 0);
    assert.deepEqual(await get('ImportedGroup'), [{ key: 'mode', value: 'quiet' }]);
    assert.equal((await call('destroy_group', { GroupId: 'ImportedGroup' })).ErrorCode, 0);
    assert.equal((await call('import_group', { Type: 'Public', Name: 'reborn', GroupId: 'ImportedGroup' })).ErrorCode, 0);
    assert.deepEqual(await get('ImportedGroup'), []);
  });

  test('group_msg_get_simple: tips come as TIMCustomElem with IsSystemMsg 1 (the REST element list has no tip type)', async () => {
    const g = await call('create_group', { Type: 'Public', Name: 'tips', Owner_Account: 'leckie', MemberList: [{ Member_Account: 'bob' }] });
    await say(g.GroupId, 'leckie', 'plain');
    const [plain, tip] = (await call('group_msg_get_simple', { GroupId: g.GroupId, ReqMsgNumber: 20 })).RspMsgList;
    assert.equal(plain.IsSystemMsg, undefined);
    assert.deepEqual(plain.MsgBody, text('plain'));
    assert.equal(tip.IsSystemMsg, 1);
    assert.equal(tip.MsgBody[0].MsgType, 'TIMCustomElem');
    assert.equal(tip.MsgBody[0].MsgContent.Desc, 'TIMGroupTipElem');
    assert.deepEqual(JSON.parse(tip.MsgBody[0].MsgContent.Data).userIDList, ['bob']);
  });
});
