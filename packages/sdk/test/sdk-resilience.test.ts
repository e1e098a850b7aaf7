/**
 * The SDK under failure: links cut at random while 5,000 messages flow (exactly once, in order),
 * dead links found by heartbeats, sends queued offline and retried idempotently, kicks, ticket
 * expiry and renewal, and the offline cache across a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codes } from '@parley/protocol';
import type { ChatSDK, IMError, Message } from '../src/node.ts';
import { loginReady, nextEvent, sleep, startEnv, TcpProxy, TIM, until, type TestEnv } from './helpers.ts';

const { EVENT, TYPES } = TIM;

let env: TestEnv;
let proxy: TcpProxy;
before(async () => {
  env = await startEnv({ loginBurstPer10s: 100_000 }, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10, native: 3 } } });
  proxy = new TcpProxy(env.port);
  await proxy.listen();
});
after(async () => {
  await env.close();
  await proxy.close();
});

function text(m: Message): string {
  return String(m.payload['text'] ?? '');
}

describe('chaos', () => {
  test('links cut at random while 5,000 messages flow: every message arrives exactly once and in order', async () => {
    const receiver = env.client({ server: proxy.url, heartbeatIntervalMs: 1_000 });
    const received: Message[] = [];
    receiver.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => received.push(...e.data));
    let reconnects = 0;
    receiver.on(EVENT.NET_STATE_CHANGE, (e: { data: { state: string } }) => {
      if (e.data.state === 'connected') reconnects++;
    });
    await loginReady(env, receiver, 'chaosR');

    // 4 SDK senders through the proxy (their sends retry across cuts) ...
    const SDK_SENDERS = 4;
    const PER_SDK = 150;
    // ... and 4,400 messages injected on the server from 20 other users.
    const INJECTED_USERS = 20;
    const PER_INJECTED = 220;
    const senders: ChatSDK[] = [];
    for (let i = 0; i < SDK_SENDERS; i++) {
      const s = env.client({ server: proxy.url, heartbeatIntervalMs: 1_000 });
      await loginReady(env, s, `chaosS${i}`);
      senders.push(s);
    }
    for (let u = 0; u < INJECTED_USERS; u++) await env.parley.services.directory.ensure(env.sdkAppId, `chaosI${u}`);

    let chaos = true;
    const chaosLoop = (async () => {
      while (chaos) {
        await sleep(100 + Math.random() * 300);
        if (chaos) proxy.cut();
      }
    })();

    const sdkSends = senders.map(async (s, i) => {
      for (let n = 0; n < PER_SDK; n++) {
        const m = s.createTextMessage({ to: 'chaosR', conversationType: 'C2C', payload: { text: `S${i}:${n}` } });
        const r = await s.sendMessage(m);
        assert.equal(r.data.message.status, 'success');
      }
    });
    const injected = Array.from({ length: INJECTED_USERS }, async (_, u) => {
      for (let n = 0; n < PER_INJECTED; n++) {
        await env.parley.services.c2c.send({
          sdkAppId: env.sdkAppId, from: `chaosI${u}`, to: 'chaosR', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `I${u}:${n}` } }],
          dedupKey: `r:chaos:${u}:${n}`, random: (u * 100_000 + n) >>> 0, senderSync: 'none',
        });
      }
    });
    await Promise.all([...sdkSends, ...injected]);
    const total = SDK_SENDERS * PER_SDK + INJECTED_USERS * PER_INJECTED;
    await until(() => received.length >= total, 60_000, `all ${total} messages (have ${received.length})`);
    chaos = false;
    await chaosLoop;
    await sleep(300);

    assert.equal(received.length, total, 'no duplicates');
    const ids = new Set(received.map((m) => m.ID));
    assert.equal(ids.size, total, 'unique IDs');
    // Per sender, the order of sending.
    const next = new Map<string, number>();
    for (const m of received) {
      const [who, nStr] = text(m).split(':');
      const n = Number(nStr);
      assert.equal(n, next.get(who!) ?? 0, `${who} in order`);
      next.set(who!, n + 1);
    }
    // Each conversation's sequences strictly increase, as the server numbered them.
    const lastSeq = new Map<string, number>();
    for (const m of received) {
      assert.ok(m.sequence > (lastSeq.get(m.conversationID) ?? 0), 'sequence order');
      lastSeq.set(m.conversationID, m.sequence);
    }
    assert.ok(proxy.cuts >= 5, `the links were cut (${proxy.cuts} cuts)`);
    assert.ok(reconnects >= 3, `the receiver reconnected (${reconnects} times)`);
    // The history agrees with what was delivered.
    await until(() => receiver.getNetState() === 'connected', 5_000, 'receiver connected');
    const hist = await receiver.getMessageList({ conversationID: 'C2CchaosS0' });
    assert.deepEqual(hist.data.messageList.map(text), Array.from({ length: 15 }, (_, i) => `S0:${PER_SDK - 15 + i}`));
  });
});

describe('dead links and offline sends', () => {
  test('a black-holed link is found by heartbeats; sends made meanwhile go out once after the reconnect', async () => {
    const sender = env.client({ server: proxy.url, heartbeatIntervalMs: 250, heartbeatTimeoutMs: 250, connectTimeoutMs: 1_000 });
    const receiver = env.client();
    await loginReady(env, sender, 'hbS');
    await loginReady(env, receiver, 'hbR');
    const got: Message[] = [];
    receiver.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
    const states: string[] = [];
    sender.on(EVENT.NET_STATE_CHANGE, (e: { data: { state: string } }) => states.push(e.data.state));
    proxy.blackhole('both');
    const lost = nextEvent(sender, EVENT.NET_STATE_CHANGE, 3_000, (d: { state: string }) => d.state === 'disconnected');
    const pending = [0, 1, 2].map((i) => sender.sendMessage(sender.createTextMessage({ to: 'hbR', conversationType: 'C2C', payload: { text: `hb${i}` } })));
    await lost;
    await sleep(300);
    assert.equal(got.length, 0);
    proxy.blackhole('none');
    const results = await Promise.all(pending);
    assert.ok(results.every((r) => r.data.message.status === 'success'));
    await until(() => got.length === 3, 3_000, 'three messages');
    await sleep(200);
    assert.deepEqual(got.map(text), ['hb0', 'hb1', 'hb2']);
    assert.ok(states.includes('disconnected') && states[states.length - 1] === 'connected');
  });

  test('an ack lost on the way back: the retry with the same ID is stored once', async () => {
    const sender = env.client({ server: proxy.url, heartbeatIntervalMs: 250, heartbeatTimeoutMs: 250, connectTimeoutMs: 1_000 });
    const receiver = env.client();
    await loginReady(env, sender, 'ackS');
    await loginReady(env, receiver, 'ackR');
    const got: Message[] = [];
    receiver.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
    proxy.blackhole('down');
    const m = sender.createTextMessage({ to: 'ackR', conversationType: 'C2C', payload: { text: 'once' } });
    const p = sender.sendMessage(m);
    await until(() => got.length === 1, 3_000, 'the server stored it');
    await sleep(100);
    assert.equal(m.status, 'unSend', 'no ack yet');
    proxy.blackhole('none');
    proxy.cut();
    await p;
    assert.equal(m.status, 'success');
    assert.equal(m.sequence, got[0]!.sequence);
    await sleep(300);
    assert.equal(got.length, 1, 'stored and delivered once');
    const hist = await receiver.getMessageList({ conversationID: 'C2CackS' });
    assert.equal(hist.data.messageList.filter((x) => text(x) === 'once').length, 1);
  });

  test('sends while the server is unreachable wait, then go out in order', async () => {
    const sender = env.client({ server: proxy.url });
    const receiver = env.client();
    await loginReady(env, sender, 'offS');
    await loginReady(env, receiver, 'offR');
    const got: Message[] = [];
    receiver.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
    proxy.setDown(true);
    await until(() => sender.getNetState() !== 'connected', 2_000, 'sender offline');
    const msgs = [0, 1, 2, 3, 4].map((i) => sender.createTextMessage({ to: 'offR', conversationType: 'C2C', payload: { text: `q${i}` } }));
    const pending = msgs.map((m) => sender.sendMessage(m));
    await sleep(400);
    assert.ok(msgs.every((m) => m.status === 'unSend'));
    // Reads that need the server answer from the cache meanwhile.
    const conv = await sender.getConversationList();
    assert.equal(conv.code, 0);
    proxy.setDown(false);
    await Promise.all(pending);
    await until(() => got.length === 5, 3_000, 'five messages');
    assert.deepEqual(got.map(text), ['q0', 'q1', 'q2', 'q3', 'q4']);
  });

  test('a send that cannot go out in sendTimeoutMs fails with 6200 and can be resent', async () => {
    const sender = env.client({ server: proxy.url, sendTimeoutMs: 300 });
    const receiver = env.client();
    await loginReady(env, sender, 'toS');
    await loginReady(env, receiver, 'toR');
    proxy.setDown(true);
    await until(() => sender.getNetState() !== 'connected', 2_000, 'sender offline');
    const m = sender.createTextMessage({ to: 'toR', conversationType: 'C2C', payload: { text: 'late' } });
    await assert.rejects(sender.sendMessage(m), (e: IMError) => e.code === Codes.NO_NETWORK.code);
    assert.equal(m.status, 'fail');
    proxy.setDown(false);
    await until(() => sender.getNetState() === 'connected', 3_000, 'back online');
    const got = nextEvent<Message[]>(receiver, EVENT.MESSAGE_RECEIVED);
    await sender.resendMessage(m);
    assert.equal(m.status, 'success');
    assert.equal((await got)[0]!.ID, m.ID);
  });
});

describe('resync push', () => {
  test('a `resync` push (cluster bus hiccup) makes the client sync its inbox and groups at once', async () => {
    const c = env.client();
    await loginReady(env, c, 'resyncUser');
    const ops: string[] = [];
    const conn = c._session()!.conn;
    const orig = conn.request.bind(conn);
    conn.request = ((op: string, data?: unknown, opts?: never) => {
      ops.push(op);
      return orig(op, data, opts);
    }) as typeof conn.request;
    env.parley.services.sessions.deliver(env.sdkAppId, 'resyncUser', '{"push":"resync","data":{"reason":"busReconnect"}}');
    await until(() => ops.includes('sync') && ops.includes('syncGroups'), 3_000, 'sync and syncGroups');
    assert.equal(c.getNetState(), 'connected', 'the link stays up');
  });
});

describe('kicks and ticket expiry', () => {
  test('another login kicks the first instance (single policy): KICKED_OUT, SDK_NOT_READY, no reconnect', async () => {
    const single = await startEnv();
    try {
      const first = single.client();
      const second = single.client();
      await loginReady(single, first, 'kicked');
      const states: string[] = [];
      first.on(EVENT.NET_STATE_CHANGE, (e: { data: { state: string } }) => states.push(e.data.state));
      const kicked = nextEvent<{ type: string }>(first, EVENT.KICKED_OUT);
      const notReady = nextEvent(first, EVENT.SDK_NOT_READY);
      await loginReady(single, second, 'kicked');
      assert.deepEqual(await kicked, { type: TYPES.KICKED_OUT_MULT_ACCOUNT });
      await notReady;
      assert.equal(first.getLoginStatus(), 3);
      await sleep(500);
      assert.ok(!states.includes('connecting'), 'no reconnect after a kick');
      assert.equal(second.getLoginStatus(), 1);
      await assert.rejects(first.getConversationList(), (e: IMError) => e.code === 6208, 'calls after a kick: 6208');
    } finally {
      await single.close();
    }
  });

  test('a REST kick reports KICKED_OUT_REST_API', async () => {
    const c = env.client();
    await loginReady(env, c, 'restKicked');
    const kicked = nextEvent<{ type: string }>(c, EVENT.KICKED_OUT);
    await env.parley.services.sessions.kick(env.sdkAppId, 'restKicked', 'all', 'REST_API_Kick', Codes.KICKED_BY_OTHERS.code, 'kick');
    assert.deepEqual(await kicked, { type: TYPES.KICKED_OUT_REST_API });
    assert.equal(c.getLoginStatus(), 3);
  });

  test('ticket expiry: USER_SIG_EXPIRED, then renewUserSig resumes with the same state and no loss', async () => {
    const peer = env.client();
    await loginReady(env, peer, 'expPeer');
    const c = env.client();
    const ready = nextEvent(c, EVENT.SDK_READY);
    const now = Math.floor(Date.now() / 1000);
    await c.login({ userID: 'expUser', userSig: env.sig('expUser', 2, now) });
    await ready;
    await peer.sendMessage(peer.createTextMessage({ to: 'expUser', conversationType: 'C2C', payload: { text: 'before' } }));
    await until(async () => (await c.getConversationList()).data.conversationList.length === 1, 3_000, 'conversation');
    const expired = nextEvent(c, EVENT.USER_SIG_EXPIRED, 6_000);
    const kicked = nextEvent<{ type: string }>(c, EVENT.KICKED_OUT, 6_000);
    await expired;
    assert.deepEqual(await kicked, { type: TYPES.KICKED_OUT_USERSIG_EXPIRED });
    assert.notEqual(c.getLoginStatus(), 3, 'still logged in, waiting for a ticket');
    // State is kept while expired.
    assert.equal((await c.getConversationList()).data.conversationList.length, 1);
    for (let i = 0; i < 3; i++) await peer.sendMessage(peer.createTextMessage({ to: 'expUser', conversationType: 'C2C', payload: { text: `during${i}` } }));
    const got: Message[] = [];
    c.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
    const readyAgain = nextEvent(c, EVENT.SDK_READY);
    await c.renewUserSig(env.sig('expUser', 3600));
    await readyAgain;
    await until(() => got.length === 3, 3_000, 'missed messages');
    assert.deepEqual(got.map(text), ['during0', 'during1', 'during2']);
    assert.equal(c.getLoginStatus(), 1);
    assert.equal(c.getTotalUnreadMessageCount(), 4);
  });

  test('renewUserSig before expiry keeps the session open', async () => {
    const c = env.client();
    const ready = nextEvent(c, EVENT.SDK_READY);
    await c.login({ userID: 'renewEarly', userSig: env.sig('renewEarly', 2) });
    await ready;
    let expired = false;
    c.on(EVENT.USER_SIG_EXPIRED, () => {
      expired = true;
    });
    await c.renewUserSig(env.sig('renewEarly', 3600));
    await sleep(3_200);
    assert.equal(expired, false);
    assert.equal(c.getNetState(), 'connected');
  });
});

describe('offline cache', () => {
  test('a restarted Node client reads conversations and history from cachePath before it connects', async () => {
    const cachePath = await mkdtemp(join(tmpdir(), 'parley-sdk-cache-'));
    try {
      const peer = env.client();
      await loginReady(env, peer, 'cachePeer');
      const first = env.client({ cachePath, server: proxy.url });
      await loginReady(env, first, 'cacheUser');
      for (let i = 0; i < 5; i++) await peer.sendMessage(peer.createTextMessage({ to: 'cacheUser', conversationType: 'C2C', payload: { text: `c${i}` } }));
      await until(async () => (await first.getConversationList()).data.conversationList[0]?.unreadCount === 5, 3_000, 'unread 5');
      await first.destroy();

      // Restart with the server unreachable.
      proxy.setDown(true);
      const second = env.client({ cachePath, server: proxy.url, loginTimeoutMs: 20_000 });
      const loginP = second.login({ userID: 'cacheUser', userSig: env.sig('cacheUser') });
      assert.equal(second.getLoginStatus(), 2);
      const list = (await second.getConversationList()).data.conversationList;
      assert.equal(list.length, 1);
      assert.equal(list[0]!.conversationID, 'C2CcachePeer');
      assert.equal(list[0]!.unreadCount, 5);
      assert.equal(list[0]!.lastMessage!.messageForShow, 'c4');
      const hist = await second.getMessageList({ conversationID: 'C2CcachePeer' });
      assert.deepEqual(hist.data.messageList.map(text), ['c0', 'c1', 'c2', 'c3', 'c4']);
      assert.equal(second.isReady(), false);

      // Meanwhile more arrives; once the network is back, the cache catches up with no duplicates.
      for (let i = 5; i < 8; i++) await peer.sendMessage(peer.createTextMessage({ to: 'cacheUser', conversationType: 'C2C', payload: { text: `c${i}` } }));
      const got: Message[] = [];
      second.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
      const ready = nextEvent(second, EVENT.SDK_READY, 10_000);
      proxy.setDown(false);
      await loginP;
      await ready;
      assert.deepEqual(got.map(text), ['c5', 'c6', 'c7']);
      const after = (await second.getConversationList()).data.conversationList;
      assert.equal(after[0]!.unreadCount, 8);
      assert.equal(after[0]!.lastMessage!.messageForShow, 'c7');
      const hist2 = await second.getMessageList({ conversationID: 'C2CcachePeer' });
      assert.deepEqual(hist2.data.messageList.map(text), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    } finally {
      proxy.setDown(false);
      await rm(cachePath, { recursive: true, force: true });
    }
  });
});

describe('too far behind', () => {
  test('a cursor past the server replay limit (300007 / tooFarBehind) jumps ahead; the list and history come from the server', async () => {
    const far = await startEnv({ maxSyncGap: 10 });
    try {
      const peer = far.client();
      await loginReady(far, peer, 'farPeer');
      const u = far.client();
      await loginReady(far, u, 'farUser');
      await peer.createGroup({ type: TYPES.GRP_WORK, name: 'Far', groupID: 'far1', memberList: [{ userID: 'farUser' }] });
      await peer.sendMessage(peer.createTextMessage({ to: 'farUser', conversationType: 'C2C', payload: { text: 'first' } }));
      await until(async () => (await u.getConversationList()).data.conversationList.length === 2, 3_000, 'two conversations');
      await u.logout();
      for (let i = 0; i < 30; i++) {
        await peer.sendMessage(peer.createTextMessage({ to: 'farUser', conversationType: 'C2C', payload: { text: `c${i}` } }));
        await peer.sendMessage(peer.createTextMessage({ to: 'far1', conversationType: 'GROUP', payload: { text: `g${i}` } }));
      }
      const got: Message[] = [];
      u.on(EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => got.push(...e.data));
      await loginReady(far, u, 'farUser');
      assert.equal(got.length, 0, 'skipped events are not reported one by one');
      const list = (await u.getConversationList()).data.conversationList;
      const c2c = list.find((c) => c.conversationID === 'C2CfarPeer')!;
      assert.equal(c2c.lastMessage!.messageForShow, 'c29');
      assert.equal(c2c.unreadCount, 31);
      const grp = list.find((c) => c.conversationID === 'GROUPfar1')!;
      assert.equal(grp.lastMessage!.messageForShow, 'g29');
      const hist = await u.getMessageList({ conversationID: 'C2CfarPeer' });
      assert.deepEqual(hist.data.messageList.map(text), Array.from({ length: 15 }, (_, i) => `c${i + 15}`));
      // Live traffic continues normally after the jump.
      const live = nextEvent<Message[]>(u, EVENT.MESSAGE_RECEIVED);
      await peer.sendMessage(peer.createTextMessage({ to: 'far1', conversationType: 'GROUP', payload: { text: 'live' } }));
      assert.equal(text((await live)[0]!), 'live');
    } finally {
      await far.close();
    }
  });
});
