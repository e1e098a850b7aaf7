/**
 * Groups through the SDK against a real node: create/join/quit/dismiss, profiles, members, roles,
 * mutes, join requests, group messages with tips, unread, recall, and group resync after a cut.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatSDK, IMError, Message } from '../src/node.ts';
import { loginReady, nextEvent, sleep, startEnv, TcpProxy, TIM, until, type TestEnv } from './helpers.ts';

const { EVENT, TYPES } = TIM;

let env: TestEnv;
let proxy: TcpProxy;
let owner: ChatSDK;
let member: ChatSDK;
let outsider: ChatSDK;
before(async () => {
  env = await startEnv({ loginBurstPer10s: 100_000 }, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10, native: 3 } } });
  proxy = new TcpProxy(env.port);
  await proxy.listen();
  owner = env.client();
  member = env.client({ server: proxy.url });
  outsider = env.client();
  await loginReady(env, owner, 'gOwner');
  await loginReady(env, member, 'gMember');
  await loginReady(env, outsider, 'gOutsider');
});
after(async () => {
  await env.close();
  await proxy.close();
});

function text(m: Message): string {
  return String(m.payload['text'] ?? '');
}

describe('group lifecycle', () => {
  test('createGroup (Work) with members: GROUP_LIST_UPDATED on both sides, getGroupList, getGroupProfile', async () => {
    const memberList = nextEvent<Record<string, any>[]>(member, EVENT.GROUP_LIST_UPDATED, 5_000, (l) => l.some((g) => g['name'] === 'Team'));
    const r = await owner.createGroup({ type: TYPES.GRP_WORK, name: 'Team', groupID: 'team1', memberList: [{ userID: 'gMember' }] });
    assert.equal(r.code, 0);
    assert.equal(r.data.group['groupID'], 'team1');
    assert.equal(r.data.group['type'], 'Private');
    assert.deepEqual(r.data.overLimitUserIDList, []);
    await memberList;
    const list = await member.getGroupList();
    assert.ok(list.data.groupList.some((g) => g['groupID'] === 'team1'));
    const prof = await member.getGroupProfile({ groupID: 'team1' });
    assert.equal(prof.data.group['name'], 'Team');
    assert.equal(prof.data.group['ownerID'], 'gOwner');
    assert.equal(prof.data.group['memberCount'], 2);
    await assert.rejects(outsider.joinGroup({ groupID: 'team1' }), (e: IMError) => e.code === 10007 || e.code === 10013 || e.code >= 10000);
  });

  test('group messages: received by members, not echoed to the sender; tips arrive as MSG_GRP_TIP', async () => {
    const got = nextEvent<Message[]>(member, EVENT.MESSAGE_RECEIVED, 5_000, (l) => l.some((m) => m.type === TYPES.MSG_TEXT));
    const ownerGot: Message[] = [];
    const h = (e: { data: Message[] }) => ownerGot.push(...e.data.filter((m) => m.type === TYPES.MSG_TEXT));
    owner.on(EVENT.MESSAGE_RECEIVED, h);
    const m = owner.createTextMessage({ to: 'team1', conversationType: TYPES.CONV_GROUP, payload: { text: 'hello team' }, priority: TYPES.MSG_PRIORITY_HIGH });
    const r = await owner.sendMessage(m);
    assert.equal(r.data.message.conversationID, 'GROUPteam1');
    assert.ok(m.sequence > 0);
    const rx = (await got).find((x) => x.type === TYPES.MSG_TEXT)!;
    assert.equal(rx.ID, m.ID);
    assert.equal(rx.conversationID, 'GROUPteam1');
    assert.equal(rx.conversationType, 'GROUP');
    assert.equal(rx.to, 'team1');
    assert.equal(rx.from, 'gOwner');
    assert.equal(rx.priority, 'High');
    await sleep(100);
    owner.off(EVENT.MESSAGE_RECEIVED, h);
    assert.equal(ownerGot.length, 0);
    // Adding a member produces a join tip.
    const tip = nextEvent<Message[]>(member, EVENT.MESSAGE_RECEIVED, 5_000, (l) => l.some((x) => x.type === TYPES.MSG_GRP_TIP));
    const add = await owner.addGroupMember({ groupID: 'team1', userIDList: ['gOutsider'] });
    assert.deepEqual(add.data.successUserIDList, ['gOutsider']);
    const t = (await tip).find((x) => x.type === TYPES.MSG_GRP_TIP)!;
    assert.equal(t.payload['operationType'], TYPES.GRP_TIP_MBR_JOIN);
    assert.deepEqual(t.payload['userIDList'], ['gOutsider']);
    const members = await owner.getGroupMemberList({ groupID: 'team1', count: 10, offset: 0 });
    assert.deepEqual(members.data.memberList.map((x) => x['userID']).sort(), ['gMember', 'gOutsider', 'gOwner']);
    assert.equal(members.data.offset, 0);
  });

  test('group conversation: unread, setMessageRead, history, recall with MESSAGE_REVOKED', async () => {
    for (let i = 0; i < 3; i++) await owner.sendMessage(owner.createTextMessage({ to: 'team1', conversationType: 'GROUP', payload: { text: `g${i}` } }));
    await until(async () => {
      const c = (await member.getConversationList(['GROUPteam1'])).data.conversationList[0];
      return c?.lastMessage?.messageForShow === 'g2';
    }, 3_000, 'group conversation updated');
    const conv = (await member.getConversationList(['GROUPteam1'])).data.conversationList[0]!;
    assert.equal(conv.type, 'GROUP');
    assert.ok(conv.unreadCount >= 4, `unread ${conv.unreadCount}`);
    assert.equal(conv.groupProfile!['name'], 'Team');
    await member.setMessageRead({ conversationID: 'GROUPteam1' });
    assert.equal((await member.getConversationList(['GROUPteam1'])).data.conversationList[0]!.unreadCount, 0);
    const hist = await member.getMessageList({ conversationID: 'GROUPteam1', count: 3 });
    assert.deepEqual(hist.data.messageList.map(text), ['g0', 'g1', 'g2']);
    const revoked = nextEvent<Message[]>(member, EVENT.MESSAGE_REVOKED);
    const last = (await owner.getMessageList({ conversationID: 'GROUPteam1', count: 1 })).data.messageList[0]!;
    await owner.revokeMessage(last);
    const [rv] = await revoked;
    assert.equal(rv!.sequence, last.sequence);
    assert.equal(rv!.isRevoked, true);
  });

  test('roles, mutes, profile updates, member removal', async () => {
    const pub = await owner.createGroup({ type: TYPES.GRP_PUBLIC, name: 'Pub', groupID: 'pub1', joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS });
    assert.equal(pub.data.group['type'], 'Public');
    const j = await member.joinGroup({ groupID: 'pub1' });
    assert.equal(j.data.status, TYPES.JOIN_STATUS_SUCCESS);
    assert.ok((await member.getGroupList()).data.groupList.some((g) => g['groupID'] === 'pub1'));
    const role = await owner.setGroupMemberRole({ groupID: 'pub1', userID: 'gMember', role: TYPES.GRP_MBR_ROLE_ADMIN });
    assert.equal(role.code, 0);
    const mute = await owner.setGroupMemberMuteTime({ groupID: 'pub1', userID: 'gMember', muteTime: 600 });
    assert.equal(mute.code, 0);
    const muted = member.createTextMessage({ to: 'pub1', conversationType: 'GROUP', payload: { text: 'muted?' } });
    await assert.rejects(member.sendMessage(muted), (e: IMError) => e.code === 10017);
    assert.equal(muted.status, 'fail');
    await owner.setGroupMemberMuteTime({ groupID: 'pub1', userID: 'gMember', muteTime: 0 });
    await member.sendMessage(member.createTextMessage({ to: 'pub1', conversationType: 'GROUP', payload: { text: 'unmuted' } }));
    const upd = await owner.updateGroupProfile({ groupID: 'pub1', name: 'Pub 2', notification: 'rules' });
    assert.equal(upd.data.group['name'], 'Pub 2');
    await until(async () => (await member.getGroupProfile({ groupID: 'pub1' })).data.group['name'] === 'Pub 2', 3_000, 'name change');
    const online = await owner.getGroupOnlineMemberCount('pub1');
    assert.equal(typeof online.data.memberCount, 'number');
    const del = await owner.deleteGroupMember({ groupID: 'pub1', userIDList: ['gMember'] });
    assert.deepEqual(del.data.successUserIDList, ['gMember']);
    await until(async () => !(await member.getGroupList()).data.groupList.some((g) => g['groupID'] === 'pub1'), 3_000, 'removed');
  });

  test('join requests: NeedPermission → WaitAdminApproval, handleGroupApplication Agree', async () => {
    await owner.createGroup({ type: TYPES.GRP_PUBLIC, name: 'Ask', groupID: 'ask1', joinOption: TYPES.JOIN_OPTIONS_NEED_PERMISSION });
    const notice = nextEvent<Message[]>(owner, EVENT.MESSAGE_RECEIVED, 5_000, (l) => l.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE));
    const j = await outsider.joinGroup({ groupID: 'ask1', applyMessage: 'let me in' });
    assert.equal(j.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL);
    const n = (await notice).find((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE)!;
    assert.equal(n.conversationID, TYPES.CONV_SYSTEM);
    const apps = await owner.getGroupApplicationList();
    const app = apps.data.applicationList.find((a) => a['groupID'] === 'ask1')!;
    assert.equal(app['applicant'], 'gOutsider');
    const joined = nextEvent<Record<string, any>[]>(outsider, EVENT.GROUP_LIST_UPDATED, 5_000, (l) => l.some((g) => g['groupID'] === 'ask1'));
    const h = await owner.handleGroupApplication({ handleAction: 'Agree', application: app });
    assert.equal(h.code, 0);
    await joined;
  });

  test('quitGroup and dismissGroup', async () => {
    await owner.createGroup({ type: TYPES.GRP_MEETING, name: 'Room', groupID: 'room1' });
    const j = await member.joinGroup({ groupID: 'room1' });
    assert.equal(j.data.status, TYPES.JOIN_STATUS_SUCCESS);
    assert.deepEqual((await member.quitGroup('room1')).data, { groupID: 'room1' });
    assert.ok(!(await member.getGroupList()).data.groupList.some((g) => g['groupID'] === 'room1'));
    await member.joinGroup({ groupID: 'room1' });
    const gone = nextEvent<Record<string, any>[]>(member, EVENT.GROUP_LIST_UPDATED, 5_000, (l) => !l.some((g) => g['groupID'] === 'room1'));
    assert.deepEqual((await owner.dismissGroup('room1')).data, { groupID: 'room1' });
    await gone;
    await assert.rejects(owner.getGroupProfile({ groupID: 'room1' }), (e: IMError) => e.code === 10010 || e.code === 10015);
  });
});

describe('group resync', () => {
  test('messages sent while a member is cut off arrive once, in order, after the reconnect', async () => {
    await owner.createGroup({ type: TYPES.GRP_WORK, name: 'Sync', groupID: 'sync1', memberList: [{ userID: 'gMember' }] });
    await until(async () => (await member.getGroupList()).data.groupList.some((g) => g['groupID'] === 'sync1'), 3_000, 'member in group');
    const got: Message[] = [];
    member.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data.filter((m) => m.conversationID === 'GROUPsync1' && m.type === TYPES.MSG_TEXT)));
    await owner.sendMessage(owner.createTextMessage({ to: 'sync1', conversationType: 'GROUP', payload: { text: 's0' } }));
    await until(() => got.length === 1, 3_000, 'first message');
    proxy.setDown(true);
    await until(() => member.getNetState() !== 'connected', 3_000, 'member offline');
    for (let i = 1; i <= 30; i++) await owner.sendMessage(owner.createTextMessage({ to: 'sync1', conversationType: 'GROUP', payload: { text: `s${i}` } }));
    proxy.setDown(false);
    await until(() => got.length === 31, 5_000, `31 messages (have ${got.length})`);
    await sleep(200);
    assert.deepEqual(got.map(text), Array.from({ length: 31 }, (_, i) => `s${i}`));
  });
});
