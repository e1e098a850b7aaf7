/**
 * C2C benchmarks (issue 3), each side by side with a baseline measured in the same run:
 * 1. Durable C2C throughput on the embedded SQLite store: acks per second with senders keeping a
 *    window of sends in flight (receivers online), vs a bare `ws` server that acks at once.
 * 2. Ack latency p50/p99 at half the measured Parley rate.
 * 3. Logins per second with v2 tickets (first login of each account).
 * 4. Idle logged-in connections: memory per connection vs a bare `ws` server holding as many.
 * The server and the load generators run in separate processes; each reports its own CPU.
 *
 * Run: node --import tsx bench/c2c/c2c.bench.ts   (env: C2C_SECONDS, C2C_PAIRS, C2C_IDLE)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { once } from 'node:events';

const here = import.meta.dirname;
const SECONDS = Number(process.env['C2C_SECONDS'] ?? 8);
const PAIRS = Number(process.env['C2C_PAIRS'] ?? 100);
const WINDOW = Number(process.env['C2C_WINDOW'] ?? 32);
const IDLE = Number(process.env['C2C_IDLE'] ?? 15_000);
const LOGINS = Number(process.env['C2C_LOGINS'] ?? 6_000);
/** Comma-separated subset of: throughput,latency,logins,memory (default: all). */
const ONLY = new Set((process.env['C2C_ONLY'] ?? 'throughput,latency,logins,memory').split(','));

interface ServerInfo { port: number; sdkAppId: number; secretKey: string }
interface Stats { cpu: { user: number; system: number }; rss: number; heapUsed: number; heapTotal: number; external: number }

async function startServer(kind: 'parley' | 'bare-ws', nodeFlags = process.env['C2C_NODE_FLAGS'] ?? ''): Promise<{ proc: ChildProcess; info: ServerInfo; stats(): Promise<Stats>; stop(): Promise<void> }> {
  const proc = fork(resolve(here, 'server-proc.ts'), [], {
    // V8 flags: none by default, as `npm start`; C2C_NODE_FLAGS tries others (e.g. --max-semi-space-size=64).
    execArgv: ['--import', 'tsx', '--expose-gc', ...nodeFlags.split(' ').filter(Boolean), ...(process.env['PARLEY_BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['PARLEY_BENCH_PROF']] : [])],
    env: { ...process.env, PARLEY_BENCH_SERVER: kind, PARLEY_LOG_LEVEL: 'warn' },
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
    proc,
    info,
    stats: async () => {
      proc.send({ cmd: 'stats' });
      const [m] = (await once(proc, 'message')) as [Stats];
      return m;
    },
    stop: async () => {
      proc.send({ cmd: 'stop' });
      await once(proc, 'exit');
    },
  };
}

function load(task: Record<string, unknown>): { proc: ChildProcess; result: Promise<Record<string, any>> } {
  const proc = fork(resolve(here, 'load-proc.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  proc.send(task);
  const result = new Promise<Record<string, any>>((res) => {
    proc.on('message', (m: Record<string, any>) => {
      if (m['done']) res(m);
    });
  });
  return { proc, result };
}

function target(kind: 'parley' | 'bare-ws', info: ServerInfo) {
  return { url: `ws://127.0.0.1:${info.port}`, sdkAppId: info.sdkAppId, secretKey: info.secretKey, bare: kind === 'bare-ws' };
}

function cpuDelta(a: Stats, b: Stats, seconds: number): string {
  return (((b.cpu.user + b.cpu.system) - (a.cpu.user + a.cpu.system)) / 1e6 / seconds).toFixed(2);
}

async function throughput(kind: 'parley' | 'bare-ws'): Promise<Record<string, any>> {
  const s = await startServer(kind);
  const before = await s.stats();
  const t0 = Date.now();
  const r = await load({ kind: 'throughput', pairs: PAIRS, window: WINDOW, seconds: SECONDS, tag: 'tp', ...target(kind, s.info) }).result;
  const after = await s.stats();
  await s.stop();
  return { ...r, serverCpu: cpuDelta(before, after, (Date.now() - t0) / 1000) };
}

async function main() {
  console.log(`C2C benchmark: ${PAIRS} sender/receiver pairs, window ${WINDOW}, ${SECONDS} s per run, 100-byte text`);

  if (ONLY.has('throughput') || ONLY.has('latency')) await throughputAndLatency();
  if (ONLY.has('logins')) await logins();
  // Memory twice: with V8's default young generation, and with `npm start`'s larger one (a fixed
  // cost that a before/after difference attributes to the connections).
  if (ONLY.has('memory')) for (const flags of ['', '--max-semi-space-size=64']) await memory(flags);
}

async function throughputAndLatency() {
  const bare = await throughput('bare-ws');
  const parley = await throughput('parley');
  console.log('\n1. Throughput (acks/s; CPU in cores)');
  console.table([
    { system: 'bare ws (ack at once, no storage)', acksPerSecond: bare['perSecond'], failed: bare['failed'], serverCpu: bare['serverCpu'], generatorCpu: Number(bare['generatorCpu']).toFixed(2) },
    { system: 'Parley (SQLite, durable before ack)', acksPerSecond: parley['perSecond'], failed: parley['failed'], serverCpu: parley['serverCpu'], generatorCpu: Number(parley['generatorCpu']).toFixed(2) },
  ]);
  if (!ONLY.has('latency')) return;
  const rate = Math.max(100, Math.floor(Number(parley['perSecond']) / 2));
  const pacedRows = [];
  for (const kind of ['bare-ws', 'parley'] as const) {
    const s = await startServer(kind);
    const r = await load({ kind: 'paced', pairs: PAIRS, rate, seconds: SECONDS, tag: 'pc', ...target(kind, s.info) }).result;
    await s.stop();
    pacedRows.push({ system: kind, rate, acked: r['acked'], failed: r['failed'], p50ms: r['p50'], p99ms: r['p99'], maxMs: r['max'], generatorCpu: Number(r['generatorCpu']).toFixed(2) });
  }
  console.log(`\n2. Ack latency at ${rate} msg/s (half the Parley rate)`);
  console.table(pacedRows);
}

async function logins() {
  const s = await startServer('parley');
  const first = await load({ kind: 'logins', count: LOGINS, tag: 'lg', ...target('parley', s.info) }).result;
  const again = await load({ kind: 'logins', count: LOGINS, tag: 'lg', ...target('parley', s.info) }).result;
  await s.stop();
  console.log(`\n3. Logins (${LOGINS} sockets opened first, then all log in at once; v2 tickets)`);
  console.table([
    { round: 'first login (account created)', perSecond: first['perSecond'], failed: first['failed'], generatorCpu: Number(first['generatorCpu']).toFixed(2) },
    { round: 'existing accounts', perSecond: again['perSecond'], failed: again['failed'], generatorCpu: Number(again['generatorCpu']).toFixed(2) },
  ]);
}

async function memory(flags: string) {
  const memRows = [];
  for (const kind of ['bare-ws', 'parley'] as const) {
    const srv = await startServer(kind, flags);
    const half = Math.ceil(IDLE / 2);
    const gens = [load({ kind: 'idle', count: half, tag: 'ia', ...target(kind, srv.info) }), load({ kind: 'idle', count: IDLE - half, tag: 'ib', ...target(kind, srv.info) })];
    const phase = (key: string) => Promise.all(gens.map((g) => new Promise<Record<string, any>>((res) => {
      const on = (m: Record<string, any>) => { if (m[key]) { g.proc.off('message', on); res(m); } };
      g.proc.on('message', on);
    })));
    await phase('warm');
    for (const tag of ['ia', 'ib']) {
      srv.proc.send({ cmd: 'import', prefix: `${tag}_`, count: half });
      await once(srv.proc, 'message');
    }
    await new Promise((r) => setTimeout(r, 500));
    const snapDir = process.env['C2C_SNAPSHOTS'];
    if (snapDir) { srv.proc.send({ cmd: 'snapshot', file: `${snapDir}/${kind}-before.heapsnapshot` }); await once(srv.proc, 'message'); }
    const base = await srv.stats();
    for (const g of gens) g.proc.send({ go: true });
    const open = (await phase('ready')).reduce((n, m) => n + Number(m['open']), 0);
    await new Promise((r) => setTimeout(r, 1000));
    const held = await srv.stats();
    if (snapDir) { srv.proc.send({ cmd: 'snapshot', file: `${snapDir}/${kind}-after.heapsnapshot` }); await once(srv.proc, 'message'); }
    for (const g of gens) g.proc.send({ close: true });
    await Promise.all(gens.map((g) => g.result));
    await srv.stop();
    memRows.push({ system: kind, connections: open, rssPerConnKB: ((held.rss - base.rss) / open / 1024).toFixed(2), heapPerConnKB: ((held.heapUsed - base.heapUsed) / open / 1024).toFixed(2), heapTotalPerConnKB: ((held.heapTotal - base.heapTotal) / open / 1024).toFixed(2), externalPerConnKB: ((held.external - base.external) / open / 1024).toFixed(2) });
  }
  const ratio = Number(memRows[1]!.rssPerConnKB) / Number(memRows[0]!.rssPerConnKB);
  console.log(`\n4. Idle logged-in connections: memory per connection (RSS after GC), node flags: ${flags || '(defaults)'}`);
  console.table(memRows);
  console.log(`Parley / bare ws RSS per connection: ${ratio.toFixed(2)}x (floor: at most 1.5x)`);
}

await main();
