/**
 * Group attributes from clients, end to end through the gateway on one node with the real live-room
 * engine: the four ops, members only (2642), Tencent's limits (10045–10048), 5 writes a second per
 * group (10049, nothing written), the `groupAttributesUpdated` push after client and REST changes,
 * AVChatRoom (through the live-room engine) and BChatRoom (every online session of the app).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { GroupAttributesUpdatedPush } from '@parley/protocol';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, createGroup, loginAll, ok, settle, type Users } from './helpers/groups.ts';
import { createTestApp, loginClient, rest, startNode, type TestNode } from './helpers/test-server.ts';
import type { TestClient } from './helpers/ws-client.ts';

/**
 * Waits for the next `groupAttributesUpdated` push for `groupID` not seen yet — with `map`, for the
 * first one carrying that map (earlier ones are passed over, e.g. the writer's own pushes).
 */
async function nextAttrPush(c: TestClient, groupID: string, map?: Record<string, string>, timeoutMs = 3000): Promise<GroupAttributesUpdatedPush> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = c.pushes.filter((p) => p.push === 'groupAttributesUpdated' && !(p as { used?: boolean }).used && p.data.groupID === groupID);
    const hit = map ? fresh.find((p) => isDeepStrictEqual(p.data.groupAttributes, map)) : fresh[0];
    if (hit) {
      for (const p of fresh) {
        (p as { used?: boolean }).used = true;
        if (p === hit) break;
      }
      return hit.data;
    }
    if (Date.now() > deadline) throw new Error(`no groupAttributesUpdated push for ${groupID}`);
    await settle(10);
  }
}

const attrsOf = async (c: TestClient, groupID: string, keyList?: string[]) =>
  ok(await c.request('getGroupAttributes', { groupID, ...(keyList && { keyList }) })).groupAttributes;

describe('group attributes from clients', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 5, native: 3 } } });
    u = await loginAll(node, app, ['owner', 'mia', 'max', 'out']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('a member sets, every online member (other devices too) gets the whole map; get by keys or all', async () => {
    const id = await createGroup(u.owner!, { type: 'Public', name: 'seats', memberList: [{ userID: 'mia' }, { userID: 'max' }] });
    const miaPhone = (await loginClient(node, app, 'mia', 'Android')).client;
    try {
      const set = ok(await u.mia!.request('setGroupAttributes', { groupID: id, groupAttributes: { seat1: 'mia', topic: 'jazz' } }));
      assert.deepEqual(set.groupAttributes, { seat1: 'mia', topic: 'jazz' });
      for (const c of [u.owner!, u.max!, miaPhone, u.mia!]) {
        assert.deepEqual(await nextAttrPush(c, id), { groupID: id, groupAttributes: { seat1: 'mia', topic: 'jazz' } });
      }
      // Adds and replaces keys, keeps the others; the push has the whole map.
      ok(await u.max!.request('setGroupAttributes', { groupID: id, groupAttributes: { seat2: 'max', topic: 'blues' } }));
      await nextAttrPush(u.owner!, id, { seat1: 'mia', topic: 'blues', seat2: 'max' });
      assert.deepEqual(await attrsOf(u.owner!, id), { seat1: 'mia', topic: 'blues', seat2: 'max' });
      assert.deepEqual(await attrsOf(u.mia!, id, ['seat2', 'nope']), { seat2: 'max' });
      assert.deepEqual(await attrsOf(u.mia!, id, []), { seat1: 'mia', topic: 'blues', seat2: 'max' });
      // Outsiders never hear of it.
      assert.equal(u.out!.pushesNamed('groupAttributesUpdated').length, 0);
    } finally {
      await miaPhone.close();
    }
  });

  test('init replaces the map, delete removes keys (empty list: all); unchanged maps push nothing', async () => {
    const id = await createGroup(u.owner!, { type: 'Private', name: 'init', memberList: [{ userID: 'mia' }] });
    ok(await u.owner!.request('setGroupAttributes', { groupID: id, groupAttributes: { a: '1', b: '2' } }));
    await nextAttrPush(u.mia!, id, { a: '1', b: '2' });
    assert.deepEqual(ok(await u.mia!.request('initGroupAttributes', { groupID: id, groupAttributes: { c: '3' } })).groupAttributes, { c: '3' });
    await nextAttrPush(u.owner!, id, { c: '3' });
    ok(await u.owner!.request('setGroupAttributes', { groupID: id, groupAttributes: { d: '4', e: '' } }));
    await nextAttrPush(u.mia!, id, { c: '3', d: '4', e: '' });
    const del = ok(await u.mia!.request('deleteGroupAttributes', { groupID: id, keyList: ['d', 'zzz'] }));
    assert.deepEqual(del, { groupAttributes: { c: '3', e: '' }, keyList: ['d', 'zzz'] });
    await nextAttrPush(u.owner!, id, { c: '3', e: '' });
    await nextAttrPush(u.mia!, id, { c: '3', e: '' });
    await settle(1000); // five writes so far: let the group's budget refill
    // Deleting keys that are not there changes nothing: no push.
    ok(await u.mia!.request('deleteGroupAttributes', { groupID: id, keyList: ['zzz'] }));
    const all = ok(await u.owner!.request('deleteGroupAttributes', { groupID: id, keyList: [] }));
    assert.deepEqual(all, { groupAttributes: {}, keyList: ['c', 'e'] });
    // The next push mia gets is the deletion of everything, not one for the no-op.
    assert.deepEqual(await nextAttrPush(u.mia!, id), { groupID: id, groupAttributes: {} });
    await settle(50);
    assert.equal(u.mia!.pushes.filter((p) => p.push === 'groupAttributesUpdated' && p.data.groupID === id && !(p as { used?: boolean }).used).length, 0);
    assert.deepEqual(await attrsOf(u.owner!, id), {});
    ok(await u.owner!.request('initGroupAttributes', { groupID: id, groupAttributes: {} }));
  });

  test('members only: 2642 for a non-member (read and write), nothing written, nobody told', async () => {
    const id = await createGroup(u.owner!, { type: 'Public', name: 'closed', memberList: [{ userID: 'mia' }] });
    for (const [op, data] of [
      ['getGroupAttributes', {}],
      ['setGroupAttributes', { groupAttributes: { k: 'v' } }],
      ['initGroupAttributes', { groupAttributes: { k: 'v' } }],
      ['deleteGroupAttributes', { keyList: [] }],
    ] as const) {
      const r = await u.out!.request(op, { groupID: id, ...data });
      assert.equal(r.code, 2642, `${op}: ${r.code} ${r.message}`);
    }
    assert.deepEqual(await attrsOf(u.owner!, id), {});
    await settle(50);
    assert.equal(u.mia!.pushes.filter((p) => p.push === 'groupAttributesUpdated' && p.data.groupID === id).length, 0);
    // Unknown and malformed groups keep their codes; malformed requests are 6017.
    assert.equal((await u.mia!.request('getGroupAttributes', { groupID: 'no-such-group' })).code, 10010);
    assert.equal((await u.mia!.request('setGroupAttributes', { groupID: id, groupAttributes: { k: 1 } })).code, 6017);
    assert.equal((await u.mia!.request('setGroupAttributes', { groupID: id })).code, 6017);
    // The app admin account acts in every group, member or not.
    const admin = (await loginClient(node, app, 'administrator')).client;
    try {
      ok(await admin.request('setGroupAttributes', { groupID: id, groupAttributes: { by: 'admin' } }));
      assert.deepEqual((await nextAttrPush(u.mia!, id)).groupAttributes, { by: 'admin' });
    } finally {
      await admin.close();
    }
  });

  test('limits: 10045 key, 10046 value, 10047 keys, 10048 total, 10004 empty key; nothing written', async () => {
    const id = await createGroup(u.owner!, { type: 'Public', name: 'limits', memberList: [{ userID: 'mia' }] });
    ok(await u.mia!.request('initGroupAttributes', { groupID: id, groupAttributes: { keep: 'me' } }));
    const cases: [string, Record<string, string>, number][] = [
      ['setGroupAttributes', { ['k'.repeat(33)]: 'v' }, 10045],
      ['setGroupAttributes', { big: 'v'.repeat(4001) }, 10046],
      ['setGroupAttributes', Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])), 10047],
      ['initGroupAttributes', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])), 10047],
      ['initGroupAttributes', Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'v'.repeat(4000)])), 10048],
      ['setGroupAttributes', { '': 'v' }, 10004],
    ];
    for (const [i, [op, attrs, code]] of cases.entries()) {
      if (i > 0 && i % 4 === 0) await settle(1000); // stay under 5 writes a second
      const r = await u.mia!.request(op, { groupID: id, groupAttributes: attrs });
      assert.equal(r.code, code, `${op} case ${i}: ${r.code} ${r.message}`);
    }
    assert.deepEqual(await attrsOf(u.owner!, id), { keep: 'me' });
  });

  test('5 writes a second per group: the 6th gets 10049 and changes nothing; other groups and REST are not held back', async () => {
    const id = await createGroup(u.owner!, { type: 'Public', name: 'busy', memberList: [{ userID: 'mia' }, { userID: 'max' }] });
    const other = await createGroup(u.owner!, { type: 'Public', name: 'quiet', memberList: [{ userID: 'mia' }] });
    // Ten writes at once from two members (one bucket per group, whoever writes). The bucket holds
    // 5 and refills 5 a second, so at most 5 + 5 × (seconds the writes took) pass.
    const writers = Array.from({ length: 10 }, (_, i) => (i % 2 ? u.max! : u.mia!));
    const t0 = performance.now();
    const replies = await Promise.all(writers.map((c, i) => c.request('setGroupAttributes', { groupID: id, groupAttributes: { [`w${i}`]: String(i) } })));
    const elapsedS = (performance.now() - t0) / 1000;
    const accepted = replies.flatMap((r, i) => (r.code === 0 ? [i] : []));
    const refused = replies.filter((r) => r.code === 10049);
    assert.equal(accepted.length + refused.length, 10, JSON.stringify(replies.map((r) => r.code)));
    assert.ok(accepted.length >= 5 && accepted.length <= 5 + Math.ceil(5 * elapsedS), `${accepted.length} accepted in ${elapsedS.toFixed(2)} s`);
    assert.deepEqual(Object.keys(await attrsOf(u.owner!, id)).sort(), accepted.map((i) => `w${i}`).sort(), 'the refused write left no key');
    // Reads are not writes.
    ok(await u.owner!.request('getGroupAttributes', { groupID: id }));
    // Another group has its own budget.
    ok(await u.mia!.request('setGroupAttributes', { groupID: other, groupAttributes: { x: '1' } }));
    // The REST admin is exempt.
    for (let i = 0; i < 3; i++) {
      const r = await rest(node, app, 'group_open_http_svc/modify_group_attr', { GroupId: id, GroupAttr: [{ key: `rest${i}`, value: 'ok' }] });
      assert.equal(r.ErrorCode, 0, JSON.stringify(r));
    }
    // A second later the bucket has refilled.
    await settle(1100);
    ok(await u.mia!.request('deleteGroupAttributes', { groupID: id, keyList: ['rest0'] }));
  });

  test('REST changes push too (set, modify, clear), with the whole map', async () => {
    const id = await createGroup(u.owner!, { type: 'Community', name: 'rest', memberList: [{ userID: 'max' }] });
    const call = (cmd: string, body: Record<string, unknown>) => rest(node, app, `group_open_http_svc/${cmd}`, { GroupId: id, ...body });
    assert.equal((await call('set_group_attr', { GroupAttr: [{ key: 'phase', value: 'intro' }, { key: 'host', value: 'owner' }] })).ErrorCode, 0);
    assert.deepEqual(await nextAttrPush(u.max!, id), { groupID: id, groupAttributes: { phase: 'intro', host: 'owner' } });
    assert.equal((await call('modify_group_attr', { GroupAttr: [{ key: 'phase', value: 'main' }] })).ErrorCode, 0);
    await nextAttrPush(u.owner!, id, { phase: 'main', host: 'owner' });
    assert.equal((await call('clear_group_attr', {})).ErrorCode, 0);
    await nextAttrPush(u.max!, id, {});
    // A client write is read back over REST.
    ok(await u.max!.request('setGroupAttributes', { groupID: id, groupAttributes: { seat: 'max' } }));
    assert.deepEqual((await call('get_group_attr', {})).GroupAttrAry, [{ key: 'seat', value: 'max' }]);
  });

  test('AVChatRoom: connections in the room read and write, the update reaches the room; not joined 2642; REST reaches it too', async () => {
    const id = await createGroup(u.owner!, { type: 'AVChatRoom', name: 'voice room' });
    const [host, fan, late] = [
      (await loginClient(node, app, 'host')).client,
      (await loginClient(node, app, 'fan')).client,
      (await loginClient(node, app, 'late')).client,
    ];
    try {
      ok(await host.request('joinGroup', { groupID: id }));
      ok(await fan.request('joinGroup', { groupID: id }));
      // Not in the room (the owner included: live-room membership is the connection's).
      assert.equal((await late.request('setGroupAttributes', { groupID: id, groupAttributes: { seat1: 'late' } })).code, 2642);
      assert.equal((await late.request('getGroupAttributes', { groupID: id })).code, 2642);
      assert.equal((await u.owner!.request('getGroupAttributes', { groupID: id })).code, 2642);
      ok(await fan.request('setGroupAttributes', { groupID: id, groupAttributes: { seat1: 'fan' } }));
      for (const c of [host, fan]) assert.deepEqual(await nextAttrPush(c, id), { groupID: id, groupAttributes: { seat1: 'fan' } });
      // The same push as in other groups, not a message in the room.
      assert.equal(host.pushes.filter((p) => p.push === 'roomMessage').length, 0);
      // A joiner reads the current map; attributes live in the store, not in the room.
      ok(await late.request('joinGroup', { groupID: id }));
      assert.deepEqual(await attrsOf(late, id), { seat1: 'fan' });
      // The REST admin's change reaches the room as well.
      assert.equal((await rest(node, app, 'group_open_http_svc/modify_group_attr', { GroupId: id, GroupAttr: [{ key: 'seat2', value: 'host' }] })).ErrorCode, 0);
      for (const c of [host, fan, late]) assert.deepEqual((await nextAttrPush(c, id, { seat1: 'fan', seat2: 'host' })).groupAttributes, { seat1: 'fan', seat2: 'host' });
      // The rate limit holds in live rooms too (a second after the fan's write, a full budget).
      await settle(1000);
      const t0 = performance.now();
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => host.request('setGroupAttributes', { groupID: id, groupAttributes: { n: String(i) } })));
      const elapsedS = (performance.now() - t0) / 1000;
      const passed = replies.filter((r) => r.code === 0).length;
      assert.equal(passed + replies.filter((r) => r.code === 10049).length, 10, JSON.stringify(replies.map((r) => r.code)));
      assert.ok(passed >= 5 && passed <= 5 + Math.ceil(5 * elapsedS), `${passed} accepted in ${elapsedS.toFixed(2)} s`);
      // Having left, a connection is refused again.
      ok(await fan.request('quitGroup', { groupID: id }));
      assert.equal((await fan.request('getGroupAttributes', { groupID: id })).code, 2642);
    } finally {
      await Promise.all([host.close(), fan.close(), late.close()]);
    }
  });
});

describe('group attributes: BChatRoom', () => {
  let node: TestNode;
  let app: AppRecord;
  let u: Users;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    u = await loginAll(node, app, ['boss', 'anyone']);
  });
  after(async () => {
    await closeAll(u);
    await node.close();
  });

  test('everyone reads, the owner writes (others 10007), every online session of the app is told', async () => {
    const id = await createGroup(u.boss!, { type: 'BChatRoom', name: 'news' });
    ok(await u.boss!.request('setGroupAttributes', { groupID: id, groupAttributes: { headline: 'hello' } }));
    const p = await u.anyone!.nextPush('groupAttributesUpdated');
    assert.deepEqual(p.data, { groupID: id, groupAttributes: { headline: 'hello' } });
    assert.deepEqual(await attrsOf(u.anyone!, id), { headline: 'hello' });
    assert.equal((await u.anyone!.request('setGroupAttributes', { groupID: id, groupAttributes: { headline: 'mine' } })).code, 10007);
  });
});

describe('group attributes: live-room guests read only', () => {
  let node: TestNode;
  let app: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node, { mode: 'guest' });
  });
  after(() => node.close());

  test('a guest in an AVChatRoom reads the attributes; writing answers 300011', async () => {
    const host = (await loginClient(node, app, 'host')).client;
    const { TestClient } = await import('./helpers/ws-client.ts');
    const guest = await TestClient.connect(node.url);
    try {
      const id = await createGroup(host, { type: 'AVChatRoom', name: 'open room' });
      ok(await host.request('joinGroup', { groupID: id }));
      ok(await host.request('setGroupAttributes', { groupID: id, groupAttributes: { stage: 'on' } }));
      ok(await guest.request('guestLogin', { sdkAppId: app.sdkAppId, nick: 'viewer' }));
      ok(await guest.request('joinGroup', { groupID: id }));
      assert.deepEqual(await attrsOf(guest, id), { stage: 'on' });
      assert.equal((await guest.request('setGroupAttributes', { groupID: id, groupAttributes: { stage: 'off' } })).code, 300011);
    } finally {
      await Promise.all([host.close(), guest.close()]);
    }
  });
});
