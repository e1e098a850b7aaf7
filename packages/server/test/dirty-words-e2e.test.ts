// Sensitive words end to end: REST openim_dirty_words/* changes a per-app list that the send path
// applies at once to C2C and group messages from real WebSocket clients; a hit is 80001 and
// nothing is stored or delivered. Lists persist in the store across a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, startNode, text, type TestNode } from './helpers/test-server.ts';
import { createGroup, loginAll, closeAll, nextGroupMessage, ok, sendGroup } from './helpers/groups.ts';
import type { TestClient } from './helpers/ws-client.ts';

let n = 0;
const send = (c: TestClient, to: string, body: unknown) => c.request('sendMessage', { type: 'C2C', to, body, clientMsgId: `dw${++n}` });

describe('sensitive words end to end', () => {
  let node: TestNode;
  let app: AppRecord;
  let other: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    other = await createTestApp(node);
  });
  after(() => node.close());

  test('add/get/delete: effective for the next message, per app, nothing stored on a hit', async () => {
    const a = await loginClient(node, app, 'dw-a');
    const b = await loginClient(node, app, 'dw-b');
    assert.equal((await send(a.client, 'dw-b', text('buy gold coins now'))).code, 0);
    await b.client.nextPush('inbox');

    const add = await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: ['Gold Coins', '代刷人气'] });
    assert.equal(add.ErrorCode, 0, add.ErrorInfo);
    assert.deepEqual((await rest(node, app, 'openim_dirty_words/get', {})).DirtyWordsList, ['Gold Coins', '代刷人气']);

    // Case and width are folded (full-width letters match).
    for (const body of [text('buy GOLD coins now'), text('ｇｏｌｄ ｃｏｉｎｓ'), text('专业代刷人气'),
      [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{}', Desc: 'free gold coins' } }],
      [{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1 } }, { MsgType: 'TIMTextElem', MsgContent: { Text: 'x gold coins' } }]]) {
      const r = await send(a.client, 'dw-b', body);
      assert.equal(r.code, 80001, JSON.stringify(body));
    }
    // Custom Data (machine payload) is not filtered; only Text and Desc are.
    assert.equal((await send(a.client, 'dw-b', [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'gold coins' } }])).code, 0);
    await b.client.nextPush('inbox');
    await new Promise((r) => setTimeout(r, 100));
    const hist = ok(await b.client.request('getMessageList', { conversationID: 'C2Cdw-a' }));
    assert.equal(hist.messageList.length, 2, 'only the two clean messages are stored');
    assert.equal(b.client.pushesNamed('inbox').length, 2);

    // Another app's list is its own.
    const o1 = await loginClient(node, other, 'dw-a');
    await loginClient(node, other, 'dw-b');
    assert.equal((await send(o1.client, 'dw-b', text('gold coins'))).code, 0);
    assert.deepEqual((await rest(node, other, 'openim_dirty_words/get', {})).DirtyWordsList, []);

    // REST sends are filtered too, ForbidBeforeSendMsgCallback or not.
    for (const extra of [{}, { ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'] }]) {
      const r = await rest(node, app, 'openim/sendmsg', { From_Account: 'dw-a', To_Account: 'dw-b', MsgRandom: 1 + n++, MsgBody: text('gold coins'), ...extra });
      assert.equal(r.ErrorCode, 80001);
    }

    const del = await rest(node, app, 'openim_dirty_words/delete', { DirtyWordsList: ['Gold Coins', 'never-added'] });
    assert.equal(del.ErrorCode, 0);
    assert.deepEqual((await rest(node, app, 'openim_dirty_words/get', {})).DirtyWordsList, ['代刷人气']);
    assert.equal((await send(a.client, 'dw-b', text('gold coins again'))).code, 0);
    await Promise.all([a.client.close(), b.client.close(), o1.client.close()]);
  });

  test('group messages are filtered the same way', async () => {
    await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: ['forbidden-thing'] });
    const u = await loginAll(node, app, ['g-owner', 'g-amy']);
    const id = await createGroup(u['g-owner']!, { type: 'Public', name: 'dw', memberList: [{ userID: 'g-amy' }] });
    const r = await sendGroup(u['g-amy']!, id, text('this is a FORBIDDEN-THING'));
    assert.equal(r.code, 80001);
    ok(await sendGroup(u['g-amy']!, id, text('fine')));
    const got = await nextGroupMessage(u['g-owner']!, (m) => m.body[0].MsgType === 'TIMTextElem');
    assert.equal(got.body[0].MsgContent.Text, 'fine');
    const rr = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, From_Account: 'g-amy', Random: 77, MsgBody: text('forbidden-thing') });
    assert.equal(rr.ErrorCode, 80001);
    const forbid = await rest(node, app, 'group_open_http_svc/send_group_msg', {
      GroupId: id, From_Account: 'g-amy', Random: 78, MsgBody: text('forbidden-thing'), ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'],
    });
    assert.equal(forbid.ErrorCode, 80001, 'skipping the webhook does not skip the filter');
    await closeAll(u);
  });

  test('bad input is 10004 and changes nothing', async () => {
    const before = (await rest(node, app, 'openim_dirty_words/get', {})).DirtyWordsList;
    const cases: unknown[] = [
      {}, { DirtyWordsList: 'word' }, { DirtyWordsList: [] }, { DirtyWordsList: [1] }, { DirtyWordsList: ['ok', ''] },
      { DirtyWordsList: Array.from({ length: 51 }, (_, i) => `w${i}`) }, { DirtyWordsList: ['ok', 'x'.repeat(201)] },
      { DirtyWordsList: ['好'.repeat(67)] }, // 201 bytes in UTF-8
    ];
    for (const body of cases) {
      for (const cmd of ['add', 'delete']) {
        const r = await rest(node, app, `openim_dirty_words/${cmd}`, body);
        assert.equal(r.ErrorCode, 10004, `${cmd} ${JSON.stringify(body).slice(0, 60)}`);
        assert.equal(r.ActionStatus, 'FAIL');
      }
    }
    assert.equal((await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: Array.from({ length: 50 }, (_, i) => `ok${i}`) })).ErrorCode, 0);
    assert.equal((await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: ['x'.repeat(200)] })).ErrorCode, 0);
    await rest(node, app, 'openim_dirty_words/delete', { DirtyWordsList: Array.from({ length: 50 }, (_, i) => `ok${i}`) });
    await rest(node, app, 'openim_dirty_words/delete', { DirtyWordsList: ['x'.repeat(200)] });
    assert.deepEqual((await rest(node, app, 'openim_dirty_words/get', {})).DirtyWordsList, before);
    assert.equal((await rest(node, app, 'openim_dirty_words/get', '')).ErrorCode, 90001, 'an empty body is refused as everywhere');
  });
});

test('word lists persist across a restart and apply from the first message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-dw-'));
  try {
    let node = await startNode({}, dir);
    const app = await createTestApp(node);
    assert.equal((await rest(node, app, 'openim_dirty_words/add', { DirtyWordsList: ['persisted'] })).ErrorCode, 0);
    await node.close();
    node = await startNode({}, dir);
    const a = await loginClient(node, app, 'p-a');
    await loginClient(node, app, 'p-b');
    assert.equal((await send(a.client, 'p-b', text('a persisted word'))).code, 80001);
    assert.deepEqual((await rest(node, app, 'openim_dirty_words/get', {})).DirtyWordsList, ['persisted']);
    await node.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
