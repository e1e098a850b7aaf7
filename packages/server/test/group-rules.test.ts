/**
 * Group types end to end over WebSockets: who may join, invite, kick, quit, dismiss and transfer
 * in each type; the application flow; roles; IDs and their error codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupNoticeType, GroupTipType } from '@parley/protocol';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, createGroup, loginAll, nextGroupMessage, nextNotice, ok, tipOf, type Users } from './helpers/groups.ts';
import { createTestApp, rest, startNode, type TestNode } from './helpers/test-server.ts';

describe('groups: type rules', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    u = await loginAll(node, app, ['owen', 'amy', 'bob', 'cat', 'dan', 'administrator']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('Work (Private): invite only; any member invites; only the owner kicks; owner may quit; no SDK dismiss', async () => {
    const r = await u.owen!.request('createGroup', { type: 'Work', name: 'work', memberList: [{ userID: 'amy' }] });
    const g = ok(r).group;
    assert.equal(g.type, 'Private');
    assert.equal(g.joinOption, 'DisableApply');
    assert.equal(g.maxMemberNum, 200);
    assert.equal(g.memberCount, 2);
    const id = g.groupID as string;
    assert.match(id, /^@TGS#/);
    assert.equal((await u.bob!.request('joinGroup', { groupID: id })).code, 10007);
    const add = ok(await u.amy!.request('addGroupMember', { groupID: id, userIDList: ['bob', 'ghost_user'] }));
    assert.deepEqual(add.successUserIDList, ['bob']);
    assert.deepEqual(add.failureUserIDList, ['ghost_user']);
    assert.equal((await u.amy!.request('deleteGroupMember', { groupID: id, userIDList: ['bob'] })).code, 10007);
    assert.equal((await u.owen!.request('setGroupMemberRole', { groupID: id, userID: 'amy', role: 'Admin' })).code, 10007);
    assert.equal((await u.owen!.request('setGroupMemberMuteTime', { groupID: id, userID: 'amy', muteTime: 60 })).code, 10007);
    assert.equal((await u.owen!.request('dismissGroup', { groupID: id })).code, 10007);
    ok(await u.owen!.request('deleteGroupMember', { groupID: id, userIDList: ['bob'] }));
    await nextNotice(u.bob!, GroupNoticeType.KICKED_OUT);
    assert.equal((await u.bob!.request('getGroupProfile', { groupID: id })).code, 10007, 'Work groups are not searchable');
    ok(await u.owen!.request('quitGroup', { groupID: id }));
    const after = ok(await u.amy!.request('getGroupProfile', { groupID: id })).group;
    assert.equal(after.ownerID, '');
    assert.equal(after.memberCount, 1);
    // The last member leaving removes the Work group.
    ok(await u.amy!.request('quitGroup', { groupID: id }));
    assert.equal((await u.amy!.request('getGroupProfile', { groupID: id })).code, 10010);
  });

  test('Public: join needs approval; admins are told; approve and reject reach the applicant', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'pub', memberList: [{ userID: 'amy', role: 'Admin' }] });
    const j = ok(await u.bob!.request('joinGroup', { groupID: id, applyMessage: 'let me in' }));
    assert.equal(j.status, 'WaitAdminApproval');
    const n1 = await nextNotice(u.owen!, GroupNoticeType.JOIN_REQUEST);
    assert.equal(n1.applicant, 'bob');
    assert.equal(n1.applyMessage, 'let me in');
    assert.equal(n1.groupProfile.groupID, id);
    await nextNotice(u.amy!, GroupNoticeType.JOIN_REQUEST);
    const list = ok(await u.amy!.request('getGroupApplicationList')).applicationList;
    assert.deepEqual(list.map((a: any) => [a.groupID, a.applicant, a.note]), [[id, 'bob', 'let me in']]);
    assert.equal((await u.cat!.request('handleGroupApplication', { groupID: id, applicant: 'bob', handleAction: 'Agree' })).code, 10007);
    ok(await u.amy!.request('handleGroupApplication', { groupID: id, applicant: 'bob', handleAction: 'Agree', handleMessage: 'welcome' }));
    const accepted = await nextNotice(u.bob!, GroupNoticeType.JOIN_REQUEST_ACCEPTED);
    assert.equal(accepted.handleMessage, 'welcome');
    const joinTip = tipOf(await nextGroupMessage(u.owen!, (m) => m.to === id && tipOf(m)?.operationType === GroupTipType.MEMBER_JOIN && tipOf(m).userIDList[0] === 'bob'));
    assert.equal(joinTip.groupID, id);
    assert.equal(ok(await u.bob!.request('joinGroup', { groupID: id })).status, 'AlreadyInGroup');
    // Rejection.
    assert.equal(ok(await u.cat!.request('joinGroup', { groupID: id })).status, 'WaitAdminApproval');
    ok(await u.owen!.request('handleGroupApplication', { groupID: id, applicant: 'cat', handleAction: 'Reject', handleMessage: 'no' }));
    assert.equal((await nextNotice(u.cat!, GroupNoticeType.JOIN_REQUEST_REJECTED)).handleMessage, 'no');
    assert.equal((await u.owen!.request('handleGroupApplication', { groupID: id, applicant: 'cat', handleAction: 'Agree' })).code, 10004);
    assert.equal(ok(await u.cat!.request('getGroupProfile', { groupID: id })).group.selfInfo, undefined);
    // Owners cannot leave; members cannot invite (app admin only); the app admin can.
    assert.equal((await u.owen!.request('quitGroup', { groupID: id })).code, 10009);
    assert.equal((await u.owen!.request('addGroupMember', { groupID: id, userIDList: ['dan'] })).code, 10007);
    // Admins kick members but not admins.
    ok(await u.owen!.request('setGroupMemberRole', { groupID: id, userID: 'bob', role: 'Admin' }));
    assert.equal((await u.amy!.request('deleteGroupMember', { groupID: id, userIDList: ['bob'] })).code, 10007);
    ok(await u.owen!.request('setGroupMemberRole', { groupID: id, userID: 'bob', role: 'Member' }));
    ok(await u.amy!.request('deleteGroupMember', { groupID: id, userIDList: ['bob'], reason: 'spam' }));
    assert.equal((await nextNotice(u.bob!, GroupNoticeType.KICKED_OUT)).handleMessage, 'spam');
    // Transfer, then dismiss by the new owner: members are told.
    assert.equal((await u.owen!.request('changeGroupOwner', { groupID: id, newOwnerID: 'bob' })).code, 10007, 'bob is no longer a member');
    ok(await u.owen!.request('changeGroupOwner', { groupID: id, newOwnerID: 'amy' }));
    const g = ok(await u.amy!.request('getGroupProfile', { groupID: id })).group;
    assert.equal(g.ownerID, 'amy');
    assert.equal(g.selfInfo.role, 'Owner');
    assert.equal((await u.owen!.request('dismissGroup', { groupID: id })).code, 10007);
    ok(await u.owen!.request('quitGroup', { groupID: id }));
    ok(await u.amy!.request('dismissGroup', { groupID: id }));
    await nextNotice(u.amy!, GroupNoticeType.GROUP_DISMISSED);
    assert.equal((await u.amy!.request('getGroupProfile', { groupID: id })).code, 10010);
  });

  test('join options: FreeAccess, DisableApply, and a full group', async () => {
    const free = await createGroup(u.owen!, { type: 'Public', name: 'free', joinOption: 'FreeAccess', maxMemberNum: 2 });
    assert.equal(ok(await u.amy!.request('joinGroup', { groupID: free })).status, 'JoinedSuccess');
    assert.equal((await u.bob!.request('joinGroup', { groupID: free })).code, 10014);
    const closed = await createGroup(u.owen!, { type: 'Public', name: 'closed', joinOption: 'DisableApply' });
    assert.equal((await u.amy!.request('joinGroup', { groupID: closed })).code, 10007);
    // The app admin may add members to a Public group; over the cap nothing changes.
    const full = await u.administrator!.request('addGroupMember', { groupID: free, userIDList: ['bob'] });
    assert.equal(full.code, 10014);
    assert.equal(ok(await u.owen!.request('getGroupProfile', { groupID: free })).group.memberCount, 2);
    ok(await u.owen!.request('updateGroupProfile', { groupID: free, maxMemberNum: 3 }));
    assert.deepEqual(ok(await u.administrator!.request('addGroupMember', { groupID: free, userIDList: ['bob'] })).successUserIDList, ['bob']);
    assert.equal((await u.owen!.request('createGroup', { type: 'Public', name: 'big', maxMemberNum: 6001 })).code, 10004);
  });

  test('Meeting (ChatRoom) and Community: free to join; Community IDs start with @TGS#_', async () => {
    const meeting = ok(await u.owen!.request('createGroup', { type: 'Meeting', name: 'meet' })).group;
    assert.equal(meeting.type, 'ChatRoom');
    assert.equal(meeting.maxMemberNum, 6000);
    assert.equal(ok(await u.amy!.request('joinGroup', { groupID: meeting.groupID })).status, 'JoinedSuccess');
    assert.equal((await u.owen!.request('createGroup', { type: 'Community', name: 'c', groupID: 'plain' })).code, 10015);
    const comm = ok(await u.owen!.request('createGroup', { type: 'Community', name: 'c', groupID: '@TGS#_mine' })).group;
    assert.equal(comm.maxMemberNum, 100000);
    assert.equal(ok(await u.amy!.request('joinGroup', { groupID: '@TGS#_mine' })).status, 'JoinedSuccess');
    const generated = ok(await u.owen!.request('createGroup', { type: 'Community', name: 'c2' })).group.groupID;
    assert.match(generated, /^@TGS#_/);
    const list = ok(await u.amy!.request('getGroupList')).groupList.map((g: any) => g.groupID);
    assert.ok(list.includes(meeting.groupID) && list.includes('@TGS#_mine'));
  });

  test('group IDs: invalid 10015, taken 10021, your own 10025, unknown 10010', async () => {
    for (const bad of ['@TGS#custom', 'x'.repeat(49), 'tab\there', 'é']) {
      const r = await u.owen!.request('createGroup', { type: 'Public', name: 'n', groupID: bad });
      assert.equal(r.code, 10015, bad);
    }
    await createGroup(u.owen!, { type: 'Public', name: 'n', groupID: 'taken_id' });
    assert.equal((await u.owen!.request('createGroup', { type: 'Public', name: 'n', groupID: 'taken_id' })).code, 10025);
    assert.equal((await u.amy!.request('createGroup', { type: 'Public', name: 'n', groupID: 'taken_id' })).code, 10021);
    assert.equal((await u.amy!.request('getGroupProfile', { groupID: 'no_such_group' })).code, 10010);
    assert.equal((await u.amy!.request('joinGroup', { groupID: 'no_such_group' })).code, 10010);
    assert.equal((await u.amy!.request('createGroup', { type: 'Nope', name: 'n' })).code, 10004);
    assert.equal((await u.amy!.request('createGroup', { type: 'Public', name: 'x'.repeat(31) })).code, 10004);
    assert.equal((await u.amy!.request('createGroup', { type: 'Public', name: '名字名字名字名字名字名' })).code, 10004, '33 bytes of UTF-8');
  });

  test('roles and mutes: owner mutes admins, admins mute members only; mute-all spares admins', async () => {
    const id = await createGroup(u.owen!, { type: 'Public', name: 'mutes', memberList: [{ userID: 'amy', role: 'Admin' }, { userID: 'bob' }, { userID: 'cat', role: 'Admin' }] });
    assert.equal((await u.amy!.request('setGroupMemberMuteTime', { groupID: id, userID: 'cat', muteTime: 60 })).code, 10007);
    assert.equal((await u.bob!.request('setGroupMemberMuteTime', { groupID: id, userID: 'amy', muteTime: 60 })).code, 10007);
    ok(await u.amy!.request('setGroupMemberMuteTime', { groupID: id, userID: 'bob', muteTime: 60 }));
    const tip = tipOf(await nextGroupMessage(u.bob!, (m) => m.to === id && tipOf(m)?.operationType === GroupTipType.MEMBER_PROFILE_UPDATED));
    assert.deepEqual(tip.memberList, [{ userID: 'bob', muteTime: 60 }]);
    ok(await u.owen!.request('setGroupMemberMuteTime', { groupID: id, userID: 'cat', muteTime: 60 }));
    const members = ok(await u.owen!.request('getGroupMemberList', { groupID: id, count: 10 })).memberList;
    const bob = members.find((m: any) => m.userID === 'bob');
    assert.ok(bob.muteUntil > Date.now() / 1000);
    assert.deepEqual(members.map((m: any) => m.role), ['Owner', 'Admin', 'Member', 'Admin']);
    // Name cards: your own, or an admin for a member.
    ok(await u.bob!.request('setGroupMemberNameCard', { groupID: id, nameCard: 'Bobby' }));
    assert.equal((await u.bob!.request('setGroupMemberNameCard', { groupID: id, userID: 'amy', nameCard: 'x' })).code, 10007);
    assert.equal(ok(await u.bob!.request('getGroupProfile', { groupID: id })).group.selfInfo.nameCard, 'Bobby');
    // Member list paging.
    const p1 = ok(await u.owen!.request('getGroupMemberList', { groupID: id, count: 3 }));
    assert.equal(p1.memberList.length, 3);
    assert.equal(p1.offset, 3);
    const p2 = ok(await u.owen!.request('getGroupMemberList', { groupID: id, count: 3, offset: 3 }));
    assert.equal(p2.memberList.length, 1);
    assert.equal(p2.offset, 0);
    assert.equal((await u.dan!.request('getGroupMemberList', { groupID: id })).code, 10007);
  });
});
