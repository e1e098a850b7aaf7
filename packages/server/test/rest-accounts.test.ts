import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { genUserSigV2 } from '@parley/usersig';
import { startRestHarness, type RestHarness } from './rest-harness.ts';

describe('REST im_open_login_svc: account commands', () => {
  let h: RestHarness;
  let app: number;
  before(async () => {
    h = await startRestHarness();
    app = h.app.sdkAppId;
  });
  after(() => h.close());

  const accounts = (ids: string[]) => h.store.accounts.getAccounts(app, ids);

  test('account_import creates, is idempotent, and keeps fields not given', async () => {
    let r = await h.post('im_open_login_svc/account_import', { UserID: 'alice', Nick: 'Alice', FaceUrl: 'http://www.qq.com' });
    assert.deepEqual(r.json, { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    r = await h.post('im_open_login_svc/account_import', { UserID: 'alice' });
    assert.equal(r.json['ErrorCode'], 0);
    const alice = (await accounts(['alice'])).get('alice');
    assert.equal(alice?.nick, 'Alice');
    assert.equal(alice?.faceUrl, 'http://www.qq.com');
    // The older field name still works.
    assert.equal((await h.post('im_open_login_svc/account_import', { Identifier: 'legacy_id' })).json['ErrorCode'], 0);
    assert.equal((await accounts(['legacy_id'])).size, 1);
  });

  test('account_import refuses bad input and writes nothing', async () => {
    const cases: [unknown, number][] = [
      [{ UserID: 'bad id!' }, 70402],
      [{ UserID: 'x'.repeat(33) }, 70402],
      [{}, 70402],
      [{ UserID: 12345 }, 60015],
      [{ UserID: 'bob', Nick: 7 }, 70402],
      [{ UserID: 'bob', Nick: 'n'.repeat(501) }, 70402],
    ];
    for (const [body, code] of cases) {
      const r = await h.post('im_open_login_svc/account_import', body);
      assert.equal(r.json['ErrorCode'], code, JSON.stringify(body));
      assert.equal(r.json['ActionStatus'], 'FAIL');
    }
    assert.equal((await accounts(['bob', 'bad id!'])).size, 0);
  });

  test('multiaccount_import imports valid IDs and lists the rest in FailAccounts', async () => {
    const r = await h.post('im_open_login_svc/multiaccount_import', { Accounts: ['m1', 'm2', 'bad id', 'm1'] });
    assert.equal(r.json['ErrorCode'], 0, r.text);
    assert.deepEqual(r.json['FailAccounts'], ['bad id']);
    assert.equal((await accounts(['m1', 'm2'])).size, 2);
  });

  test('multiaccount_import: over 100, empty, or non-strings fail whole', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `n${i}`);
    assert.equal((await h.post('im_open_login_svc/multiaccount_import', { Accounts: many })).json['ErrorCode'], 70402);
    assert.equal((await h.post('im_open_login_svc/multiaccount_import', { Accounts: [] })).json['ErrorCode'], 70402);
    assert.equal((await h.post('im_open_login_svc/multiaccount_import', { Accounts: 'n1' })).json['ErrorCode'], 70402);
    assert.equal((await h.post('im_open_login_svc/multiaccount_import', { Accounts: ['n1', 2] })).json['ErrorCode'], 60015);
    assert.equal((await accounts(['n0', 'n1'])).size, 0);
    const hundred = Array.from({ length: 100 }, (_, i) => `h${i}`);
    assert.equal((await h.post('im_open_login_svc/multiaccount_import', { Accounts: hundred })).json['ErrorCode'], 0);
    assert.equal((await accounts(hundred)).size, 100);
  });

  test('account_check reports Imported / NotImported in request order', async () => {
    await h.post('im_open_login_svc/account_import', { UserID: 'c1' });
    const r = await h.post('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'c2' }, { UserID: 'c1' }] });
    assert.deepEqual(r.json['ResultItem'], [
      { UserID: 'c2', ResultCode: 0, ResultInfo: '', AccountStatus: 'NotImported' },
      { UserID: 'c1', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
    ]);
    assert.equal((await h.post('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'c1' }, { UserID: 'bad id' }] })).json['ErrorCode'], 70402);
    assert.equal((await h.post('im_open_login_svc/account_check', { CheckItem: ['c1'] })).json['ErrorCode'], 70402);
    const many = Array.from({ length: 101 }, (_, i) => ({ UserID: `c${i}` }));
    assert.equal((await h.post('im_open_login_svc/account_check', { CheckItem: many })).json['ErrorCode'], 70402);
  });

  test('account_delete deletes, reports 70107 for unknown IDs, and kicks sessions', async () => {
    await h.post('im_open_login_svc/multiaccount_import', { Accounts: ['d1', 'd2'] });
    h.kicked.length = 0;
    const r = await h.post('im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'd1' }, { UserID: 'ghost' }] });
    assert.equal(r.json['ErrorCode'], 0);
    assert.deepEqual(r.json['ResultItem'], [
      { ResultCode: 0, ResultInfo: '', UserID: 'd1' },
      { ResultCode: 70107, ResultInfo: 'Err_TLS_PT_Open_Login_Account_Not_Exist', UserID: 'ghost' },
    ]);
    assert.deepEqual([...(await accounts(['d1', 'd2'])).keys()], ['d2']);
    assert.deepEqual(h.kicked, [`${app}/d1`]);
  });

  test('account_delete validates the whole list before deleting', async () => {
    const r = await h.post('im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'd2' }, { UserID: 5 }] });
    assert.equal(r.json['ErrorCode'], 60015);
    assert.equal((await accounts(['d2'])).size, 1);
  });

  test('kick revokes tickets issued up to now and drops sessions; unknown user → 70107', async () => {
    await h.post('im_open_login_svc/account_import', { UserID: 'k1' });
    h.kicked.length = 0;
    h.clock.now = 1_800_000_000_000;
    const r = await h.post('im_open_login_svc/kick', { UserID: 'k1' }, {
      usersig: genUserSigV2({ sdkAppId: app, secretKey: h.app.secretKey, identifier: 'administrator', time: 1_799_999_000 }),
    });
    h.clock.now = Date.now();
    assert.equal(r.json['ErrorCode'], 0, r.text);
    assert.equal((await accounts(['k1'])).get('k1')?.ticketsRevokedAt, 1_800_000_000);
    assert.deepEqual(h.kicked, [`${app}/k1`]);
    const missing = await h.post('im_open_login_svc/kick', { UserID: 'nobody' });
    assert.equal(missing.json['ErrorCode'], 70107);
    assert.equal((await h.post('im_open_login_svc/kick', { UserID: 'bad id' })).json['ErrorCode'], 70402);
    assert.equal(h.kicked.length, 1);
  });
});
