import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Codes } from '@parley/protocol';
import { GroupCommitter } from '../src/messaging/group-commit.ts';
import type { AppendResult, MessageStore, NewMessage } from '../src/store/message-store.ts';

/** A store whose appends finish only when the test says so; it records what ran when. */
function fakeStore(appendConcurrency?: number) {
  const calls: Array<{ batch: NewMessage[]; finish(): void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const order: string[] = [];
  const store = {
    appendConcurrency,
    append(batch: NewMessage[]): Promise<AppendResult[]> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve) => {
        calls.push({
          batch,
          finish() {
            inFlight--;
            for (const m of batch) order.push(`${m.convId}#${m.random}`);
            resolve(batch.map((m) => ({ message: { ...m, seq: m.random } as never, inboxSeqs: [], duplicate: false })));
          },
        });
      });
    },
  } as unknown as MessageStore;
  return { store, calls, order, maxInFlight: () => maxInFlight };
}

const msg = (convId: string, random: number): NewMessage => ({
  sdkAppId: 1, convId, from: 'a', to: 'b', random, dedupKey: `${convId}-${random}`, time: 0, body: '[]', priority: 'Normal', inboxUsers: [],
});
const tick = () => new Promise((r) => setImmediate(r));

/** Completes store calls as they come until every send has settled. */
async function finishAll(f: ReturnType<typeof fakeStore>, sends: Promise<unknown>[]): Promise<void> {
  let settled = false;
  void Promise.allSettled(sends).then(() => (settled = true));
  for (let i = 0; i < 1000 && !settled; i++) {
    for (const call of f.calls.splice(0)) call.finish();
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.ok(settled, 'every send settled');
}

describe('GroupCommitter', () => {
  test('one lane: one transaction at a time; what arrives meanwhile goes in the next batch', async () => {
    const f = fakeStore();
    const c = new GroupCommitter(f.store, 100);
    const first = c.append(msg('c1', 1));
    await tick();
    const later = [c.append(msg('c2', 2)), c.append(msg('c3', 3))];
    await tick();
    assert.equal(f.calls.length, 1, 'the second batch waits for the first');
    f.calls[0]!.finish();
    assert.equal((await first).message.seq, 1);
    await tick();
    assert.equal(f.calls.length, 2);
    assert.equal(f.calls[1]!.batch.length, 2);
    f.calls[1]!.finish();
    assert.deepEqual((await Promise.all(later)).map((r) => r.message.seq), [2, 3]);
    assert.equal(f.maxInFlight(), 1);
  });

  test('lanes: batches overlap, and a conversation stays in one lane, in order', async () => {
    const f = fakeStore(4);
    const c = new GroupCommitter(f.store, 1000);
    assert.equal(c.lanes, 4);
    const convs = Array.from({ length: 40 }, (_, i) => `c2c:u${i}:v${i}`);
    const sends: Promise<AppendResult>[] = [];
    for (let r = 0; r < 3; r++) {
      for (const conv of convs) sends.push(c.append(msg(conv, r)));
      await tick();
      // Finish whatever is running in reverse start order, so lanes complete out of step.
      for (const call of f.calls.splice(0).reverse()) call.finish();
      await tick();
    }
    await finishAll(f, sends);
    assert.ok(f.maxInFlight() > 1 && f.maxInFlight() <= 4, `in flight at once: ${f.maxInFlight()}`);
    for (const conv of convs) {
      const seen = f.order.filter((o) => o.startsWith(`${conv}#`));
      assert.deepEqual(seen, [`${conv}#0`, `${conv}#1`, `${conv}#2`], conv);
    }
  });

  test('the pending bound holds across lanes: beyond it, sends fail with a retryable code', async () => {
    const f = fakeStore(2);
    const c = new GroupCommitter(f.store, 1, 3);
    const accepted = [c.append(msg('a', 1)), c.append(msg('b', 2)), c.append(msg('c', 3))];
    await assert.rejects(c.append(msg('d', 4)), (e: { code?: number }) => e.code === Codes.SERVER_TIMEOUT.code);
    await finishAll(f, accepted);
    assert.equal((await Promise.all(accepted)).length, 3);
    await c.drain();
  });
});
