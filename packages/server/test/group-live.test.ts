/**
 * AVChatRoom and BChatRoom through the group module, against a fake LiveRooms (the real engine
 * has its own tests): create/join/quit/send/dismiss, the rate-limit drop answer, guests receive
 * only, and the operations live rooms do not have.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, createGroup, FakeLiveRooms, loginAll, ok, sendGroup, settle, type Users } from './helpers/groups.ts';
import { createTestApp, rest, startNode, text, type TestNode } from './helpers/test-server.ts';
import { TestClient } from './helpers/ws-client.ts';

describe('groups: live rooms (AVChatRoom, BChatRoom)', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  let live: FakeLiveRooms;
  before(async () => {
    node = await startNode();
    live = new FakeLiveRooms();
    node.parley.services.liveRooms = live;
    app = await createTestApp(node, { settings: { roomMessagesPerSecond: 25 } });
    u = await loginAll(node, app, ['host', 'fan', 'mod', 'administrator']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('AVChatRoom: join without approval, send through the room limiter, no history, no member APIs', async () => {
    const r = await rest(node, app, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'live', MemberList: [{ Member_Account: 'fan' }] });
    assert.equal(r.ErrorCode, 10007);
    const id = await createGroup(u.host!, { type: 'AVChatRoom', name: 'show' });
    assert.match(id, /^@TGS#a/);
    const g = ok(await u.host!.request('getGroupProfile', { groupID: id })).group;
    assert.equal(g.memberCount, 0);
    assert.equal(g.joinOption, 'FreeAccess');
    // Not joined yet: cannot send.
    assert.equal((await sendGroup(u.fan!, id)).code, 10007);
    assert.equal(ok(await u.fan!.request('joinGroup', { groupID: id })).status, 'JoinedSuccess');
    assert.equal(ok(await u.host!.request('joinGroup', { groupID: id })).status, 'JoinedSuccess');
    assert.equal(ok(await u.fan!.request('getGroupOnlineMemberCount', { groupID: id })).memberCount, 2);
    const sent = ok(await sendGroup(u.fan!, id, text('wow'), { priority: 'Low' }));
    assert.equal(sent.message.seq, 0);
    assert.equal(sent.dropReason, undefined);
    const pub = live.published.at(-1)!;
    assert.equal(pub.groupId, id);
    assert.equal(pub.priority, 'Low');
    assert.equal(pub.rate, 25);
    assert.equal(pub.wire.from, 'fan');
    assert.equal((await u.host!.nextPush('roomMessage')).data.body[0].MsgContent.Text, 'wow');
    live.dropNext = true;
    const dropped = ok(await sendGroup(u.fan!, id, text('spam')));
    assert.equal(dropped.dropReason, 'MsgFreqCtrl');
    // What live rooms do not have.
    assert.equal((await u.fan!.request('getMessageList', { conversationID: `GROUP${id}` })).code, 10044);
    assert.equal((await u.host!.request('getGroupMemberList', { groupID: id })).code, 10007);
    assert.equal((await u.host!.request('addGroupMember', { groupID: id, userIDList: ['mod'] })).code, 10007);
    assert.equal((await u.host!.request('deleteGroupMember', { groupID: id, userIDList: ['fan'] })).code, 10007);
    assert.equal((await u.host!.request('revokeMessage', { conversationID: `GROUP${id}`, msgKey: sent.message.msgKey })).code, 10033);
    assert.equal((await u.host!.request('changeGroupOwner', { groupID: id, newOwnerID: 'fan' })).code, 10007);
    assert.equal((await u.host!.request('quitGroup', { groupID: id })).code, 0);
    const list = ok(await u.fan!.request('getGroupList')).groupList;
    assert.equal(list.some((x: any) => x.groupID === id), false, 'live rooms are not in the group list');
    // Mute: the owner mutes anyone in the room, member or not.
    ok(await u.host!.request('setGroupMemberMuteTime', { groupID: id, userID: 'fan', muteTime: 60 }));
    assert.equal((await sendGroup(u.fan!, id)).code, 10017);
    assert.equal((await u.fan!.request('setGroupMemberMuteTime', { groupID: id, userID: 'host', muteTime: 60 })).code, 10007);
    // Dismiss closes the room.
    ok(await u.host!.request('dismissGroup', { groupID: id }));
    assert.deepEqual(live.closed, [id]);
    assert.equal((await u.fan!.request('joinGroup', { groupID: id })).code, 10010);
  });

  test('guests of guest-mode apps join receive-only', async () => {
    const guestApp = await createTestApp(node, { mode: 'guest' });
    const hosts = await loginAll(node, guestApp, ['anchor']);
    const id = await createGroup(hosts.anchor!, { type: 'AVChatRoom', name: 'guests' });
    const guest = await TestClient.connect(node.url);
    ok(await guest.request('guestLogin', { sdkAppId: guestApp.sdkAppId, nick: 'viewer' }));
    assert.equal(ok(await guest.request('joinGroup', { groupID: id })).status, 'JoinedSuccess');
    const info = [...live.rooms.get(`${guestApp.sdkAppId}:${id}`)!.values()][0]!;
    assert.deepEqual(info, { receiveOnly: true, nick: 'viewer' });
    assert.equal((await sendGroup(guest, id)).code, 300011);
    const pub = await createGroup(hosts.anchor!, { type: 'Public', name: 'not live', joinOption: 'FreeAccess' });
    assert.equal((await guest.request('joinGroup', { groupID: pub })).code, 10007);
    assert.equal((await guest.request('createGroup', { type: 'Public', name: 'x' })).code, 10007);
    await guest.close();
    await closeAll(hosts);
  });

  test('BChatRoom: only admins broadcast, to the whole app; no join needed', async () => {
    const id = await createGroup(u.host!, { type: 'BChatRoom', name: 'news' });
    assert.equal((await sendGroup(u.fan!, id, text('hi all'))).code, 10007);
    const r = ok(await sendGroup(u.administrator!, id, text('announcement')));
    assert.equal(r.message.onlineOnly, true);
    const b = live.broadcasts.at(-1)!;
    assert.equal(b.sdkAppId, app.sdkAppId);
    assert.equal(b.wire.body[0].MsgContent.Text, 'announcement');
    ok(await sendGroup(u.host!, id, text('from the owner')));
    const viaRest = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, Random: 7, MsgBody: text('rest') });
    assert.equal(viaRest.ErrorCode, 0);
    assert.equal(live.broadcasts.at(-1)!.wire.body[0].MsgContent.Text, 'rest');
  });

  test('REST on live rooms: online count, all-member notifications, member APIs refused', async () => {
    const id = await createGroup(u.host!, { type: 'AVChatRoom', name: 'rest-live' });
    ok(await u.fan!.request('joinGroup', { groupID: id }));
    const count = await rest(node, app, 'group_open_http_svc/get_online_member_num', { GroupId: id });
    assert.equal(count.OnlineMemberNum, 1);
    assert.equal((await rest(node, app, 'group_open_http_svc/get_group_member_info', { GroupId: id })).ErrorCode, 10007);
    assert.equal((await rest(node, app, 'group_open_http_svc/add_group_member', { GroupId: id, MemberList: [{ Member_Account: 'mod' }] })).ErrorCode, 10007);
    assert.equal((await rest(node, app, 'group_open_http_svc/delete_group_member', { GroupId: id, MemberToDel_Account: ['fan'] })).ErrorCode, 10004);
    assert.equal((await rest(node, app, 'group_open_http_svc/group_msg_get_simple', { GroupId: id, ReqMsgNumber: 5 })).ErrorCode, 10044);
    assert.equal((await rest(node, app, 'group_open_http_svc/group_msg_recall', { GroupId: id, MsgSeqList: [{ MsgSeq: 1 }] })).ErrorCode, 10033);
    assert.equal((await rest(node, app, 'group_open_http_svc/import_group_msg', { GroupId: id, MsgList: [] })).ErrorCode, 10007);
    assert.equal((await rest(node, app, 'group_open_http_svc/send_group_system_notification', { GroupId: id, ToMembers_Account: ['fan'], Content: 'x' })).ErrorCode, 10004);
    assert.equal((await rest(node, app, 'group_open_http_svc/send_group_system_notification', { GroupId: id, Content: 'everyone' })).ErrorCode, 0);
    await settle(50);
    const notice = u.fan!.pushesNamed('roomMessage').map((p) => p.data).find((d) => d.to === id && d.body[0].MsgType === 'TIMGroupSystemNoticeElem');
    assert.equal(notice.body[0].MsgType, 'TIMGroupSystemNoticeElem');
    assert.equal(notice.body[0].MsgContent.userDefinedField, 'everyone');
    const sent = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, Random: 1, MsgBody: text('from rest'), MsgPriority: 'High' });
    assert.equal(sent.ErrorCode, 0);
    assert.equal(sent.MsgSeq, 0);
    live.dropNext = true;
    const dropped = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, Random: 2, MsgBody: text('x') });
    assert.equal(dropped.ErrorCode, 0);
    assert.equal(dropped.MsgDropReason, 'MsgFreqCtrl');
    assert.equal((await rest(node, app, 'group_open_http_svc/get_online_member_num', { GroupId: await createGroup(u.host!, { type: 'Public', name: 'p' }) })).ErrorCode, 10007);
  });
});

describe('groups: live rooms on the real live-room engine', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    u = await loginAll(node, app, ['host', 'fan', 'bystander', 'administrator']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('AVChatRoom messages reach joined members; dismiss closes the room; BChatRoom reaches everyone online', async () => {
    const id = await createGroup(u.host!, { type: 'AVChatRoom', name: 'real' });
    ok(await u.host!.request('joinGroup', { groupID: id }));
    ok(await u.fan!.request('joinGroup', { groupID: id }));
    const sent = ok(await sendGroup(u.host!, id, text('on air'), { priority: 'High' }));
    assert.equal(sent.message.seq, 0);
    const deadline = Date.now() + 3000;
    let got: any;
    while (!got && Date.now() < deadline) {
      got = u.fan!.pushesNamed('roomMessage').map((p) => p.data).find((d) => d.body?.[0]?.MsgContent?.Text === 'on air');
      if (!got) await settle(10);
    }
    assert.ok(got, 'the fan got the room message');
    assert.equal(got.from, 'host');
    assert.equal(u.bystander!.pushesNamed('roomMessage').length, 0);
    ok(await u.host!.request('dismissGroup', { groupID: id }));
    assert.equal((await u.fan!.nextPush('roomClosed')).data.groupID, id);
    const b = await createGroup(u.host!, { type: 'BChatRoom', name: 'all' });
    ok(await sendGroup(u.administrator!, b, text('to everyone')));
    assert.equal((await u.bystander!.nextPush('broadcastMessage')).data.body[0].MsgContent.Text, 'to everyone');
  });
});
