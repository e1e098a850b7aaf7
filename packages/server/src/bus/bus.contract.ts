/**
 * @module bus/bus.contract
 * Conformance suite every Bus engine passes. `open` returns two buses standing for two nodes of
 * one cluster (sharing a hub or a Redis) plus a cleanup.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Bus } from './bus.ts';

export interface BusPair {
  a: Bus;
  b: Bus;
  cleanup(): Promise<void>;
}

export interface BusContractOptions {
  /** A skip reason (from the test's service check), or false to run. */
  skip?: () => Promise<string | false>;
}

/** Resolves once `predicate` holds, polling; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Gives an engine time to deliver anything it was going to deliver. */
const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

export function runBusContract(name: string, open: () => Promise<BusPair>, opts: BusContractOptions = {}): void {
  describe(`Bus contract: ${name}`, async () => {
    const skip = (await opts.skip?.()) ?? false;
    let pair: BusPair;
    let n = 0;
    // Each test uses its own channels, so one pair serves the whole suite.
    const ch = (label: string) => `t${++n}:${label}`;

    before(async () => { if (!skip) pair = await open(); });
    after(async () => { if (!skip) await pair.cleanup(); });

    it('delivers a message published on one node to a subscriber on the other', { skip }, async () => {
      const c = ch('x');
      const got: string[] = [];
      await pair.b.subscribe(c, (p) => got.push(p));
      await pair.a.publish(c, 'hello');
      await eventually(() => got.length === 1, 3_000, 'delivery');
      assert.deepEqual(got, ['hello']);
    });

    it('delivers to subscribers on both nodes, including the publisher itself', { skip }, async () => {
      const c = ch('both');
      const ga: string[] = [];
      const gb: string[] = [];
      await pair.a.subscribe(c, (p) => ga.push(p));
      await pair.b.subscribe(c, (p) => gb.push(p));
      await pair.a.publish(c, 'm');
      await eventually(() => ga.length === 1 && gb.length === 1, 3_000, 'delivery to both');
      await settle();
      assert.deepEqual([ga, gb], [['m'], ['m']]);
    });

    it('keeps publish order per publisher', { skip }, async () => {
      const c = ch('order');
      const got: string[] = [];
      await pair.b.subscribe(c, (p) => got.push(p));
      const sent = Array.from({ length: 500 }, (_, i) => `m${i}`);
      await Promise.all(sent.map((m) => pair.a.publish(c, m)));
      await eventually(() => got.length === sent.length, 5_000, 'all messages');
      assert.deepEqual(got, sent);
    });

    it('does not deliver before publish is called and never runs a handler inside publish', { skip }, async () => {
      const c = ch('async');
      let inside = false;
      let ranInside = false;
      const got: string[] = [];
      await pair.a.subscribe(c, (p) => { ranInside ||= inside; got.push(p); });
      inside = true;
      const done = pair.a.publish(c, 'x');
      inside = false;
      await done;
      await eventually(() => got.length === 1);
      assert.equal(ranInside, false);
    });

    it('stops delivery after unsubscribe', { skip }, async () => {
      const c = ch('unsub');
      const got: string[] = [];
      await pair.b.subscribe(c, (p) => got.push(p));
      await pair.a.publish(c, 'before');
      await eventually(() => got.length === 1);
      await pair.b.unsubscribe(c);
      await pair.a.publish(c, 'after');
      await settle();
      assert.deepEqual(got, ['before']);
      await pair.b.unsubscribe(c); // idempotent
    });

    it('replaces the handler when a channel is subscribed again (one per channel per node)', { skip }, async () => {
      const c = ch('replace');
      const first: string[] = [];
      const second: string[] = [];
      await pair.b.subscribe(c, (p) => first.push(p));
      await pair.b.subscribe(c, (p) => second.push(p));
      await pair.a.publish(c, 'x');
      await eventually(() => second.length === 1);
      await settle();
      assert.deepEqual([first, second], [[], ['x']]);
    });

    it('keeps channels apart', { skip }, async () => {
      const c1 = ch('one');
      const c2 = ch('two');
      const g1: string[] = [];
      const g2: string[] = [];
      await pair.b.subscribe(c1, (p) => g1.push(p));
      await pair.b.subscribe(c2, (p) => g2.push(p));
      await pair.a.publish(c1, 'to-one');
      await pair.a.publish(c2, 'to-two');
      await pair.a.publish(ch('nobody'), 'lost'); // no subscriber: dropped, not stored
      await eventually(() => g1.length === 1 && g2.length === 1);
      await settle();
      assert.deepEqual([g1, g2], [['to-one'], ['to-two']]);
    });

    it('handles many channels at once', { skip }, async () => {
      const channels = Array.from({ length: 200 }, (_, i) => ch(`many${i}`));
      const got = new Map<string, string[]>();
      await Promise.all(channels.map((c) => pair.b.subscribe(c, (p) => { got.set(c, [...(got.get(c) ?? []), p]); })));
      await Promise.all(channels.map((c) => pair.a.publish(c, `for ${c}`)));
      await eventually(() => got.size === channels.length, 5_000, 'every channel');
      await settle();
      for (const c of channels) assert.deepEqual(got.get(c), [`for ${c}`]);
      await Promise.all(channels.map((c) => pair.b.unsubscribe(c)));
    });

    it('carries arbitrary strings unchanged', { skip }, async () => {
      const c = ch('bytes');
      const got: string[] = [];
      await pair.b.subscribe(c, (p) => got.push(p));
      const payloads = ['', '{"a":1}', 'ünïcødé ✓ 🚀', 'x'.repeat(64 * 1024), 'line\nbreak\0nul'];
      for (const p of payloads) await pair.a.publish(c, p);
      await eventually(() => got.length === payloads.length);
      assert.deepEqual(got, payloads);
    });

    it('close stops delivery to that node and is idempotent', { skip }, async () => {
      const other = await open();
      try {
        const c = ch('close');
        const got: string[] = [];
        await other.b.subscribe(c, (p) => got.push(p));
        await other.b.close();
        await other.b.close();
        await other.a.publish(c, 'x');
        await settle();
        assert.deepEqual(got, []);
        await assert.rejects(other.b.publish(c, 'y'));
      } finally {
        await other.cleanup();
      }
    });
  });
}
