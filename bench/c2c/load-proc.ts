/**
 * Benchmark load generator (its own process, so its CPU is not the server's). Receives a task over
 * IPC, runs it, answers with figures and its own CPU use.
 *
 * Tasks:
 * - throughput: `pairs` sender/receiver pairs; each sender keeps `window` sends in flight for
 *   `seconds`; counts acks.
 * - paced: the same pairs, sending at a fixed total `rate`; ack latency percentiles.
 * - logins: opens `count` sockets, then logs all of them in at once; logins per second.
 * - idle: opens `count` sockets, logs them in, holds them until told to close.
 */
import WebSocket from 'ws';
import { genUserSigV2 } from '@parley/usersig';

/** `receiverUrl`: receivers log in there instead (bench/cluster: sender and receiver on different nodes). */
interface Target { url: string; sdkAppId: number; secretKey: string; bare: boolean; receiverUrl?: string }
type Task =
  | ({ kind: 'throughput'; pairs: number; window: number; seconds: number; tag: string } & Target)
  /** `delivery`: also time each message from send to the receiver's inbox push (p50/p99 as deliveryP50/deliveryP99). */
  | ({ kind: 'paced'; pairs: number; rate: number; seconds: number; tag: string; delivery?: boolean } & Target)
  | ({ kind: 'logins'; count: number; tag: string } & Target)
  | ({ kind: 'idle'; count: number; tag: string } & Target);

class Conn {
  ws: WebSocket;
  nextId = 1;
  pending = new Map<number, (code: number, at: number) => void>();
  /** Set to see push frames (bench/cluster delivery latency); off by default, pushes are not parsed. */
  onPush: ((text: string, at: number) => void) | undefined;
  constructor(url: string) {
    this.ws = new WebSocket(url + '/ws', { perMessageDeflate: false });
    this.ws.on('message', (raw) => {
      const at = performance.now();
      const text = raw.toString();
      if (this.onPush && text.includes('"push"')) this.onPush(text, at);
      // Replies carry "id"; pushes don't. Avoid a JSON.parse of every push frame.
      if (text.startsWith('[')) {
        for (const f of JSON.parse(text) as { id?: number; code?: number }[]) if (f.id) this.#resolve(f.id, f.code ?? 0, at);
      } else if (text.startsWith('{"id"')) {
        const f = JSON.parse(text) as { id: number; code: number };
        this.#resolve(f.id, f.code, at);
      }
    });
  }
  open(): Promise<void> {
    return new Promise((res, rej) => {
      this.ws.once('open', () => res());
      this.ws.once('error', rej);
    });
  }
  request(op: string, data: unknown, cb: (code: number, at: number) => void): void {
    const id = this.nextId++;
    this.pending.set(id, cb);
    this.ws.send(`{"id":${id},"op":"${op}","data":${JSON.stringify(data)}}`);
  }
  call(op: string, data: unknown): Promise<number> {
    return new Promise((res) => this.request(op, data, (code) => res(code)));
  }
  #resolve(id: number, code: number, at: number): void {
    const cb = this.pending.get(id);
    if (cb) {
      this.pending.delete(id);
      cb(code, at);
    }
  }
}

async function openMany(url: string, n: number, batch = 500): Promise<Conn[]> {
  const out: Conn[] = [];
  for (let i = 0; i < n; i += batch) {
    const slice = Array.from({ length: Math.min(batch, n - i) }, () => new Conn(url));
    await Promise.all(slice.map((c) => c.open()));
    out.push(...slice);
  }
  return out;
}

function sig(t: Target, id: string): string {
  return genUserSigV2({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, identifier: id, expire: 86400 });
}

async function loginAll(t: Target, conns: Conn[], prefix: string, offset = 0): Promise<void> {
  const codes = await Promise.all(conns.map((c, i) => c.call('login', { sdkAppId: t.sdkAppId, userID: `${prefix}${offset + i}`, userSig: sig(t, `${prefix}${offset + i}`), platform: 'Web' })));
  const bad = codes.filter((c) => c !== 0);
  if (bad.length) throw new Error(`${bad.length} logins failed, e.g. code ${bad[0]}`);
}

const BODY = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(100) } }];

async function pairs(t: Task & { pairs: number }): Promise<{ senders: Conn[]; receivers: Conn[] }> {
  const senders = await openMany(t.url, t.pairs);
  const receivers = await openMany(t.receiverUrl ?? t.url, t.pairs);
  if (!t.bare) {
    await loginAll(t, receivers, `${t.tag}r`);
    await loginAll(t, senders, `${t.tag}s`);
  }
  return { senders, receivers };
}

function closeAll(conns: Conn[]): void {
  for (const c of conns) c.ws.terminate();
}

async function run(task: Task): Promise<Record<string, unknown>> {
  const cpu0 = process.cpuUsage();
  if (task.kind === 'throughput') {
    const { senders, receivers } = await pairs(task);
    let acked = 0;
    let failed = 0;
    const failedCodes: Record<number, number> = {};
    let counter = 0;
    let running = true;
    const t0 = performance.now();
    const cpuStart = process.cpuUsage();
    senders.forEach((c, i) => {
      const to = `${task.tag}r${i}`;
      const pump = () => {
        if (!running) return;
        c.request('sendMessage', { type: 'C2C', to, body: BODY, clientMsgId: `t${++counter}` }, (code) => {
          if (code === 0) acked++;
          else {
            failed++;
            failedCodes[code] = (failedCodes[code] ?? 0) + 1;
          }
          pump();
        });
      };
      for (let k = 0; k < task.window; k++) pump();
    });
    await new Promise((r) => setTimeout(r, task.seconds * 1000));
    running = false;
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    await new Promise((r) => setTimeout(r, 300));
    closeAll([...senders, ...receivers]);
    return { acked, failed, failedCodes, perSecond: Math.round(acked / elapsed), generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed };
  }
  if (task.kind === 'paced') {
    const { senders, receivers } = await pairs(task);
    const lat: number[] = [];
    const deliveryLat: number[] = [];
    const sentAt = new Map<string, number>();
    if (task.delivery) {
      for (const r of receivers) {
        r.onPush = (text, at) => {
          const parsed = JSON.parse(text) as unknown;
          for (const f of (Array.isArray(parsed) ? parsed : [parsed]) as { push?: string; data?: { message?: { clientMsgId?: string } } }[]) {
            const id = f.push === 'inbox' ? f.data?.message?.clientMsgId : undefined;
            const t = id === undefined ? undefined : sentAt.get(id);
            if (t !== undefined) {
              deliveryLat.push(at - t);
              sentAt.delete(id!);
            }
          }
        };
      }
    }
    let failed = 0;
    let counter = 0;
    const perTick = task.rate / 100; // 10 ms ticks
    let carry = 0;
    let next = 0;
    const t0 = performance.now();
    const cpuStart = process.cpuUsage();
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (performance.now() - t0 > task.seconds * 1000) {
          clearInterval(timer);
          done();
          return;
        }
        carry += perTick;
        for (; carry >= 1; carry--) {
          const i = next++ % senders.length;
          const sent = performance.now();
          const clientMsgId = `p${++counter}`;
          if (task.delivery) sentAt.set(clientMsgId, sent);
          senders[i]!.request('sendMessage', { type: 'C2C', to: `${task.tag}r${i}`, body: BODY, clientMsgId }, (code, at) => {
            if (code === 0) lat.push(at - sent);
            else failed++;
          });
        }
      }, 10);
    });
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    await new Promise((r) => setTimeout(r, 500));
    closeAll([...senders, ...receivers]);
    lat.sort((a, b) => a - b);
    deliveryLat.sort((a, b) => a - b);
    const pctOf = (xs: number[], p: number) => Number((xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN).toFixed(2));
    const pct = (p: number) => pctOf(lat, p);
    return {
      sent: counter, acked: lat.length, failed, p50: pct(0.5), p99: pct(0.99), max: pct(1), generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
      ...(task.delivery && { delivered: deliveryLat.length, deliveryP50: pctOf(deliveryLat, 0.5), deliveryP99: pctOf(deliveryLat, 0.99), deliveryMax: pctOf(deliveryLat, 1) }),
    };
  }
  if (task.kind === 'logins') {
    const conns = await openMany(task.url, task.count);
    const tickets = conns.map((_, i) => sig(task, `${task.tag}${i}`));
    const cpuStart = process.cpuUsage();
    const t0 = performance.now();
    const codes = await Promise.all(conns.map((c, i) => c.call('login', { sdkAppId: task.sdkAppId, userID: `${task.tag}${i}`, userSig: tickets[i], platform: 'Web' })));
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    closeAll(conns);
    return { logins: codes.filter((c) => c === 0).length, failed: codes.filter((c) => c !== 0).length, perSecond: Math.round(task.count / elapsed), generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed };
  }
  // The accounts already exist (the orchestrator imported them before its baseline), so the
  // server's memory difference is the connections and sessions alone.
  process.send!({ warm: true });
  await new Promise<void>((r) => process.once('message', () => r()));
  const conns = await openMany(task.url, task.count);
  if (!task.bare) for (let i = 0; i < conns.length; i += 1000) await loginAll(task, conns.slice(i, i + 1000), `${task.tag}_`, i);
  process.send!({ ready: true, open: conns.length });
  await new Promise<void>((r) => process.once('message', () => r()));
  closeAll(conns);
  const cpu = process.cpuUsage(cpu0);
  return { held: conns.length, generatorCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

process.once('message', (task: Task) => {
  run(task).then(
    (r) => process.send!({ done: true, ...r }, () => process.exit(0)),
    (err: unknown) => process.send!({ done: true, error: String(err) }, () => process.exit(1)),
  );
});
