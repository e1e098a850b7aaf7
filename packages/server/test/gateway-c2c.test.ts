import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, startNode, text, type TestNode } from './helpers/test-server.ts';
import { TestClient } from './helpers/ws-client.ts';

const ELEMENTS = [
  { MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } },
  { MsgType: 'TIMCustomElem', MsgContent: { Data: 'd', Desc: 'desc', Ext: 'e', Sound: 's' } },
  { MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'smile' } },
  { MsgType: 'TIMLocationElem', MsgContent: { Desc: 'here', Latitude: 29.34, Longitude: 116.77 } },
  { MsgType: 'TIMImageElem', MsgContent: { UUID: 'img1', ImageFormat: 1, ImageInfoArray: [{ Type: 1, Size: 10, Width: 2, Height: 3, URL: 'http://x/1' }] } },
  { MsgType: 'TIMSoundElem', MsgContent: { Url: 'http://x/s', UUID: 's1', Size: 100, Second: 2, Download_Flag: 2 } },
  { MsgType: 'TIMFileElem', MsgContent: { Url: 'http://x/f', UUID: 'f1', FileSize: 1000, FileName: 'a.txt', Download_Flag: 2 } },
  { MsgType: 'TIMVideoFileElem', MsgContent: { VideoUrl: 'http://x/v', VideoUUID: 'v1', VideoSize: 9, VideoSecond: 5, VideoFormat: 'mp4', VideoDownloadFlag: 2, ThumbUrl: 'http://x/t', ThumbUUID: 't', ThumbSize: 1, ThumbWidth: 1, ThumbHeight: 1, ThumbFormat: 'JPG', ThumbDownloadFlag: 2 } },
];

let seqCounter = 0;
function send(c: TestClient, to: string, body: unknown, extra: Record<string, unknown> = {}) {
  return c.request('sendMessage', { type: 'C2C', to, body, clientMsgId: `m${++seqCounter}`, ...extra });
}

describe('gateway: C2C messaging', () => {
  let node: TestNode;
  let app: AppRecord;
  before(async () => {
    node = await startNode();
    app = await createTestApp(node, { settings: { multiDevicePolicy: 'multi' } });
  });
  after(() => node.close());

  test('every element type is delivered to the receiver and synced to the sender\'s other device', async () => {
    const a1 = await loginClient(node, app, 'ann', 'Web');
    const a2 = await loginClient(node, app, 'ann', 'Android');
    const b = await loginClient(node, app, 'ben', 'Web');
    for (const el of ELEMENTS) {
      const r = await send(a1.client, 'ben', [el]);
      assert.equal(r.code, 0, `${el.MsgType}: ${r.message}`);
      assert.equal(r.data.message.from, 'ann');
      const got = await b.client.nextPush('inbox');
      assert.equal(got.data.kind, 'message');
      assert.deepEqual(got.data.message.body, [el]);
      assert.equal(got.data.message.msgKey, r.data.message.msgKey);
      const synced = await a2.client.nextPush('inbox');
      assert.equal(synced.data.message.msgKey, r.data.message.msgKey);
    }
    // Sequences: 1..8 in the conversation; inboxes contiguous.
    const seqs = b.client.pushesNamed('inbox').map((p) => p.data.message.seq);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(b.client.pushesNamed('inbox').map((p) => p.data.inbox), [1, 2, 3, 4, 5, 6, 7, 8]);
    await Promise.all([a1, a2, b].map((x) => x.client.close()));
  });

  test('the sender is stamped by the server and cannot be forged', async () => {
    const a = await loginClient(node, app, 'mallory');
    const b = await loginClient(node, app, 'victim');
    const r = await a.client.request('sendMessage', { type: 'C2C', to: 'victim', body: text('hi'), clientMsgId: 'x1', from: 'admin' });
    assert.equal(r.code, 6017); // unknown field `from` is refused, not honoured
    assert.equal((await send(a.client, 'victim', text('hi'))).data.message.from, 'mallory');
    assert.equal((await b.client.nextPush('inbox')).data.message.from, 'mallory');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('a retried send with the same clientMsgId is stored once and answered the same', async () => {
    const a = await loginClient(node, app, 'idem-a');
    const b = await loginClient(node, app, 'idem-b');
    const req = { type: 'C2C', to: 'idem-b', body: text('once'), clientMsgId: 'same-id' };
    const [r1, r2] = await Promise.all([a.client.request('sendMessage', req), a.client.request('sendMessage', req)]);
    const r3 = await a.client.request('sendMessage', req);
    assert.equal(r1.data.message.msgKey, r2.data.message.msgKey);
    assert.equal(r1.data.message.msgKey, r3.data.message.msgKey);
    const hist = await b.client.request('getMessageList', { conversationID: 'C2Cidem-a' });
    assert.equal(hist.data.messageList.length, 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.client.pushesNamed('inbox').length, 1);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('resync after a disconnect gives every missed event in order, no gap, no duplicate', async () => {
    const b = await loginClient(node, app, 'sync-b');
    const a = await loginClient(node, app, 'sync-a');
    await send(a.client, 'sync-b', text('before'));
    const first = await b.client.nextPush('inbox');
    const cursor = first.data.inbox;
    await b.client.close();
    const keys: string[] = [];
    for (let i = 0; i < 50; i++) keys.push((await send(a.client, 'sync-b', text(`m${i}`))).data.message.msgKey);
    const again = await loginClient(node, app, 'sync-b');
    assert.equal(again.login.inboxSeq, cursor + 50);
    const got: string[] = [];
    let c = cursor;
    for (;;) {
      const r = await again.client.request('sync', { cursor: c, limit: 20 });
      assert.equal(r.code, 0);
      for (const e of r.data.events) {
        assert.equal(e.inbox, c + 1, 'contiguous');
        c = e.inbox;
        got.push(e.message.msgKey);
      }
      if (r.data.isCompleted) break;
    }
    assert.deepEqual(got, keys);
    const tooFar = await again.client.request('sync', { cursor: 0 });
    assert.equal(tooFar.code, 0); // within the default gap
    await Promise.all([a.client.close(), again.client.close()]);
  });

  test('history pages back 15 at a time with nextReqMessageID and isCompleted', async () => {
    const a = await loginClient(node, app, 'hist-a');
    const b = await loginClient(node, app, 'hist-b');
    for (let i = 1; i <= 40; i++) await send(a.client, 'hist-b', text(`n${i}`));
    const pages: string[][] = [];
    let next: string | undefined;
    for (;;) {
      const r = await b.client.request('getMessageList', { conversationID: 'C2Chist-a', ...(next && { nextReqMessageID: next }) });
      pages.push(r.data.messageList.map((m: any) => m.body[0].MsgContent.Text));
      next = r.data.nextReqMessageID;
      if (r.data.isCompleted) break;
    }
    assert.deepEqual(pages.map((p) => p.length), [15, 15, 10]);
    assert.equal(pages[0]![14], 'n40');
    assert.equal(pages[2]![0], 'n1');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('conversation list, unread counts and read receipts', async () => {
    const a = await loginClient(node, app, 'read-a');
    const b = await loginClient(node, app, 'read-b');
    for (let i = 0; i < 3; i++) await send(a.client, 'read-b', text(`u${i}`));
    let list = await b.client.request('getConversationList');
    const conv = list.data.conversationList.find((c: any) => c.conversationID === 'C2Cread-a');
    assert.equal(conv.unreadCount, 3);
    assert.equal(conv.lastMessage.body[0].MsgContent.Text, 'u2');
    const read = await b.client.request('setMessageRead', { conversationID: 'C2Cread-a' });
    assert.equal(read.data.readSeq, 3);
    const receipt = (await waitFor(a.client, (p) => p.push === 'inbox' && p.data.kind === 'read')).data;
    assert.deepEqual([receipt.reader, receipt.readSeq], ['read-b', 3]);
    list = await b.client.request('getConversationList');
    assert.equal(list.data.conversationList.find((c: any) => c.conversationID === 'C2Cread-a').unreadCount, 0);
    const listA = await a.client.request('getConversationList');
    assert.equal(listA.data.conversationList.find((c: any) => c.conversationID === 'C2Cread-b').peerReadSeq, 3);
    const unread = await rest(node, app, 'openim/get_c2c_unread_msg_num', { To_Account: 'read-b' });
    assert.equal(unread.AllC2CUnreadMsgNum, 0);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('recall: the sender within the window; others cannot; history shows it recalled', async () => {
    const a = await loginClient(node, app, 'rc-a');
    const b = await loginClient(node, app, 'rc-b');
    const sent = (await send(a.client, 'rc-b', text('oops'))).data.message;
    assert.equal((await b.client.request('revokeMessage', { conversationID: 'C2Crc-a', msgKey: sent.msgKey })).code, 20022);
    assert.equal((await a.client.request('revokeMessage', { conversationID: 'C2Crc-b', msgKey: sent.msgKey })).code, 0);
    const ev = await waitFor(b.client, (p) => p.push === 'inbox' && p.data.kind === 'revoke');
    assert.equal(ev.data.msgKey, sent.msgKey);
    assert.equal((await a.client.request('revokeMessage', { conversationID: 'C2Crc-b', msgKey: sent.msgKey })).code, 20023);
    const hist = await b.client.request('getMessageList', { conversationID: 'C2Crc-a' });
    assert.equal(hist.data.messageList[0].revoked, true);
    // Admin recall over REST has no window.
    const second = (await send(a.client, 'rc-b', text('again'))).data.message;
    const r = await rest(node, app, 'openim/admin_msgwithdraw', { From_Account: 'rc-a', To_Account: 'rc-b', MsgKey: second.msgKey });
    assert.equal(r.ErrorCode, 0, JSON.stringify(r));
    assert.equal((await rest(node, app, 'openim/admin_msgwithdraw', { From_Account: 'rc-a', To_Account: 'rc-b', MsgKey: '1_2_3' })).ErrorCode, 20022);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('recall window: a message older than the app\'s window cannot be recalled by its sender', async () => {
    const strict = await createTestApp(node, { settings: { recallWindowSeconds: 0 } });
    const a = await loginClient(node, strict, 'w-a');
    await loginClient(node, strict, 'w-b').then((x) => x.client.close());
    const sent = (await send(a.client, 'w-b', text('late'))).data.message;
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await a.client.request('revokeMessage', { conversationID: 'C2Cw-b', msgKey: sent.msgKey })).code, 20016);
    await a.client.close();
  });

  test('online-only messages reach online sessions and are never stored', async () => {
    const a = await loginClient(node, app, 'oo-a');
    const b = await loginClient(node, app, 'oo-b');
    const r = await send(a.client, 'oo-b', text('typing...'), { onlineOnly: true });
    assert.equal(r.code, 0);
    assert.equal(r.data.message.seq, 0);
    const p = await b.client.nextPush('message');
    assert.equal(p.data.onlineOnly, true);
    const hist = await b.client.request('getMessageList', { conversationID: 'C2Coo-a' });
    assert.equal(hist.data.messageList.length, 0);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('bad input gets a code and the connection survives', async () => {
    const a = await loginClient(node, app, 'bad-a');
    await loginClient(node, app, 'bad-b').then((x) => x.client.close());
    assert.equal((await a.client.sendRaw('{not json')).code, 300002);
    assert.equal((await a.client.sendRaw('{"id":"x","op":1}')).code, 300002);
    assert.equal((await a.client.sendRaw('{"id":5,"op":"nope"}', 5)).code, 300001);
    assert.equal((await send(a.client, 'nobody-here', text('x'))).code, 20003);
    assert.equal((await send(a.client, 'bad-b', [{ MsgType: 'TIMTextElem', MsgContent: {} }])).code, 90002);
    assert.equal((await send(a.client, 'bad-b', [{ MsgType: 'TIMGroupTipElem', MsgContent: {} }])).code, 90002);
    assert.equal((await send(a.client, 'bad-b', [{ MsgType: 'TIMCustomElem', MsgContent: {} }, { MsgType: 'TIMCustomElem', MsgContent: {} }])).code, 90002);
    assert.equal((await send(a.client, 'bad-b', text('x'.repeat(13_000)))).code, 93000);
    assert.equal((await a.client.request('getMessageList', { conversationID: 'XYZ' })).code, 6017);
    assert.equal((await send(a.client, 'bad-b', text('still alive'))).code, 0);
    // Nothing half-stored: bad-b has exactly one message from bad-a.
    const hist = await a.client.request('getMessageList', { conversationID: 'C2Cbad-b' });
    assert.equal(hist.data.messageList.length, 1);
    // An oversize frame breaks the protocol: only this connection closes (1009).
    a.client.ws.send('x'.repeat(70_000));
    assert.equal(await a.client.closed(), 1009);
  });

  test('a consumer that stops reading is cut off; others are unaffected', async () => {
    const small = await startNode({ config: { maxOutboundBytes: 64 * 1024, slowConsumerGraceMs: 200 } });
    try {
      const sapp = await createTestApp(small, { settings: { clientRequestsPerSecond: 1000 } });
      const slow = await loginClient(small, sapp, 'slow');
      const fast = await loginClient(small, sapp, 'fast');
      const sender = await loginClient(small, sapp, 'sender');
      (slow.client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const big = 'y'.repeat(11_000);
      const isCut = () => small.parley.services.sessions.localSessions(sapp.sdkAppId, 'slow').length === 0;
      // Loopback socket buffers absorb several MB before the server's own buffer grows.
      for (let i = 0; i < 2000 && !isCut(); i++) {
        await Promise.all([send(sender.client, 'slow', text(big)), send(sender.client, 'fast', text('ok'))]);
      }
      let cut = false;
      for (let i = 0; i < 40 && !(cut = isCut()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(cut, 'the slow consumer was disconnected');
      assert.equal(fast.client.closeCode, undefined);
      assert.ok(fast.client.pushesNamed('inbox').length > 0);
      // Nothing was lost for the slow user: it resyncs from its cursor.
      const back = await loginClient(small, sapp, 'slow');
      let cursor = 0;
      let received = 0;
      for (;;) {
        const r = await back.client.request('sync', { cursor, limit: 1000 });
        assert.equal(r.code, 0, r.message);
        received += r.data.events.length;
        cursor = r.data.cursor;
        if (r.data.isCompleted) break;
      }
      const sentToSlow = (await back.client.request('getConversationList')).data.conversationList[0].lastMessage.seq;
      assert.equal(received, sentToSlow, 'every message to the slow user is recovered by sync');
      await Promise.all([fast.client.close(), sender.client.close(), back.client.close()]);
    } finally {
      await small.close();
    }
  });
});

function waitFor(c: TestClient, pred: (p: { push: string; data: any }) => boolean, timeoutMs = 3000): Promise<{ push: string; data: any }> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const p = c.pushes.find(pred);
      if (p) return resolve(p);
      if (Date.now() > deadline) return reject(new Error('timed out waiting for push'));
      setTimeout(tick, 10);
    };
    tick();
  });
}
