/**
 * @module store/group-attr-store.contract
 * Conformance suite every GroupAttrStore engine passes, with its GroupStore beside it (attributes
 * belong to a group and go with it): `runGroupAttrStoreContract(name, open)`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupAttrStore } from './group-attr-store.ts';
import type { GroupStore } from './group-store.ts';

export interface OpenedGroupAttrStore {
  groups: GroupStore;
  groupAttrs: GroupAttrStore;
  cleanup(): Promise<void>;
}

const APP = 1400000002;
const T0 = 1_700_000_000;

export function runGroupAttrStoreContract(name: string, open: () => Promise<OpenedGroupAttrStore>, opts: { skip?: () => Promise<string | false> } = {}): void {
  describe(`GroupAttrStore contract: ${name}`, async () => {
    const skip = opts.skip ? await opts.skip() : false;
    let s: OpenedGroupAttrStore;
    before(async () => {
      if (skip) return;
      s = await open();
      for (const id of ['a1', 'a2']) {
        await s.groups.createGroup({
          sdkAppId: APP, groupId: id, type: 'AVChatRoom', name: id, introduction: '', notification: '', faceUrl: '', owner: '',
          creator: 'admin', createdAt: T0, maxMembers: 0, joinOption: 'FreeAccess', muteAll: false, appDefinedData: {},
        }, []);
      }
    });
    after(async () => {
      if (!skip) await s.cleanup();
    });

    test('update replaces the map, keeps key order, and is per group', { skip }, async () => {
      assert.deepEqual(await s.groupAttrs.get(APP, 'a1'), {});
      assert.deepEqual(await s.groupAttrs.update(APP, 'a1', (cur) => ({ ...cur, zeta: '1', alpha: '2' })), { zeta: '1', alpha: '2' });
      assert.deepEqual(await s.groupAttrs.update(APP, 'a1', (cur) => ({ ...cur, zeta: '3', mid: '' })), { zeta: '3', alpha: '2', mid: '' });
      assert.deepEqual(Object.keys(await s.groupAttrs.get(APP, 'a1')), ['zeta', 'alpha', 'mid'], 'insertion order, not sorted');
      assert.deepEqual(await s.groupAttrs.get(APP, 'a2'), {});
      assert.deepEqual(await s.groupAttrs.get(APP + 1, 'a1'), {});
    });

    test('a refused change writes nothing; a missing group answers undefined', { skip }, async () => {
      await assert.rejects(s.groupAttrs.update(APP, 'a1', () => {
        throw new Error('over the limit');
      }), /over the limit/);
      assert.deepEqual(await s.groupAttrs.get(APP, 'a1'), { zeta: '3', alpha: '2', mid: '' });
      assert.equal(await s.groupAttrs.update(APP, 'nope', () => ({ k: 'v' })), undefined);
      assert.deepEqual(await s.groupAttrs.get(APP, 'nope'), {});
    });

    test('concurrent read-modify-writes do not lose keys', { skip }, async () => {
      await Promise.all(Array.from({ length: 8 }, (_, i) => s.groupAttrs.update(APP, 'a2', (cur) => ({ ...cur, [`k${i}`]: String(i) }))));
      assert.equal(Object.keys(await s.groupAttrs.get(APP, 'a2')).length, 8);
    });

    test('clearing to {} and deleting the group remove the attributes', { skip }, async () => {
      assert.deepEqual(await s.groupAttrs.update(APP, 'a2', () => ({})), {});
      assert.deepEqual(await s.groupAttrs.get(APP, 'a2'), {});
      assert.deepEqual(await s.groups.deleteGroup(APP, 'a1'), [], 'a group without stored members (a live room) is deleted too');
      assert.deepEqual(await s.groupAttrs.get(APP, 'a1'), {});
      await s.groups.createGroup({
        sdkAppId: APP, groupId: 'a1', type: 'Public', name: 'again', introduction: '', notification: '', faceUrl: '', owner: '',
        creator: 'admin', createdAt: T0, maxMembers: 10, joinOption: 'FreeAccess', muteAll: false, appDefinedData: {},
      }, []);
      assert.deepEqual(await s.groupAttrs.get(APP, 'a1'), {}, 'a group re-created under the same ID starts empty');
    });
  });
}
