/**
 * Group attributes through the SDK against a real node: initGroupAttributes, setGroupAttributes,
 * deleteGroupAttributes, getGroupAttributes with Tencent's result shapes, GROUP_ATTRIBUTES_UPDATED
 * with the whole map, 2642 for non-members, 10049 above 5 writes a second, and AVChatRoom (where
 * the update rides the room and is never reported as a message).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveRoom, type ChatSDK, type IMError, type Message, type SDKEvent } from '../src/node.ts';
import { loginReady, nextEvent, sleep, startEnv, TIM, type TestEnv } from './helpers.ts';

const { EVENT, TYPES } = TIM;

interface AttrsEvent { groupID: string; groupAttributes: Record<string, string> }

let env: TestEnv;
let owner: ChatSDK;
let member: ChatSDK;
let outsider: ChatSDK;
before(async () => {
  env = await startEnv();
  owner = env.client();
  member = env.client();
  outsider = env.client();
  await loginReady(env, owner, 'aOwner');
  await loginReady(env, member, 'aMember');
  await loginReady(env, outsider, 'aOutsider');
});
after(async () => {
  await env.close();
});

const updated = (c: ChatSDK, groupID: string, map: Record<string, string>) =>
  nextEvent<AttrsEvent>(c, EVENT.GROUP_ATTRIBUTES_UPDATED, 5_000, (d) => d.groupID === groupID && JSON.stringify(d.groupAttributes) === JSON.stringify(map));

describe('group attributes', () => {
  test('set, get, init, delete with Tencent result shapes; members get GROUP_ATTRIBUTES_UPDATED with the whole map', async () => {
    assert.equal(EVENT.GROUP_ATTRIBUTES_UPDATED, 'groupAttributesUpdated');
    await owner.createGroup({ type: TYPES.GRP_PUBLIC, name: 'Attrs', groupID: 'attrs1', memberList: [{ userID: 'aMember' }] });
    let ev = updated(owner, 'attrs1', { seat1: 'aMember', mode: 'quiet' });
    const set = await member.setGroupAttributes({ groupID: 'attrs1', groupAttributes: { seat1: 'aMember', mode: 'quiet' } });
    assert.deepEqual(set, { code: 0, data: { groupAttributes: { seat1: 'aMember', mode: 'quiet' } } });
    assert.deepEqual(await ev, { groupID: 'attrs1', groupAttributes: { seat1: 'aMember', mode: 'quiet' } });

    ev = updated(member, 'attrs1', { seat1: 'aMember', mode: 'loud', seat2: 'aOwner' });
    const set2 = await owner.setGroupAttributes({ groupID: 'attrs1', groupAttributes: { mode: 'loud', seat2: 'aOwner' } });
    assert.deepEqual(set2.data.groupAttributes, { mode: 'loud', seat2: 'aOwner' }, 'the keys set');
    await ev;
    assert.deepEqual((await member.getGroupAttributes({ groupID: 'attrs1', keyList: [] })).data.groupAttributes, { seat1: 'aMember', mode: 'loud', seat2: 'aOwner' });
    assert.deepEqual((await member.getGroupAttributes({ groupID: 'attrs1', keyList: ['mode', 'missing'] })).data, { groupAttributes: { mode: 'loud' } });

    ev = updated(member, 'attrs1', { only: 'this' });
    assert.deepEqual((await owner.initGroupAttributes({ groupID: 'attrs1', groupAttributes: { only: 'this' } })).data, { groupAttributes: { only: 'this' } });
    await ev;

    await sleep(1000); // four writes so far: a fresh second of budget for the rest
    ev = updated(owner, 'attrs1', { only: 'this', more: '1' });
    await member.setGroupAttributes({ groupID: 'attrs1', groupAttributes: { more: '1' } });
    await ev;
    ev = updated(owner, 'attrs1', { more: '1' });
    assert.deepEqual((await member.deleteGroupAttributes({ groupID: 'attrs1', keyList: ['only'] })).data, { keyList: ['only'] });
    await ev;
    ev = updated(owner, 'attrs1', {});
    assert.deepEqual((await member.deleteGroupAttributes({ groupID: 'attrs1', keyList: [] })).data, { keyList: ['more'] });
    await ev;
  });

  test('2642 for a non-member, limits as server codes, 6017 before sending bad arguments', async () => {
    await owner.createGroup({ type: TYPES.GRP_WORK, name: 'Closed', groupID: 'attrs2', memberList: [{ userID: 'aMember' }] });
    await assert.rejects(outsider.getGroupAttributes({ groupID: 'attrs2', keyList: [] }), (e: IMError) => e.code === 2642);
    await assert.rejects(outsider.setGroupAttributes({ groupID: 'attrs2', groupAttributes: { k: 'v' } }), (e: IMError) => e.code === 2642);
    await assert.rejects(member.setGroupAttributes({ groupID: 'attrs2', groupAttributes: { ['k'.repeat(33)]: 'v' } }), (e: IMError) => e.code === 10045);
    await assert.rejects(member.setGroupAttributes({ groupID: 'attrs2', groupAttributes: { k: 'v'.repeat(4001) } }), (e: IMError) => e.code === 10046);
    await assert.rejects(member.initGroupAttributes({ groupID: 'attrs2', groupAttributes: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }), (e: IMError) => e.code === 10047);
    await assert.rejects(member.setGroupAttributes({ groupID: 'attrs2', groupAttributes: { k: 1 as unknown as string } }), (e: IMError) => e.code === 6017);
    await assert.rejects(member.setGroupAttributes({ groupID: 'attrs2', groupAttributes: {} }), (e: IMError) => e.code === 6017);
    await assert.rejects(member.getGroupAttributes({ groupID: '', keyList: [] }), (e: IMError) => e.code === 6017);
    assert.deepEqual((await owner.getGroupAttributes({ groupID: 'attrs2' })).data.groupAttributes, {});
  });

  test('writes beyond 5 a second are refused with 10049 and change nothing', async () => {
    await owner.createGroup({ type: TYPES.GRP_PUBLIC, name: 'Busy', groupID: 'attrs3', memberList: [{ userID: 'aMember' }] });
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? owner : member).setGroupAttributes({ groupID: 'attrs3', groupAttributes: { [`w${i}`]: String(i) } })));
    const elapsedS = (performance.now() - t0) / 1000;
    const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, (r.reason as IMError).code]] : []));
    // The bucket holds 5 and refills 5 a second: at most 5 + 5 × (seconds the writes took) pass.
    const passed = 10 - refused.length;
    assert.ok(passed >= 5 && passed <= 5 + Math.ceil(5 * elapsedS), `${passed} accepted in ${elapsedS.toFixed(2)} s: ${JSON.stringify(refused)}`);
    assert.ok(refused.every(([, code]) => code === 10049), JSON.stringify(refused));
    const map = (await owner.getGroupAttributes({ groupID: 'attrs3', keyList: [] })).data.groupAttributes;
    assert.equal(Object.keys(map).length, passed);
    for (const [i] of refused) assert.equal(map[`w${i}`], undefined);
  });

  test('AVChatRoom: members in the room get the event; the update is not a message', async () => {
    await owner.createGroup({ type: TYPES.GRP_AVCHATROOM, name: 'Seats', groupID: 'attrsLive' });
    const hostRoom = new LiveRoom(owner, { groupID: 'attrsLive' });
    const fanRoom = new LiveRoom(member, { groupID: 'attrsLive' });
    await hostRoom.enter();
    await fanRoom.enter();
    const roomMessages: unknown[] = [];
    hostRoom.on('message', (e: SDKEvent<unknown>) => roomMessages.push(e.data));
    const received: Message[] = [];
    const onReceived = (e: SDKEvent<Message[]>) => received.push(...e.data);
    owner.on(EVENT.MESSAGE_RECEIVED, onReceived);
    try {
      await assert.rejects(outsider.setGroupAttributes({ groupID: 'attrsLive', groupAttributes: { seat1: 'x' } }), (e: IMError) => e.code === 2642);
      const ev = updated(owner, 'attrsLive', { seat1: 'aMember' });
      await member.setGroupAttributes({ groupID: 'attrsLive', groupAttributes: { seat1: 'aMember' } });
      assert.deepEqual(await ev, { groupID: 'attrsLive', groupAttributes: { seat1: 'aMember' } });
      assert.deepEqual((await owner.getGroupAttributes({ groupID: 'attrsLive', keyList: [] })).data.groupAttributes, { seat1: 'aMember' });
      // Ordinary room traffic still flows and the update never shows up as a message.
      await hostRoom.sendText('after');
      await sleep(200);
      assert.deepEqual(roomMessages, []);
      assert.equal(received.filter((m) => m.from === '@TIM#SYSTEM').length, 0);
    } finally {
      owner.off(EVENT.MESSAGE_RECEIVED, onReceived);
      await fanRoom.exit();
      await hostRoom.exit();
    }
  });
});
