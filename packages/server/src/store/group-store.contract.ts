/**
 * @module store/group-store.contract
 * Conformance suite every GroupStore engine passes: `runGroupStoreContract(name, open)` where
 * `open` returns a fresh, empty store and a cleanup.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupStore, NewGroup, NewMember } from './group-store.ts';

export interface OpenedGroupStore {
  groups: GroupStore;
  cleanup(): Promise<void>;
}

export interface GroupStoreContractOptions {
  skip?: () => Promise<string | false>;
}

const APP = 1400000001;
const T0 = 1_700_000_000;

function group(id: string, extra: Partial<NewGroup> = {}): NewGroup {
  return {
    sdkAppId: APP, groupId: id, type: 'Public', name: id, introduction: '', notification: '', faceUrl: '', owner: 'owner',
    creator: 'owner', createdAt: T0, maxMembers: 3, joinOption: 'NeedPermission', muteAll: false, appDefinedData: {}, ...extra,
  };
}

function member(userID: string, role: NewMember['role'] = 'Member', joinTime = T0): NewMember {
  return { userID, role, joinTime };
}

export function runGroupStoreContract(name: string, open: () => Promise<OpenedGroupStore>, opts: GroupStoreContractOptions = {}): void {
  describe(`GroupStore contract: ${name}`, async () => {
    const skip = opts.skip ? await opts.skip() : false;
    let s: GroupStore;
    let opened: OpenedGroupStore | undefined;
    before(async () => {
      if (skip) return;
      opened = await open();
      s = opened.groups;
    });
    after(async () => {
      await opened?.cleanup();
    });

    test('create, read, duplicate IDs and per-app isolation', { skip }, async () => {
      assert.equal(await s.createGroup(group('g1', { appDefinedData: { k: 'v' } }), [member('owner', 'Owner'), member('bob', 'Admin', T0 + 1)]), 'created');
      assert.equal(await s.createGroup(group('g1'), [member('eve', 'Owner')]), 'exists');
      const g = await s.getGroup(APP, 'g1');
      assert.ok(g);
      assert.equal(g.memberCount, 2);
      assert.equal(g.infoSeq, 1);
      assert.equal(g.lastInfoTime, T0);
      assert.deepEqual(g.appDefinedData, { k: 'v' });
      assert.equal(g.muteAll, false);
      assert.equal(await s.getGroup(APP + 1, 'g1'), undefined);
      assert.equal((await s.getMember(APP, 'g1', 'eve')), undefined, 'a refused create writes no members');
      const many = await s.getGroups(APP, ['g1', 'nope']);
      assert.deepEqual([...many.keys()], ['g1']);
    });

    test('update bumps infoSeq; empty custom values delete keys', { skip }, async () => {
      const g = await s.updateGroup(APP, 'g1', { name: 'renamed', muteAll: true, appDefinedData: { k: '', k2: 'x' } }, T0 + 10);
      assert.ok(g);
      assert.equal(g.name, 'renamed');
      assert.equal(g.muteAll, true);
      assert.equal(g.infoSeq, 2);
      assert.equal(g.lastInfoTime, T0 + 10);
      assert.deepEqual(g.appDefinedData, { k2: 'x' });
      assert.equal(await s.updateGroup(APP, 'missing', { name: 'x' }, T0), undefined);
    });

    test('addMembers respects the cap atomically and reports existing members', { skip }, async () => {
      const full = await s.addMembers(APP, 'g1', [member('c'), member('d')], 3);
      assert.deepEqual(full, { ok: false, reason: 'full' });
      assert.equal(await s.getMember(APP, 'g1', 'c'), undefined, 'nothing written when over the cap');
      const r = await s.addMembers(APP, 'g1', [member('bob'), member('c', 'Member', T0 + 2)], 3);
      assert.deepEqual(r, { ok: true, added: ['c'], existing: ['bob'] });
      assert.equal((await s.getGroup(APP, 'g1'))?.memberCount, 3);
      assert.deepEqual(await s.addMembers(APP, 'missing', [member('c')], 0), { ok: false, reason: 'missing' });
      const list = await s.listMembers(APP, 'g1', { offset: 0, limit: 10 });
      assert.equal(list.total, 3);
      assert.deepEqual(list.members.map((m) => m.userID), ['owner', 'bob', 'c'], 'owner first, then by join time');
      const page = await s.listMembers(APP, 'g1', { offset: 1, limit: 1 });
      assert.deepEqual(page.members.map((m) => m.userID), ['bob']);
      const admins = await s.listMembers(APP, 'g1', { offset: 0, limit: 10, roles: ['Admin'] });
      assert.deepEqual(admins.members.map((m) => m.userID), ['bob']);
      assert.equal(admins.total, 1);
      assert.deepEqual((await s.memberIds(APP, 'g1')).sort(), ['bob', 'c', 'owner']);
    });

    test('member updates: role, name card, read cursor forward only, custom data', { skip }, async () => {
      assert.equal(await s.updateMember(APP, 'g1', 'c', { nameCard: 'Cee', readSeq: 5, appMemberDefinedData: { a: '1' } }), true);
      assert.equal(await s.updateMember(APP, 'g1', 'c', { readSeq: 3, role: 'Admin' }), true);
      const c = await s.getMember(APP, 'g1', 'c');
      assert.ok(c);
      assert.equal(c.nameCard, 'Cee');
      assert.equal(c.readSeq, 5);
      assert.equal(c.role, 'Admin');
      assert.deepEqual(c.appMemberDefinedData, { a: '1' });
      assert.equal(await s.updateMember(APP, 'g1', 'nobody', { nameCard: 'x' }), false);
      const got = await s.getMembers(APP, 'g1', ['c', 'nobody', 'bob']);
      assert.deepEqual([...got.keys()].sort(), ['bob', 'c']);
    });

    test('extra unread count: stored on add, replaced by updates, listed with joined groups', { skip }, async () => {
      const r = await s.addMembers(APP, 'g1', [{ ...member('imp'), readSeq: 4, unreadExtra: 7 }], 0);
      assert.equal(r.ok, true);
      let m = await s.getMember(APP, 'g1', 'imp');
      assert.equal(m?.unreadExtra, 7);
      assert.equal(m?.readSeq, 4);
      assert.equal((await s.getMember(APP, 'g1', 'owner'))?.unreadExtra, 0, 'default 0');
      assert.equal(await s.updateMember(APP, 'g1', 'imp', { nameCard: 'x' }), true);
      assert.equal((await s.getMember(APP, 'g1', 'imp'))?.unreadExtra, 7, 'other patches keep it');
      assert.equal(await s.updateMember(APP, 'g1', 'imp', { unreadExtra: 0 }), true);
      m = (await s.getMembers(APP, 'g1', ['imp'])).get('imp');
      assert.equal(m?.unreadExtra, 0);
      await s.updateMember(APP, 'g1', 'imp', { unreadExtra: 3 });
      const joined = await s.joinedGroups(APP, 'imp');
      assert.equal(joined[0]?.self.unreadExtra, 3);
      assert.deepEqual(await s.removeMembers(APP, 'g1', ['imp']), ['imp']);
    });

    test('hidden conversation: 0 by default, replaced by updates, listed with joined groups, gone with the member', { skip }, async () => {
      assert.equal((await s.addMembers(APP, 'g1', [member('hid')], 0)).ok, true);
      assert.equal((await s.getMember(APP, 'g1', 'hid'))?.hiddenUpTo, 0);
      assert.equal(await s.updateMember(APP, 'g1', 'hid', { hiddenUpTo: 9, readSeq: 9 }), true);
      assert.equal(await s.updateMember(APP, 'g1', 'hid', { nameCard: 'h' }), true);
      assert.equal((await s.getMembers(APP, 'g1', ['hid'])).get('hid')?.hiddenUpTo, 9, 'other patches keep it');
      assert.equal((await s.joinedGroups(APP, 'hid'))[0]?.self.hiddenUpTo, 9);
      assert.equal((await s.listMembers(APP, 'g1', { offset: 0, limit: 10 })).members.find((m) => m.userID === 'hid')?.hiddenUpTo, 9);
      assert.deepEqual(await s.removeMembers(APP, 'g1', ['hid']), ['hid']);
      assert.equal((await s.addMembers(APP, 'g1', [member('hid')], 0)).ok, true);
      assert.equal((await s.getMember(APP, 'g1', 'hid'))?.hiddenUpTo, 0, 'a member who rejoins starts over');
      assert.deepEqual(await s.removeMembers(APP, 'g1', ['hid']), ['hid']);
    });

    test('mutes survive leaving and rejoining; expired mutes are not listed', { skip }, async () => {
      await s.setMute(APP, 'g1', ['c'], T0 + 100);
      await s.setMute(APP, 'g1', ['bob'], T0 + 5);
      assert.equal((await s.getMember(APP, 'g1', 'c'))?.muteUntil, T0 + 100);
      assert.deepEqual(await s.mutedMembers(APP, 'g1', T0 + 10), [{ userID: 'c', until: T0 + 100 }]);
      assert.deepEqual(await s.removeMembers(APP, 'g1', ['c', 'ghost']), ['c']);
      assert.equal((await s.getGroup(APP, 'g1'))?.memberCount, 2);
      assert.equal(await s.muteUntil(APP, 'g1', 'c'), T0 + 100);
      await s.addMembers(APP, 'g1', [member('c')], 3);
      assert.equal((await s.getMember(APP, 'g1', 'c'))?.muteUntil, T0 + 100);
      await s.setMute(APP, 'g1', ['c'], 0);
      assert.equal(await s.muteUntil(APP, 'g1', 'c'), 0);
    });

    test('ownership transfer demotes the old owner in one step', { skip }, async () => {
      assert.equal(await s.transferOwner(APP, 'g1', 'nobody', T0), false);
      assert.equal(await s.transferOwner(APP, 'g1', 'bob', T0 + 20), true);
      const g = await s.getGroup(APP, 'g1');
      assert.equal(g?.owner, 'bob');
      assert.equal((await s.getMember(APP, 'g1', 'bob'))?.role, 'Owner');
      assert.equal((await s.getMember(APP, 'g1', 'owner'))?.role, 'Member');
    });

    test('joined groups list the user\'s own record', { skip }, async () => {
      await s.createGroup(group('g2', { type: 'Private', maxMembers: 200 }), [member('c', 'Owner', T0 + 50)]);
      const joined = await s.joinedGroups(APP, 'c');
      assert.deepEqual(joined.map((j) => j.group.groupId), ['g2', 'g1']);
      assert.equal(joined[0]!.self.role, 'Owner');
      assert.deepEqual(await s.joinedGroups(APP, 'nobody'), []);
    });

    test('applications: approve within the cap, reject, missing', { skip }, async () => {
      await s.createGroup(group('g3', { maxMembers: 2 }), [member('owner', 'Owner')]);
      await s.addApplication(APP, { groupId: 'g3', applicant: 'x', message: 'hi', time: T0 });
      await s.addApplication(APP, { groupId: 'g3', applicant: 'y', message: 'me too', time: T0 + 1 });
      await s.addApplication(APP, { groupId: 'g3', applicant: 'x', message: 'please', time: T0 + 2 });
      assert.equal((await s.getApplication(APP, 'g3', 'x'))?.message, 'please');
      assert.deepEqual((await s.listApplications(APP, ['g3', 'g1'])).map((a) => a.applicant), ['y', 'x']);
      assert.equal(await s.resolveApplication(APP, 'g3', 'x', 'approve', member('x'), 2), 'approved');
      assert.equal(await s.resolveApplication(APP, 'g3', 'x', 'approve', member('x'), 2), 'missing');
      assert.equal(await s.resolveApplication(APP, 'g3', 'y', 'approve', member('y'), 2), 'full');
      assert.ok(await s.getApplication(APP, 'g3', 'y'), 'a full group keeps the application pending');
      assert.equal(await s.resolveApplication(APP, 'g3', 'y', 'reject', member('y'), 2), 'rejected');
      assert.deepEqual(await s.listApplications(APP, ['g3']), []);
      assert.equal((await s.getGroup(APP, 'g3'))?.memberCount, 2);
    });

    test('listing pages in creation order, by type', { skip }, async () => {
      const all = await s.listGroups(APP, { next: 0, limit: 2 });
      assert.deepEqual(all.groupIds, ['g1', 'g2']);
      assert.equal(all.total, 3);
      assert.notEqual(all.next, 0);
      const rest = await s.listGroups(APP, { next: all.next, limit: 2 });
      assert.deepEqual(rest.groupIds, ['g3']);
      assert.equal(rest.next, 0);
      const priv = await s.listGroups(APP, { type: 'Private', next: 0, limit: 10 });
      assert.deepEqual(priv.groupIds, ['g2']);
      assert.equal(priv.total, 1);
    });

    test('delete removes the group with everything in it', { skip }, async () => {
      await s.addApplication(APP, { groupId: 'g1', applicant: 'z', message: '', time: T0 });
      const members = await s.deleteGroup(APP, 'g1');
      assert.deepEqual(members?.sort(), ['bob', 'c', 'owner']);
      assert.equal(await s.getGroup(APP, 'g1'), undefined);
      assert.equal(await s.getMember(APP, 'g1', 'bob'), undefined);
      assert.equal(await s.muteUntil(APP, 'g1', 'bob'), 0);
      assert.deepEqual(await s.listApplications(APP, ['g1']), []);
      assert.deepEqual(await s.pendingPurges(10, { sdkAppId: APP, groupId: 'g1' }), [], 'no messages, nothing to purge');
      assert.equal(await s.deleteGroup(APP, 'g1'), undefined);
      // The ID is free again.
      assert.equal(await s.createGroup(group('g1'), [member('owner', 'Owner')]), 'created');
    });
  });
}
