/**
 * @module store/extras.contract
 * Conformance suite for the operations stores (dirty words, global mute, daily figures), written
 * only against the Store interface. Engines' tests call `runExtrasContract('sqlite', open)`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OpenedStore } from './store.contract.ts';
import type { Store } from './store.ts';

let nextApp = 1_400_950_000;
const freshApp = () => ++nextApp;

export function runExtrasContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`Store extras contract: ${engine}`, () => {
    let opened: OpenedStore;
    let store: Store;
    before(async () => {
      opened = await open();
      store = opened.store;
    });
    after(async () => {
      await store.close();
      await opened.cleanup();
    });

    test('dirty words: a set in insertion order, per app', async () => {
      const app = freshApp();
      const other = freshApp();
      assert.deepEqual(await store.dirtyWords.list(app), []);
      await store.dirtyWords.add(app, ['b', 'a', '韩国代购']);
      await store.dirtyWords.add(app, ['a', 'c']);
      await store.dirtyWords.add(other, ['z']);
      assert.deepEqual(await store.dirtyWords.list(app), ['b', 'a', '韩国代购', 'c']);
      await store.dirtyWords.remove(app, ['a', 'absent']);
      assert.deepEqual(await store.dirtyWords.list(app), ['b', '韩国代购', 'c']);
      assert.deepEqual(await store.dirtyWords.list(other), ['z']);
      await store.dirtyWords.add(app, []);
      await store.dirtyWords.remove(app, []);
      assert.deepEqual(await store.dirtyWords.list(app), ['b', '韩国代购', 'c']);
    });

    test('no-speaking: fields set independently; both at 0 removes the record', async () => {
      const app = freshApp();
      assert.equal((await store.noSpeaking.get(app, ['u1'])).size, 0);
      await store.noSpeaking.set(app, 'u1', { c2cUntil: 4294967295 });
      await store.noSpeaking.set(app, 'u2', { groupUntil: 1_700_000_100 });
      await store.noSpeaking.set(app, 'u1', { groupUntil: 1_700_000_200 });
      const got = await store.noSpeaking.get(app, ['u1', 'u2', 'u3']);
      assert.deepEqual(got.get('u1'), { c2cUntil: 4294967295, groupUntil: 1_700_000_200 });
      assert.deepEqual(got.get('u2'), { c2cUntil: 0, groupUntil: 1_700_000_100 });
      assert.equal(got.has('u3'), false);
      await store.noSpeaking.set(app, 'u2', { groupUntil: 0 });
      assert.equal((await store.noSpeaking.get(app, ['u2'])).size, 0);
      assert.equal((await store.noSpeaking.get(freshApp(), ['u1'])).size, 0);
      assert.equal((await store.noSpeaking.get(app, [])).size, 0);
    });

    test('daily figures: counters add up, distinct keys count once, newest day first', async () => {
      const app = freshApp();
      await store.stats.addDaily([
        { sdkAppId: app, day: '20240101', counters: { C2CUpMsgNum: 3, GroupUpMsgNum: 0 }, distinct: { active: ['a', 'b', 'a'] } },
        { sdkAppId: app, day: '20240102', counters: { C2CUpMsgNum: 1 }, distinct: { active: ['a'] } },
        { sdkAppId: app + 1000, day: '20240101', counters: { C2CUpMsgNum: 99 }, distinct: {} },
      ]);
      await store.stats.addDaily([
        { sdkAppId: app, day: '20240101', counters: { C2CUpMsgNum: 2, LoginTimes: 1 }, distinct: { active: ['b', 'c'], group: ['g1'] } },
      ]);
      await store.stats.addDaily([]);
      const days = await store.stats.daily(app, '20231201', '20240131');
      assert.deepEqual(days, [
        { day: '20240102', counters: { C2CUpMsgNum: 1 }, distinct: { active: 1 } },
        { day: '20240101', counters: { C2CUpMsgNum: 5, LoginTimes: 1 }, distinct: { active: 3, group: 1 } },
      ]);
      assert.deepEqual(await store.stats.daily(app, '20240102', '20240102'), [days[0]]);
      assert.deepEqual(await store.stats.daily(app, '20250101', '20250131'), []);
    });
  });
}
