import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { genUserSigV1, genUserSigV2, generateSecretKey } from '@parley/usersig';
import { startRestHarness, type RestHarness, type RestReply } from './rest-harness.ts';

function expectFail(r: RestReply, code: number): void {
  assert.equal(r.status, 200, 'REST always answers HTTP 200');
  assert.equal(r.json['ActionStatus'], 'FAIL', r.text);
  assert.equal(r.json['ErrorCode'], code, r.text);
  assert.equal(typeof r.json['ErrorInfo'], 'string');
}

describe('REST handler: wire format, auth and errors', () => {
  let h: RestHarness;
  const importBody = { UserID: 'victim' };
  before(async () => {
    h = await startRestHarness();
  });
  after(() => h.close());

  /** Every failed call must leave the store untouched. */
  async function assertNothingWritten(): Promise<void> {
    assert.equal((await h.store.accounts.getAccounts(h.app.sdkAppId, ['victim'])).size, 0);
  }

  test('a signed call answers OK with the envelope first and the CORS headers', async () => {
    const r = await h.post('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'nobody' }] });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json).slice(0, 3), ['ActionStatus', 'ErrorInfo', 'ErrorCode']);
    assert.equal(r.json['ActionStatus'], 'OK');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.match(String(r.headers['access-control-allow-headers']), /X-Requested-With/);
    assert.equal(r.headers['access-control-allow-methods'], 'POST');
    assert.match(String(r.headers['content-type']), /application\/json/);
  });

  test('OPTIONS preflight is answered with the CORS headers', async () => {
    const r = await h.raw('OPTIONS', '/v4/im_open_login_svc/account_import', undefined, { Origin: 'http://x', 'Access-Control-Request-Method': 'POST' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.text, '');
  });

  test('missing sdkappid → 60012', async () => {
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { sdkappid: undefined }), 60012);
    await assertNothingWritten();
  });

  test('unknown or malformed sdkappid → 60006', async () => {
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { sdkappid: '1499999999' }), 60006);
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { sdkappid: 'abc' }), 60006);
    await assertNothingWritten();
  });

  test('identifier that is not an admin → 60010, even with a valid ticket', async () => {
    const sig = genUserSigV2({ sdkAppId: h.app.sdkAppId, secretKey: h.app.secretKey, identifier: 'alice' });
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { identifier: 'alice', usersig: sig }), 60010);
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { identifier: undefined }), 60010);
    await assertNothingWritten();
  });

  test('expired ticket → 70001, forged → 70009, empty → 70002, garbage → 70003, other app → 70014', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = genUserSigV2({ sdkAppId: h.app.sdkAppId, secretKey: h.app.secretKey, identifier: 'administrator', time: now - 1000, expire: 100 });
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { usersig: expired }), 70001);
    const forged = genUserSigV2({ sdkAppId: h.app.sdkAppId, secretKey: generateSecretKey(), identifier: 'administrator' });
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { usersig: forged }), 70009);
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { usersig: undefined }), 70002);
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { usersig: 'not-a-ticket' }), 70003);
    const otherApp = genUserSigV2({ sdkAppId: 1400000001, secretKey: h.app.secretKey, identifier: 'administrator' });
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { usersig: otherApp }), 70014);
    await assertNothingWritten();
  });

  test('malformed, empty or non-object JSON → 90001 with Tencent\'s text', async () => {
    const r = await h.post('im_open_login_svc/account_import', '{"UserID": "victim"');
    expectFail(r, 90001);
    assert.equal(r.json['ErrorInfo'], 'Fail to Parse json data of body, Please check it');
    expectFail(await h.post('im_open_login_svc/account_import', ''), 90001);
    expectFail(await h.post('im_open_login_svc/account_import', '["victim"]'), 90001);
    await assertNothingWritten();
  });

  test('oversize body → 93000 and the connection is closed, not left hanging', async () => {
    const big = JSON.stringify({ UserID: 'victim', Nick: 'x'.repeat(1024 * 1024 + 10) });
    const path = `/v4/im_open_login_svc/account_import?${h.query()}`;
    const declared = await h.raw('POST', path, big, { 'Content-Type': 'application/json' });
    expectFail(declared, 93000);
    assert.equal(declared.headers['connection'], 'close');
    // Chunked upload without Content-Length: the limit is enforced while reading.
    const chunked = await h.raw('POST', path, Buffer.from(big), { 'Transfer-Encoding': 'chunked' });
    expectFail(chunked, 93000);
    await assertNothingWritten();
  });

  test('bad path, unknown command → 60009; GET → 60002', async () => {
    expectFail(await h.raw('POST', `/v4/im_open_login_svc?${h.query()}`, '{}'), 60009);
    expectFail(await h.raw('POST', `/v5/im_open_login_svc/account_import?${h.query()}`, '{}'), 60009);
    expectFail(await h.raw('POST', `/v4/im_open_login_svc/account_import/extra?${h.query()}`, '{}'), 60009);
    expectFail(await h.post('im_open_login_svc/no_such_command', {}), 60009);
    expectFail(await h.post('no_such_service/account_import', {}), 60009);
    expectFail(await h.raw('GET', `/v4/im_open_login_svc/account_import?${h.query()}`), 60002);
    expectFail(await h.raw('PUT', `/v4/im_open_login_svc/account_import?${h.query()}`, JSON.stringify(importBody)), 60002);
    await assertNothingWritten();
  });

  test('a ticket from the official tls-sig-api-v2 package is accepted', async () => {
    const require = createRequire(import.meta.url);
    const TLSSigAPIv2 = require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => { genUserSig(id: string, expire: number): string } };
    const sig = new TLSSigAPIv2.Api(h.app.sdkAppId, h.app.secretKey).genUserSig('administrator', 3600);
    const r = await h.post('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'x' }] }, { usersig: sig });
    assert.equal(r.json['ErrorCode'], 0, r.text);
  });

  test('a v1 (ECDSA) ticket works once the app has a public key', async () => {
    const { app, v1PrivateKeyPem } = await h.apps.createApp({ name: 'legacy', v1Curve: 'secp256k1' });
    assert.ok(v1PrivateKeyPem);
    const sig = genUserSigV1({ sdkAppId: app.sdkAppId, privateKeyPem: v1PrivateKeyPem, identifier: 'administrator' });
    const r = await h.post('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'x' }] }, { sdkappid: String(app.sdkAppId), usersig: sig });
    assert.equal(r.json['ErrorCode'], 0, r.text);
  });

  test('a disabled app → 60016', async () => {
    const { app } = await h.apps.createApp({ name: 'off' });
    await h.apps.setDisabled(app.sdkAppId, true);
    const sig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'administrator' });
    expectFail(await h.post('im_open_login_svc/account_import', importBody, { sdkappid: String(app.sdkAppId), usersig: sig }), 60016);
  });

  test('over a command\'s per-app rate → 60007 until the bucket refills', async () => {
    let calls = 0;
    h.registry.register('test_svc/ping', async () => ({ Calls: ++calls }), { ratePerSecond: 2 });
    h.clock.now = 1_000_000;
    assert.equal((await h.post('test_svc/ping', {})).json['Calls'], 1);
    assert.equal((await h.post('test_svc/ping', {})).json['Calls'], 2);
    expectFail(await h.post('test_svc/ping', {}), 60007);
    assert.equal(calls, 2, 'a limited call does not run');
    h.clock.now += 1000;
    assert.equal((await h.post('test_svc/ping', {})).json['ErrorCode'], 0);
    h.clock.now = Date.now();
  });

  test('a command that throws a plain error → 70500; registering a path twice is refused', async () => {
    h.registry.register('test_svc/boom', async () => {
      throw new Error('secret internals');
    });
    const r = await h.post('test_svc/boom', {});
    expectFail(r, 70500);
    assert.doesNotMatch(r.text, /secret internals/);
    assert.throws(() => h.registry.register('test_svc/boom', async () => ({})));
    assert.throws(() => h.registry.register('no-slash', async () => ({})));
  });
});
