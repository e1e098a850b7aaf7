// profile/portrait_set and portrait_get: standard and custom tags, Tencent's profile codes, and
// whole-request validation (a bad item anywhere changes nothing).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, startNode, type TestNode } from './helpers/test-server.ts';

describe('REST profile', () => {
  let node: TestNode;
  let app: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    await rest(node, app, 'im_open_login_svc/multiaccount_import', { Accounts: ['pa', 'pb'] });
  });
  after(() => node.close());

  const get = (to: string[], tags: string[]) => rest(node, app, 'profile/portrait_get', { To_Account: to, TagList: tags });

  test('set then get standard and custom tags; unset tags read as their defaults', async () => {
    const r = await rest(node, app, 'profile/portrait_set', {
      From_Account: 'pa',
      ProfileItem: [
        { Tag: 'Tag_Profile_IM_Nick', Value: 'Alice' }, { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
        { Tag: 'Tag_Profile_IM_BirthDay', Value: 19800101 }, { Tag: 'Tag_Profile_IM_Image', Value: 'https://x/a.png' },
        { Tag: 'Tag_Profile_IM_Level', Value: 3 }, { Tag: 'Tag_Profile_Custom_Test', Value: 'custom value' },
        { Tag: 'Tag_Profile_Custom_Num', Value: 42 },
      ],
    });
    assert.equal(r.ErrorCode, 0, r.ErrorInfo);
    const g = await get(['pa', 'pb'], ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender', 'Tag_Profile_IM_BirthDay', 'Tag_Profile_IM_Image',
      'Tag_Profile_IM_Level', 'Tag_Profile_IM_AllowType', 'Tag_Profile_Custom_Test', 'Tag_Profile_Custom_Num']);
    assert.equal(g.ErrorCode, 0);
    assert.equal(g.Fail_Account, undefined);
    const [pa, pb] = g.UserProfileItem;
    assert.equal(pa.To_Account, 'pa');
    assert.equal(pa.ResultCode, 0);
    assert.deepEqual(pa.ProfileItem, [
      { Tag: 'Tag_Profile_IM_Nick', Value: 'Alice' }, { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
      { Tag: 'Tag_Profile_IM_BirthDay', Value: 19800101 }, { Tag: 'Tag_Profile_IM_Image', Value: 'https://x/a.png' },
      { Tag: 'Tag_Profile_IM_Level', Value: 3 }, { Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_NeedConfirm' },
      { Tag: 'Tag_Profile_Custom_Test', Value: 'custom value' }, { Tag: 'Tag_Profile_Custom_Num', Value: 42 },
    ]);
    assert.deepEqual(pb.ProfileItem.map((i: any) => i.Tag), ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender', 'Tag_Profile_IM_BirthDay',
      'Tag_Profile_IM_Image', 'Tag_Profile_IM_Level', 'Tag_Profile_IM_AllowType'], 'custom tags never set are absent');
  });

  test('the nick and avatar set over REST are what clients see', async () => {
    const c = await loginClient(node, app, 'pa');
    const me = await c.client.request('getMyProfile');
    assert.equal(me.data.nick, 'Alice');
    assert.equal(me.data.avatar, 'https://x/a.png');
    await c.client.close();
  });

  test('unknown accounts: Fail_Account and a per-user 40003; all unknown is 40003', async () => {
    const g = await get(['pa', 'nobody', 'bad id!'], ['Tag_Profile_IM_Nick']);
    assert.equal(g.ErrorCode, 0);
    assert.deepEqual(g.Fail_Account, ['nobody', 'bad id!']);
    assert.equal(g.UserProfileItem[1].ResultCode, 40003);
    assert.equal((await get(['nobody'], ['Tag_Profile_IM_Nick'])).ErrorCode, 40003);
    const s = await rest(node, app, 'profile/portrait_set', { From_Account: 'nobody', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] });
    assert.equal(s.ErrorCode, 40003);
  });

  test('bad input gets the profile codes and nothing is half-applied', async () => {
    const item = (Tag: unknown, Value: unknown) => ({ From_Account: 'pb', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'should not stick' }, { Tag, Value }] });
    const cases: [unknown, number][] = [
      [{ ProfileItem: [] }, 40001], [{ From_Account: 'pb' }, 40001], [{ From_Account: 'pb', ProfileItem: 'x' }, 40001],
      [{ From_Account: 'pb', ProfileItem: [] }, 40001], [{ From_Account: 7, ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] }, 40001],
      [{ From_Account: 'pb', ProfileItem: ['x'] }, 40001], [item('Tag_Profile_IM_Nick', null), 40001], [item(5, 'x'), 40001],
      [item('Tag_Profile_IM_Unknown', 'x'), 40009], [item('Tag_Nope', 'x'), 40009], [item('Tag_Profile_Custom_' + 'x'.repeat(40), 'v'), 40009],
      [item('Tag_Profile_IM_SelfSignature', 'x'.repeat(501)), 40601], [item('Tag_Profile_Custom_Long', 'é'.repeat(251)), 40601],
      [item('Tag_Profile_IM_Gender', 'Gender_Type_Other'), 40605], [item('Tag_Profile_IM_Location', 'x'.repeat(17)), 40605],
      [item('Tag_Profile_IM_BirthDay', -1), 40605], [item('Tag_Profile_IM_Level', 2 ** 33), 40605],
      [item('Tag_Profile_IM_Level', '3'), 40610], [item('Tag_Profile_IM_Nick', 5), 40610], [item('Tag_Profile_Custom_Obj', { a: 1 }), 40610],
      [{ From_Account: 'pb', ProfileItem: Array.from({ length: 101 }, () => ({ Tag: 'Tag_Profile_IM_Nick', Value: 'x' })) }, 40001],
    ];
    for (const [body, code] of cases) {
      const r = await rest(node, app, 'profile/portrait_set', body);
      assert.equal(r.ErrorCode, code, JSON.stringify(body).slice(0, 120));
      assert.equal(r.ActionStatus, 'FAIL');
    }
    assert.equal((await get(['pb'], ['Tag_Profile_IM_Nick'])).UserProfileItem[0].ProfileItem[0].Value, '');
    for (const [body, code] of [
      [{ TagList: ['Tag_Profile_IM_Nick'] }, 40001], [{ To_Account: [], TagList: ['Tag_Profile_IM_Nick'] }, 40001],
      [{ To_Account: ['pa'], TagList: [] }, 40001], [{ To_Account: ['pa'] }, 40001], [{ To_Account: [1], TagList: ['Tag_Profile_IM_Nick'] }, 40001],
      [{ To_Account: ['pa'], TagList: ['Tag_Bad'] }, 40009], [{ To_Account: Array.from({ length: 101 }, (_, i) => `u${i}`), TagList: ['Tag_Profile_IM_Nick'] }, 40001],
    ] as [unknown, number][]) {
      assert.equal((await rest(node, app, 'profile/portrait_get', body)).ErrorCode, code, JSON.stringify(body).slice(0, 100));
    }
  });

  test('sensitive words in the nick or signature are 40005', async () => {
    await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: ['badname'] });
    const r = await rest(node, app, 'profile/portrait_set', { From_Account: 'pb', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'I am BadName' }] });
    assert.equal(r.ErrorCode, 40005);
    await rest(node, app, 'openim_dirty_words/delete', { DirtyWordsList: ['badname'] });
  });
});
