/**
 * The SDK against a real Parley node: login lifecycle, C2C messaging in every message type,
 * history, receipts, recall, conversations, profiles, and the Web SDK's result/error shapes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IMError, Message, type ChatSDK, type Conversation } from '../src/node.ts';
import { loginReady, nextEvent, sleep, startEnv, TIM, until, type TestEnv } from './helpers.ts';

const { EVENT, TYPES } = TIM;

let env: TestEnv;
before(async () => {
  env = await startEnv({}, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10, native: 3 } } });
});
after(async () => {
  await env.close();
});

describe('namespace and instance', () => {
  test('exports TIM and TencentCloudChat with Tencent constant values', async () => {
    const mod = await import('../src/node.ts');
    assert.equal(mod.TIM, mod.TencentCloudChat);
    assert.equal(mod.default, mod.TIM);
    assert.equal(EVENT.SDK_READY, 'sdkStateReady');
    assert.equal(EVENT.SDK_NOT_READY, 'sdkStateNotReady');
    assert.equal(EVENT.MESSAGE_RECEIVED, 'onMessageReceived');
    assert.equal(EVENT.MESSAGE_REVOKED, 'onMessageRevoked');
    assert.equal(EVENT.MESSAGE_READ_BY_PEER, 'onMessageReadByPeer');
    assert.equal(EVENT.CONVERSATION_LIST_UPDATED, 'onConversationListUpdated');
    assert.equal(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, 'onTotalUnreadMessageCountUpdated');
    assert.equal(EVENT.GROUP_LIST_UPDATED, 'onGroupListUpdated');
    assert.equal(EVENT.KICKED_OUT, 'kickedOut');
    assert.equal(EVENT.NET_STATE_CHANGE, 'netStateChange');
    assert.equal(EVENT.ERROR, 'error');
    assert.equal(TYPES.MSG_TEXT, 'TIMTextElem');
    assert.equal(TYPES.CONV_C2C, 'C2C');
    assert.equal(TYPES.CONV_GROUP, 'GROUP');
    assert.equal(TYPES.GRP_WORK, 'Private');
    assert.equal(TYPES.GRP_MEETING, 'ChatRoom');
    assert.equal(TYPES.GRP_AVCHATROOM, 'AVChatRoom');
    assert.equal(TYPES.MSG_PRIORITY_HIGH, 'High');
    assert.equal(TYPES.MSG_PRIORITY_LOWEST, 'Lowest');
    assert.equal(TYPES.KICKED_OUT_MULT_ACCOUNT, 'multipleAccount');
    assert.equal(TYPES.KICKED_OUT_USERSIG_EXPIRED, 'userSigExpired');
    assert.equal(TYPES.NET_STATE_CONNECTED, 'connected');
    assert.equal(TYPES.MSG_AT_ALL, '__kImSDK_MesssageAtALL__');
  });

  test('create returns one instance per SDKAppID until destroyed', async () => {
    const a = TIM.create({ SDKAppID: 77, server: env.url });
    const b = TIM.create({ SDKAppID: 77, server: 'ws://elsewhere:1' });
    assert.equal(a, b);
    await a.destroy();
    const c = TIM.create({ SDKAppID: 77, server: env.url });
    assert.notEqual(a, c);
    await c.destroy();
    assert.throws(() => TIM.create({ SDKAppID: 0 } as never), (e: IMError) => e.code === 2000);
  });

  test('calls before login reject with 2024; a bad userID with 7003', async () => {
    const c = env.client();
    assert.equal(c.getLoginStatus(), 3);
    assert.equal(c.getLoginUser(), '');
    await assert.rejects(c.getConversationList(), (e: IMError) => e.code === 2024 && typeof e.message === 'string');
    const m = c.createTextMessage({ to: 'x', conversationType: TYPES.CONV_C2C, payload: { text: 'hi' } });
    await assert.rejects(c.sendMessage(m), (e: IMError) => e.code === 2024 && (e.data as { message: Message }).message === m);
    assert.equal(m.status, 'fail');
    await assert.rejects(c.login({ userID: 'bad id!', userSig: 'x' }), (e: IMError) => e.code === 7003);
  });

  test('login with a bad ticket rejects with the server code and leaves the instance logged out', async () => {
    const c = env.client();
    await assert.rejects(c.login({ userID: 'badsig', userSig: 'eJyrVgrxCdYrLkksSVWyUkpKLUjNS84sqXQoLUnN0cssqgQA' }), (e: IMError) => e.code >= 70000 && e.code < 71000);
    assert.equal(c.getLoginStatus(), 3);
    const expired = env.sig('expired1', 10, Math.floor(Date.now() / 1000) - 100);
    await assert.rejects(c.login({ userID: 'expired1', userSig: expired }), (e: IMError) => e.code === 70001);
  });

  test('logout during a login that waits for the network abandons it at once', async () => {
    const c = env.client({ server: 'http://127.0.0.1:9', loginTimeoutMs: 30_000 });
    const p = c.login({ userID: 'waiting', userSig: env.sig('waiting') });
    assert.equal(c.getLoginStatus(), 2);
    const started = Date.now();
    await c.logout();
    await assert.rejects(p, (e: IMError) => e.code === 2024);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(c.getLoginStatus(), 3);
  });

  test('an unreachable server: login fails with 6200 (never connected)', async () => {
    const c = env.client({ server: 'http://127.0.0.1:9', loginTimeoutMs: 600 });
    await assert.rejects(c.login({ userID: 'nobody', userSig: env.sig('nobody') }), (e: IMError) => e.code === 6200);
    assert.equal(c.getLoginStatus(), 3);
  });
});

describe('login lifecycle', () => {
  test('login → SDK_READY, status 1, repeat login answers repeatLogin, logout → SDK_NOT_READY', async () => {
    const c = env.client();
    const states: string[] = [];
    c.on(EVENT.NET_STATE_CHANGE, (e: { data: { state: string } }) => states.push(e.data.state));
    const ready = nextEvent(c, EVENT.SDK_READY);
    const p = c.login({ userID: 'life1', userSig: env.sig('life1') });
    assert.equal(c.getLoginStatus(), 2);
    const r = await p;
    assert.deepEqual(r, { code: 0, data: { repeatLogin: false } });
    await ready;
    assert.equal(c.getLoginStatus(), 1);
    assert.equal(c.getLoginUser(), 'life1');
    assert.equal(c.isReady(), true);
    assert.deepEqual(states, ['connecting', 'connected']);
    const again = await c.login({ userID: 'life1', userSig: env.sig('life1') });
    assert.equal(again.code, 0);
    assert.equal(again.data.repeatLogin, true);
    const notReady = nextEvent(c, EVENT.SDK_NOT_READY);
    assert.deepEqual(await c.logout(), { code: 0, data: {} });
    await notReady;
    assert.equal(c.getLoginStatus(), 3);
    assert.equal(c.getLoginUser(), '');
  });

  test('account switch: logging in as B logs A out cleanly and switches the cache', async () => {
    const c = env.client();
    await loginReady(env, c, 'swA');
    const peer = env.client();
    await loginReady(env, peer, 'swPeer');
    await peer.sendMessage(peer.createTextMessage({ to: 'swA', conversationType: 'C2C', payload: { text: 'for A' } }));
    await until(async () => (await c.getConversationList()).data.conversationList.length === 1, 3000, 'A sees the conversation');
    const connsBefore = env.parley.services.sessions.size;
    const notReady = nextEvent(c, EVENT.SDK_NOT_READY);
    await loginReady(env, c, 'swB');
    await notReady;
    assert.equal(c.getLoginUser(), 'swB');
    assert.deepEqual((await c.getConversationList()).data.conversationList, [], "B does not see A's conversations");
    await until(() => env.parley.services.sessions.size === connsBefore, 3000, 'the old session is gone on the server');
    // Back to A: its cache comes back.
    await loginReady(env, c, 'swA');
    const list = (await c.getConversationList()).data.conversationList;
    assert.deepEqual(list.map((x) => x.conversationID), ['C2CswPeer']);
  });
});

describe('C2C messaging', () => {
  let alice: ChatSDK;
  let bob: ChatSDK;
  before(async () => {
    alice = env.client();
    bob = env.client();
    await loginReady(env, alice, 'alice');
    await loginReady(env, bob, 'bob');
  });

  test('text: resolves {code 0, data.message} stamped; the peer receives it; the sender does not', async () => {
    const aliceGot: Message[] = [];
    alice.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => aliceGot.push(...e.data));
    const got = nextEvent<Message[]>(bob, EVENT.MESSAGE_RECEIVED);
    const m = alice.createTextMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { text: 'hello bob' }, cloudCustomData: 'ccd' });
    assert.equal(m.status, 'unSend');
    assert.equal(m.flow, 'out');
    assert.equal(m.conversationID, 'C2Cbob');
    const r = await alice.sendMessage(m);
    assert.equal(r.code, 0);
    assert.equal(r.data.message, m);
    assert.equal(m.status, 'success');
    assert.ok(m.sequence > 0);
    const [rx] = await got;
    assert.ok(rx);
    assert.equal(rx.ID, m.ID);
    assert.equal(rx.type, 'TIMTextElem');
    assert.deepEqual(rx.payload, { text: 'hello bob' });
    assert.equal(rx.from, 'alice');
    assert.equal(rx.to, 'bob');
    assert.equal(rx.flow, 'in');
    assert.equal(rx.conversationID, 'C2Calice');
    assert.equal(rx.conversationType, 'C2C');
    assert.equal(rx.sequence, m.sequence);
    assert.equal(rx.time, m.time);
    assert.equal(rx.random, m.random);
    assert.equal(rx.cloudCustomData, 'ccd');
    assert.equal(rx.priority, 'Normal');
    assert.equal(rx.isRead, false);
    assert.equal(rx.isRevoked, false);
    assert.equal(rx.status, 'success');
    await sleep(100);
    assert.equal(aliceGot.length, 0, 'own send not echoed to the sending instance');
  });

  test('every message type maps payload ↔ MsgContent as the Web SDK does', async () => {
    const sends = [
      alice.createCustomMessage({ to: 'bob', conversationType: 'C2C', payload: { data: 'd', description: 'desc', extension: 'ext' } }),
      alice.createFaceMessage({ to: 'bob', conversationType: 'C2C', payload: { index: 3, data: 'smile' } }),
      alice.createLocationMessage({ to: 'bob', conversationType: 'C2C', payload: { description: 'here', latitude: 22.5, longitude: 113.9 } }),
      alice.createImageMessage({ to: 'bob', conversationType: 'C2C', payload: { url: 'https://cdn.example/a.png', width: 640, height: 480, size: 1234 } }),
      alice.createFileMessage({ to: 'bob', conversationType: 'C2C', payload: { url: 'https://cdn.example/f.pdf', fileName: 'f.pdf', fileSize: 99 } }),
    ];
    const received: Message[] = [];
    const h = (e: { data: Message[] }) => received.push(...e.data);
    bob.on(EVENT.MESSAGE_RECEIVED, h);
    for (const m of sends) await alice.sendMessage(m);
    await until(() => received.length >= sends.length, 3000, 'all types received');
    bob.off(EVENT.MESSAGE_RECEIVED, h);
    const byType = new Map(received.map((m) => [m.type, m]));
    assert.deepEqual(byType.get(TYPES.MSG_CUSTOM)!.payload, { data: 'd', description: 'desc', extension: 'ext' });
    assert.deepEqual(byType.get(TYPES.MSG_FACE)!.payload, { index: 3, data: 'smile' });
    assert.deepEqual(byType.get(TYPES.MSG_LOCATION)!.payload, { description: 'here', latitude: 22.5, longitude: 113.9 });
    const img = byType.get(TYPES.MSG_IMAGE)!.payload;
    assert.equal(img['imageInfoArray'][0].url, 'https://cdn.example/a.png');
    assert.equal(img['imageInfoArray'][0].width, 640);
    assert.equal(img['imageInfoArray'][0].height, 480);
    const file = byType.get(TYPES.MSG_FILE)!.payload;
    assert.equal(file['fileUrl'], 'https://cdn.example/f.pdf');
    assert.equal(file['fileName'], 'f.pdf');
    assert.equal(file['fileSize'], 99);
    // Bad arguments throw synchronously.
    assert.throws(() => alice.createTextMessage({ to: 'bob', conversationType: 'C2C', payload: {} }), (e: IMError) => e.code === 6017);
    assert.throws(() => alice.createTextMessage({ to: '', conversationType: 'C2C', payload: { text: 'x' } }), IMError);
    assert.throws(() => alice.createTextMessage({ to: 'bob', conversationType: 'NOPE' as never, payload: { text: 'x' } }), (e: IMError) => e.code === 2106);
    assert.throws(() => alice.createImageMessage({ to: 'bob', conversationType: 'C2C', payload: {} }), IMError);
  });

  test('a failed send rejects with {code, message, data.message} in state fail; resend reuses the ID', async () => {
    const m = alice.createTextMessage({ to: 'no_such_user_xyz', conversationType: 'C2C', payload: { text: 'x' } });
    await assert.rejects(alice.sendMessage(m), (e: IMError) => {
      assert.equal(e.code, 20003);
      assert.ok(e.message.length > 0);
      assert.equal((e.data as { message: Message }).message, m);
      return true;
    });
    assert.equal(m.status, 'fail');
    const id = m.ID;
    await assert.rejects(alice.resendMessage(m), (e: IMError) => e.code === 20003);
    assert.equal(m.ID, id);
    const big = alice.createTextMessage({ to: 'bob', conversationType: 'C2C', payload: { text: 'x'.repeat(13_000) } });
    await assert.rejects(alice.sendMessage(big), (e: IMError) => e.code === 93000);
  });

  test('onlineUserOnly: delivered live, not stored', async () => {
    const got = nextEvent<Message[]>(bob, EVENT.MESSAGE_RECEIVED);
    const m = alice.createCustomMessage({ to: 'bob', conversationType: 'C2C', payload: { data: 'typing' } });
    await alice.sendMessage(m, { onlineUserOnly: true });
    const [rx] = await got;
    assert.equal(rx!.payload['data'], 'typing');
    assert.equal(rx!.sequence, 0);
    const hist = await bob.getMessageList({ conversationID: 'C2Calice', count: 15 });
    assert.ok(!hist.data.messageList.some((x) => x.ID === m.ID));
  });

  test('multi-device: my sends from another device arrive with flow out', async () => {
    const alice2 = env.client({ platform: 'Android' });
    await loginReady(env, alice2, 'alice');
    const got = nextEvent<Message[]>(alice2, EVENT.MESSAGE_RECEIVED);
    await alice.sendMessage(alice.createTextMessage({ to: 'bob', conversationType: 'C2C', payload: { text: 'from web' } }));
    const [rx] = await got;
    assert.equal(rx!.flow, 'out');
    assert.equal(rx!.conversationID, 'C2Cbob');
    await alice2.logout();
  });

  test('getMessageList pages back in time (≤ 15), oldest first, with nextReqMessageID/isCompleted', async () => {
    const u1 = env.client();
    const u2 = env.client();
    await loginReady(env, u1, 'pager1');
    await loginReady(env, u2, 'pager2');
    for (let i = 1; i <= 20; i++) await u1.sendMessage(u1.createTextMessage({ to: 'pager2', conversationType: 'C2C', payload: { text: `m${i}` } }));
    const p1 = await u2.getMessageList({ conversationID: 'C2Cpager1', count: 15 });
    assert.equal(p1.code, 0);
    assert.deepEqual(p1.data.messageList.map((m) => m.payload['text']), Array.from({ length: 15 }, (_, i) => `m${i + 6}`));
    assert.equal(p1.data.isCompleted, false);
    const p2 = await u2.getMessageList({ conversationID: 'C2Cpager1', nextReqMessageID: p1.data.nextReqMessageID, count: 15 });
    assert.deepEqual(p2.data.messageList.map((m) => m.payload['text']), ['m1', 'm2', 'm3', 'm4', 'm5']);
    assert.equal(p2.data.isCompleted, true);
    const big = await u2.getMessageList({ conversationID: 'C2Cpager1', count: 100 });
    assert.equal(big.data.messageList.length, 15, 'count is capped at 15');
    await assert.rejects(u2.getMessageList({ conversationID: 'nope' }), (e: IMError) => e.code === 6017);
  });

  test('conversations, unread counts, setMessageRead and MESSAGE_READ_BY_PEER', async () => {
    const a = env.client();
    const b = env.client();
    await loginReady(env, a, 'convA');
    await loginReady(env, b, 'convB');
    const totals: number[] = [];
    b.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (e: { data: number }) => totals.push(e.data));
    const convUpdates: Conversation[][] = [];
    b.on(EVENT.CONVERSATION_LIST_UPDATED, (e: { data: Conversation[] }) => convUpdates.push(e.data));
    const sent: Message[] = [];
    for (let i = 0; i < 3; i++) {
      const m = a.createTextMessage({ to: 'convB', conversationType: 'C2C', payload: { text: `u${i}` } });
      await a.sendMessage(m);
      sent.push(m);
    }
    await until(() => b.getTotalUnreadMessageCount() === 3, 3000, 'unread 3');
    assert.equal(totals[totals.length - 1], 3);
    const list = (await b.getConversationList()).data.conversationList;
    const conv = list.find((c) => c.conversationID === 'C2CconvA')!;
    assert.equal(conv.type, 'C2C');
    assert.equal(conv.unreadCount, 3);
    assert.equal(conv.lastMessage!.payload['text'], 'u2');
    assert.equal(conv.lastMessage!.messageForShow, 'u2');
    assert.equal(conv.lastMessage!.fromAccount, 'convA');
    assert.equal(conv.userProfile!.userID, 'convA');
    assert.ok(convUpdates.length > 0);
    const peerRead = nextEvent<Message[]>(a, EVENT.MESSAGE_READ_BY_PEER);
    assert.deepEqual(await b.setMessageRead({ conversationID: 'C2CconvA' }), { code: 0, data: {} });
    assert.equal(b.getTotalUnreadMessageCount(), 0);
    const readMsgs = await peerRead;
    assert.deepEqual(readMsgs.map((m) => m.ID).sort(), sent.map((m) => m.ID).sort());
    assert.ok(sent.every((m) => m.isPeerRead));
    // getConversationProfile creates a conversation that does not exist yet.
    const prof = await b.getConversationProfile('C2CnewPeer');
    assert.equal(prof.data.conversation.conversationID, 'C2CnewPeer');
    assert.ok((await b.getConversationList()).data.conversationList.some((c) => c.conversationID === 'C2CnewPeer'));
    // deleteConversation removes it.
    const del = await b.deleteConversation('C2CconvA');
    assert.equal(del.code, 0);
    assert.ok(!(await b.getConversationList()).data.conversationList.some((c) => c.conversationID === 'C2CconvA'));
    // A fresh instance sees the server's list: the deleted conversation stays hidden.
    const b2 = env.client({ platform: 'Android' });
    await loginReady(env, b2, 'convB');
    assert.ok(!(await b2.getConversationList()).data.conversationList.some((c) => c.conversationID === 'C2CconvA'));
  });

  test('revokeMessage: the peer gets MESSAGE_REVOKED, the revoker does not; history shows isRevoked', async () => {
    const revokedAtAlice: Message[] = [];
    alice.on(EVENT.MESSAGE_REVOKED, (e: { data: Message[] }) => revokedAtAlice.push(...e.data));
    const got = nextEvent<Message[]>(bob, EVENT.MESSAGE_RECEIVED);
    const m = alice.createTextMessage({ to: 'bob', conversationType: 'C2C', payload: { text: 'oops' } });
    await alice.sendMessage(m);
    const [rx] = await got;
    const revoked = nextEvent<Message[]>(bob, EVENT.MESSAGE_REVOKED);
    const r = await alice.revokeMessage(m);
    assert.equal(r.code, 0);
    assert.equal(m.isRevoked, true);
    const [rv] = await revoked;
    assert.equal(rv!.ID, m.ID);
    assert.equal(rv, rx, 'the same Message object the app already holds');
    assert.equal(rx!.isRevoked, true);
    await sleep(100);
    assert.equal(revokedAtAlice.length, 0);
    const hist = await bob.getMessageList({ conversationID: 'C2Calice' });
    assert.equal(hist.data.messageList.find((x) => x.ID === m.ID)?.isRevoked, true);
    await assert.rejects(alice.revokeMessage(m), (e: IMError) => e.code === 20023);
  });

  test('listeners registered before login receive the messages synced at login, in order', async () => {
    const sender = env.client();
    await loginReady(env, sender, 'offSender');
    // Make the receiver exist, then go offline.
    const first = env.client();
    await loginReady(env, first, 'offRecv');
    await first.logout();
    for (let i = 0; i < 25; i++) await sender.sendMessage(sender.createTextMessage({ to: 'offRecv', conversationType: 'C2C', payload: { text: `off${i}` } }));
    const recv = env.client();
    const got: string[] = [];
    let readyAt = -1;
    recv.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data.map((m) => String(m.payload['text']))));
    recv.on(EVENT.SDK_READY, () => {
      readyAt = got.length;
    });
    await loginReady(env, recv, 'offRecv');
    assert.deepEqual(got, Array.from({ length: 25 }, (_, i) => `off${i}`));
    assert.equal(readyAt, 25, 'synced messages are reported before SDK_READY');
    assert.equal(recv.getTotalUnreadMessageCount(), 25);
  });

  test("initialSync 'latest': a client without a cache starts at the newest event (offline messages show as unread only)", async () => {
    const sender = env.client();
    await loginReady(env, sender, 'latestSender');
    const first = env.client();
    await loginReady(env, first, 'latestRecv');
    await first.logout();
    for (let i = 0; i < 4; i++) await sender.sendMessage(sender.createTextMessage({ to: 'latestRecv', conversationType: 'C2C', payload: { text: `l${i}` } }));
    const recv = env.client({ initialSync: 'latest' });
    const got: Message[] = [];
    recv.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
    await loginReady(env, recv, 'latestRecv');
    assert.equal(got.length, 0);
    const conv = (await recv.getConversationList()).data.conversationList[0]!;
    assert.equal(conv.unreadCount, 4);
    assert.equal(conv.lastMessage!.messageForShow, 'l3');
    const live = nextEvent<Message[]>(recv, EVENT.MESSAGE_RECEIVED);
    await sender.sendMessage(sender.createTextMessage({ to: 'latestRecv', conversationType: 'C2C', payload: { text: 'now' } }));
    assert.equal((await live)[0]!.payload['text'], 'now');
  });

  test('a burst of 130 concurrent sends is paced under the server limit: all succeed, in order', async () => {
    const s = env.client();
    const r = env.client();
    await loginReady(env, s, 'burstS');
    await loginReady(env, r, 'burstR');
    const got: string[] = [];
    r.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data.map((m) => String(m.payload['text']))));
    const results = await Promise.all(Array.from({ length: 130 }, (_, i) => s.sendMessage(s.createTextMessage({ to: 'burstR', conversationType: 'C2C', payload: { text: `b${i}` } }))));
    assert.ok(results.every((x) => x.code === 0));
    await until(() => got.length === 130, 5_000, '130 messages');
    assert.deepEqual(got, Array.from({ length: 130 }, (_, i) => `b${i}`));
  });

  test('profiles: getMyProfile, updateMyProfile, getUserProfile', async () => {
    const r = await alice.updateMyProfile({ nick: 'Alice A.', avatar: 'https://a/x.png' });
    assert.equal(r.code, 0);
    const me = await alice.getMyProfile();
    assert.equal(me.data['userID'], 'alice');
    assert.equal(me.data['nick'], 'Alice A.');
    assert.equal(me.data['avatar'], 'https://a/x.png');
    const others = await bob.getUserProfile({ userIDList: ['alice', 'ghost_user'] });
    assert.equal(others.code, 0);
    assert.deepEqual(others.data.map((p) => p['userID']), ['alice']);
    assert.equal(others.data[0]!['nick'], 'Alice A.');
  });
});
