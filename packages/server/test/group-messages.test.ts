/**
 * Group messages end to end: delivery to the other members, permissions and mutes, tips in
 * history, history paging, resync after a disconnect with no gap or duplicate, unread counts,
 * recall, priority.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Codes, GroupTipType } from '@parley/protocol';
import { ParleyError } from '../src/errors.ts';
import { noGroupHooks } from '../src/groups/group-hooks.ts';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, createGroup, loginAll, nextGroupMessage, ok, sendGroup, settle, tipOf, type Users } from './helpers/groups.ts';
import { createTestApp, loginClient, startNode, text, type TestNode } from './helpers/test-server.ts';

const isText = (t: string) => (m: any) => m.body[0].MsgType === 'TIMTextElem' && m.body[0].MsgContent.Text === t;

describe('groups: messages', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10, native: 3 } } });
    u = await loginAll(node, app, ['owen', 'amy', 'bob', 'eve']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('members get each message live (once encoded, same bytes); the sender gets the ack, not the push', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'chat', memberList: [{ userID: 'amy' }, { userID: 'bob' }] });
    const r = ok(await sendGroup(u.amy!, id, text('hello group'), { priority: 'High', cloudCustomData: 'ccd' }));
    assert.equal(r.message.type, 'GROUP');
    assert.equal(r.message.to, id);
    assert.equal(r.message.from, 'amy');
    assert.equal(r.message.priority, 'High');
    assert.ok(r.message.seq > 0);
    const atOwen = await nextGroupMessage(u.owen!, isText('hello group'));
    const atBob = await nextGroupMessage(u.bob!, isText('hello group'));
    assert.deepEqual(atOwen, atBob);
    assert.equal(atOwen.msgKey, r.message.msgKey);
    assert.equal(atOwen.cloudCustomData, 'ccd');
    await settle(50);
    assert.equal(u.amy!.pushesNamed('groupMessage').filter((p) => isText('hello group')(p.data)).length, 0);
    assert.equal(u.eve!.pushesNamed('groupMessage').length, 0);
    // Non-members cannot send; unknown groups are 10010; server-only elements are refused.
    assert.equal((await sendGroup(u.eve!, id)).code, 10007);
    assert.equal((await sendGroup(u.eve!, 'nope_group')).code, 10010);
    assert.equal((await sendGroup(u.amy!, id, [{ MsgType: 'TIMGroupTipElem', MsgContent: {} }])).code, 90002);
    // A retry with the same clientMsgId is stored once.
    const first = ok(await u.bob!.request('sendMessage', { type: 'GROUP', to: id, body: text('once'), clientMsgId: 'same-id' }));
    const again = ok(await u.bob!.request('sendMessage', { type: 'GROUP', to: id, body: text('once'), clientMsgId: 'same-id' }));
    assert.equal(again.message.seq, first.message.seq);
  });

  test('mutes: a muted member gets 10017 until unmuted; mute-all silences members but not admins', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'quiet', memberList: [{ userID: 'amy', role: 'Admin' }, { userID: 'bob' }] });
    ok(await u.owen!.request('setGroupMemberMuteTime', { groupID: id, userID: 'bob', muteTime: 600 }));
    assert.equal((await sendGroup(u.bob!, id)).code, 10017);
    ok(await u.owen!.request('setGroupMemberMuteTime', { groupID: id, userID: 'bob', muteTime: 0 }));
    ok(await sendGroup(u.bob!, id));
    ok(await u.amy!.request('updateGroupProfile', { groupID: id, muteAllMembers: true }));
    const tip = tipOf(await nextGroupMessage(u.bob!, (m) => m.to === id && tipOf(m)?.operationType === GroupTipType.GROUP_PROFILE_UPDATED));
    assert.equal(tip.newGroupProfile.muteAllMembers, true);
    assert.equal((await sendGroup(u.bob!, id)).code, 10017);
    ok(await sendGroup(u.amy!, id));
    ok(await sendGroup(u.owen!, id));
    assert.equal((await u.bob!.request('updateGroupProfile', { groupID: id, muteAllMembers: false })).code, 10007);
    // A muted user who leaves and rejoins stays muted.
    ok(await u.owen!.request('updateGroupProfile', { groupID: id, muteAllMembers: false, joinOption: 'FreeAccess' }));
    ok(await u.owen!.request('setGroupMemberMuteTime', { groupID: id, userID: 'bob', muteTime: 600 }));
    ok(await u.bob!.request('quitGroup', { groupID: id }));
    ok(await u.bob!.request('joinGroup', { groupID: id }));
    assert.equal((await sendGroup(u.bob!, id)).code, 10017);
  });

  test('tips are stored group messages: join, quit, kick, profile change, in history with sequences', async () => {
    const id = await createGroup(u.owen!, { type: 'ChatRoom', name: 'tips' });
    ok(await u.amy!.request('joinGroup', { groupID: id }));
    ok(await u.bob!.request('joinGroup', { groupID: id }));
    ok(await u.amy!.request('quitGroup', { groupID: id }));
    ok(await u.owen!.request('deleteGroupMember', { groupID: id, userIDList: ['bob'] }));
    ok(await u.owen!.request('updateGroupProfile', { groupID: id, name: 'renamed', notification: 'hi all' }));
    const h = ok(await u.owen!.request('getMessageList', { conversationID: `GROUP${id}`, count: 15 }));
    const tips = h.messageList.map((m: any) => [tipOf(m).operationType, tipOf(m).userIDList, m.from]);
    assert.deepEqual(tips, [
      [GroupTipType.MEMBER_JOIN, ['amy'], 'amy'],
      [GroupTipType.MEMBER_JOIN, ['bob'], 'bob'],
      [GroupTipType.MEMBER_QUIT, ['amy'], 'amy'],
      [GroupTipType.MEMBER_KICKED_OUT, ['bob'], 'owen'],
      [GroupTipType.GROUP_PROFILE_UPDATED, [], 'owen'],
    ]);
    assert.deepEqual(h.messageList.map((m: any) => m.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(tipOf(h.messageList[4]).newGroupProfile, { name: 'renamed', notification: 'hi all' });
    // The leaver and the kicked saw their own tip live.
    await nextGroupMessage(u.amy!, (m) => m.to === id && tipOf(m)?.operationType === GroupTipType.MEMBER_QUIT);
    await nextGroupMessage(u.bob!, (m) => m.to === id && tipOf(m)?.operationType === GroupTipType.MEMBER_KICKED_OUT);
    assert.equal((await u.bob!.request('getMessageList', { conversationID: `GROUP${id}` })).code, 10007);
  });

  test('history pages backwards with nextReqMessageID and isCompleted, as C2C', async () => {
    const id = await createGroup(u.owen!, { type: 'Private', name: 'hist', memberList: [{ userID: 'amy' }] });
    for (let i = 1; i <= 20; i++) ok(await sendGroup(u.owen!, id, text(`m${i}`)));
    const conv = `GROUP${id}`;
    const p1 = ok(await u.amy!.request('getMessageList', { conversationID: conv }));
    assert.equal(p1.messageList.length, 15);
    assert.equal(p1.isCompleted, false);
    assert.equal(p1.messageList[14].body[0].MsgContent.Text, 'm20');
    assert.equal(p1.nextReqMessageID, p1.messageList[0].msgKey);
    const p2 = ok(await u.amy!.request('getMessageList', { conversationID: conv, nextReqMessageID: p1.nextReqMessageID }));
    assert.equal(p2.isCompleted, true);
    // 1 join tip + 20 messages = 21.
    assert.equal(p2.messageList.length, 6);
    assert.equal(tipOf(p2.messageList[0]).operationType, GroupTipType.MEMBER_JOIN);
    assert.equal(p2.messageList[5].body[0].MsgContent.Text, 'm5');
  });

  test('resync after a disconnect: syncGroups returns exactly the missed messages, paged, no gap or duplicate', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'sync', memberList: [{ userID: 'bob' }] });
    ok(await sendGroup(u.owen!, id, text('before')));
    const live = await nextGroupMessage(u.bob!, isText('before'));
    const cursor = live.seq;
    await u.bob!.close();
    for (let i = 1; i <= 7; i++) ok(await sendGroup(u.owen!, id, text(`missed${i}`)));
    const bob = (await loginClient(node, app, 'bob')).client;
    u.bob = bob;
    const s1 = ok(await bob.request('syncGroups', { cursors: { [id]: cursor, unknown_group: 3 }, limit: 5 }));
    assert.deepEqual(s1.notMember, ['unknown_group']);
    const e1 = s1.groups.find((g: any) => g.groupID === id);
    assert.equal(e1.lastSeq, cursor + 7);
    assert.deepEqual(e1.messages.map((m: any) => m.seq), [cursor + 1, cursor + 2, cursor + 3, cursor + 4, cursor + 5]);
    assert.equal(e1.isCompleted, false);
    const s2 = ok(await bob.request('syncGroups', { cursors: { [id]: cursor + 5 }, limit: 5 }));
    const e2 = s2.groups.find((g: any) => g.groupID === id);
    assert.deepEqual(e2.messages.map((m: any) => m.body[0].MsgContent.Text), ['missed6', 'missed7']);
    assert.equal(e2.isCompleted, true);
    // New messages arrive live with the next sequence.
    ok(await sendGroup(u.owen!, id, text('after')));
    assert.equal((await nextGroupMessage(bob, isText('after'))).seq, cursor + 8);
    // Groups without a cursor start at their newest sequence.
    const s3 = ok(await bob.request('syncGroups', { cursors: {} }));
    assert.equal(s3.groups.find((g: any) => g.groupID === id).lastSeq, cursor + 8);
    assert.deepEqual(s3.groups.find((g: any) => g.groupID === id).messages, []);
  });

  test('unread counts per member in the conversation list; setMessageRead clears them; Meeting groups have none', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'unread', memberList: [{ userID: 'eve' }] });
    const meeting = await createGroup(u.owen!, { type: 'ChatRoom', name: 'meet', memberList: [{ userID: 'eve' }] });
    for (let i = 0; i < 3; i++) ok(await sendGroup(u.owen!, id, text(`u${i}`)));
    ok(await sendGroup(u.owen!, meeting, text('m')));
    const list = ok(await u.eve!.request('getConversationList')).conversationList;
    const conv = list.find((c: any) => c.conversationID === `GROUP${id}`);
    assert.equal(conv.type, 'GROUP');
    // The invite tip and three messages from owen.
    assert.equal(conv.unreadCount, 4);
    assert.equal(conv.lastMessage.body[0].MsgContent.Text, 'u2');
    assert.equal(list.find((c: any) => c.conversationID === `GROUP${meeting}`).unreadCount, 0);
    const read = ok(await u.eve!.request('setMessageRead', { conversationID: `GROUP${id}` }));
    assert.equal(read.readSeq, conv.lastMessage.seq);
    const after = ok(await u.eve!.request('getConversationList')).conversationList.find((c: any) => c.conversationID === `GROUP${id}`);
    assert.equal(after.unreadCount, 0);
    assert.equal(after.readSeq, conv.lastMessage.seq);
    // The sender's own messages never count.
    assert.equal(ok(await u.owen!.request('getConversationList')).conversationList.find((c: any) => c.conversationID === `GROUP${id}`).unreadCount, 0);
    // A late joiner starts with nothing unread.
    ok(await u.owen!.request('updateGroupProfile', { groupID: id, joinOption: 'FreeAccess' }));
    ok(await u.bob!.request('joinGroup', { groupID: id }));
    assert.equal(ok(await u.bob!.request('getConversationList')).conversationList.find((c: any) => c.conversationID === `GROUP${id}`).unreadCount, 0);
  });

  test('recall: the sender within the window, admins any time, others never; members are told; history shows it', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'recall', memberList: [{ userID: 'amy', role: 'Admin' }, { userID: 'bob' }] });
    const m1 = ok(await sendGroup(u.bob!, id, text('oops'))).message;
    const m2 = ok(await sendGroup(u.bob!, id, text('rude'))).message;
    const conv = `GROUP${id}`;
    assert.equal((await u.owen!.request('revokeMessage', { conversationID: conv, msgKey: 'bad' })).code, 90054);
    assert.equal((await u.owen!.request('revokeMessage', { conversationID: conv, msgKey: `999_1_1` })).code, 10030);
    ok(await u.bob!.request('revokeMessage', { conversationID: conv, msgKey: m1.msgKey }));
    // Members are told through their inbox (so one offline at the time replays it on sync).
    const push = await waitForPush(u.owen!, (p) => p.push === 'inbox' && p.data.kind === 'revoke' && p.data.msgKey === m1.msgKey);
    assert.deepEqual(
      { type: push.data.conversationType, to: push.data.to, seq: push.data.seq, by: push.data.by },
      { type: 'GROUP', to: id, seq: m1.seq, by: 'bob' },
    );
    assert.equal((await u.bob!.request('revokeMessage', { conversationID: conv, msgKey: m1.msgKey })).code, 10032);
    assert.equal((await u.owen!.request('revokeMessage', { conversationID: conv, msgKey: m1.msgKey.replace(/_\d+_/, '_1_') })).code, 10030);
    const own = ok(await sendGroup(u.owen!, id, text('owner says'))).message;
    assert.equal((await u.bob!.request('revokeMessage', { conversationID: conv, msgKey: own.msgKey })).code, 10007);
    ok(await u.amy!.request('revokeMessage', { conversationID: conv, msgKey: m2.msgKey }));
    const h = ok(await u.owen!.request('getMessageList', { conversationID: conv })).messageList;
    assert.equal(h.find((m: any) => m.seq === m1.seq).revoked, true);
    assert.equal(h.find((m: any) => m.seq === m2.seq).revoked, true);
    assert.equal(h.find((m: any) => m.seq === own.seq).revoked, undefined);
  });

  test('a member offline during a recall gets it on sync after reconnecting', async () => {
    const zed = await loginClient(node, app, 'zed');
    const id = await createGroup(u.owen!, { type: 'Public', name: 'recall-offline', memberList: [{ userID: 'amy' }, { userID: 'zed' }] });
    const m = ok(await sendGroup(u.amy!, id, text('soon gone'))).message;
    await nextGroupMessage(zed.client, isText('soon gone'));
    const cursor = Math.max(0, ...zed.client.pushesNamed('inbox').map((p) => p.data.inbox), zed.login.inboxSeq);
    await zed.client.close();
    ok(await u.owen!.request('revokeMessage', { conversationID: `GROUP${id}`, msgKey: m.msgKey }));
    const back = await loginClient(node, app, 'zed');
    const r = ok(await back.client.request('sync', { cursor }));
    const ev = r.events.find((e: any) => e.kind === 'revoke' && e.msgKey === m.msgKey);
    assert.ok(ev, 'the recall is replayed');
    assert.deepEqual([ev.conversationType, ev.to, ev.by], ['GROUP', id, 'owen']);
    await back.client.close();
  });

  test('recall window: the sender is refused after recallWindowSeconds (10031)', async () => {
    const strict = await createTestApp(node, { settings: { recallWindowSeconds: 0 } });
    const s = await loginAll(node, strict, ['owen', 'amy']);
    const id = await createGroup(s.owen!, { type: 'Public', name: 'w', memberList: [{ userID: 'amy' }] });
    const m = ok(await sendGroup(s.amy!, id)).message;
    await settle(1100);
    assert.equal((await s.amy!.request('revokeMessage', { conversationID: `GROUP${id}`, msgKey: m.msgKey })).code, 10031);
    ok(await s.owen!.request('revokeMessage', { conversationID: `GROUP${id}`, msgKey: m.msgKey }));
    await closeAll(s);
  });

  test('online-only group messages are delivered but not stored', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'ephemeral', memberList: [{ userID: 'amy' }] });
    const r = ok(await sendGroup(u.owen!, id, text('typing...'), { onlineOnly: true }));
    assert.equal(r.message.seq, 0);
    assert.equal((await nextGroupMessage(u.amy!, isText('typing...'))).onlineOnly, true);
    const h = ok(await u.amy!.request('getMessageList', { conversationID: `GROUP${id}` })).messageList;
    assert.equal(h.some((m: any) => isText('typing...')(m)), false);
  });

  test('hooks: beforeGroup may deny, drop or rewrite; afterGroup sees stored messages (not tips)', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'hooked', memberList: [{ userID: 'amy' }] });
    const seen: string[] = [];
    node.parley.services.groups.setHooks({
      beforeGroup: (input) => {
        const t = (input.body[0] as { MsgContent: { Text?: string } }).MsgContent.Text;
        if (t === 'deny') throw new ParleyError(Codes.GROUP_CALLBACK_DENIED);
        if (t === 'drop') return { action: 'drop' };
        if (t === 'rewrite') return { action: 'allow', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'rewritten' } }] };
        return { action: 'allow' };
      },
      afterGroup: (m) => { seen.push(JSON.parse(m.body)[0].MsgContent.Text); },
    });
    try {
      assert.equal((await sendGroup(u.owen!, id, text('deny'))).code, 10016);
      const dropped = ok(await sendGroup(u.owen!, id, text('drop')));
      assert.equal(dropped.message.seq, 0);
      const rewritten = ok(await sendGroup(u.owen!, id, text('rewrite')));
      assert.equal(rewritten.message.body[0].MsgContent.Text, 'rewritten', JSON.stringify(rewritten));
      assert.equal((await nextGroupMessage(u.amy!, (m) => m.msgKey === rewritten.message.msgKey && m.to === id)).body[0].MsgContent.Text, 'rewritten');
      assert.deepEqual(seen, ['rewritten']);
      const h = ok(await u.amy!.request('getMessageList', { conversationID: `GROUP${id}` })).messageList;
      assert.equal(h.some((m: any) => ['deny', 'drop'].includes(m.body[0].MsgContent.Text)), false);
    } finally {
      node.parley.services.groups.setHooks(noGroupHooks);
    }
  });
});

describe('groups: syncGroups far behind', () => {
  test('a cursor further behind than maxSyncGap is told to page history instead', async () => {
    const node = await startNode({ config: { maxSyncGap: 3 } });
    const app = await createTestApp(node);
    const u = await loginAll(node, app, ['owen', 'amy']);
    const id = await createGroup(u.owen!, { type: 'Public', name: 'far', memberList: [{ userID: 'amy' }] });
    for (let i = 0; i < 5; i++) ok(await sendGroup(u.owen!, id, text(`f${i}`)));
    const far = ok(await u.amy!.request('syncGroups', { cursors: { [id]: 1 } })).groups[0];
    assert.deepEqual([far.tooFarBehind, far.isCompleted, far.messages.length, far.lastSeq], [true, false, 0, 6]);
    const near = ok(await u.amy!.request('syncGroups', { cursors: { [id]: 3 } })).groups[0];
    assert.deepEqual(near.messages.map((m: any) => m.seq), [4, 5, 6]);
    assert.equal((await u.amy!.request('syncGroups', { cursors: { [id]: -1 } })).code, 6017);
    await closeAll(u);
    await node.close();
  });
});

function waitForPush(c: { pushes: { push: string; data: any }[] }, pred: (p: { push: string; data: any }) => boolean, timeoutMs = 3000): Promise<{ push: string; data: any }> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const p = c.pushes.find(pred);
      if (p) return resolve(p);
      if (Date.now() > deadline) return reject(new Error('timed out waiting for a push'));
      setTimeout(tick, 10);
    };
    tick();
  });
}
