import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Codes } from '@parley/protocol';
import { runBusContract, eventually } from '../src/bus/bus.contract.ts';
import { RedisBus } from '../src/bus/bus.redis.ts';
import { ParleyError } from '../src/errors.ts';
import { REDIS_URL, skipUnlessRedis, uniqueName } from './helpers/services.ts';

// One prefix per run: parallel runs on the same Redis never see each other's messages.
const prefix = `${uniqueName('parley_test')}:`;

runBusContract('redis', async () => {
  const a = await RedisBus.open({ url: REDIS_URL, prefix, name: uniqueName('parley-test-a') });
  const b = await RedisBus.open({ url: REDIS_URL, prefix, name: uniqueName('parley-test-b') });
  return { a, b, cleanup: async () => { await a.close(); await b.close(); } };
}, { skip: skipUnlessRedis });

/** Drops this bus's own connections server-side, as a Redis restart would, leaving everyone else alone. */
async function killConnections(admin: Redis, name: string, which: 'pub' | 'sub' | 'both'): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  let killed = 0;
  for (const line of list.split('\n')) {
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    const client = /(?:^| )name=(\S+)/.exec(line)?.[1];
    if (!id || !client) continue;
    if (client === `${name}:pub` && which !== 'sub') killed += Number(await admin.client('KILL', 'ID', id));
    if (client === `${name}:sub` && which !== 'pub') killed += Number(await admin.client('KILL', 'ID', id));
  }
  return killed;
}

describe('RedisBus: connection loss', async () => {
  const skip = await skipUnlessRedis();
  let admin: Redis;
  before(() => { if (!skip) admin = new Redis(REDIS_URL); });
  after(async () => { if (!skip) await admin.quit(); });

  it('reconnects, resubscribes, calls onReconnect, and delivery resumes', { skip }, async () => {
    const name = uniqueName('parley-test-restart');
    const a = await RedisBus.open({ url: REDIS_URL, prefix, name: uniqueName('parley-test-pub') });
    const b = await RedisBus.open({ url: REDIS_URL, prefix, name });
    try {
      const got: string[] = [];
      let reconnects = 0;
      b.onReconnect(() => { reconnects++; });
      await b.subscribe('r1', (p) => got.push(`r1:${p}`));
      await b.subscribe('r2', (p) => got.push(`r2:${p}`));
      await a.publish('r1', 'before');
      await eventually(() => got.length === 1);

      assert.equal(await killConnections(admin, name, 'both'), 2);
      await eventually(() => reconnects === 1, 10_000, 'onReconnect');
      // Subscriptions are in place by the time onReconnect fires.
      await a.publish('r1', 'after');
      await a.publish('r2', 'after');
      await eventually(() => got.length === 3, 3_000, 'delivery after reconnect');
      assert.deepEqual(got, ['r1:before', 'r1:after', 'r2:after']);

      // Publishing from the reconnected publisher connection works too.
      await b.subscribe('r3', (p) => got.push(`r3:${p}`));
      await b.publish('r3', 'self');
      await eventually(() => got.length === 4);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rejects publish with a retryable STORE_UNAVAILABLE while disconnected, then recovers', { skip }, async () => {
    const name = uniqueName('parley-test-down');
    const bus = await RedisBus.open({ url: REDIS_URL, prefix, name, redis: { retryStrategy: () => 300 } });
    try {
      const got: string[] = [];
      await bus.subscribe('d', (p) => got.push(p));
      assert.equal(await killConnections(admin, name, 'pub'), 1);
      await eventually(() => (bus as unknown as { pub: Redis }).pub.status !== 'ready', 1_000, 'disconnect noticed');
      await assert.rejects(bus.publish('d', 'lost'), (err: unknown) =>
        err instanceof ParleyError && err.code === Codes.STORE_UNAVAILABLE.code);
      await eventually(() => (bus as unknown as { pub: Redis }).pub.status === 'ready', 5_000, 'reconnect');
      await bus.publish('d', 'ok');
      await eventually(() => got.length === 1);
      assert.deepEqual(got, ['ok']);
    } finally {
      await bus.close();
    }
  });

  it('open rejects with STORE_UNAVAILABLE when nothing listens', { skip }, async () => {
    await assert.rejects(RedisBus.open({ url: 'redis://127.0.0.1:1', redis: { retryStrategy: () => null } }), (err: unknown) =>
      err instanceof ParleyError && err.code === Codes.STORE_UNAVAILABLE.code);
  });
});
