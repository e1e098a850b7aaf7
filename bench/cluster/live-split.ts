/**
 * A live room split across two nodes (issue 8), next to one node in the same run: the receivers
 * are bench/live-room/receiver.ts processes, the generator publishes through node 1 only
 * (closed loop, 100 messages per batch, 8 batches in flight, acknowledged after node 1's flush),
 * and node 2 gets every room entry once over the Redis bus and fans it out to its own members.
 * Figures: deliveries per second per node (each node holds as many members as the single node),
 * plus deliveries per CPU-second of each node's process, which is what does not depend on how
 * the machine's cores are shared between the nodes, receivers and generator.
 *   node --import tsx bench/cluster/live-split.ts [--members 2000] [--receivers 1] [--seconds 6] [--inflight 8] [--rate 0]
 * --rate N: open loop instead, N messages/s offered through node 1 (batches every 10 ms, not awaited):
 * per-node deliveries at an equal load below the box's limit, next to the closed loop's maximum.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Redis } from 'ioredis';

const here = import.meta.dirname;
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const MEMBERS = Number(arg('members', '2000'));
const RECEIVERS = Number(arg('receivers', '1'));
const SECONDS = Number(arg('seconds', '6'));
/** Batches of 100 in flight through node 1 (each acknowledged after node 1 has written it to all its members). */
const INFLIGHT = Number(arg('inflight', '8'));
const RATE = Number(arg('rate', '0'));
const REDIS_URL = process.env['PARLEY_BENCH_REDIS'] ?? 'redis://127.0.0.1:6379';
const APP = 1400000001;
type Msg = Record<string, any>;
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawn(script: string, args: string[], execArgv: string[] = []): ChildProcess {
  const c = fork(script, args, { execArgv: [...execArgv, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(c);
  return c;
}
function waitFor(c: ChildProcess, cmd: string, timeoutMs = 120_000): Promise<Msg> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no ${cmd} reply`)), timeoutMs);
    const on = (m: Msg) => {
      if (m['cmd'] === cmd) {
        clearTimeout(t);
        c.off('message', on);
        res(m);
      }
    };
    c.on('message', on);
  });
}
async function ask(c: ChildProcess, cmd: string, reply = cmd): Promise<Msg> {
  const p = waitFor(c, reply);
  c.send({ cmd });
  return p;
}

async function startNode(mode: 'memory' | 'redis', nodeId: string, prefix: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(join(here, 'live-node.ts'), [mode, '50', nodeId, prefix, REDIS_URL], ['--expose-gc']);
  const m = await waitFor(proc, 'ready');
  return { proc, port: m['port'] as number };
}

async function startReceivers(port: number, first: number): Promise<ChildProcess[]> {
  const per = Math.ceil(MEMBERS / RECEIVERS);
  const rs: ChildProcess[] = [];
  for (let i = 0; i < RECEIVERS; i++) {
    const r = spawn(join(here, '../live-room/receiver.ts'), ['parley', String(port), String(Math.min(per, MEMBERS - i * per)), String(first + i * per), '50']);
    await waitFor(r, 'ready');
    rs.push(r);
  }
  const joined = await Promise.all(rs.map((r) => ask(r, 'connect', 'connected')));
  const n = joined.reduce((a, m) => a + (m['joined'] as number), 0);
  if (n !== MEMBERS) throw new Error(`only ${n} of ${MEMBERS} members joined`);
  return rs;
}

async function generator(port: number, conns = 4): Promise<{ publish(texts: string[]): Promise<void>; close(): void }> {
  const sockets: WebSocket[] = [];
  const pending = new Map<number, () => void>();
  let id = 10;
  let rr = 0;
  for (let i = 0; i < conns; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
    ws.on('message', (d) => {
      const parsed = JSON.parse(d.toString()) as unknown;
      for (const f of (Array.isArray(parsed) ? parsed : [parsed]) as { id?: number }[]) {
        if (f.id !== undefined) {
          pending.get(f.id)?.();
          pending.delete(f.id);
        }
      }
    });
    await new Promise<void>((res) => {
      pending.set(i + 1, res);
      ws.send(JSON.stringify({ id: i + 1, op: 'benchLogin', data: { sdkAppId: APP, userID: `gen${i}` } }));
    });
    sockets.push(ws);
  }
  return {
    publish(texts) {
      const ws = sockets[rr++ % sockets.length]!;
      const k = id++;
      return new Promise((res) => {
        pending.set(k, res);
        ws.send(JSON.stringify({ id: k, op: 'livePublishBatch', data: { groupID: 'bench', texts, rate: 1e9, ackAfterFlush: true } }));
      });
    },
    close: () => sockets.forEach((s) => s.terminate()),
  };
}

let seq = 0;
const PAD = 'x'.repeat(48);
const text = () => `~T${(performance.timeOrigin + performance.now()).toFixed(1)}~ #${seq++} ${PAD}`;

interface NodeUnderTest { proc: ChildProcess; rs: ChildProcess[] }

/** Closed loop through the first node; per-node deliveries/s, CPU and latency. */
async function run(nodes: NodeUnderTest[], gen: Awaited<ReturnType<typeof generator>>): Promise<Msg[]> {
  const r0 = await Promise.all(nodes.map((n) => Promise.all(n.rs.map((r) => ask(r, 'reset')))));
  const s0 = await Promise.all(nodes.map((n) => ask(n.proc, 'stats')));
  const g0 = process.cpuUsage();
  const t0 = Date.now();
  const until = t0 + SECONDS * 1000;
  let sent = 0;
  if (RATE > 0) {
    while (Date.now() < until) {
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
      if (due > sent) {
        const texts = Array.from({ length: due - sent }, text);
        sent = due;
        void gen.publish(texts);
      }
      await sleep(10);
    }
  } else {
    await Promise.all(Array.from({ length: INFLIGHT }, async () => {
      while (Date.now() < until) {
        const texts = Array.from({ length: 100 }, text);
        sent += texts.length;
        await gen.publish(texts);
      }
    }));
  }
  const wall = (Date.now() - t0) / 1000;
  const g1 = process.cpuUsage(g0);
  const s1 = await Promise.all(nodes.map((n) => ask(n.proc, 'stats')));
  await sleep(1500);
  const cpu = (a: Msg, b: Msg) => ((b['cpu'].user + b['cpu'].system) - (a['cpu'].user + a['cpu'].system)) / 1e6;
  const out: Msg[] = [];
  for (const [i, n] of nodes.entries()) {
    const reports = await Promise.all(n.rs.map((r) => ask(r, 'report')));
    const delivered = reports.reduce((a, r) => a + (r['delivered'] as number), 0);
    const lat = reports.flatMap((r) => r['latencies'] as number[]).sort((a, b) => a - b);
    const pct = (p: number) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(0) : '-';
    const nodeCpu = cpu(s0[i]!, s1[i]!);
    // Receivers' CPU over the run plus the settle time (their reports come after it).
    const receiversCpu = reports.reduce((a, r, j) => a + cpu(r0[i]![j]!, r), 0);
    out.push({
      node: i + 1, members: MEMBERS, messagesPerSec: Math.round(sent / wall), deliveriesPerSec: Math.round(delivered / wall),
      deliveredRatio: (delivered / (sent * MEMBERS)).toFixed(3), nodeCpuPct: ((nodeCpu / wall) * 100).toFixed(0),
      deliveriesPerCpuSecond: Math.round(delivered / nodeCpu), p50ms: pct(0.5), p99ms: pct(0.99),
      receiversCpuPct: ((receiversCpu / wall) * 100).toFixed(0), generatorCpuPct: i === 0 ? (((g1.user + g1.system) / 1e6 / wall) * 100).toFixed(0) : '',
    });
  }
  return out;
}

async function stopAll(nodes: NodeUnderTest[]): Promise<void> {
  for (const n of nodes) {
    for (const r of n.rs) r.kill('SIGKILL');
    n.proc.kill('SIGKILL');
  }
  await sleep(500);
}

const prefix = `parley_bench_${randomBytes(5).toString('hex')}:`;
try {
  console.log(`Live room split across nodes: ${MEMBERS} members per node, ${SECONDS} s ${RATE > 0 ? `open loop at ${RATE} msg/s` : `closed loop, ${INFLIGHT} batches of 100 in flight`}; load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const single = await startNode('memory', 'single', prefix);
  const one = [{ proc: single.proc, rs: await startReceivers(single.port, 0) }];
  const genSingle = await generator(single.port);
  const singleRows = await run(one, genSingle);
  genSingle.close();
  await stopAll(one);

  const n1 = await startNode('redis', `${prefix}n1`, prefix);
  const n2 = await startNode('redis', `${prefix}n2`, prefix);
  const two = [{ proc: n1.proc, rs: await startReceivers(n1.port, 0) }, { proc: n2.proc, rs: await startReceivers(n2.port, MEMBERS) }];
  const genSplit = await generator(n1.port);
  const splitRows = await run(two, genSplit);
  genSplit.close();
  await stopAll(two);

  const rows = [{ setup: 'one node (in-process bus)', ...singleRows[0] }, ...splitRows.map((r) => ({ setup: `split, node ${r['node']} (Redis bus)`, ...r }))];
  console.table(rows);
  const base = Number(singleRows[0]!['deliveriesPerSec']);
  const baseCpu = Number(singleRows[0]!['deliveriesPerCpuSecond']);
  for (const r of splitRows) {
    console.log(`node ${r['node']}: ${(100 * Number(r['deliveriesPerSec']) / base).toFixed(0)}% of the single-node deliveries/s, ${(100 * Number(r['deliveriesPerCpuSecond']) / baseCpu).toFixed(0)}% per CPU-second`);
  }
  console.log(JSON.stringify({ rows, loadavgAtEnd: loadavg() }));
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
