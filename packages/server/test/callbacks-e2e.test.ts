// Webhooks end to end: clients send over real WebSockets (and REST), a real HTTP receiver on
// loopback sees the callbacks, and its answers (allow, deny, drop, modify, slow, garbage) are
// observed by the clients.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AppCallbackSettings, AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, startNode, text, type TestNode } from './helpers/test-server.ts';
import { closeAll, createGroup, loginAll, nextGroupMessage, ok, sendGroup } from './helpers/groups.ts';
import { CallbackReceiver } from './helpers/callback-receiver.ts';
import type { TestClient } from './helpers/ws-client.ts';

const ALL = [
  'C2C.CallbackBeforeSendMsg', 'C2C.CallbackAfterSendMsg', 'Group.CallbackBeforeSendMsg', 'Group.CallbackAfterSendMsg',
  'Group.CallbackAfterCreateGroup', 'Group.CallbackAfterNewMemberJoin', 'Group.CallbackAfterMemberExit',
  'Group.CallbackAfterGroupDestroyed', 'State.StateChange',
];
const TOKEN = 'parley-token';
const OK = { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 };

let n = 0;
const send = (c: TestClient, to: string, body: unknown = text('hello')) => c.request('sendMessage', { type: 'C2C', to, body, clientMsgId: `cb${++n}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks end to end', () => {
  let node: TestNode;
  let app: AppRecord;
  let hook: CallbackReceiver;

  async function configure(over: Partial<AppCallbackSettings> = {}): Promise<void> {
    await node.parley.apps.updateSettings(app.sdkAppId, {
      callback: { url: hook.url, token: TOKEN, enabled: ALL, beforeSendFailurePolicy: 'deliver', afterRetry: false, ...over },
    });
  }

  before(async () => {
    node = await startNode();
    app = await createTestApp(node, { settings: { multiDevicePolicy: 'multi' } });
    hook = await CallbackReceiver.start();
    await configure();
  });
  after(async () => {
    await node.close();
    await hook.close();
  });
  beforeEach(async () => {
    hook.answer = () => ({ json: OK });
    hook.received.length = 0;
    await configure();
  });

  test('C2C allow: signed URL as the reference, before then after with the stored message', async () => {
    const a = await loginClient(node, app, 'ann', 'Web');
    const b = await loginClient(node, app, 'ben', 'Android');
    const r = await send(a.client, 'ben', text('hi ben'));
    assert.equal(r.code, 0, r.message);
    await b.client.nextPush('inbox');
    const before = await hook.next((x) => x.command === 'C2C.CallbackBeforeSendMsg');
    const q = before.query;
    assert.equal(q.get('SdkAppid'), String(app.sdkAppId));
    assert.equal(q.get('contenttype'), 'json');
    assert.equal(q.get('OptPlatform'), 'Web');
    assert.equal(q.get('from'), 'parley', 'the app URL\'s own parameters are kept');
    const t = Number(q.get('RequestTime'));
    assert.ok(Math.abs(t - Date.now() / 1000) < 5);
    assert.equal(q.get('Sign'), createHash('sha256').update(TOKEN + String(t)).digest('hex'));
    assert.equal(before.body.CallbackCommand, 'C2C.CallbackBeforeSendMsg');
    assert.equal(before.body.From_Account, 'ann');
    assert.equal(before.body.To_Account, 'ben');
    assert.deepEqual(before.body.MsgBody, text('hi ben'));
    const afterCb = await hook.next((x) => x.command === 'C2C.CallbackAfterSendMsg');
    assert.equal(afterCb.body.SendMsgResult, 0);
    assert.equal(afterCb.body.MsgKey, r.data.message.msgKey);
    assert.equal(afterCb.body.MsgSeq, r.data.message.seq);
    assert.equal(afterCb.body.UnreadMsgNum, 1);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('C2C deny: 20006, or the webhook\'s own 120001–130000 code and text; nothing delivered, no after-callback', async () => {
    const a = await loginClient(node, app, 'deny-a');
    const b = await loginClient(node, app, 'deny-b');
    hook.answer = () => ({ json: { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 1 } });
    assert.equal((await send(a.client, 'deny-b')).code, 20006);
    hook.answer = () => ({ json: { ActionStatus: 'FAIL', ErrorInfo: 'you are banned', ErrorCode: 120123 } });
    const r = await send(a.client, 'deny-b');
    assert.equal(r.code, 120123);
    assert.equal(r.message, 'you are banned');
    const rr = await rest(node, app, 'openim/sendmsg', { From_Account: 'deny-a', To_Account: 'deny-b', MsgRandom: 5, MsgBody: text('x') });
    assert.equal(rr.ErrorCode, 120123, 'REST sendmsg goes through the webhook too');
    const skip = await rest(node, app, 'openim/sendmsg', {
      From_Account: 'deny-a', To_Account: 'deny-b', MsgRandom: 6, MsgBody: text('x'), ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'],
    });
    assert.equal(skip.ErrorCode, 0, 'ForbidBeforeSendMsgCallback skips it');
    await b.client.nextPush('inbox');
    await sleep(150);
    assert.equal(b.client.pushesNamed('inbox').length, 1);
    assert.equal(hook.of('C2C.CallbackAfterSendMsg').length, 1, 'only the delivered message has an after-callback');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('C2C drop: the sender sees success, nobody receives it, nothing is stored', async () => {
    const a = await loginClient(node, app, 'drop-a');
    const b = await loginClient(node, app, 'drop-b');
    hook.answer = () => ({ json: { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 2 } });
    const r = await send(a.client, 'drop-b', text('dropped'));
    assert.equal(r.code, 0);
    await sleep(150);
    assert.equal(b.client.pushesNamed('inbox').length, 0);
    assert.equal(ok(await b.client.request('getMessageList', { conversationID: 'C2Cdrop-a' })).messageList.length, 0);
    assert.equal(hook.of('C2C.CallbackAfterSendMsg').length, 0);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('C2C modify: the receiver gets the webhook\'s body and CloudCustomData; the after-callback sees them', async () => {
    const a = await loginClient(node, app, 'mod-a');
    const b = await loginClient(node, app, 'mod-b');
    hook.answer = (x) => x.command === 'C2C.CallbackBeforeSendMsg'
      ? { json: { ...OK, MsgBody: text('[edited]'), CloudCustomData: 'tagged' } } : { json: OK };
    assert.equal((await send(a.client, 'mod-b', text('original'))).code, 0);
    const got = await b.client.nextPush('inbox');
    assert.deepEqual(got.data.message.body, text('[edited]'));
    assert.equal(got.data.message.cloudCustomData, 'tagged');
    const afterCb = await hook.next((x) => x.command === 'C2C.CallbackAfterSendMsg');
    assert.deepEqual(afterCb.body.MsgBody, text('[edited]'));
    assert.equal(afterCb.body.CloudCustomData, 'tagged');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('a slow or garbage-answering receiver follows the app\'s failure policy within the timeout', async () => {
    const a = await loginClient(node, app, 'slow-a');
    const b = await loginClient(node, app, 'slow-b');
    await configure({ timeoutMs: 300 });
    hook.answer = (x) => (x.command === 'C2C.CallbackBeforeSendMsg' ? { json: OK, delayMs: 1500 } : { json: OK });
    let t0 = Date.now();
    assert.equal((await send(a.client, 'slow-b', text('late but delivered'))).code, 0);
    assert.ok(Date.now() - t0 < 1200, `took ${Date.now() - t0} ms`);
    await b.client.nextPush('inbox');

    await configure({ timeoutMs: 300, beforeSendFailurePolicy: 'refuse' });
    t0 = Date.now();
    assert.equal((await send(a.client, 'slow-b', text('refused'))).code, 80003);
    assert.ok(Date.now() - t0 < 1200);

    hook.answer = () => ({ raw: '<html>oops</html>' });
    assert.equal((await send(a.client, 'slow-b')).code, 80003);
    hook.answer = () => ({ status: 500, json: OK });
    assert.equal((await send(a.client, 'slow-b')).code, 80003);
    hook.answer = () => ({ json: { ErrorCode: 99 } });
    assert.equal((await send(a.client, 'slow-b')).code, 80003, 'an unknown ErrorCode is a failure');

    await configure({ beforeSendFailurePolicy: 'deliver' });
    hook.answer = () => ({ raw: 'not json at all' });
    assert.equal((await send(a.client, 'slow-b', text('garbage, delivered'))).code, 0);
    const got = await b.client.nextPush('inbox');
    assert.deepEqual(got.data.message.body, text('garbage, delivered'));
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('after-callbacks never block messaging: a receiver that hangs does not slow sends', async () => {
    const a = await loginClient(node, app, 'fast-a');
    const b = await loginClient(node, app, 'fast-b');
    await configure({ enabled: ['C2C.CallbackAfterSendMsg'], timeoutMs: 2000 });
    hook.answer = () => ({ json: OK, delayMs: 500 });
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) assert.equal((await send(a.client, 'fast-b', text(`m${i}`))).code, 0);
    // Were each send to wait for its webhook, 20 sends would take 10 s.
    assert.ok(Date.now() - t0 < 1000, `20 sends took ${Date.now() - t0} ms`);
    for (let i = 0; i < 200 && hook.of('C2C.CallbackAfterSendMsg').length < 20; i++) await sleep(25);
    assert.equal(hook.of('C2C.CallbackAfterSendMsg').length, 20, 'every after-callback is still sent, in the background');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('a message refused for sensitive words still reports C2C.CallbackAfterSendMsg with 80001 and UnreadMsgNum -1', async () => {
    const a = await loginClient(node, app, 'sw-a');
    await loginClient(node, app, 'sw-b');
    await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: ['verboten'] });
    assert.equal((await send(a.client, 'sw-b', text('verboten'))).code, 80001);
    const afterCb = await hook.next((x) => x.command === 'C2C.CallbackAfterSendMsg' && x.body.From_Account === 'sw-a');
    assert.equal(afterCb.body.SendMsgResult, 80001);
    assert.equal(afterCb.body.UnreadMsgNum, -1);
    assert.equal(hook.of('C2C.CallbackBeforeSendMsg').length, 0, 'the before-callback is not asked about a refused message');
    await rest(node, app, 'openim_dirty_words/delete', { DirtyWordsList: ['verboten'] });
    await a.client.close();
  });

  test('groups: before-send deny (10016 / 10100–10200), drop, modify; after-send with MsgSeq; lifecycle callbacks', async () => {
    const u = await loginAll(node, app, ['g-own', 'g-amy', 'g-bob']);
    const id = await createGroup(u['g-own']!, { type: 'Public', name: 'hooks', memberList: [{ userID: 'g-amy' }] });
    const created = await hook.next((x) => x.command === 'Group.CallbackAfterCreateGroup');
    assert.equal(created.body.GroupId, id);
    assert.equal(created.body.Owner_Account, 'g-own');
    assert.deepEqual(created.body.MemberList.map((m: any) => m.Member_Account).sort(), ['g-amy', 'g-own']);

    hook.answer = (x) => (x.command === 'Group.CallbackBeforeSendMsg' ? { json: { ...OK, ErrorCode: 1 } } : { json: OK });
    assert.equal((await sendGroup(u['g-amy']!, id)).code, 10016);
    hook.answer = (x) => (x.command === 'Group.CallbackBeforeSendMsg' ? { json: { ActionStatus: 'FAIL', ErrorCode: 10150, ErrorInfo: 'no links' } } : { json: OK });
    const denied = await sendGroup(u['g-amy']!, id);
    assert.equal(denied.code, 10150);
    assert.equal(denied.message, 'no links');
    hook.answer = (x) => (x.command === 'Group.CallbackBeforeSendMsg' ? { json: { ...OK, ErrorCode: 2 } } : { json: OK });
    assert.equal((await sendGroup(u['g-amy']!, id, text('dropped'))).code, 0);
    hook.answer = (x) => (x.command === 'Group.CallbackBeforeSendMsg' ? { json: { ...OK, MsgBody: text('[group edited]') } } : { json: OK });
    const sent = ok(await sendGroup(u['g-amy']!, id, text('raw')));
    const got = await nextGroupMessage(u['g-own']!, (m) => m.body[0].MsgType === 'TIMTextElem');
    assert.deepEqual(got.body, text('[group edited]'), 'the dropped message never arrived; the edited one did');
    const before = hook.of('Group.CallbackBeforeSendMsg').at(-1)!;
    assert.equal(before.body.GroupId, id);
    assert.equal(before.body.Type, 'Public');
    assert.equal(before.body.From_Account, 'g-amy');
    assert.match(before.body.EventTime, /^\d{13}$/);
    const afterSend = await hook.next((x) => x.command === 'Group.CallbackAfterSendMsg');
    assert.equal(afterSend.body.MsgSeq, sent.message.seq);
    assert.deepEqual(afterSend.body.MsgBody, text('[group edited]'));
    assert.equal(hook.of('Group.CallbackAfterSendMsg').length, 1, 'denied and dropped messages have no after-callback');

    hook.answer = (x) => (x.command === 'Group.CallbackBeforeSendMsg' ? { json: { ...OK, ErrorCode: 1 } } : { json: OK });
    const skipped = await rest(node, app, 'group_open_http_svc/send_group_msg', {
      GroupId: id, From_Account: 'g-amy', Random: 4242, MsgBody: text('admin says'), ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'],
    });
    assert.equal(skipped.ErrorCode, 0, 'ForbidBeforeSendMsgCallback skips the group webhook');
    assert.equal((await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, From_Account: 'g-amy', Random: 4243, MsgBody: text('x') })).ErrorCode, 10016);

    hook.answer = () => ({ json: OK });
    assert.equal((await rest(node, app, 'group_open_http_svc/add_group_member', { GroupId: id, MemberList: [{ Member_Account: 'g-bob' }] })).ErrorCode, 0);
    const joined = await hook.next((x) => x.command === 'Group.CallbackAfterNewMemberJoin');
    assert.equal(joined.body.JoinType, 'Invited');
    assert.deepEqual(joined.body.NewMemberList, [{ Member_Account: 'g-bob' }]);
    assert.equal(joined.query.get('OptPlatform'), 'RESTAPI');
    assert.equal((await rest(node, app, 'group_open_http_svc/delete_group_member', { GroupId: id, MemberToDel_Account: ['g-bob'] })).ErrorCode, 0);
    const kicked = await hook.next((x) => x.command === 'Group.CallbackAfterMemberExit' && x.body.ExitType === 'Kicked');
    assert.deepEqual(kicked.body.ExitMemberList, [{ Member_Account: 'g-bob' }]);
    ok(await u['g-amy']!.request('quitGroup', { groupID: id }));
    const quit = await hook.next((x) => x.command === 'Group.CallbackAfterMemberExit' && x.body.ExitType === 'Quit');
    assert.equal(quit.body.Operator_Account, 'g-amy');
    assert.equal((await rest(node, app, 'group_open_http_svc/destroy_group', { GroupId: id })).ErrorCode, 0);
    const destroyed = await hook.next((x) => x.command === 'Group.CallbackAfterGroupDestroyed');
    assert.equal(destroyed.body.GroupId, id);
    assert.equal(destroyed.body.Owner_Account, 'g-own');
    await closeAll(u);
  });

  test('State.StateChange: Login (with KickedDevice), Logout, Disconnect', async () => {
    await node.parley.apps.updateSettings(app.sdkAppId, { multiDevicePolicy: 'single' });
    const first = await loginClient(node, app, 'st-user', 'Android');
    const login = await hook.next((x) => x.command === 'State.StateChange' && x.body.Info.To_Account === 'st-user');
    assert.equal(login.body.Info.Action, 'Login');
    assert.equal(login.body.Info.Reason, 'Register');
    assert.equal(login.query.get('OptPlatform'), 'Android');
    assert.equal(login.query.get('ClientIP'), '127.0.0.1');
    hook.received.length = 0;
    const second = await loginClient(node, app, 'st-user', 'Web');
    const kicking = await hook.next((x) => x.command === 'State.StateChange' && x.body.Info.Action === 'Login');
    assert.deepEqual(kicking.body.KickedDevice, [{ Platform: 'Android' }]);
    await first.client.closed();
    ok(await second.client.request('logout'));
    const logout = await hook.next((x) => x.command === 'State.StateChange' && x.body.Info.Action === 'Logout');
    assert.equal(logout.body.Info.Reason, 'Unregister');
    await second.client.closed();
    const third = await loginClient(node, app, 'st-user', 'Web');
    await hook.next((x) => x.command === 'State.StateChange' && x.body.Info.Action === 'Login' && x.at > logout.at);
    third.client.ws.terminate();
    const gone = await hook.next((x) => x.command === 'State.StateChange' && x.body.Info.Action === 'Disconnect');
    assert.equal(gone.body.Info.Reason, 'LinkClose');
    await sleep(100);
    assert.equal(hook.of('State.StateChange').filter((x) => x.body.Info.Action === 'Logout').length, 1, 'one Logout, no Disconnect after it');
    await node.parley.apps.updateSettings(app.sdkAppId, { multiDevicePolicy: 'multi' });
  });

  test('commands that are not enabled are never sent; the failure metric counts bad answers', async () => {
    await configure({ enabled: ['C2C.CallbackAfterSendMsg'] });
    hook.answer = () => ({ raw: 'garbage' });
    const a = await loginClient(node, app, 'met-a');
    await loginClient(node, app, 'met-b');
    assert.equal((await send(a.client, 'met-b')).code, 0);
    await hook.next((x) => x.command === 'C2C.CallbackAfterSendMsg');
    await sleep(100);
    assert.deepEqual([...new Set(hook.received.map((x) => x.command))], ['C2C.CallbackAfterSendMsg']);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(metrics, /parley_callback_after_failed_total\{command="C2C.CallbackAfterSendMsg",reason="bad-json"\} [1-9]/);
    await a.client.close();
  });

  test('settings are validated whole: a bad callback setting is refused and the old one kept', async () => {
    const bad: unknown[] = [
      { url: 'ftp://x', enabled: [] }, { url: hook.url, enabled: ['C2C.CallbackTypo'] }, { url: hook.url, enabled: 'all' },
      { url: hook.url, enabled: [], beforeSendFailurePolicy: 'maybe' }, { url: hook.url, enabled: [], timeoutMs: 5 }, { url: hook.url, enabled: [], extra: 1 },
    ];
    for (const callback of bad) {
      await assert.rejects(node.parley.apps.updateSettings(app.sdkAppId, { callback } as never), (e: any) => e.code === 70402, JSON.stringify(callback));
    }
    assert.equal((await node.parley.apps.get(app.sdkAppId))!.settings.callback!.url, hook.url);
    await node.parley.apps.updateSettings(app.sdkAppId, { callback: null } as never);
    assert.equal((await node.parley.apps.get(app.sdkAppId))!.settings.callback, undefined);
  });
});
