import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MsgBody } from '@parley/protocol';
import { Metrics } from '../src/observability/metrics.ts';
import { buildCallbackUrl, signCallback } from '../src/callbacks/callback-signer.ts';
import { CallbackClient } from '../src/callbacks/callback-client.ts';
import { runBeforeSend, type BeforeDecision } from '../src/callbacks/before-send.ts';
import { AfterEventDispatcher } from '../src/callbacks/after-events.ts';
import { validateCallbackConfig, type CallbackApp, type CallbackConfig } from '../src/callbacks/callback-config.ts';
import type { C2CSendMsgBody, GroupSendMsgBody, StateChangeBody } from '../src/callbacks/callback-bodies.ts';
import { ParleyError } from '../src/errors.ts';

// ---- a real HTTP receiver on 127.0.0.1:0 -------------------------------------------------------

interface Seen { query: URLSearchParams; body: Record<string, unknown>; at: number }
interface Answer { status?: number; body?: unknown; raw?: string; delayMs?: number }
type Handler = (seen: Seen, n: number) => Answer;

const receivers: Receiver[] = [];
after(async () => {
  for (const r of receivers) await r.close();
  client.close();
});

class Receiver {
  readonly seen: Seen[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly server: http.Server;
  url = '';
  connections = 0;
  constructor(private handler: Handler) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const seen = { query: u.searchParams, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>, at: Date.now() };
        this.seen.push(seen);
        const a = this.handler(seen, this.seen.length);
        const reply = (): void => {
          res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
          res.end(a.raw ?? JSON.stringify(a.body ?? { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 }));
        };
        if (a.delayMs) {
          const t = setTimeout(() => {
            this.timers.delete(t);
            if (!res.destroyed) reply();
          }, a.delayMs);
          this.timers.add(t);
        } else reply();
      });
    });
    this.server.on('connection', () => this.connections++);
  }
  static async start(handler: Handler): Promise<Receiver> {
    const r = new Receiver(handler);
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook?tenant=a`;
    receivers.push(r);
    return r;
  }
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const client = new CallbackClient();
const ok = (extra: Record<string, unknown> = {}): Answer => ({ body: { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, ...extra } });
const code = (ErrorCode: number, ErrorInfo = ''): Answer => ({ body: { ActionStatus: 'FAIL', ErrorInfo, ErrorCode } });

function app(url: string, over: Partial<CallbackConfig> = {}): CallbackApp {
  return {
    sdkAppId: 1400000001,
    callback: {
      url,
      token: 'xxxyyy',
      enabled: new Set(['C2C.CallbackBeforeSendMsg', 'Group.CallbackBeforeSendMsg', 'C2C.CallbackAfterSendMsg', 'State.StateChange']),
      beforeSendFailurePolicy: 'deliver',
      afterRetry: false,
      timeoutMs: 300,
      ...over,
    },
  };
}

const text = (t: string): MsgBody => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];
const c2c: C2CSendMsgBody = {
  From_Account: 'jared', To_Account: 'John', MsgSeq: 48374, MsgRandom: 2837546, MsgTime: 1557481126,
  MsgKey: '48374_2837546_1557481126', OnlineOnlyFlag: 0, MsgBody: text('red packet'), CloudCustomData: 'ccd',
};
const grp: GroupSendMsgBody = {
  GroupId: '@TGS#2J4SZEAEL', Type: 'Public', From_Account: 'jared', Operator_Account: '', Random: 123456,
  OnlineOnlyFlag: 0, MsgBody: text('hi'), EventTime: '1670574414123',
};
const deps = { client };
const c2cSend = (a: CallbackApp): Promise<BeforeDecision> => runBeforeSend(a, 'C2C.CallbackBeforeSendMsg', c2c, { clientIp: '10.0.0.7', optPlatform: 'Web' }, deps);
const groupSend = (a: CallbackApp): Promise<BeforeDecision> => runBeforeSend(a, 'Group.CallbackBeforeSendMsg', grp, { optPlatform: 'RESTAPI' }, deps);

async function counter(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const m = metrics.registry.getSingleMetric(name);
  if (!m) return 0;
  const { values } = await m.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

// ---- signing and config ------------------------------------------------------------------------

test('signer: the reference example and the URL parameters', () => {
  // Tencent's example. Older doc revisions (and our reference) print the token as `xxxyyy`, but
  // the published hash is sha256("xxxxyyyy1669872112"); newer revisions spell it `xxxxyyyy`.
  assert.equal(signCallback('xxxxyyyy', 1669872112), '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061');
  assert.equal(signCallback('xxxyyy', 1669872112), 'e78a85473bed2cdc8d6fa8c4d5a4ba4735fd64156e15a99516b9890293e135de');
  const u = new URL(buildCallbackUrl('https://www.example.com/cb?k=v', {
    sdkAppId: 1400000001, command: 'C2C.CallbackBeforeSendMsg', clientIp: '1.2.3.4', optPlatform: 'iOS', token: 'xxxxyyyy', requestTime: 1669872112,
  }));
  assert.equal(u.origin + u.pathname, 'https://www.example.com/cb');
  assert.deepEqual(Object.fromEntries(u.searchParams), {
    k: 'v', SdkAppid: '1400000001', CallbackCommand: 'C2C.CallbackBeforeSendMsg', contenttype: 'json', ClientIP: '1.2.3.4',
    OptPlatform: 'iOS', Sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061', RequestTime: '1669872112',
  });
  const plain = new URL(buildCallbackUrl('http://h/x', { sdkAppId: 1, command: 'State.StateChange' }));
  assert.equal(plain.searchParams.has('Sign'), false);
  assert.equal(plain.searchParams.get('OptPlatform'), 'Unknown');
});

test('config validation', () => {
  const good: CallbackConfig = { url: 'https://h/cb', enabled: ['State.StateChange'], beforeSendFailurePolicy: 'refuse', afterRetry: true };
  validateCallbackConfig(good);
  for (const bad of [{ url: 'ftp://h' }, { url: 'nope' }, { enabled: ['C2C.Typo'] }, { timeoutMs: 5 }, { beforeSendFailurePolicy: 'maybe' }]) {
    assert.throws(() => validateCallbackConfig({ ...good, ...bad } as CallbackConfig), (e: unknown) => e instanceof ParleyError && e.code === 70402);
  }
});

// ---- before-send -------------------------------------------------------------------------------

test('before-send: request carries signed URL parameters and the body', async () => {
  const r = await Receiver.start(() => ok());
  const t0 = Math.floor(Date.now() / 1000);
  assert.deepEqual(await c2cSend(app(r.url)), { action: 'allow' });
  const [s] = r.seen;
  assert.ok(s);
  const q = s.query;
  assert.equal(q.get('tenant'), 'a');
  assert.equal(q.get('SdkAppid'), '1400000001');
  assert.equal(q.get('CallbackCommand'), 'C2C.CallbackBeforeSendMsg');
  assert.equal(q.get('contenttype'), 'json');
  assert.equal(q.get('ClientIP'), '10.0.0.7');
  assert.equal(q.get('OptPlatform'), 'Web');
  const rt = Number(q.get('RequestTime'));
  assert.ok(Math.abs(rt - t0) <= 2);
  assert.equal(q.get('Sign'), signCallback('xxxyyy', rt));
  assert.equal(s.body['CallbackCommand'], 'C2C.CallbackBeforeSendMsg');
  assert.deepEqual(s.body['MsgBody'], c2c.MsgBody);
  assert.equal(s.body['MsgKey'], c2c.MsgKey);
});

test('before-send: sequential calls reuse one keep-alive connection', async () => {
  const r = await Receiver.start(() => ok());
  for (let i = 0; i < 20; i++) assert.equal((await c2cSend(app(r.url))).action, 'allow');
  assert.equal(r.seen.length, 20);
  assert.equal(r.connections, 1);
});

test('before-send: deny (1) maps to 20006 / 10016; drop (2) is silent', async () => {
  const r = await Receiver.start(() => code(1, 'no'));
  assert.deepEqual(await c2cSend(app(r.url)), { action: 'deny', code: 20006, message: 'The before-send webhook denied the message' });
  const g = await groupSend(app(r.url));
  assert.equal(g.action === 'deny' && g.code, 10016);
  const d = await Receiver.start(() => code(2));
  assert.deepEqual(await c2cSend(app(d.url)), { action: 'drop' });
  assert.deepEqual(await groupSend(app(d.url)), { action: 'drop' });
});

test('before-send: custom codes pass through only in their command\'s range', async () => {
  const r = await Receiver.start((s) => (s.query.get('CallbackCommand')!.startsWith('C2C') ? code(120005, 'ask later') : code(10150, 'group says no')));
  assert.deepEqual(await c2cSend(app(r.url)), { action: 'deny', code: 120005, message: 'ask later' });
  assert.deepEqual(await groupSend(app(r.url)), { action: 'deny', code: 10150, message: 'group says no' });
  // A Group-range code answered to a C2C callback is not a valid answer: failure policy.
  const x = await Receiver.start(() => code(10150, 'x'));
  assert.deepEqual(await c2cSend(app(x.url)), { action: 'allow' });
  assert.deepEqual(await c2cSend(app(x.url, { beforeSendFailurePolicy: 'refuse' })), { action: 'deny', code: 80003, message: 'The before-send webhook failed or timed out and the policy is not to deliver' });
  const edge = await Receiver.start(() => code(130000, 'edge'));
  assert.equal((await c2cSend(app(edge.url))).action, 'deny');
});

test('before-send: modify MsgBody / CloudCustomData; a malformed MsgBody is a failure', async () => {
  const newBody = text('*** packet');
  const r = await Receiver.start(() => ok({ MsgBody: newBody, CloudCustomData: 'rewritten' }));
  assert.deepEqual(await c2cSend(app(r.url)), { action: 'allow', msgBody: newBody, cloudCustomData: 'rewritten' });
  const only = await Receiver.start(() => ok({ CloudCustomData: '' }));
  assert.deepEqual(await groupSend(app(only.url)), { action: 'allow', cloudCustomData: '' });
  for (const bad of [{ MsgBody: 'text' }, { MsgBody: [] }, { MsgBody: [{ MsgType: 'TIMGroupTipElem', MsgContent: {} }] },
    { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 5 } }] }, { MsgBody: [{ MsgType: 'TIMTextElem' }] }, { CloudCustomData: 7 }]) {
    const b = await Receiver.start(() => ok(bad));
    assert.deepEqual(await c2cSend(app(b.url, { beforeSendFailurePolicy: 'refuse' })), { action: 'deny', code: 80003, message: 'The before-send webhook failed or timed out and the policy is not to deliver' }, JSON.stringify(bad));
    assert.deepEqual(await c2cSend(app(b.url)), { action: 'allow' });
  }
});

test('before-send: a slow receiver hits the timeout; policy deliver vs refuse (80003)', async () => {
  const r = await Receiver.start(() => ({ ...ok(), delayMs: 1500 }));
  const metrics = new Metrics(false);
  for (const policy of ['deliver', 'refuse'] as const) {
    const t0 = performance.now();
    const d = await runBeforeSend(app(r.url, { beforeSendFailurePolicy: policy, timeoutMs: 250 }), 'C2C.CallbackBeforeSendMsg', c2c, {}, { client, metrics });
    const took = performance.now() - t0;
    assert.ok(took >= 240 && took < 700, `took ${took.toFixed(0)} ms`);
    if (policy === 'deliver') assert.deepEqual(d, { action: 'allow' });
    else assert.deepEqual(d, { action: 'deny', code: 80003, message: 'The before-send webhook failed or timed out and the policy is not to deliver' });
  }
  assert.equal(await counter(metrics, 'parley_callback_before_total', { outcome: 'failure_deliver' }), 1);
  assert.equal(await counter(metrics, 'parley_callback_before_total', { outcome: 'failure_refuse' }), 1);
});

test('before-send: garbage answers (non-JSON, HTTP 500, no ErrorCode) follow the policy', async () => {
  for (const a of [{ raw: '<html>oops' }, { status: 500, body: { ErrorCode: 0 } }, { body: { ActionStatus: 'OK' } }, { raw: '[0]' }, { status: 204, raw: '' }] as Answer[]) {
    const r = await Receiver.start(() => a);
    assert.deepEqual(await c2cSend(app(r.url)), { action: 'allow' }, JSON.stringify(a));
    const d = await groupSend(app(r.url, { beforeSendFailurePolicy: 'refuse' }));
    assert.equal(d.action === 'deny' && d.code, 80003, JSON.stringify(a));
  }
  // Nobody listening at all.
  const gone = await Receiver.start(() => ok());
  await gone.close();
  assert.equal((await c2cSend(app(gone.url, { beforeSendFailurePolicy: 'refuse' }))).action, 'deny');
});

test('before-send: a disabled command or an app without webhooks makes no request', async () => {
  const r = await Receiver.start(() => code(1));
  assert.deepEqual(await groupSend(app(r.url, { enabled: ['C2C.CallbackBeforeSendMsg'] })), { action: 'allow' });
  assert.deepEqual(await c2cSend({ sdkAppId: 5 }), { action: 'allow' });
  assert.equal(r.seen.length, 0);
  // Same settled promise each time: the off path allocates nothing.
  assert.equal(c2cSend({ sdkAppId: 5 }), c2cSend({ sdkAppId: 5 }));
});

// ---- after-events ------------------------------------------------------------------------------

const stateBody: StateChangeBody = { EventTime: 1670574414123, Info: { Action: 'Login', To_Account: 'u1', Reason: 'Register' } };

test('after-events: reach the receiver, signed, only when enabled', async () => {
  const r = await Receiver.start(() => ok());
  const metrics = new Metrics(false);
  const d = new AfterEventDispatcher({ client, metrics });
  const a = app(r.url);
  assert.equal(d.emit(a, 'State.StateChange', stateBody, { optPlatform: 'IOS' }), true);
  assert.equal(d.emit(a, 'Group.CallbackAfterMemberExit', { GroupId: 'g', Type: 'Public', ExitType: 'Quit', Operator_Account: 'u', ExitMemberList: [{ Member_Account: 'u' }] }), false);
  assert.equal(d.emit({ sdkAppId: 9 }, 'State.StateChange', stateBody), false);
  assert.deepEqual(await d.close(2000), { drained: true, abandoned: 0 });
  assert.equal(r.seen.length, 1);
  const s = r.seen[0]!;
  assert.equal(s.query.get('CallbackCommand'), 'State.StateChange');
  assert.equal(s.query.get('OptPlatform'), 'IOS');
  assert.equal(s.query.get('Sign'), signCallback('xxxyyy', Number(s.query.get('RequestTime'))));
  assert.deepEqual(s.body, { CallbackCommand: 'State.StateChange', ...stateBody });
  assert.equal(await counter(metrics, 'parley_callback_after_sent_total', { command: 'State.StateChange' }), 1);
  assert.equal(d.emit(a, 'State.StateChange', stateBody), false); // closed
  assert.equal(await counter(metrics, 'parley_callback_after_dropped_total', { reason: 'shutdown' }), 1);
});

test('after-events: emit never blocks; a full queue drops the newest and counts it', async () => {
  const r = await Receiver.start(() => ({ ...ok(), delayMs: 150 }));
  const metrics = new Metrics(false);
  const d = new AfterEventDispatcher({ client, metrics, concurrency: 1, queueLimit: 2 });
  const a = app(r.url, { timeoutMs: 1000 });
  const t0 = performance.now();
  const accepted = [1, 2, 3, 4, 5].map((i) => d.emit(a, 'State.StateChange', { ...stateBody, EventTime: i }));
  assert.ok(performance.now() - t0 < 50);
  assert.deepEqual(accepted, [true, true, true, false, false]); // 1 in flight + 2 queued
  assert.equal(await counter(metrics, 'parley_callback_after_dropped_total', { command: 'State.StateChange', reason: 'queue_full' }), 2);
  assert.deepEqual(await d.close(3000), { drained: true, abandoned: 0 });
  assert.deepEqual(r.seen.map((s) => s.body['EventTime']), [1, 2, 3]);
  assert.equal(await counter(metrics, 'parley_callback_after_sent_total', { command: 'State.StateChange' }), 3);
});

test('after-events: timeouts are retried only when the app enables it; other failures never', async () => {
  // Times out twice, then answers at once.
  const slowTwice: Handler = (_s, n) => (n <= 2 ? { ...ok(), delayMs: 1000 } : ok());
  const on = await Receiver.start(slowTwice);
  const off = await Receiver.start(slowTwice);
  const broken = await Receiver.start(() => ({ status: 500, raw: 'no' }));
  const metrics = new Metrics(false);
  const d = new AfterEventDispatcher({ client, metrics, retryBaseMs: 20 });
  d.emit(app(on.url, { afterRetry: true, timeoutMs: 150 }), 'C2C.CallbackAfterSendMsg', { ...c2c, SendMsgResult: 0, ErrorInfo: '', UnreadMsgNum: 1 });
  d.emit(app(off.url, { afterRetry: false, timeoutMs: 150 }), 'State.StateChange', stateBody);
  d.emit(app(broken.url, { afterRetry: true, timeoutMs: 150 }), 'State.StateChange', stateBody);
  await until(() => d.pending === 0);
  assert.equal(on.seen.length, 3);
  assert.equal(on.seen[2]!.body['MsgKey'], c2c.MsgKey);
  assert.equal(off.seen.length, 1);
  assert.equal(broken.seen.length, 1);
  assert.equal(await counter(metrics, 'parley_callback_after_retried_total', { command: 'C2C.CallbackAfterSendMsg' }), 2);
  assert.equal(await counter(metrics, 'parley_callback_after_sent_total', { command: 'C2C.CallbackAfterSendMsg' }), 1);
  assert.equal(await counter(metrics, 'parley_callback_after_failed_total', { command: 'State.StateChange', reason: 'timeout' }), 1);
  assert.equal(await counter(metrics, 'parley_callback_after_failed_total', { command: 'State.StateChange', reason: 'http-status' }), 1);
  await d.close();
});

test('after-events: retries give up after maxRetries', async () => {
  const r = await Receiver.start(() => ({ ...ok(), delayMs: 1000 }));
  const metrics = new Metrics(false);
  const d = new AfterEventDispatcher({ client, metrics, retryBaseMs: 10, maxRetries: 2 });
  d.emit(app(r.url, { afterRetry: true, timeoutMs: 100 }), 'State.StateChange', stateBody);
  await until(() => d.pending === 0);
  assert.equal(r.seen.length, 3);
  assert.equal(await counter(metrics, 'parley_callback_after_failed_total', { reason: 'timeout' }), 1);
  await d.close();
});

test('after-events: close() gives up at its deadline and counts what it abandons', async () => {
  const r = await Receiver.start(() => ({ ...ok(), delayMs: 2000 }));
  const metrics = new Metrics(false);
  const d = new AfterEventDispatcher({ client, metrics, concurrency: 1 });
  const a = app(r.url, { timeoutMs: 5000 });
  for (let i = 0; i < 3; i++) d.emit(a, 'State.StateChange', stateBody);
  await until(() => r.seen.length === 1);
  const t0 = performance.now();
  assert.deepEqual(await d.close(200), { drained: false, abandoned: 3 });
  assert.ok(performance.now() - t0 < 600);
  await until(() => d.pending === 0);
  assert.equal(await counter(metrics, 'parley_callback_after_dropped_total', { reason: 'shutdown' }), 3);
});
