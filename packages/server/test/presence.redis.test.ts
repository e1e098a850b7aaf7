import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { runPresenceContract } from '../src/presence/presence.contract.ts';
import { RedisPresence } from '../src/presence/presence.redis.ts';
import { REDIS_URL, skipUnlessRedis, uniqueName } from './helpers/services.ts';

const prefix = `${uniqueName('parley_test')}:`;

/** Deletes every key under this run's prefix. */
async function dropPrefix(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

runPresenceContract('redis', async () => {
  const nodeA = uniqueName('node-a');
  const nodeB = uniqueName('node-b');
  const a = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId: nodeA });
  const b = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId: nodeB });
  return { a, b, nodeA, nodeB, cleanup: async () => { await a.close(); await b.close(); } };
}, { skip: skipUnlessRedis });

describe('RedisPresence: node liveness', async () => {
  const skip = await skipUnlessRedis();
  let admin: Redis;
  before(() => { if (!skip) admin = new Redis(REDIS_URL); });
  after(async () => {
    if (skip) return;
    await dropPrefix(admin);
    await admin.quit();
  });

  it('a node that stops heartbeating (kill -9) disappears within nodeTtlMs and is swept', { skip }, async () => {
    const nodeTtlMs = 300;
    const dead = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId: uniqueName('dying'), nodeTtlMs });
    const live = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId: uniqueName('living'), nodeTtlMs });
    try {
      const s = { sdkAppId: 1, userID: 'zoe', platform: 'web' };
      await dead.addSession({ ...s, sessionId: 'd', nodeId: dead.nodeId, loginAt: 1 });
      await live.addSession({ ...s, sessionId: 'l', nodeId: live.nodeId, loginAt: 2 });
      await dead.setRoomCount(1, 'liveness-room', dead.nodeId, 10);
      await live.setRoomCount(1, 'liveness-room', live.nodeId, 1);
      assert.equal((await live.sessions(1, 'zoe')).length, 2);
      assert.equal(await live.roomCount(1, 'liveness-room'), 11);

      await dead.close(); // no removeNode: like a crash, only the heartbeat stops
      await new Promise((r) => setTimeout(r, nodeTtlMs + 100));
      assert.deepEqual((await live.sessions(1, 'zoe')).map((x) => x.sessionId), ['l']);
      assert.equal(await live.roomCount(1, 'liveness-room'), 1);

      // The periodic sweep removes the dead node's entries from Redis for good.
      await new Promise((r) => setTimeout(r, nodeTtlMs + 100));
      assert.deepEqual(await admin.hkeys(`${prefix}s:1:zoe`), ['l']);
      assert.deepEqual(await admin.hkeys(`${prefix}r:1:liveness-room`), [live.nodeId]);
      assert.equal(await admin.exists(`${prefix}n:${dead.nodeId}`), 0);
    } finally {
      await live.close();
    }
  });

  it('a restarted process with the same node id starts clean', { skip }, async () => {
    const nodeId = uniqueName('restart');
    const first = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId });
    await first.addSession({ sdkAppId: 2, userID: 'yan', sessionId: 'old', nodeId, platform: 'web', loginAt: 1 });
    await first.close();
    const second = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId });
    try {
      assert.deepEqual(await second.sessions(2, 'yan'), []);
    } finally {
      await second.close();
    }
  });

  it('calls onLapsed when its heartbeat had expired', { skip }, async () => {
    let lapsed = 0;
    const nodeTtlMs = 200;
    const p = await RedisPresence.open({ url: REDIS_URL, prefix, nodeId: uniqueName('lapse'), nodeTtlMs, onLapsed: () => { lapsed++; } });
    try {
      await admin.del(`${prefix}hb:${p.nodeId}`); // as if Redis had been unreachable for a while
      await new Promise((r) => setTimeout(r, nodeTtlMs));
      assert.equal(lapsed, 1);
    } finally {
      await p.close();
    }
  });
});

describe('RedisPresence: cleanup', async () => {
  const skip = await skipUnlessRedis();
  it('leaves no keys behind', { skip }, async () => {
    const admin = new Redis(REDIS_URL);
    await dropPrefix(admin);
    assert.equal((await admin.keys(`${prefix}*`)).length, 0);
    await admin.quit();
  });
});
