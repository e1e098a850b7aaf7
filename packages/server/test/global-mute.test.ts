import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GlobalMute } from '../src/messaging/global-mute.ts';
import type { NoSpeakingRecord, NoSpeakingStore } from '../src/store/dirty-word-store.ts';

/** A store whose reads finish when the test releases them. */
function slowStore() {
  const data = new Map<string, NoSpeakingRecord>();
  const waiting: Array<() => void> = [];
  let reads = 0;
  const store = {
    async get(_app: number, users: string[]) {
      reads++;
      // What the database held when the query ran; the answer arrives later.
      const snapshot = new Map(users.flatMap((u) => (data.has(u) ? [[u, { ...data.get(u)! }] as const] : [])));
      await new Promise<void>((r) => waiting.push(r));
      return snapshot;
    },
    async set(_app: number, user: string, change: Partial<NoSpeakingRecord>) {
      data.set(user, { c2cUntil: 0, groupUntil: 0, ...data.get(user), ...change });
    },
  } as unknown as NoSpeakingStore;
  return { store, data, reads: () => reads, release: () => waiting.splice(0).forEach((r) => r()) };
}

describe('GlobalMute cache', () => {
  test('concurrent checks of one account share a single store read', async () => {
    const s = slowStore();
    s.data.set('alice', { c2cUntil: 0xffffffff, groupUntil: 0 });
    const mute = new GlobalMute(s.store, () => 1_000_000);
    const checks = Array.from({ length: 32 }, () => mute.isMuted(1, 'alice', 'c2c'));
    await new Promise((r) => setImmediate(r));
    s.release();
    assert.deepEqual(new Set(await Promise.all(checks)), new Set([0xffffffff]));
    assert.equal(s.reads(), 1);
    assert.equal(await mute.isMuted(1, 'alice', 'group'), 0, 'served from the cache');
    assert.equal(s.reads(), 1);
  });

  test('a change made during a read is not overwritten by the stale answer', async () => {
    const s = slowStore();
    const mute = new GlobalMute(s.store, () => 1_000_000);
    const before = mute.isMuted(1, 'bob', 'c2c');
    await new Promise((r) => setImmediate(r));
    await mute.set(1, 'bob', { c2cUntil: 0xffffffff });
    s.release();
    assert.equal(await before, 0, 'the read that started before the change answers what it read');
    const after = mute.isMuted(1, 'bob', 'c2c');
    await new Promise((r) => setImmediate(r));
    s.release();
    assert.equal(await after, 0xffffffff, 'the next check reads again and sees the mute');
    assert.equal(s.reads(), 2);
  });
});
