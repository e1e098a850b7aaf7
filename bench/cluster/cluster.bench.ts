/**
 * Scale-out benchmarks (issue 8), reusing bench/c2c's server and load processes:
 * 1. Durable C2C throughput: SQLite single node next to PostgreSQL (+ Redis bus/presence) single
 *    node, and two PostgreSQL nodes with every receiver on the other node, in the same run.
 * 2. Delivery latency (send → receiver's inbox push) p50/p99 at a fixed rate: one node vs
 *    sender and receiver on different nodes (PostgreSQL + Redis), plus SQLite for reference.
 * Every scenario gets its own PostgreSQL schema and Redis prefix, dropped afterwards.
 *
 * Run: node --import tsx bench/cluster/cluster.bench.ts
 *   env: CLUSTER_SECONDS (8), CLUSTER_PAIRS (100), CLUSTER_WINDOW (32), CLUSTER_RATE (1000 msg/s for latency),
 *        PARLEY_BENCH_PG (postgres://postgres@127.0.0.1:5432/test), PARLEY_BENCH_REDIS (redis://127.0.0.1:6379)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

const c2c = resolve(import.meta.dirname, '../c2c');
const SECONDS = Number(process.env['CLUSTER_SECONDS'] ?? 8);
const PAIRS = Number(process.env['CLUSTER_PAIRS'] ?? 100);
const WINDOW = Number(process.env['CLUSTER_WINDOW'] ?? 32);
const RATE = Number(process.env['CLUSTER_RATE'] ?? 1000);
const PG_URL = process.env['PARLEY_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['PARLEY_BENCH_REDIS'] ?? 'redis://127.0.0.1:6379';

interface ServerInfo { port: number; sdkAppId: number; secretKey: string }
interface Stats { cpu: { user: number; system: number }; rss: number }
interface Node { info: ServerInfo; stats(): Promise<Stats>; stop(): Promise<void> }

const deployments: { schema: string; prefix: string }[] = [];

/** A fresh schema + prefix: one per scenario. */
function deployment(): { schema: string; prefix: string } {
  const schema = `parley_bench_${randomBytes(5).toString('hex')}`;
  const d = { schema, prefix: `${schema}:` };
  deployments.push(d);
  return d;
}

async function startNode(env: Record<string, string>): Promise<Node> {
  const proc: ChildProcess = fork(resolve(c2c, 'server-proc.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env['PARLEY_BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['PARLEY_BENCH_PROF']] : [])],
    env: { ...process.env, PARLEY_BENCH_SERVER: 'parley', PARLEY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const info = await new Promise<ServerInfo>((res, rej) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) res(JSON.parse(line) as ServerInfo);
    });
    proc.once('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  return {
    info,
    stats: async () => {
      proc.send({ cmd: 'stats' });
      return ((await once(proc, 'message')) as [Stats])[0];
    },
    stop: async () => {
      proc.send({ cmd: 'stop' });
      await once(proc, 'exit');
    },
  };
}

/** `n` nodes: SQLite (n = 1, no env) or PostgreSQL + Redis on a fresh deployment. */
/** sqlite: the embedded default; postgres: one node on PostgreSQL with the in-process bus; cluster: PostgreSQL + Redis. */
type Kind = 'sqlite' | 'postgres' | 'cluster';

async function startNodes(kind: Kind, n: number): Promise<Node[]> {
  if (kind === 'sqlite') return [await startNode({ PARLEY_STORE: '', PARLEY_BUS: '' })];
  const d = deployment();
  const base = { PARLEY_STORE: PG_URL, PARLEY_BUS: kind === 'cluster' ? REDIS_URL : '', PARLEY_PG_SCHEMA: d.schema, PARLEY_REDIS_PREFIX: d.prefix };
  const first = await startNode({ ...base, PARLEY_NODE_ID: `${d.prefix}n0` });
  const nodes = [first];
  for (let i = 1; i < n; i++) {
    nodes.push(await startNode({ ...base, PARLEY_NODE_ID: `${d.prefix}n${i}`, PARLEY_BENCH_APP: JSON.stringify({ sdkAppId: first.info.sdkAppId, secretKey: first.info.secretKey }) }));
  }
  return nodes;
}

function load(task: Record<string, unknown>): Promise<Record<string, any>> {
  const proc = fork(resolve(c2c, 'load-proc.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  proc.send(task);
  return new Promise((res) => proc.on('message', (m: Record<string, any>) => m['done'] && res(m)));
}

function target(sender: Node, receiver: Node) {
  return {
    url: `ws://127.0.0.1:${sender.info.port}`, receiverUrl: `ws://127.0.0.1:${receiver.info.port}`,
    sdkAppId: sender.info.sdkAppId, secretKey: sender.info.secretKey, bare: false,
  };
}

const cpuOf = (a: Stats, b: Stats, s: number) => ((b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1e6 / s).toFixed(2);
const load1 = () => loadavg()[0]!.toFixed(1);

async function throughput(label: string, kind: Kind, nodeCount: number): Promise<Record<string, unknown>> {
  const nodes = await startNodes(kind, nodeCount);
  const sender = nodes[0]!;
  const receiver = nodes[nodes.length - 1]!;
  const before = await Promise.all(nodes.map((n) => n.stats()));
  const t0 = Date.now();
  const la = load1();
  const r = await load({ kind: 'throughput', pairs: PAIRS, window: WINDOW, seconds: SECONDS, tag: 'tp', ...target(sender, receiver) });
  const after = await Promise.all(nodes.map((n) => n.stats()));
  const secs = (Date.now() - t0) / 1000;
  for (const n of nodes) await n.stop();
  if (r['error']) throw new Error(String(r['error']));
  return {
    setup: label, acksPerSecond: r['perSecond'], failed: r['failed'] ? `${r['failed']} ${JSON.stringify(r['failedCodes'])}` : 0,
    nodeCpu: nodes.map((_, i) => cpuOf(before[i]!, after[i]!, secs)).join(' / '),
    generatorCpu: Number(r['generatorCpu']).toFixed(2), load1: la,
  };
}

async function latency(label: string, kind: Kind, crossNode: boolean): Promise<Record<string, unknown>> {
  const nodes = await startNodes(kind, crossNode ? 2 : 1);
  const la = load1();
  const r = await load({ kind: 'paced', pairs: PAIRS, rate: RATE, seconds: SECONDS, tag: 'lt', delivery: true, ...target(nodes[0]!, nodes[nodes.length - 1]!) });
  for (const n of nodes) await n.stop();
  if (r['error']) throw new Error(String(r['error']));
  return {
    setup: label, rate: RATE, acked: r['acked'], delivered: r['delivered'], failed: r['failed'],
    ackP50ms: r['p50'], ackP99ms: r['p99'], deliveryP50ms: r['deliveryP50'], deliveryP99ms: r['deliveryP99'], deliveryMaxMs: r['deliveryMax'], load1: la,
  };
}

async function cleanup(): Promise<void> {
  const admin = new pg.Client(PG_URL);
  await admin.connect();
  const redis = new Redis(REDIS_URL);
  try {
    for (const d of deployments) {
      await admin.query(`DROP SCHEMA IF EXISTS "${d.schema}" CASCADE`);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${d.prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await admin.end();
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  console.log(`Scale-out benchmark: ${PAIRS} pairs, window ${WINDOW}, ${SECONDS} s per run, 100-byte text; load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  try {
    const only = process.env['CLUSTER_ONLY'];
    if (only === 'pg') {
      console.table([await throughput('PostgreSQL, 1 node (in-process bus)', 'postgres', 1), await throughput('PostgreSQL + Redis, 1 node', 'cluster', 1)]);
      return;
    }
    if (only === 'split') {
      console.table([await throughput('PostgreSQL + Redis, 2 nodes (receivers on the other node)', 'cluster', 2)]);
      return;
    }
    const tp = [
      await throughput('SQLite, 1 node', 'sqlite', 1),
      await throughput('PostgreSQL, 1 node (in-process bus)', 'postgres', 1),
      await throughput('PostgreSQL + Redis, 1 node', 'cluster', 1),
      await throughput('PostgreSQL + Redis, 2 nodes (receivers on the other node)', 'cluster', 2),
      await throughput('SQLite, 1 node (again, drift check)', 'sqlite', 1),
    ];
    console.log('\n1. Durable C2C throughput (acks/s; CPU in cores per node)');
    console.table(tp);
    const lat = [
      await latency('SQLite, 1 node', 'sqlite', false),
      await latency('PostgreSQL + Redis, 1 node', 'cluster', false),
      await latency('PostgreSQL + Redis, sender and receiver on different nodes', 'cluster', true),
    ];
    console.log(`\n2. Delivery latency at ${RATE} msg/s (send → receiver's inbox push; ack = send → sender's ack)`);
    console.table(lat);
    console.log(JSON.stringify({ throughput: tp, latency: lat, loadavgAtEnd: loadavg() }));
  } finally {
    await cleanup();
  }
}

await main();
