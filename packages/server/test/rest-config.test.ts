// openconfigsvr: global mute (set/get, enforced on C2C and group sends from clients and REST),
// getappinfo daily figures, and the per-API REST rate limits of this commands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { dayOf } from '../src/store/dirty-word-store.ts';
import { createTestApp, loginClient, rest, sign, startNode, text, type TestNode } from './helpers/test-server.ts';
import { closeAll, createGroup, loginAll, ok, sendGroup } from './helpers/groups.ts';
import type { TestClient } from './helpers/ws-client.ts';

let n = 0;
const send = (c: TestClient, to: string) => c.request('sendMessage', { type: 'C2C', to, body: text(`m${++n}`), clientMsgId: `cfg${n}` });

describe('REST openconfigsvr', () => {
  let node: TestNode;
  let app: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
  });
  after(() => node.close());

  test('setnospeaking mutes C2C (20012) and group (10017) sends separately, at once; 0 lifts it', async () => {
    const u = await loginAll(node, app, ['mute-me', 'mute-peer', 'mute-own']);
    const gid = await createGroup(u['mute-own']!, { type: 'Public', name: 'm', memberList: [{ userID: 'mute-me' }] });
    assert.deepEqual(await rest(node, app, 'openconfigsvr/getnospeaking', { Get_Account: 'mute-me' }),
      { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 0 });

    assert.equal((await rest(node, app, 'openconfigsvr/setnospeaking', { Set_Account: 'mute-me', C2CmsgNospeakingTime: 3600 })).ErrorCode, 0);
    assert.equal((await send(u['mute-me']!, 'mute-peer')).code, 20012);
    ok(await sendGroup(u['mute-me']!, gid), 'group sends are not muted by the C2C setting');
    const rr = await rest(node, app, 'openim/sendmsg', { From_Account: 'mute-me', To_Account: 'mute-peer', MsgRandom: 1, MsgBody: text('x') });
    assert.equal(rr.ErrorCode, 20012);
    const g1 = await rest(node, app, 'openconfigsvr/getnospeaking', { Get_Account: 'mute-me' });
    assert.ok(g1.C2CmsgNospeakingTime > 3590 && g1.C2CmsgNospeakingTime <= 3600, String(g1.C2CmsgNospeakingTime));
    assert.equal(g1.GroupmsgNospeakingTime, 0);

    assert.equal((await rest(node, app, 'openconfigsvr/setnospeaking', { Set_Account: 'mute-me', GroupmsgNospeakingTime: 4294967295 })).ErrorCode, 0);
    assert.equal((await sendGroup(u['mute-me']!, gid)).code, 10017);
    assert.equal((await send(u['mute-me']!, 'mute-peer')).code, 20012, 'the C2C mute is kept');
    const g2 = await rest(node, app, 'openconfigsvr/getnospeaking', { Get_Account: 'mute-me' });
    assert.equal(g2.GroupmsgNospeakingTime, 4294967295);

    assert.equal((await rest(node, app, 'openconfigsvr/setnospeaking', { Set_Account: 'mute-me', C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 0 })).ErrorCode, 0);
    ok(await send(u['mute-me']!, 'mute-peer'));
    ok(await sendGroup(u['mute-me']!, gid));
    ok(await send(u['mute-peer']!, 'mute-me'), 'others were never muted');
    await closeAll(u);
  });

  test('a mute runs out by itself', async () => {
    const a = await loginClient(node, app, 'short-mute');
    await loginClient(node, app, 'short-peer');
    await rest(node, app, 'openconfigsvr/setnospeaking', { Set_Account: 'short-mute', C2CmsgNospeakingTime: 1 });
    assert.equal((await send(a.client, 'short-peer')).code, 20012);
    await new Promise((r) => setTimeout(r, 2100)); // > the second plus the 2 s cache
    assert.equal((await send(a.client, 'short-peer')).code, 0);
    await a.client.close();
  });

  test('bad input: documented codes, nothing applied', async () => {
    await rest(node, app, 'im_open_login_svc/account_import', { UserID: 'mute-x' });
    const cases: [string, unknown, number][] = [
      ['setnospeaking', {}, 90001], ['setnospeaking', { Set_Account: 'mute-x' }, 90001], ['setnospeaking', { Set_Account: 5, C2CmsgNospeakingTime: 1 }, 60015],
      ['setnospeaking', { Set_Account: 'mute-x', C2CmsgNospeakingTime: -1 }, 90001], ['setnospeaking', { Set_Account: 'mute-x', C2CmsgNospeakingTime: 1, GroupmsgNospeakingTime: 2 ** 32 }, 90001],
      ['setnospeaking', { Set_Account: 'mute-x', C2CmsgNospeakingTime: '60' }, 90001], ['setnospeaking', { Set_Account: 'ghost', C2CmsgNospeakingTime: 60 }, 70107],
      ['getnospeaking', {}, 90001], ['getnospeaking', { Get_Account: ['mute-x'] }, 60015], ['getnospeaking', { Get_Account: 'ghost' }, 70107],
      ['getappinfo', { RequestField: 'ActiveUserNum' }, 90001], ['getappinfo', { RequestField: ['NoSuchField'] }, 90001], ['getappinfo', { RequestField: [1] }, 90001],
    ];
    for (const [cmd, body, code] of cases) {
      assert.equal((await rest(node, app, `openconfigsvr/${cmd}`, body)).ErrorCode, code, `${cmd} ${JSON.stringify(body)}`);
    }
    const g = await rest(node, app, 'openconfigsvr/getnospeaking', { Get_Account: 'mute-x' });
    assert.equal(g.C2CmsgNospeakingTime + g.GroupmsgNospeakingTime, 0);
  });

  test('getappinfo reports today\'s active users, logins and message counts', async () => {
    const fresh = await createTestApp(node);
    assert.deepEqual((await rest(node, fresh, 'openconfigsvr/getappinfo', {})).Result, []);
    const u = await loginAll(node, fresh, ['s1', 's2', 's3']);
    const gid = await createGroup(u['s1']!, { type: 'Public', name: 'stats', memberList: [{ userID: 's2' }] });
    ok(await send(u['s1']!, 's2'));
    ok(await send(u['s1']!, 's3'));
    ok(await send(u['s2']!, 's1'));
    ok(await sendGroup(u['s2']!, gid));
    const r = await rest(node, fresh, 'openconfigsvr/getappinfo', {});
    assert.equal(r.ErrorCode, 0);
    assert.equal(r.Result.length, 1);
    const today = r.Result[0];
    assert.equal(today.Date, dayOf(Date.now()));
    assert.equal(today.AppId, String(fresh.sdkAppId));
    assert.equal(today.ActiveUserNum, '3');
    assert.equal(today.LoginTimes, '3');
    assert.equal(today.LoginUserNum, '3');
    assert.equal(today.C2CUpMsgNum, '3');
    assert.equal(today.C2CSendMsgUserNum, '2');
    assert.equal(today.GroupUpMsgNum, '1');
    assert.equal(today.GroupSendMsgGroupNum, '1');
    assert.equal(today.UpMsgNum, '4');
    assert.equal(today.SendMsgUserNum, '2');
    assert.equal(today.GroupNewGroupNum, '1');
    const some = await rest(node, fresh, 'openconfigsvr/getappinfo', { RequestField: ['C2CUpMsgNum', 'MaxOnlineNum', 'Date'] });
    assert.deepEqual(some.Result, [{ C2CUpMsgNum: '3', Date: today.Date }], 'fields Parley does not record are left out');
    await closeAll(u);
  });

  test('per-API rate limits: 100/s for the dirty-word APIs, 200/s by default; over it is 60007', async () => {
    // One signature for all calls and all requests in flight at once, so they land within a second.
    const q = new URLSearchParams({ sdkappid: String(app.sdkAppId), identifier: 'administrator', usersig: sign(app, 'administrator'), random: '1', contenttype: 'json' });
    const fire = (path: string, count: number) => Promise.all(Array.from({ length: count }, () =>
      fetch(`${node.url}/v4/${path}?${q}`, { method: 'POST', body: '{}' }).then((r) => r.json() as Promise<any>)));
    const t0 = Date.now();
    const dw = await fire('openim_dirty_words/get', 300);
    const limited = dw.filter((r) => r.ErrorCode === 60007).length;
    const refill = Math.ceil(((Date.now() - t0) / 1000) * 100);
    assert.ok(limited >= 200 - refill && limited <= 200, `${limited} of 300 limited (${Date.now() - t0} ms)`);
    assert.ok(dw.every((r) => r.ErrorCode === 0 || r.ErrorCode === 60007));
    // Another API of the same app has its own budget.
    const other = await fire('openconfigsvr/getappinfo', 50);
    assert.equal(other.filter((r) => r.ErrorCode === 60007).length, 0);
    // get_appid_group_list: 1/s.
    const lists = await fire('group_open_http_svc/get_appid_group_list', 3);
    assert.deepEqual(lists.map((r) => r.ErrorCode).sort(), [0, 60007, 60007]);
    // And another app's dirty-word budget is untouched.
    const app2 = await createTestApp(node);
    assert.equal((await rest(node, app2, 'openim_dirty_words/get', {})).ErrorCode, 0);
  });
});
