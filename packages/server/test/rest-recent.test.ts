// recentcontact/get_list and delete: the conversation list (C2C and groups), newest first, paged;
// deleting a C2C session hides it until its next message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, rest, startNode, text, type TestNode } from './helpers/test-server.ts';

describe('REST recentcontact', () => {
  let node: TestNode;
  let app: AppRecord;
  let r = 0;
  const sendmsg = (from: string, to: string) =>
    rest(node, app, 'openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: ++r, MsgBody: text(`m${r}`), SyncOtherMachine: 1 });
  const list = (body: Record<string, unknown> = {}) =>
    rest(node, app, 'recentcontact/get_list', { From_Account: 'rc-me', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 7, ...body });

  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    await rest(node, app, 'im_open_login_svc/multiaccount_import', { Accounts: ['rc-me', 'rc-a', 'rc-b', 'rc-c', 'rc-lonely'] });
  });
  after(() => node.close());

  test('lists C2C and group sessions, newest activity first', async () => {
    assert.equal((await sendmsg('rc-a', 'rc-me')).ErrorCode, 0);
    await new Promise((res) => setTimeout(res, 1100)); // MsgTime has one-second resolution
    const g = await rest(node, app, 'group_open_http_svc/create_group', { Owner_Account: 'rc-b', Type: 'Public', Name: 'rc', MemberList: [{ Member_Account: 'rc-me' }] });
    assert.equal(g.ErrorCode, 0, g.ErrorInfo);
    assert.equal((await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: g.GroupId, From_Account: 'rc-b', Random: 1, MsgBody: text('g') })).ErrorCode, 0);
    await new Promise((res) => setTimeout(res, 1100));
    assert.equal((await sendmsg('rc-me', 'rc-c')).ErrorCode, 0);
    const l = await list();
    assert.equal(l.ErrorCode, 0, l.ErrorInfo);
    assert.equal(l.CompleteFlag, 1);
    assert.deepEqual(l.SessionItem.map((s: any) => [s.Type, s.To_Account ?? s.GroupId, s.TopFlag]), [[1, 'rc-c', 0], [2, g.GroupId, 0], [1, 'rc-a', 0]]);
    assert.ok(l.SessionItem[0].MsgTime >= l.SessionItem[1].MsgTime);
    assert.equal(l.StartIndex, 3);
    assert.deepEqual((await rest(node, app, 'recentcontact/get_list', { From_Account: 'rc-lonely', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 0 })).SessionItem, []);
  });

  test('pages by StartIndex', async () => {
    const page2 = await list({ StartIndex: 2 });
    assert.equal(page2.SessionItem.length, 1);
    assert.equal(page2.SessionItem[0].To_Account, 'rc-a');
    assert.equal((await list({ StartIndex: 10 })).SessionItem.length, 0);
  });

  test('delete hides a C2C session until its next message; history stays', async () => {
    assert.equal((await rest(node, app, 'recentcontact/delete', { From_Account: 'rc-me', Type: 1, To_Account: 'rc-a', ClearRamble: 0 })).ErrorCode, 0);
    assert.deepEqual((await list()).SessionItem.map((s: any) => s.To_Account ?? s.GroupId).includes('rc-a'), false);
    const roam = await rest(node, app, 'openim/admin_getroammsg', { Operator_Account: 'rc-me', Peer_Account: 'rc-a', MaxCnt: 10, MinTime: 0, MaxTime: 4294967295 });
    assert.equal(roam.MsgCnt, 1);
    await sendmsg('rc-a', 'rc-me');
    assert.equal((await list()).SessionItem[0].To_Account, 'rc-a');
  });

  test('bad input: documented codes', async () => {
    const cases: [string, unknown, number][] = [
      ['get_list', {}, 50001], ['get_list', { From_Account: 5 }, 60015], ['get_list', { From_Account: 'ghost' }, 50002],
      ['get_list', { From_Account: 'rc-me', StartIndex: -1 }, 50001], ['get_list', { From_Account: 'rc-me', TimeStamp: 'x' }, 50001],
      ['delete', { From_Account: 'rc-me' }, 50001], ['delete', { From_Account: 'rc-me', Type: 3 }, 50001],
      ['delete', { From_Account: 'rc-me', Type: 1 }, 50001], ['delete', { From_Account: 'rc-me', Type: 2 }, 50001],
      ['delete', { From_Account: 'rc-me', Type: 1, To_Account: 'rc-a', ClearRamble: 2 }, 50001],
      ['delete', { From_Account: 'rc-me', Type: 2, ToGroupid: '@TGS#nope' }, 10010], ['delete', { From_Account: 'ghost', Type: 1, To_Account: 'rc-a' }, 50002],
    ];
    for (const [cmd, body, code] of cases) {
      assert.equal((await rest(node, app, `recentcontact/${cmd}`, body)).ErrorCode, code, `${cmd} ${JSON.stringify(body)}`);
    }
  });
});
