/**
 * The live-room engine through the LiveRooms interface, over real WebSockets: real gateway and
 * ClientConnections (live/live-test-server.ts), raw `ws` clients.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { MemoryBusHub } from '../src/bus/bus.memory.ts';
import { CloseCodes } from '../src/gateway/close-codes.ts';
import { decodeLiveMessage, encodeLiveMessage } from '../src/live/live-cluster.ts';
import { interpretLiveConvention } from '../src/live/live-convention.ts';
import { startLiveTestServer, type LiveTestServer, type LiveTestServerOptions } from '../src/live/live-test-server.ts';
import { RoomLimiter } from '../src/live/room-limiter.ts';
import { MemoryPresence } from '../src/presence/presence.memory.ts';

const APP = 1400001234;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Push { push: string; data: any }

class Client {
  frames = 0;
  pushes: Push[] = [];
  closeCode: number | undefined;
  #id = 1;
  #pending = new Map<number, (r: any) => void>();
  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.frames++;
      const parsed = JSON.parse(raw.toString()) as unknown;
      for (const f of (Array.isArray(parsed) ? parsed : [parsed]) as any[]) {
        if (typeof f.push === 'string') this.pushes.push(f);
        else this.#pending.get(f.id)?.(f), this.#pending.delete(f.id);
      }
    });
    ws.on('close', (code) => (this.closeCode = code));
  }
  static async open(server: LiveTestServer, userID: string, sdkAppId = APP): Promise<Client> {
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws');
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    const c = new Client(ws);
    const r = await c.req('benchLogin', { sdkAppId, userID });
    assert.equal(r.code, 0);
    return c;
  }
  req(op: string, data: unknown): Promise<any> {
    const id = this.#id++;
    return new Promise((res) => {
      this.#pending.set(id, res);
      this.ws.send(JSON.stringify({ id, op, data }));
    });
  }
  async join(groupID: string, extra: object = {}): Promise<number> {
    const r = await this.req('liveJoin', { groupID, ...extra });
    assert.equal(r.code, 0, r.message);
    return r.data.memberCount;
  }
  named(name: string): Push[] {
    return this.pushes.filter((p) => p.push === name);
  }
  close(): void {
    this.ws.terminate();
  }
}

async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function wire(groupID: string, text: string, priority = 'Normal', from = 'admin'): string {
  return JSON.stringify({ type: 'GROUP', from, to: groupID, seq: 0, random: 1, time: 0, msgKey: '0_0_0', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }], priority, onlineOnly: true });
}

const servers: LiveTestServer[] = [];
const clients: Client[] = [];
async function server(opts: LiveTestServerOptions = {}): Promise<LiveTestServer> {
  const s = await startLiveTestServer({ ...opts, engine: { noticeFlushMs: 60_000, flushMs: 20, ...opts.engine } });
  servers.push(s);
  return s;
}
async function members(s: LiveTestServer, n: number, groupID: string, prefix = 'u'): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < n; i++) {
    const c = await Client.open(s, `${prefix}${i}`);
    clients.push(c);
    await c.join(groupID);
    out.push(c);
  }
  return out;
}

after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
});

describe('live rooms: fan-out', () => {
  test('a flush window is encoded once and the same frame reaches every member', async () => {
    const s = await server();
    const ms = await members(s, 20, 'room1');
    await sleep(50);
    const before = { ...s.engine.stats };
    for (let i = 0; i < 5; i++) assert.deepEqual(s.engine.publish(APP, 'room1', wire('room1', `m${i}`), 'Normal', 1000), { delivered: true });
    await until(() => ms.every((c) => c.named('roomMessage').length === 5), 3000, 'all deliveries');
    assert.equal(s.engine.stats.framesEncoded - before.framesEncoded, 1, 'one encoding for the window');
    assert.equal(s.engine.stats.frameWrites - before.frameWrites, 20, 'one write per member');
    for (const c of ms) {
      assert.deepEqual(c.named('roomMessage').map((p) => p.data.body[0].MsgContent.Text), ['m0', 'm1', 'm2', 'm3', 'm4']);
    }
    const metrics = await s.metrics.render();
    assert.match(metrics, /parley_live_frames_encoded_total \d+/);
  });

  test('sweeps: members in chunks, one encoding per chunk; a message sent mid-sweep reaches the members not yet visited in that sweep', async () => {
    // No roomStats pushes (the online-count refresh) in the middle of the counts below.
    const s = await server({ engine: { sweepChunk: 5, flushMs: 200, countRefreshMs: 600_000 } });
    const ms = await members(s, 20, 'sweep');
    await sleep(250);
    const before = { ...s.engine.stats };
    // 'b' is sent right after the first chunk of the first sweep has been written.
    const flush = s.engine.flush.bind(s.engine);
    let chunks = 0;
    s.engine.flush = (room) => {
      flush(room);
      if (++chunks === 1) s.engine.publish(APP, 'sweep', wire('sweep', 'b'), 'Normal', 1000);
    };
    s.engine.publish(APP, 'sweep', wire('sweep', 'a'), 'Normal', 1000);
    await until(() => ms.every((c) => c.named('roomMessage').length === 2), 3000, 'a and b everywhere');
    await s.engine.whenFlushed(APP, 'sweep');
    for (const c of ms) assert.deepEqual(c.named('roomMessage').map((p) => p.data.body[0].MsgContent.Text), ['a', 'b']);
    // Sweep 1: chunk 1 gets [a]; chunks 2-4 get [a,b] (one encoding each). Sweep 2: chunk 1 gets [b].
    // One flush per window for everyone would have taken 40 writes.
    assert.equal(s.engine.stats.frameWrites - before.frameWrites, 25);
    assert.equal(s.engine.stats.framesEncoded - before.framesEncoded, 5);
    assert.equal(s.engine.stats.flushes - before.flushes, 2, 'two sweeps');
  });

  test('one live room per connection: joining B leaves A', async () => {
    const s = await server();
    const [c] = await members(s, 1, 'A');
    const conn = s.connOf('u0')!;
    assert.deepEqual(s.engine.roomOf(conn), { sdkAppId: APP, groupId: 'A', receiveOnly: false });
    await c!.join('B');
    assert.equal(s.engine.roomOf(conn)?.groupId, 'B');
    assert.equal(s.engine.localMembers(APP, 'A'), 0);
    s.engine.publish(APP, 'A', wire('A', 'to A'), 'Normal', 40);
    s.engine.publish(APP, 'B', wire('B', 'to B'), 'Normal', 40);
    await until(() => c!.named('roomMessage').length >= 1);
    await sleep(60);
    assert.deepEqual(c!.named('roomMessage').map((p) => p.data.to), ['B']);
    // A connection that closes leaves its room.
    c!.close();
    await until(() => s.engine.localMembers(APP, 'B') === 0);
  });

  test('rate limit: High never dropped, Low shed before Normal, drops answered MsgFreqCtrl', async () => {
    const s = await server();
    const [c] = await members(s, 1, 'rl');
    const got = { High: 0, Normal: 0, Low: 0, Lowest: 0 };
    const sent = { High: 0, Normal: 0, Low: 0, Lowest: 0 };
    for (let i = 0; i < 40; i++) {
      for (const p of ['Lowest', 'Low', 'Normal', 'High'] as const) {
        if (p === 'High' && i % 4 !== 0) continue;
        const r = s.engine.publish(APP, 'rl', wire('rl', `${p}${i}`, p), p, 20);
        sent[p]++;
        if (r.delivered) got[p]++;
        else assert.deepEqual(r, { delivered: false, dropReason: 'MsgFreqCtrl' });
      }
    }
    assert.equal(got.High, sent.High, 'every High delivered');
    assert.ok(got.Normal > got.Low, `Normal ${got.Normal} > Low ${got.Low}`);
    assert.ok(got.Low >= got.Lowest, `Low ${got.Low} >= Lowest ${got.Lowest}`);
    assert.ok(got.Normal + got.Low + got.Lowest <= 20, 'the burst stays within about one second of budget');
    await until(() => c!.named('roomMessage').length === got.High + got.Normal + got.Low + got.Lowest);
    assert.match(await s.metrics.render(), /parley_live_dropped_total\{reason="MsgFreqCtrl",priority="Low"\} \d+/);
  });

  test('limiter unit: sustained Normal overload passes ~rate, Low gets nothing while Normal saturates', () => {
    const l = new RoomLimiter();
    let normal = 0;
    let low = 0;
    for (let t = 0; t < 10_000; t += 10) {
      if (l.admit(1, 40, t)) normal++;
      if (l.admit(2, 40, t)) low++;
    }
    assert.ok(normal >= 390 && normal <= 441, `normal ${normal}`);
    assert.ok(low < 20, `low ${low}`);
  });

  test('likes: 10,000 taps cost each member a few frames and carry the right total', async () => {
    const s = await server({ settings: { likeFlushMs: 150 } });
    const ms = await members(s, 5, 'likes');
    await sleep(60);
    const framesBefore = ms.map((c) => c.frames);
    const likers = ms.slice(0, 2);
    const calls: Promise<any>[] = [];
    for (let i = 0; i < 10; i++) for (const c of likers) calls.push(c.req('like', { groupID: 'likes', count: 500 }));
    const replies = await Promise.all(calls);
    assert.ok(replies.every((r) => r.code === 0 && r.data.counted === 500));
    await until(() => ms.every((c) => c.named('likes').at(-1)?.data.total === 10_000), 3000, 'like total');
    for (const [i, c] of ms.entries()) {
      const frames = c.frames - framesBefore[i]!;
      const likeFrames = c.named('likes').length;
      assert.ok(likeFrames <= 4, `member ${i} got ${likeFrames} like pushes`);
      assert.ok(frames <= 4 + (i < 2 ? 20 : 0), `member ${i} got ${frames} frames`);
    }
    const last = ms[4]!.named('likes').at(-1)!.data;
    assert.equal(last.groupID, 'likes');
    const top = ms[4]!.named('likes').findLast((p) => p.data.topUsers)!.data.topUsers;
    assert.deepEqual(top.map((t: any) => t.count), [5000, 5000]);
    assert.equal(s.engine.likesOf(APP, 'likes').total, 10_000);
    // Capped per call; must be in the room.
    assert.equal((await ms[0]!.req('like', { groupID: 'likes', count: 50_000 })).data.counted, 1000);
    assert.equal((await ms[0]!.req('like', { groupID: 'other', count: 1 })).code, 10007);
    assert.equal((await ms[0]!.req('like', { groupID: 'likes', count: 0 })).code, 6017);
  });

  test('enter/exit notices are aggregated above the sample size', async () => {
    const s = await server({ engine: { noticeFlushMs: 300, noticeSample: 5 } });
    const [observer] = await members(s, 1, 'crowd', 'obs');
    await until(() => observer!.named('roomMembers').length === 1, 2000, 'own join notice');
    assert.deepEqual(observer!.named('roomMembers')[0]!.data.joined, [{ userID: 'obs0' }]);
    const crowd = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      const c = await Client.open(s, `crowd${i}`);
      clients.push(c);
      await c.join('crowd');
      return c;
    }));
    for (const c of crowd.slice(0, 12)) c.close();
    await sleep(900);
    const notices = observer!.named('roomMembers').slice(1).map((p) => p.data);
    const joined = notices.reduce((a, n) => a + n.joinedCount, 0);
    const left = notices.reduce((a, n) => a + n.leftCount, 0);
    assert.equal(joined, 40);
    assert.equal(left, 12);
    // Aggregated: a notice per 300 ms window, not per event (joins may spread over several
    // windows on a loaded machine, so bound the ratio rather than the exact count).
    assert.ok(notices.length * 5 <= 52, `${notices.length} notices for 52 events`);
    for (const n of notices) assert.ok(n.joined.length <= 5 && n.left.length <= 5);
  });

  test('a member that stops reading is cut off (SLOW_CONSUMER) without affecting others', async () => {
    const s = await server({ engine: { maxMemberBytes: 256 * 1024, slowGraceMs: 400, flushMs: 10 } });
    const [healthy] = await members(s, 1, 'slow', 'ok');
    const raw = await rawWsClient(s.port);
    raw.write(maskedText(JSON.stringify({ id: 1, op: 'benchLogin', data: { sdkAppId: APP, userID: 'stuck' } })));
    await sleep(50);
    raw.write(maskedText(JSON.stringify({ id: 2, op: 'liveJoin', data: { groupID: 'slow' } })));
    await until(() => s.engine.localMembers(APP, 'slow') === 2, 2000, 'stuck member joined');
    raw.pause(); // stops reading: the kernel buffers fill, then the server's.
    const big = 'x'.repeat(16 * 1024);
    let sent = 0;
    const deadline = Date.now() + 10_000;
    while (s.engine.stats.slowConsumers === 0 && Date.now() < deadline) {
      for (let i = 0; i < 20; i++, sent++) s.engine.publish(APP, 'slow', wire('slow', `${sent}:${big}`), 'Normal', 1e9);
      await sleep(15);
    }
    assert.equal(s.engine.stats.slowConsumers, 1, 'the stuck member was cut off');
    assert.equal(s.engine.localMembers(APP, 'slow'), 1);
    await until(() => healthy!.named('roomMessage').length === sent, 10_000, 'healthy member got everything');
    assert.equal(healthy!.closeCode, undefined);
    raw.destroy();
    assert.equal(CloseCodes.SLOW_CONSUMER, 4100);
  });

  test('the live-stream convention: likes counted, enter/exit not forwarded, text and danmaku broadcast', async () => {
    const s = await server({ settings: { likeFlushMs: 50 } });
    const [a, b] = await members(s, 2, 'conv');
    const send = (userAction: number | string, extra: object = {}) => a!.req('livePublish', {
      groupID: 'conv', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: JSON.stringify({ userAction, userId: 'u0', nickName: 'A', headPic: '', msg: 'hi', ...extra }) } }],
    });
    assert.equal((await send(4)).data.convention, 'like');
    assert.equal((await send(4, { count: 9 })).data.convention, 'like');
    assert.equal((await send(2)).data.convention, 'enterExit');
    assert.equal((await send(3)).data.convention, 'enterExit');
    assert.equal((await send(1)).data.delivered, true);
    assert.equal((await send('5')).data.delivered, true);
    await until(() => b!.named('roomMessage').length === 2 && b!.named('likes').at(-1)?.data.total === 10, 2000, 'convention');
    const actions = b!.named('roomMessage').map((p) => JSON.parse(p.data.body[0].MsgContent.Text).userAction);
    assert.deepEqual(actions, [1, '5']);
  });

  test('interpretLiveConvention', () => {
    const t = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];
    assert.deepEqual(interpretLiveConvention(t('{"userAction":4}')), { kind: 'like', count: 1 });
    assert.deepEqual(interpretLiveConvention(t('{"userAction":4,"count":5000}')), { kind: 'like', count: 1000 });
    assert.deepEqual(interpretLiveConvention(t('{"userAction":2,"userId":"x"}')), { kind: 'enterExit', action: 2 });
    assert.deepEqual(interpretLiveConvention(t('{"userAction":3}')), { kind: 'enterExit', action: 3 });
    assert.deepEqual(interpretLiveConvention(t('{"userAction":1,"msg":"hi"}')), { kind: 'message', action: 1 });
    assert.deepEqual(interpretLiveConvention(t('{"userAction":5}')), { kind: 'message', action: 5 });
    assert.deepEqual(interpretLiveConvention(t('plain text with userAction')), { kind: 'message' });
    assert.deepEqual(interpretLiveConvention(t('{"userAction":9}')), { kind: 'message' });
    assert.deepEqual(interpretLiveConvention([{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{"userAction":4}' } }]), { kind: 'message' });
    assert.deepEqual(interpretLiveConvention(JSON.stringify(t('{"userAction":4}'))), { kind: 'like', count: 1 });
  });

  test('online count, roomStats pushes, guests receive-only, history on join, closeRoom', async () => {
    const s = await server({ settings: { roomHistoryOnJoin: 2 } });
    const ms = await members(s, 3, 'cnt');
    assert.equal(await s.engine.onlineCount(APP, 'cnt'), 3);
    await s.engine.refreshCounts();
    await until(() => ms.every((c) => c.named('roomStats').at(-1)?.data.onlineCount === 3), 2000, 'roomStats');
    const r = await ms[0]!.req('liveCount', { groupID: 'cnt' });
    assert.equal(r.data.memberCount, 3);
    for (let i = 0; i < 3; i++) s.engine.publish(APP, 'cnt', wire('cnt', `h${i}`), 'Normal', 40);
    const guest = await Client.open(s, 'guest1');
    clients.push(guest);
    assert.equal(await guest.join('cnt', { receiveOnly: true }), 4);
    await until(() => guest.named('roomMessage').length === 2);
    assert.deepEqual(guest.named('roomMessage').map((p) => p.data.body[0].MsgContent.Text), ['h1', 'h2']);
    assert.equal((await guest.req('like', { groupID: 'cnt', count: 1 })).code, 300011);
    assert.equal((await guest.req('livePublish', { groupID: 'cnt', body: [] })).code, 300011);
    s.engine.closeRoom(APP, 'cnt');
    await until(() => ms.every((c) => c.named('roomClosed').length === 1));
    assert.equal(s.engine.roomOf(s.connOf('u0')!), undefined);
    assert.equal(await s.engine.onlineCount(APP, 'cnt'), 0);
  });

  test('BChatRoom: broadcastToApp reaches every session of the app, once per window', async () => {
    const s = await server();
    const a = await Client.open(s, 'b1');
    const b = await Client.open(s, 'b2');
    const other = await Client.open(s, 'b3', APP + 1);
    clients.push(a, b, other);
    s.engine.broadcastToApp(APP, wire('@B', 'one'));
    s.engine.broadcastToApp(APP, wire('@B', 'two'));
    await until(() => a.named('broadcastMessage').length === 2 && b.named('broadcastMessage').length === 2);
    await sleep(50);
    assert.equal(other.named('broadcastMessage').length, 0);
  });
});

describe('live rooms: cluster', () => {
  test('published once per room on the bus; each node fans out to its own members; counts summed', async () => {
    const hub = new MemoryBusHub();
    const presence = new MemoryPresence();
    const published: string[] = [];
    const orig = hub.publish.bind(hub);
    hub.publish = (channel: string, payload: string) => {
      published.push(channel);
      orig(channel, payload);
    };
    const n1 = await server({ hub, presence, engine: { countRefreshMs: 100 } });
    const n2 = await server({ hub, presence, engine: { countRefreshMs: 100 } });
    const m1 = await members(n1, 2, 'cr', 'a');
    const m2 = await members(n2, 3, 'cr', 'b');
    const lonely = await members(n2, 1, 'elsewhere', 'c');
    published.length = 0;
    n1.engine.publish(APP, 'cr', wire('cr', 'hello cluster'), 'Normal', 40);
    await until(() => [...m1, ...m2].every((c) => c.named('roomMessage').length === 1), 2000, 'cluster delivery');
    assert.deepEqual(published, [`r:${APP}:cr`], 'one bus message for five members on two nodes');
    assert.equal(lonely[0]!.named('roomMessage').length, 0);
    await sleep(350);
    assert.equal(await n1.engine.onlineCount(APP, 'cr'), 5);
    assert.equal(await n2.engine.onlineCount(APP, 'cr'), 5);
    assert.equal(await presence.roomCount(APP, 'cr'), 5);
    // Likes counted on one node reach the other as one aggregated delta.
    n2.engine.like(APP, 'cr', 'b0', 7);
    n1.engine.like(APP, 'cr', 'a0', 3);
    await until(() => [...m1, ...m2].every((c) => c.named('likes').at(-1)?.data.total === 10), 3000, 'cluster likes');
    // A node without local members leaves the room channel.
    for (const c of m2) c.close();
    await until(() => n2.engine.localMembers(APP, 'cr') === 0);
    published.length = 0;
    n1.engine.publish(APP, 'cr', wire('cr', 'after'), 'Normal', 40);
    await until(() => m1.every((c) => c.named('roomMessage').length === 2));
  });

  test('sends of one event-loop turn cross the bus as one message, in order', async () => {
    const hub = new MemoryBusHub();
    const presence = new MemoryPresence();
    const published: string[] = [];
    const orig = hub.publish.bind(hub);
    hub.publish = (channel: string, payload: string) => {
      if (channel.startsWith('r:')) published.push(payload);
      orig(channel, payload);
    };
    const n1 = await server({ hub, presence });
    const n2 = await server({ hub, presence });
    await members(n1, 1, 'burst', 'p');
    const [far] = await members(n2, 1, 'burst', 'q');
    published.length = 0;
    const texts = Array.from({ length: 50 }, (_, i) => `m${i} \t\n ★ ${'x'.repeat(i)}`);
    for (const t of texts) n1.engine.publish(APP, 'burst', wire('burst', t), 'Normal', 1000);
    await until(() => far!.named('roomMessage').length === 50, 3000, 'the burst on the other node');
    assert.equal(published.length, 1, 'one bus message for the burst');
    assert.deepEqual(far!.named('roomMessage').map((p) => p.data.body[0].MsgContent.Text), texts);
  });

  test('bus line format: batched entries round-trip, malformed lines are refused', () => {
    const entries = [
      { rank: 0, kind: 0, text: '{"push":"roomMessage","data":{"a":"\\n\\t ★ 😀"}}' },
      { rank: 2, kind: 1, text: '' },
      { rank: 1, kind: 0, text: 'line\nbreak\tand tab 😀' },
    ];
    const line = encodeLiveMessage({ t: 'entries', origin: 'node-a', entries });
    assert.deepEqual(decodeLiveMessage(line), { t: 'entries', origin: 'node-a', entries });
    assert.equal(decodeLiveMessage(line.slice(0, -3)), undefined, 'truncated');
    assert.equal(decodeLiveMessage('Mnode-a\n0\t0\tx\nabc'), undefined, 'bad length');
    assert.deepEqual(decodeLiveMessage('Enode-a\t1\t0\n{"x":1}'), { t: 'entry', origin: 'node-a', rank: 1, kind: 0, text: '{"x":1}' });
  });
});

// ---- a raw WebSocket client whose socket can be paused (stops reading) ----

function rawWsClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const sock = connect(port, '127.0.0.1', () => {
      sock.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    const expected = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      sock.off('data', onData);
      if (!head.includes(expected)) reject(new Error('bad handshake'));
      else resolve(sock);
    };
    sock.on('data', onData);
    sock.on('error', () => {});
  });
}

function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
  const out = Buffer.concat([head, mask, payload]);
  for (let i = 0; i < len; i++) out[head.length + 4 + i]! ^= mask[i & 3]!;
  return out;
}
