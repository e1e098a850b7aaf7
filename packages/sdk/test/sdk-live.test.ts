/**
 * LiveRoom (AVChatRoom) over a real node: the classic userAction JSON convention, empty-text
 * refusal, client-merged likes with server totals, enter/exit notices, online counts, guests.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveRoom, type ChatSDK, type IMError, type SDKEvent } from '../src/node.ts';
import type { LiveLikesEvent, LiveMembersEvent, LiveTextEvent } from '../src/live-room.ts';
import { loginReady, sleep, startEnv, TIM, until, type TestEnv } from './helpers.ts';

const { TYPES } = TIM;

let env: TestEnv;
let host: ChatSDK;
let viewer: ChatSDK;
before(async () => {
  env = await startEnv({}, { settings: { likeFlushMs: 100 } });
  host = env.client();
  viewer = env.client();
  await loginReady(env, host, 'liveHost');
  await loginReady(env, viewer, 'liveViewer');
  await host.createGroup({ type: TYPES.GRP_AVCHATROOM, name: 'Live', groupID: 'live1' });
});
after(async () => {
  await env.close();
});

function collect<T>(room: LiveRoom, name: 'text' | 'danmaku' | 'likes' | 'enter' | 'exit' | 'onlineCount'): T[] {
  const out: T[] = [];
  room.on(name, (e: SDKEvent<any>) => out.push(e.data as T));
  return out;
}

describe('LiveRoom', () => {
  test('text and danmaku speak the userAction convention; empty text is refused before sending', async () => {
    const hostRoom = new LiveRoom(host, { groupID: 'live1', nickName: 'Host', headPic: 'https://h/p.png' });
    const viewerRoom = new LiveRoom(viewer, { groupID: 'live1', nickName: 'Viewer' });
    await hostRoom.enter();
    await viewerRoom.enter();
    const texts = collect<LiveTextEvent>(viewerRoom, 'text');
    const danmaku = collect<LiveTextEvent>(viewerRoom, 'danmaku');
    const hostTexts = collect<LiveTextEvent>(hostRoom, 'text');
    const m = await hostRoom.sendText('welcome');
    assert.equal(m.type, TYPES.MSG_TEXT);
    assert.deepEqual(JSON.parse(String(m.payload['text'])), { userAction: 1, userId: 'liveHost', nickName: 'Host', headPic: 'https://h/p.png', msg: 'welcome' });
    await viewerRoom.sendDanmaku('666');
    await until(() => texts.length === 1 && danmaku.length === 1, 3_000, 'text and danmaku');
    assert.equal(texts[0]!.msg, 'welcome');
    assert.equal(texts[0]!.nickName, 'Host');
    assert.equal(texts[0]!.headPic, 'https://h/p.png');
    assert.equal(texts[0]!.userId, 'liveHost');
    assert.equal(texts[0]!.self, false);
    assert.equal(danmaku[0]!.msg, '666');
    assert.equal(danmaku[0]!.self, true, 'own danmaku is reported locally once');
    await sleep(100);
    assert.equal(danmaku.length, 1, 'the server echo is not reported again');
    assert.deepEqual(hostTexts.map((t) => [t.msg, t.self]), [['welcome', true]]);
    await assert.rejects(viewerRoom.sendText(''), (e: IMError) => e.code === 6017);
    await assert.rejects(viewerRoom.sendDanmaku('   '), (e: IMError) => e.code === 6017);
    // A plain (non-JSON) text from another SDK is still a text event.
    const plain = host.createTextMessage({ to: 'live1', conversationType: 'GROUP', payload: { text: 'plain words' } });
    await host.sendMessage(plain);
    await until(() => texts.length === 2, 3_000, 'plain text');
    assert.equal(texts[1]!.msg, 'plain words');
    await viewerRoom.exit();
    await hostRoom.exit();
  });

  test('likes: taps merged per window into one like op; everyone gets aggregated totals', async () => {
    const hostRoom = new LiveRoom(host, { groupID: 'live1' });
    const viewerRoom = new LiveRoom(viewer, { groupID: 'live1', likeWindowMs: 150 });
    await hostRoom.enter();
    await viewerRoom.enter();
    const likes = collect<LiveLikesEvent>(hostRoom, 'likes');
    const sent: unknown[] = [];
    const orig = viewer._request.bind(viewer);
    (viewer as unknown as { _request: typeof orig })._request = (op: string, data: unknown) => {
      if (op === 'like') sent.push(data);
      return orig(op, data);
    };
    for (let i = 0; i < 25; i++) viewerRoom.like();
    await until(() => likes.length > 0 && likes[likes.length - 1]!.total >= 25, 3_000, 'like total 25');
    assert.deepEqual(sent, [{ groupID: 'live1', count: 25 }], 'one like op for 25 taps');
    viewerRoom.like(5);
    await viewerRoom.flushLikes();
    await until(() => likes[likes.length - 1]!.total === 30, 3_000, 'like total 30');
    assert.equal(hostRoom.likeTotal, 30);
    assert.throws(() => viewerRoom.like(0), (e: IMError) => e.code === 6017);
    await viewerRoom.exit();
    await hostRoom.exit();
  });

  test('enter/exit notices and the online count', async () => {
    const hostRoom = new LiveRoom(host, { groupID: 'live1' });
    await hostRoom.enter();
    const enters = collect<LiveMembersEvent>(hostRoom, 'enter');
    const exits = collect<LiveMembersEvent>(hostRoom, 'exit');
    const viewerRoom = new LiveRoom(viewer, { groupID: 'live1' });
    await viewerRoom.enter();
    await until(() => enters.some((e) => e.users.some((u) => u.userID === 'liveViewer')), 5_000, 'enter notice');
    const count = await host.getGroupOnlineMemberCount('live1');
    assert.ok(count.data.memberCount >= 1);
    await viewerRoom.exit();
    await until(() => exits.some((e) => e.users.some((u) => u.userID === 'liveViewer')), 5_000, 'exit notice');
    assert.ok(hostRoom.onlineCount >= 1);
    await hostRoom.exit();
  });

  test('the room is rejoined after a reconnect', async () => {
    const hostRoom = new LiveRoom(host, { groupID: 'live1' });
    const viewerRoom = new LiveRoom(viewer, { groupID: 'live1' });
    await hostRoom.enter();
    await viewerRoom.enter();
    const texts = collect<LiveTextEvent>(viewerRoom, 'text');
    // Drop the viewer's link (as a network failure would): the server forgets its room membership.
    const s = viewer._session()!;
    s.conn.disconnect(4101, 'test: drop', true);
    await until(() => viewer.getNetState() === 'connected', 5_000, 'reconnected');
    await sleep(300);
    await hostRoom.sendText('after reconnect');
    await until(() => texts.some((t) => t.msg === 'after reconnect'), 3_000, 'message after rejoin');
    await viewerRoom.exit();
    await hostRoom.exit();
  });

  test('guests in guest-mode apps join receive-only', async () => {
    const guestEnv = await startEnv({}, { mode: 'guest' });
    try {
      const anchor = guestEnv.client({ nick: 'Anchor' });
      await loginReady(guestEnv, anchor, 'anchor');
      await anchor.createGroup({ type: TYPES.GRP_AVCHATROOM, name: 'G', groupID: 'glive' });
      const anchorRoom = new LiveRoom(anchor, { groupID: 'glive', nickName: 'Anchor' });
      await anchorRoom.enter();
      const guest = guestEnv.client({ nick: 'Guest 1' });
      const g = await guest.guestLogin({ nick: 'Guest 1' });
      assert.match(g.data.userID, /^guest_/);
      assert.ok(g.data.userSig.length > 0);
      await until(() => guest.isReady(), 5_000, 'guest ready');
      const guestRoom = new LiveRoom(guest, { groupID: 'glive' });
      await guestRoom.enter();
      const texts = collect<LiveTextEvent>(guestRoom, 'text');
      await anchorRoom.sendText('hi guests');
      await until(() => texts.length === 1, 3_000, 'guest receives');
      assert.equal(texts[0]!.nickName, 'Anchor');
      await assert.rejects(guestRoom.sendText('can I talk?'), (e: IMError) => e.code === 300011);
    } finally {
      await guestEnv.close();
    }
  });
});
