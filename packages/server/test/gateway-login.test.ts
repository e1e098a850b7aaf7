import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { genUserSigV1, genUserSigV2, generateV1KeyPair } from '@parley/usersig';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, sign, startNode, type TestNode } from './helpers/test-server.ts';
import { TestClient } from './helpers/ws-client.ts';

describe('gateway: login', () => {
  let node: TestNode;
  let app: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
  });
  after(() => node.close());

  async function tryLogin(data: Record<string, unknown>) {
    const c = await TestClient.connect(node.url);
    const r = await c.request('login', data);
    await c.close();
    return r;
  }

  test('a v2 ticket logs in and the account is created', async () => {
    const { client, login } = await loginClient(node, app, 'alice');
    assert.equal(login.userID, 'alice');
    assert.equal(login.protocolVersion, 1);
    assert.equal(login.inboxSeq, 0);
    assert.ok(login.expireAt > Date.now() / 1000);
    const accounts = await node.parley.services.store.accounts.getAccounts(app.sdkAppId, ['alice']);
    assert.ok(accounts.has('alice'));
    await client.close();
  });

  test('a v1 (ECDSA) ticket logs in when the app has the public key', async () => {
    for (const curve of ['secp256k1', 'prime256v1'] as const) {
      const keys = generateV1KeyPair(curve);
      const v1app = await createTestApp(node, { publicKeyPem: keys.publicKeyPem });
      const userSig = genUserSigV1({ sdkAppId: v1app.sdkAppId, privateKeyPem: keys.privateKeyPem, identifier: 'legacy' });
      const r = await tryLogin({ sdkAppId: v1app.sdkAppId, userID: 'legacy', userSig });
      assert.equal(r.code, 0, `${curve}: ${r.message}`);
    }
    // Without a public key, a v1 ticket cannot be checked.
    const keys = generateV1KeyPair('prime256v1');
    const userSig = genUserSigV1({ sdkAppId: app.sdkAppId, privateKeyPem: keys.privateKeyPem, identifier: 'legacy' });
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'legacy', userSig })).code, 70016);
  });

  test('every ticket failure has its own code', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'bob', expire: 10, time: now - 100 });
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'bob', userSig: expired })).code, 70001);
    const forged = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: 'f'.repeat(64), identifier: 'bob', expire: 100 });
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'bob', userSig: forged })).code, 70009);
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'carol', userSig: sign(app, 'bob') })).code, 70013);
    const other = await createTestApp(node);
    assert.equal((await tryLogin({ sdkAppId: other.sdkAppId, userID: 'bob', userSig: sign(app, 'bob') })).code, 70014);
    assert.equal((await tryLogin({ sdkAppId: 1999999999, userID: 'bob', userSig: sign(app, 'bob') })).code, 70020);
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'bob', userSig: 'not-a-ticket' })).code, 70003);
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'bob' })).code, 6017);
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'bob', userSig: sign(app, 'bob'), protocolVersion: 99 })).code, 300004);
  });

  test('a REST kick invalidates the current ticket and closes the sessions; a new ticket works', async () => {
    const issued = Math.floor(Date.now() / 1000) - 5;
    const oldSig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'kicked', expire: 3600, time: issued });
    const c = await TestClient.connect(node.url);
    assert.equal((await c.request('login', { sdkAppId: app.sdkAppId, userID: 'kicked', userSig: oldSig })).code, 0);
    const r = await rest(node, app, 'im_open_login_svc/kick', { UserID: 'kicked' });
    assert.equal(r.ErrorCode, 0, JSON.stringify(r));
    const kick = await c.nextPush('kickedOut');
    assert.equal(kick.data.reason, 'REST_API_Kick');
    assert.equal(await c.closed(), 4001);
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'kicked', userSig: oldSig })).code, 70054);
    await new Promise((res) => setTimeout(res, 1100)); // a ticket issued after the kick second
    assert.equal((await tryLogin({ sdkAppId: app.sdkAppId, userID: 'kicked', userSig: sign(app, 'kicked') })).code, 0);
  });

  test('guest login works in guest mode only', async () => {
    const guestApp = await createTestApp(node, { mode: 'guest' });
    const c = await TestClient.connect(node.url);
    const r = await c.request('guestLogin', { sdkAppId: guestApp.sdkAppId, nick: 'Visitor' });
    assert.equal(r.code, 0, r.message);
    assert.match(r.data.userID, /^guest_[A-Za-z0-9]+$/);
    assert.equal(r.data.guest, true);
    // The returned ticket is a real one for that identifier.
    const again = await TestClient.connect(node.url);
    assert.equal((await again.request('login', { sdkAppId: guestApp.sdkAppId, userID: r.data.userID, userSig: r.data.userSig, platform: 'Android' })).code, 0);
    await Promise.all([c.close(), again.close()]);
    assert.equal((await (async () => { const x = await TestClient.connect(node.url); const y = await x.request('guestLogin', { sdkAppId: app.sdkAppId }); await x.close(); return y; })()).code, 300006);
  });

  test('a second login on one connection, and a burst of logins, are refused with 2025', async () => {
    const { client } = await loginClient(node, app, 'dave');
    assert.equal((await client.request('login', { sdkAppId: app.sdkAppId, userID: 'dave', userSig: sign(app, 'dave') })).code, 2025);
    await client.close();
    const burstApp = await createTestApp(node, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10, native: 3 } } });
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await tryLogin({ sdkAppId: burstApp.sdkAppId, userID: 'eve', userSig: sign(burstApp, 'eve') })).code);
    assert.ok(codes.slice(0, 20).every((c) => c === 0));
    assert.ok(codes.slice(20).includes(2025));
  });

  test('ops other than login need a session', async () => {
    const c = await TestClient.connect(node.url);
    assert.equal((await c.request('sendMessage', { type: 'C2C', to: 'x', body: [], clientMsgId: '1' })).code, 6014);
    assert.equal((await c.request('heartbeat')).code, 0);
    await c.close();
  });
});

describe('gateway: multi-device policies', () => {
  let node: TestNode;
  before(async () => {
    node = await startNode();
  });
  after(() => node.close());

  test('single policy: a second Web login kicks the first with 6208', async () => {
    const app = await createTestApp(node);
    const first = await loginClient(node, app, 'u1', 'Web');
    const second = await loginClient(node, app, 'u1', 'Web');
    const kick = await first.client.nextPush('kickedOut');
    assert.deepEqual([kick.data.reason, kick.data.code], ['multipleAccount', 6208]);
    assert.equal(await first.client.closed(), 4001);
    // A login on another platform also kicks under the single policy.
    const third = await loginClient(node, app, 'u1', 'Android');
    assert.equal((await second.client.nextPush('kickedOut')).data.reason, 'multipleDevice');
    await third.client.close();
  });

  test('dual policy: one native platform plus Web', async () => {
    const app = await createTestApp(node, { settings: { multiDevicePolicy: 'dual' } });
    const web = await loginClient(node, app, 'u2', 'Web');
    const android = await loginClient(node, app, 'u2', 'Android');
    const ios = await loginClient(node, app, 'u2', 'iPhone');
    assert.equal((await android.client.nextPush('kickedOut')).data.reason, 'multipleDevice');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(web.client.closeCode, undefined);
    await Promise.all([web.client.close(), ios.client.close()]);
  });

  test('triple policy: mobile + desktop + Web; several Web instances when allowed', async () => {
    const app = await createTestApp(node, { settings: { multiDevicePolicy: 'triple', maxInstancesPerPlatform: { web: 2, native: 1 } } });
    const w1 = await loginClient(node, app, 'u3', 'Web');
    const w2 = await loginClient(node, app, 'u3', 'Web');
    const win = await loginClient(node, app, 'u3', 'Windows');
    const and = await loginClient(node, app, 'u3', 'Android');
    await new Promise((r) => setTimeout(r, 100));
    for (const c of [w1, w2, win, and]) assert.equal(c.client.closeCode, undefined);
    const w3 = await loginClient(node, app, 'u3', 'Web'); // the third Web instance kicks the oldest
    assert.equal((await w1.client.nextPush('kickedOut')).data.reason, 'multipleAccount');
    const mac = await loginClient(node, app, 'u3', 'Mac'); // desktop slot: Mac replaces Windows
    assert.equal((await win.client.nextPush('kickedOut')).data.code, 6208);
    await Promise.all([w2, w3, and, mac].map((c) => c.client.close()));
  });

  test('multi policy: every platform at once, one instance each by default', async () => {
    const app = await createTestApp(node, { settings: { multiDevicePolicy: 'multi' } });
    const list = await Promise.all(['Web', 'Android', 'iPhone', 'Windows', 'Mac'].map((p) => loginClient(node, app, 'u4', p)));
    await new Promise((r) => setTimeout(r, 100));
    for (const c of list) assert.equal(c.client.closeCode, undefined);
    const online = await rest(node, app, 'openim/query_online_status', { To_Account: ['u4', 'nobody'], IsNeedDetail: 1 });
    assert.equal(online.QueryResult[0].State, 'Online');
    assert.equal(online.QueryResult[0].Detail.length, 5);
    assert.equal(online.ErrorList[0].ErrorCode, 70107);
    await Promise.all(list.map((c) => c.client.close()));
  });
});

describe('gateway: ticket expiry while online', () => {
  let node: TestNode;
  let app: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
  });
  after(() => node.close());

  // A one-second ticket signed late in a second could expire before the login is handled.
  const startOfSecond = () => new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));

  test('an expiring ticket gets USER_SIG_EXPIRED and the session closes', async () => {
    await startOfSecond();
    const now = Math.floor(Date.now() / 1000);
    const c = await TestClient.connect(node.url);
    const userSig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'short', expire: 1, time: now });
    assert.equal((await c.request('login', { sdkAppId: app.sdkAppId, userID: 'short', userSig })).code, 0);
    const p = await c.nextPush('userSigExpired', 5000);
    assert.equal(p.data.expireAt, now + 1);
    assert.equal((await c.nextPush('kickedOut')).data.code, 70001);
    assert.equal(await c.closed(), 4002);
  });

  test('renewing before expiry keeps the session', async () => {
    await startOfSecond();
    const now = Math.floor(Date.now() / 1000);
    const c = await TestClient.connect(node.url);
    const userSig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'renewer', expire: 1, time: now });
    assert.equal((await c.request('login', { sdkAppId: app.sdkAppId, userID: 'renewer', userSig })).code, 0);
    const renewed = await c.request('renewTicket', { userSig: sign(app, 'renewer') });
    assert.equal(renewed.code, 0);
    assert.ok(renewed.data.expireAt > now + 1000);
    assert.equal((await c.request('renewTicket', { userSig: sign(app, 'someone-else') })).code, 70013);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(c.closeCode, undefined);
    assert.equal((await c.request('heartbeat')).code, 0);
    await c.close();
  });
});
