/**
 * The connection state machine on an injected fake WebSocket (no server): state order, the one
 * disconnect path, which close codes reconnect, backoff bounds, request queueing and re-sending,
 * heartbeats, and batched server frames.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, FatalHandshakeError, type WebSocketLike } from '../src/connection.ts';
import { IMError } from '../src/errors.ts';
import { socketURL } from '../src/sdk.ts';
import { until } from './helpers.ts';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Array<{ id: number; op: string; data?: unknown }> = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closedWith: number | undefined;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The server closes (or the network drops). */
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  reply(id: number, data: unknown = {}, code = 0): void {
    this.onmessage?.({ data: JSON.stringify({ id, code, message: code ? 'err' : '', data }) });
  }
  frame(text: string): void {
    this.onmessage?.({ data: text });
  }
  last(op: string): { id: number; op: string; data?: unknown } | undefined {
    return [...this.sent].reverse().find((f) => f.op === op);
  }
}

function setup(opts: { handshake?: (call: (op: string, d: unknown) => Promise<any>) => Promise<{ heartbeatIntervalMs: number }>; heartbeatIntervalMs?: number } = {}) {
  FakeSocket.all = [];
  const states: string[] = [];
  const pushes: Array<[string, unknown]> = [];
  const disconnects: Array<[number, boolean]> = [];
  let connected = 0;
  const conn = new Connection({
    url: 'ws://fake/ws',
    WebSocket: FakeSocket,
    handshake: opts.handshake ?? (async (call) => {
      await call('login', {});
      return { heartbeatIntervalMs: 60_000 };
    }),
    onPush: (n, d) => pushes.push([n, d]),
    onStateChange: (s) => states.push(s),
    onDisconnect: (code, _r, reconnect) => disconnects.push([code, reconnect]),
    onConnected: () => connected++,
    minReconnectDelayMs: 10,
    maxReconnectDelayMs: 40,
    requestTimeoutMs: 2_000,
    ...(opts.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: opts.heartbeatIntervalMs, heartbeatTimeoutMs: 100 }),
  });
  return { conn, states, pushes, disconnects, connectedCount: () => connected };
}

async function handshakeDone(sock: FakeSocket): Promise<void> {
  sock.open();
  await until(() => sock.last('login') !== undefined, 1_000, 'login sent');
  sock.reply(sock.last('login')!.id);
}

test('socketURL accepts http(s) and ws(s) bases', () => {
  assert.equal(socketURL('http://h:1'), 'ws://h:1/ws');
  assert.equal(socketURL('https://h/'), 'wss://h/ws');
  assert.equal(socketURL('ws://h:2'), 'ws://h:2/ws');
  assert.equal(socketURL('wss://h:3/ws'), 'wss://h:3/ws');
  assert.equal(socketURL('h:4'), 'ws://h:4/ws');
});

test('connecting → connected only after the handshake; queued requests go out then; batches are split', async () => {
  const { conn, states, pushes, connectedCount } = setup();
  conn.connect();
  assert.deepEqual(states, ['connecting']);
  const r = conn.request('getConversationList', {});
  const sock = FakeSocket.all[0]!;
  await handshakeDone(sock);
  await until(() => states.includes('connected'), 1_000, 'connected');
  assert.equal(connectedCount(), 1);
  const q = sock.last('getConversationList')!;
  assert.ok(q, 'queued request sent after the handshake');
  sock.frame(JSON.stringify([{ push: 'inbox', data: { inbox: 1 } }, { id: q.id, code: 0, message: '', data: { ok: 1 } }, { push: 'kickedOut', data: {} }]));
  assert.deepEqual(await r, { ok: 1 });
  assert.deepEqual(pushes.map((p) => p[0]), ['inbox', 'kickedOut']);
  conn.close();
  assert.deepEqual(states, ['connecting', 'connected', 'disconnected']);
});

test('close codes: ≥ 4100 and network errors reconnect, < 4100 stop; retryable requests are re-sent', async () => {
  const { conn, states, disconnects } = setup();
  conn.connect();
  await handshakeDone(FakeSocket.all[0]!);
  await until(() => states.includes('connected'), 1_000, 'connected');
  const p = conn.request('sendMessage', { clientMsgId: 'x' }, { retry: true });
  const once = conn.request('createGroup', {}, { retry: false });
  FakeSocket.all[0]!.drop(1006);
  await assert.rejects(once, (e: IMError) => e.code === 6200);
  assert.deepEqual(disconnects[0], [1006, true]);
  await until(() => FakeSocket.all.length === 2, 1_000, 'reconnect attempt');
  const s2 = FakeSocket.all[1]!;
  await handshakeDone(s2);
  await until(() => s2.last('sendMessage') !== undefined, 1_000, 're-sent');
  s2.reply(s2.last('sendMessage')!.id, { message: 'stored' });
  assert.deepEqual(await p, { message: 'stored' });
  s2.drop(4100);
  assert.deepEqual(disconnects[1], [4100, true]);
  await until(() => FakeSocket.all.length === 3, 1_000, 'reconnect after 4100');
  const s3 = FakeSocket.all[2]!;
  await handshakeDone(s3);
  await until(() => conn.state === 'connected', 1_000, 'connected again');
  s3.drop(4001);
  assert.deepEqual(disconnects[2], [4001, false]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(FakeSocket.all.length, 3, 'no reconnect after 4001');
  await assert.rejects(conn.request('x', {}), (e: IMError) => e.code === 6200);
  assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), states);
});

test('a fatal handshake answer stops; a transient one retries with backoff bounded by the max', async () => {
  let attempts = 0;
  const { conn, disconnects } = setup({
    handshake: async () => {
      attempts++;
      if (attempts < 4) throw new IMError(70169, 'busy');
      throw new FatalHandshakeError(70001, 'expired');
    },
  });
  const started = Date.now();
  conn.connect();
  for (let i = 0; i < 4; i++) {
    await until(() => FakeSocket.all.length === i + 1, 1_000, `attempt ${i + 1}`);
    FakeSocket.all[i]!.open();
  }
  await until(() => disconnects.length === 4, 1_000, 'four disconnects');
  assert.ok(Date.now() - started < 500, 'three backoffs of at most 40 ms each');
  assert.deepEqual(disconnects.map((d) => d[1]), [true, true, true, false]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(FakeSocket.all.length, 4);
});

test('an unanswered heartbeat tears the link down and reconnects', async () => {
  const { conn, disconnects } = setup({ heartbeatIntervalMs: 50 });
  conn.connect();
  const s1 = FakeSocket.all[0]!;
  await handshakeDone(s1);
  await until(() => s1.last('heartbeat') !== undefined, 1_000, 'heartbeat sent');
  s1.reply(s1.last('heartbeat')!.id, { serverTime: 1 });
  await until(() => s1.sent.filter((f) => f.op === 'heartbeat').length === 2, 1_000, 'second heartbeat');
  // No answer this time.
  await until(() => disconnects.length === 1, 1_000, 'heartbeat timeout');
  assert.deepEqual(disconnects[0], [4502, true]);
  await until(() => FakeSocket.all.length === 2, 1_000, 'reconnect');
  conn.close();
});
