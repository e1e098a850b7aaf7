/**
 * Three Parley nodes on PostgreSQL + Redis (issue 8), each on its own port in this process: C2C,
 * kicks, online status, groups and live rooms across nodes, the cluster-wide room rate limit, group
 * attributes (pushes across nodes, the cluster-wide 5 writes/s), and a
 * Redis "restart" (this run's connections killed and keys deleted). Skipped locally when PostgreSQL
 * or Redis is unreachable; run under CI=true.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, createGroup, nextGroupMessage, ok, sendGroup, type Users } from './helpers/groups.ts';
import { clusterEnv, deleteRedisKeys, eventually, killRedisClients, startClusterNodes, syncAll, type ClusterEnv } from './helpers/cluster.ts';
import { skipUnlessPostgres, skipUnlessRedis } from './helpers/services.ts';
import { createTestApp, loginClient, rest, sign, text, type TestNode } from './helpers/test-server.ts';
import { TestClient } from './helpers/ws-client.ts';

// Live-room online counts are refreshed from presence every 5 s by default; faster here.
process.env['PARLEY_LIVE_COUNT_REFRESH_MS'] = '200';

const skip = (await skipUnlessPostgres()) || (await skipUnlessRedis());

let n = 0;
const send = (c: TestClient, to: string, t: string) => c.request('sendMessage', { type: 'C2C', to, body: text(t), clientMsgId: `cl-${process.pid}-${++n}` });
const textOf = (m: any): string => m.body[0].MsgContent.Text;

/** Waits until the client has inbox message pushes for every text in `texts`; returns them in arrival order. */
async function inboxTexts(c: TestClient, count: number, timeoutMs = 10_000): Promise<string[]> {
  const got = () => c.pushes.filter((p) => p.push === 'inbox' && p.data.kind === 'message').map((p) => textOf(p.data.message));
  await eventually(() => got().length >= count, timeoutMs, `${count} inbox messages`);
  return got();
}

async function login(node: TestNode, app: AppRecord, user: string, platform = 'Web'): Promise<TestClient> {
  return (await loginClient(node, app, user, platform)).client;
}

async function onlineState(node: TestNode, app: AppRecord, users: string[]): Promise<Record<string, string>> {
  const r = await rest(node, app, 'openim/query_online_status', { To_Account: users });
  assert.equal(r.ErrorCode, 0, JSON.stringify(r));
  return Object.fromEntries(r.QueryResult.map((q: any) => [q.To_Account, q.State]));
}

describe('cluster: three nodes on PostgreSQL + Redis', { skip }, () => {
  let env: ClusterEnv;
  let nodes: TestNode[];
  let A: TestNode, B: TestNode, C: TestNode;
  let app: AppRecord;
  let single: AppRecord;
  const clients: TestClient[] = [];
  const track = (c: TestClient) => (clients.push(c), c);

  before(async () => {
    env = clusterEnv('parley_cluster');
    nodes = await startClusterNodes(env, ['a', 'b', 'c'].map((x) => `${env.prefix}${x}`));
    [A, B, C] = nodes as [TestNode, TestNode, TestNode];
    app = await createTestApp(A, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 3, native: 3 }, roomMessagesPerSecond: 10 } });
    single = await createTestApp(A, { settings: { multiDevicePolicy: 'single' } });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const node of nodes ?? []) await node.close();
    await env?.cleanup();
  });

  test('C2C: sent on A, received on B and C devices in order; a reply from C reaches A', async () => {
    const alice = track(await login(A, app, 'alice'));
    const bobWeb = track(await login(B, app, 'bob', 'Web'));
    const bobPhone = track(await login(C, app, 'bob', 'Android'));
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      sent.push(`to bob ${i}`);
      ok(await send(alice, 'bob', `to bob ${i}`));
    }
    assert.deepEqual(await inboxTexts(bobWeb, 20), sent);
    assert.deepEqual(await inboxTexts(bobPhone, 20), sent);
    const inboxSeqs = bobWeb.pushes.filter((p) => p.push === 'inbox').map((p) => p.data.inbox);
    assert.deepEqual(inboxSeqs, [...inboxSeqs].sort((x, y) => x - y), 'inbox order');
    ok(await send(bobPhone, 'alice', 'hi from C'));
    const aliceTexts = await inboxTexts(alice, 21);
    assert.equal(aliceTexts.at(-1), 'hi from C');
    // bob's other device (on B) gets his own send from C too (multi-device sync).
    assert.equal((await inboxTexts(bobWeb, 21)).at(-1), 'hi from C');
  });

  test('multi-device policy: a login on B kicks the session on A', async () => {
    const first = await login(A, single, 'carol', 'Web');
    const second = track(await login(B, single, 'carol', 'Android'));
    const kicked = await first.nextPush('kickedOut');
    assert.equal(kicked.data.reason, 'multipleDevice');
    assert.equal(await first.closed(), 4001);
    assert.equal(ok(await second.request('heartbeat')).serverTime > 0, true);
  });

  test('REST kick on node C closes the session on node A', async () => {
    const dave = await login(A, app, 'dave');
    const r = await rest(C, app, 'im_open_login_svc/kick', { UserID: 'dave' });
    assert.equal(r.ErrorCode, 0, JSON.stringify(r));
    assert.equal((await dave.nextPush('kickedOut')).data.reason, 'REST_API_Kick');
    assert.equal(await dave.closed(), 4001);
  });

  test('disabling an app on node C closes its sessions on A and B at once; other apps keep theirs', async () => {
    const doomed = await createTestApp(A);
    const [onA, onB] = [await login(A, doomed, 'erin'), await login(B, doomed, 'frank')];
    const bystander = track(await login(B, app, 'bystander'));
    await C.parley.apps.setDisabled(doomed.sdkAppId, true);
    await C.parley.services.sessions.closeApp(doomed.sdkAppId, 60016, 'The app was disabled');
    for (const c of [onA, onB]) {
      assert.equal((await c.nextPush('kickedOut')).data.code, 60016);
      assert.equal(await c.closed(), 4001);
    }
    // A's cached app record was dropped with it: a login there is refused now, not in 5 s.
    const again = await TestClient.connect(A.url);
    assert.equal((await again.request('login', { sdkAppId: doomed.sdkAppId, userID: 'erin', userSig: sign(doomed, 'erin'), platform: 'Web' })).code, 70020);
    await again.close();
    assert.equal(ok(await bystander.request('heartbeat')).serverTime > 0, true);
  });

  test('query_online_status is cluster-wide', async () => {
    const erin = await login(A, app, 'erin');
    const frank = track(await login(B, app, 'frank'));
    await login(C, app, 'gina').then((g) => g.close());
    assert.deepEqual(await onlineState(C, app, ['erin', 'frank', 'gina']), { erin: 'Online', frank: 'Online', gina: 'Offline' });
    await erin.close();
    await eventually(async () => (await onlineState(B, app, ['erin']))['erin'] === 'Offline', 5_000, 'erin offline');
    assert.ok(frank);
  });

  test('group messages reach members on all three nodes', async () => {
    const u: Users = { hal: track(await login(A, app, 'hal')), ida: track(await login(B, app, 'ida')), jon: track(await login(C, app, 'jon')) };
    const id = await createGroup(u.hal!, { type: 'Work', name: 'three nodes', memberList: [{ userID: 'ida' }, { userID: 'jon' }] });
    const r = ok(await sendGroup(u.hal!, id, text('from A')));
    for (const c of [u.ida!, u.jon!]) assert.equal((await nextGroupMessage(c, (m) => m.msgKey === r.message.msgKey, 10_000)).from, 'hal');
    const r2 = ok(await sendGroup(u.jon!, id, text('from C')));
    assert.equal(r2.message.seq, r.message.seq + 1, 'one sequence for the whole group');
    for (const c of [u.hal!, u.ida!]) assert.equal((await nextGroupMessage(c, (m) => m.msgKey === r2.message.msgKey, 10_000)).from, 'jon');
  });

  test('live room with members on all three nodes: fan-out, cluster-wide online count', async () => {
    const host = track(await login(A, app, 'host'));
    const id = await createGroup(host, { type: 'AVChatRoom', name: 'everywhere' });
    ok(await host.request('joinGroup', { groupID: id }));
    const fans: TestClient[] = [];
    for (const [i, node] of [A, B, B, C, C].entries()) {
      const f = track(await login(node, app, `fan${i}`));
      ok(await f.request('joinGroup', { groupID: id }));
      fans.push(f);
    }
    await eventually(async () => ok(await fans[4]!.request('getGroupOnlineMemberCount', { groupID: id })).memberCount === 6, 10_000, 'online count 6');
    ok(await sendGroup(host, id, text('hello room'), { priority: 'High' }));
    for (const f of fans) {
      const m = await f.nextPush('roomMessage', 10_000);
      assert.equal(textOf(m.data), 'hello room');
    }
    ok(await sendGroup(fans[3]!, id, text('from C'), { priority: 'High' }));
    await eventually(() => host.pushes.some((p) => p.push === 'roomMessage' && textOf(p.data) === 'from C'), 10_000, 'from C on A');
  });

  test('the per-room rate limit is cluster-wide', async () => {
    // roomMessagesPerSecond 10: senders on three nodes together get about 10, not 3 x 10.
    const senders = [track(await login(A, app, 'rs0')), track(await login(B, app, 'rs1')), track(await login(C, app, 'rs2'))];
    const host = track(await login(A, app, 'rhost'));
    const id = await createGroup(host, { type: 'AVChatRoom', name: 'limited' });
    for (const s of senders) ok(await s.request('joinGroup', { groupID: id }));
    const started = Date.now();
    const results = await Promise.all(senders.flatMap((s, i) =>
      Array.from({ length: 15 }, (_, k) => sendGroup(s, id, text(`r${i}-${k}`)).then((r) => ok(r)))));
    const elapsedS = (Date.now() - started) / 1000;
    const delivered = results.filter((r) => r.dropReason === undefined).length;
    const dropped = results.filter((r) => r.dropReason === 'MsgFreqCtrl').length;
    assert.equal(delivered + dropped, 45);
    // A full bucket (10) plus what refills while the sends are in flight.
    assert.ok(delivered <= 10 + Math.ceil(10 * elapsedS) + 1, `delivered ${delivered} in ${elapsedS.toFixed(2)} s`);
    assert.ok(delivered >= 5, `delivered ${delivered}`);
    assert.ok(dropped > 0);
  });

  test('group attributes: a write on one node reaches members on all three; the 5 writes/s budget is cluster-wide; live rooms too', async () => {
    const u: Users = { ga: track(await login(A, app, 'ga')), gb: track(await login(B, app, 'gb')), gc: track(await login(C, app, 'gc')) };
    const id = await createGroup(u.ga!, { type: 'Public', name: 'attrs', memberList: [{ userID: 'gb' }, { userID: 'gc' }] });
    ok(await u.gb!.request('setGroupAttributes', { groupID: id, groupAttributes: { seat1: 'gb' } }));
    for (const c of [u.ga!, u.gc!]) {
      const p = await c.nextPush('groupAttributesUpdated', 10_000);
      assert.deepEqual(p.data, { groupID: id, groupAttributes: { seat1: 'gb' } });
    }
    // A REST change made on C reaches A and B.
    assert.equal((await rest(C, app, 'group_open_http_svc/modify_group_attr', { GroupId: id, GroupAttr: [{ key: 'seat2', value: 'gc' }] })).ErrorCode, 0);
    await eventually(() => [u.ga!, u.gb!].every((c) => c.pushes.some((p) => p.push === 'groupAttributesUpdated' && p.data.groupAttributes.seat2 === 'gc')), 10_000, 'REST change on A and B');
    // Nine writes at once, three per node: a per-node limit would let all nine through.
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    const replies = await Promise.all([u.ga!, u.gb!, u.gc!].flatMap((c, n) =>
      Array.from({ length: 3 }, (_, k) => c.request('setGroupAttributes', { groupID: id, groupAttributes: { [`w${n}${k}`]: 'x' } }))));
    const elapsedS = (Date.now() - started) / 1000;
    const accepted = replies.filter((r) => r.code === 0).length;
    assert.equal(accepted + replies.filter((r) => r.code === 10049).length, 9, JSON.stringify(replies.map((r) => r.code)));
    assert.ok(accepted <= 5 + Math.ceil(5 * elapsedS), `accepted ${accepted} in ${elapsedS.toFixed(2)} s`);
    assert.ok(accepted >= 1);

    // AVChatRoom: members joined on B and C get the push published from A.
    const room = await createGroup(u.ga!, { type: 'AVChatRoom', name: 'attr room' });
    for (const c of [u.ga!, u.gb!, u.gc!]) ok(await c.request('joinGroup', { groupID: room }));
    ok(await u.ga!.request('setGroupAttributes', { groupID: room, groupAttributes: { stage: 'live' } }));
    for (const c of [u.gb!, u.gc!]) {
      await eventually(() => c.pushes.some((p) => p.push === 'groupAttributesUpdated' && isDeepStrictEqual(p.data, { groupID: room, groupAttributes: { stage: 'live' } })), 10_000, 'the push on B and C');
    }
  });

  test('Redis restart: nodes reconnect and resubscribe by themselves, clients are told to resync and lose nothing', async () => {
    const kim = track(await login(A, app, 'kim'));
    const lee = track(await login(B, app, 'lee'));
    const leePhone = track(await login(C, app, 'lee', 'Android'));
    const host = track(await login(A, app, 'rhost2'));
    const room = await createGroup(host, { type: 'AVChatRoom', name: 'survives' });
    ok(await host.request('joinGroup', { groupID: room }));
    const viewer = track(await login(B, app, 'viewer'));
    ok(await viewer.request('joinGroup', { groupID: room }));
    ok(await send(kim, 'lee', 'before'));
    await inboxTexts(lee, 1);
    const cursor = lee.pushes.filter((p) => p.push === 'inbox').at(-1)!.data.inbox as number;

    // "Restart" without touching the shared server: this run's keys go, this run's connections drop.
    await deleteRedisKeys(env.prefix);
    assert.ok((await killRedisClients(env.prefix)) >= 9, 'bus (2), presence and rate connections of 3 nodes');
    const during: string[] = [];
    for (let i = 0; i < 5; i++) {
      during.push(`during ${i}`);
      ok(await send(kim, 'lee', `during ${i}`)); // PostgreSQL is fine: acknowledged
    }
    // Every node's bus reconnects and resubscribes, then tells its sessions to resync.
    for (const c of [lee, leePhone, viewer]) await c.nextPush('resync', 10_000);
    const { events } = await syncAll(lee, cursor);
    assert.deepEqual(events.filter((e) => e.kind === 'message').map((e) => textOf(e.message)), during);
    // Presence lost its keys: each node notices its lapsed heartbeat and announces its sessions again.
    await eventually(async () => {
      const s = await onlineState(C, app, ['kim', 'lee', 'viewer']);
      return s['kim'] === 'Online' && s['lee'] === 'Online' && s['viewer'] === 'Online';
    }, 10_000, 'sessions re-announced');
    // Live delivery works again across nodes (channels resubscribed).
    ok(await send(kim, 'lee', 'after'));
    await eventually(() => leePhone.pushes.some((p) => p.push === 'inbox' && p.data.kind === 'message' && textOf(p.data.message) === 'after'), 10_000, 'after on C');
    ok(await sendGroup(host, room, text('room after'), { priority: 'High' }));
    await eventually(() => viewer.pushes.some((p) => p.push === 'roomMessage' && textOf(p.data) === 'room after'), 10_000, 'room message on B');
  });
});
