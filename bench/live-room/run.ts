/**
 * Live-room fan-out benchmark (docs/benchmarks.md "## Live-room fan-out").
 *   node --import tsx bench/live-room/run.ts [--members 10000] [--receivers 4] [--kinds parley,batch,ws,socketio]
 *        [--flush 50] [--seconds 6] [--storms] [--settle 12] [--out results.json]
 *        [--memory-only [--repeat 5]]   (memory only, each kind measured --repeat times, interleaved; medians)
 * This process is the generator; the server and the receivers are separate processes (server.ts,
 * receiver.ts), all on 127.0.0.1. Every child is killed at the end, also on error or Ctrl-C.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const MEMBERS = Number(arg('members', '10000'));
const RECEIVERS = Number(arg('receivers', '4'));
const KINDS = arg('kinds', 'parley,batch,ws,socketio').split(',');
const FLUSH = Number(arg('flush', '50'));
const SECONDS = Number(arg('seconds', '6'));
const RATES = arg('rates', '2,40,100').split(',').map(Number);
const STORMS = process.argv.includes('--storms');
const OUT = arg('out', '');
/**
 * Memory is measured twice: 1.5 s after the last join (as before), and once the server has been
 * idle for SETTLE seconds, both before and after the joins (0 turns it off). Right after a join
 * storm the young generation has grown by 15-20 MB and V8 still holds pages freed by GC; both are
 * fixed costs, not per member, that V8's memory reducer returns after a few idle seconds, and they
 * swung the per-member RSS of one server by ±400 B between runs. The settled figure is per member.
 */
const SETTLE = Number(arg('settle', '12'));
const MEMORY_ONLY = process.argv.includes('--memory-only');
/** Memory-only runs: fresh servers per repetition, kinds interleaved; per-run RSS moves by ±10 %. */
const REPEAT = MEMORY_ONLY ? Math.max(1, Number(arg('repeat', '1'))) : 1;
const memoryRuns: Record<string, any[]> = {};
const SAMPLE_EVERY = 50;
const APP = 1400000001;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children = new Set<ChildProcess>();
function cleanup(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
process.on('uncaughtException', (e) => {
  console.error(e);
  process.exit(1);
});

interface Msg { cmd: string; [k: string]: any }

function spawn(script: string, args: string[], execArgv: string[] = []): ChildProcess {
  const c = fork(join(here, script), args, { execArgv: [...execArgv, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(c);
  c.on('exit', () => children.delete(c));
  return c;
}
function ask(c: ChildProcess, cmd: string, reply = cmd, timeoutMs = 120_000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${reply}`)), timeoutMs);
    const on = (m: Msg) => {
      if (m.cmd !== reply) return;
      clearTimeout(t);
      c.off('message', on);
      resolve(m);
    };
    c.on('message', on);
    if (cmd) c.send({ cmd });
  });
}
const waitFor = (c: ChildProcess, reply: string, timeoutMs?: number) => ask(c, '', reply, timeoutMs);

async function startServer(kind: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn('server.ts', [kind, String(FLUSH)], ['--expose-gc', '--max-old-space-size=4096']);
  const ready = await waitFor(proc, 'ready', 30_000);
  return { proc, port: ready['port'] as number };
}

async function startReceivers(kind: string, port: number, total: number, procs: number, first = 0, sampleEvery = SAMPLE_EVERY, joinPerSec = 0): Promise<ChildProcess[]> {
  const per = Math.ceil(total / procs);
  const rs = Array.from({ length: procs }, (_, i) =>
    spawn('receiver.ts', [kind, String(port), String(Math.min(per, total - i * per)), String(first + i * per), String(sampleEvery), String(joinPerSec)]));
  await Promise.all(rs.map((r) => waitFor(r, 'ready', 30_000)));
  return rs;
}
async function connectReceivers(rs: ChildProcess[]): Promise<number> {
  const done = await Promise.all(rs.map((r) => ask(r, 'connect', 'connected', 120_000)));
  return done.reduce((a, m) => a + (m['joined'] as number), 0);
}

// ---------------------------------------------------------------- generator

interface Generator {
  publish(texts: string[], ackAfterFlush: boolean): Promise<void>;
  close(): void;
}

async function generator(kind: string, port: number, conns = 8): Promise<Generator> {
  const open = (url: string) => new Promise<WebSocket>((res, rej) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => res(ws));
    ws.once('error', rej);
  });
  const sockets: WebSocket[] = [];
  const pending = new Map<number, () => void>();
  let id = 10;
  let rr = 0;
  for (let i = 0; i < conns; i++) {
    const ws = await open(kind === 'parley' ? `ws://127.0.0.1:${port}/ws` : `ws://127.0.0.1:${port}/ctl`);
    ws.on('message', (d) => {
      const parsed = JSON.parse(d.toString()) as unknown;
      for (const f of (Array.isArray(parsed) ? parsed : [parsed]) as { id?: number; ack?: number }[]) {
        const k = f.id ?? f.ack;
        if (k !== undefined) {
          pending.get(k)?.();
          pending.delete(k);
        }
      }
    });
    if (kind === 'parley') {
      await new Promise<void>((res) => {
        pending.set(i + 1, res);
        ws.send(JSON.stringify({ id: i + 1, op: 'benchLogin', data: { sdkAppId: APP, userID: `gen${i}` } }));
      });
    }
    sockets.push(ws);
  }
  return {
    publish(texts, ackAfterFlush) {
      const ws = sockets[rr++ % sockets.length]!;
      const k = id++;
      return new Promise((res) => {
        pending.set(k, res);
        ws.send(kind === 'parley'
          ? JSON.stringify({ id: k, op: 'livePublishBatch', data: { groupID: 'bench', texts, rate: 1e9, ackAfterFlush } })
          : JSON.stringify({ ack: k, msgs: texts }));
      });
    },
    close() {
      for (const s of sockets) s.terminate();
    },
  };
}

let seq = 0;
const PAD = 'x'.repeat(48);
const text = () => `~T${now().toFixed(1)}~ #${seq++} ${PAD}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Window { seconds: number; delivered: number; frames: number; lat: number[]; serverCpuPct: number; receiversCpuPct: number; generatorCpuPct: number; reports: Msg[] }

/** Runs `drive` for `seconds` with receivers' and the server's counters reset at the start. */
async function measure(server: ChildProcess, rs: ChildProcess[], seconds: number, drive: (until: number) => Promise<number>, settleMs = 600): Promise<Window & { sent: number }> {
  await Promise.all(rs.map((r) => ask(r, 'reset')));
  const s0 = await ask(server, 'stats');
  const r0 = await Promise.all(rs.map((r) => ask(r, 'report')));
  const g0 = process.cpuUsage();
  const t0 = Date.now();
  const sent = await drive(t0 + seconds * 1000);
  const wall = (Date.now() - t0) / 1000;
  const g1 = process.cpuUsage(g0);
  const s1 = await ask(server, 'stats');
  await sleep(settleMs);
  const reports = await Promise.all(rs.map((r) => ask(r, 'report')));
  const cpu = (a: Msg, b: Msg) => ((b['cpu'].user + b['cpu'].system) - (a['cpu'].user + a['cpu'].system)) / 1e6;
  const lat = reports.flatMap((r) => r['latencies'] as number[]).sort((a, b) => a - b);
  return {
    seconds: wall,
    sent,
    delivered: reports.reduce((a, r) => a + (r['delivered'] as number), 0),
    frames: reports.reduce((a, r) => a + (r['frames'] as number), 0),
    lat,
    serverCpuPct: (cpu(s0, s1) / wall) * 100,
    receiversCpuPct: (reports.reduce((a, r, i) => a + cpu(r0[i]!, r), 0) / wall) * 100,
    generatorCpuPct: ((g1.user + g1.system) / 1e6 / wall) * 100,
    reports,
  };
}

async function openLoop(gen: Generator, rate: number, until: number): Promise<number> {
  const start = Date.now();
  let sent = 0;
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate) + 1;
    while (sent < due) {
      void gen.publish([text()], false);
      sent++;
    }
    await sleep(Math.max(1, Math.min(10, 1000 / rate / 2)));
  }
  return sent;
}

async function closedLoop(gen: Generator, batch: number, inflight: number, until: number): Promise<number> {
  let sent = 0;
  await Promise.all(Array.from({ length: inflight }, async () => {
    while (Date.now() < until) {
      const texts = Array.from({ length: batch }, text);
      sent += batch;
      await gen.publish(texts, true);
    }
  }));
  return sent;
}

const results: Record<string, any> = { machine: { cpus: 2, loadavgAtStart: loadavg() }, members: MEMBERS, flushMs: FLUSH, kinds: {} };
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');

for (const kind of Array.from({ length: REPEAT }, () => KINDS).flat()) {
  console.error(`\n== ${kind}: starting (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const { proc: server, port } = await startServer(kind);
  const base = await ask(server, 'stats');
  let settledBase: Msg | undefined;
  if (SETTLE > 0) {
    await sleep(SETTLE * 1000);
    settledBase = await ask(server, 'stats');
  }
  const rs = await startReceivers(kind, port, MEMBERS, RECEIVERS);
  const t0 = Date.now();
  const joined = await connectReceivers(rs);
  console.error(`${kind}: ${joined} members joined in ${Date.now() - t0} ms`);
  await sleep(1500);
  const idle = await ask(server, 'stats');
  const r: any = {
    joined,
    memPerMemberBytes: (idle['rss'] - base['rss']) / joined,
    heapPerMemberBytes: (idle['heapUsed'] - base['heapUsed']) / joined,
    rates: {},
  };
  console.error(`${kind}: memory per idle member ${fmt(r.memPerMemberBytes)} B RSS, ${fmt(r.heapPerMemberBytes)} B heap (1.5 s after the joins)`);
  if (settledBase) {
    await sleep(SETTLE * 1000);
    const settled = await ask(server, 'stats');
    const young = (m: Msg) => (m['spaces']?.['new_space'] ?? 0) as number;
    r.settled = {
      memPerMemberBytes: (settled['rss'] - settledBase['rss']) / joined,
      heapPerMemberBytes: (settled['heapUsed'] - settledBase['heapUsed']) / joined,
      /** Memory outside the V8 heap that V8 knows of (Buffers, ArrayBuffers). */
      externalPerMemberBytes: (settled['external'] - settledBase['external']) / joined,
      youngGenerationBytes: [young(settledBase), young(settled)],
    };
    console.error(`${kind}: memory per idle member ${fmt(r.settled.memPerMemberBytes)} B RSS, ${fmt(r.settled.heapPerMemberBytes)} B heap, ${fmt(r.settled.externalPerMemberBytes)} B external (after ${SETTLE} s idle; young generation ${fmt(young(settledBase) / 1e6, 1)} -> ${fmt(young(settled) / 1e6, 1)} MB)`);
  }
  if (MEMORY_ONLY) {
    for (const x of rs) x.kill('SIGKILL');
    server.kill('SIGKILL');
    (memoryRuns[kind] ??= []).push(r);
    results.kinds[kind] = REPEAT > 1 ? { runs: memoryRuns[kind] } : r;
    await sleep(500);
    continue;
  }
  const gen = await generator(kind, port);
  for (const rate of RATES) {
    const w = await measure(server, rs, SECONDS, (until) => openLoop(gen, rate, until), 1000);
    r.rates[rate] = {
      sent: w.sent, deliveredRatio: w.delivered / (w.sent * joined), deliveriesPerSec: w.delivered / w.seconds,
      p50: percentile(w.lat, 50), p99: percentile(w.lat, 99), samples: w.lat.length,
      serverCpuPct: w.serverCpuPct, receiversCpuPct: w.receiversCpuPct, generatorCpuPct: w.generatorCpuPct,
      framesPerMemberPerSec: w.frames / joined / w.seconds,
    };
    const x = r.rates[rate];
    console.error(`${kind} @${rate}/s: p50 ${fmt(x.p50, 1)} ms p99 ${fmt(x.p99, 1)} ms, delivered ${(x.deliveredRatio * 100).toFixed(2)}%, server CPU ${fmt(x.serverCpuPct)}%, frames/member/s ${fmt(x.framesPerMemberPerSec, 1)}`);
  }
  // Throughput: closed loop, messages acknowledged once written (after the flush for batching
  // servers) and while the first member's socket is not backed up.
  const perMessage = kind === 'ws' || kind === 'socketio';
  const w = await measure(server, rs, SECONDS + 2, (until) => closedLoop(gen, perMessage ? 1 : 100, perMessage ? 1 : 8, until), 2000);
  r.throughput = {
    sent: w.sent, deliveriesPerSec: w.delivered / w.seconds, deliveredRatio: w.delivered / (w.sent * joined),
    p50: percentile(w.lat, 50), p99: percentile(w.lat, 99),
    serverCpuPct: w.serverCpuPct, receiversCpuPct: w.receiversCpuPct, generatorCpuPct: w.generatorCpuPct,
    messagesPerSec: w.sent / w.seconds,
  };
  console.error(`${kind} throughput: ${fmt(r.throughput.deliveriesPerSec / 1e6, 2)} M deliveries/s (${fmt(r.throughput.messagesPerSec)} msg/s in, ${(r.throughput.deliveredRatio * 100).toFixed(1)}% delivered), p99 ${fmt(r.throughput.p99)} ms, server CPU ${fmt(r.throughput.serverCpuPct)}%, receivers CPU ${fmt(r.throughput.receiversCpuPct)}%`);
  if (kind === 'parley') {
    server.send({ cmd: 'engineStats' });
    r.engineStats = (await waitFor(server, 'engineStats'))['stats'];
    if (STORMS) r.likeStorm = await likeStorm(server, rs, port, joined);
  }
  const closes = w.reports.reduce((a, x) => a + (x['closed'] as number), 0);
  r.closedDuringRun = closes;
  gen.close();
  for (const x of rs) x.send({ cmd: 'exit' });
  await sleep(500);
  server.kill('SIGKILL');
  for (const x of rs) x.kill('SIGKILL');
  results.kinds[kind] = r;
  await sleep(1000);
}

if (MEMORY_ONLY && REPEAT > 1) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pick = (runs: any[], f: (r: any) => number | undefined) => runs.map(f).filter((x): x is number => x !== undefined);
  const m = (kind: string, f: (r: any) => number | undefined) => median(pick(memoryRuns[kind] ?? [], f));
  for (const kind of KINDS) {
    const runs = memoryRuns[kind] ?? [];
    results.kinds[kind].median = {
      memPerMemberBytes: m(kind, (r) => r.memPerMemberBytes), heapPerMemberBytes: m(kind, (r) => r.heapPerMemberBytes),
      settledMemPerMemberBytes: SETTLE > 0 ? m(kind, (r) => r.settled?.memPerMemberBytes) : undefined,
    };
    const x = results.kinds[kind].median;
    console.error(`${kind}: median of ${runs.length}: ${fmt(x.memPerMemberBytes)} B RSS (1.5 s), ${SETTLE > 0 ? `${fmt(x.settledMemPerMemberBytes)} B RSS (settled), ` : ''}${fmt(x.heapPerMemberBytes)} B heap`);
  }
  const base = KINDS.includes('ws') ? 'ws' : undefined;
  if (base) {
    for (const kind of KINDS.filter((k) => k !== base)) {
      const b = results.kinds[base].median;
      const x = results.kinds[kind].median;
      console.error(`${kind} / ${base}: RSS ${(x.memPerMemberBytes / b.memPerMemberBytes).toFixed(2)}x (1.5 s)${SETTLE > 0 ? `, ${(x.settledMemPerMemberBytes / b.settledMemPerMemberBytes).toFixed(2)}x (settled)` : ''}, heap ${(x.heapPerMemberBytes / b.heapPerMemberBytes).toFixed(2)}x (+${fmt(x.heapPerMemberBytes - b.heapPerMemberBytes)} B)`);
    }
  }
}

if (STORMS) results.joinStorm = await joinStorm();

async function likeStorm(server: ChildProcess, rs: ChildProcess[], port: number, members: number): Promise<any> {
  const LIKERS = 200;
  const TAPS_PER_OP = 50;
  const OPS_PER_SEC = 10; // per liker: 200 × 10 × 50 = 100,000 taps/s
  const likers: WebSocket[] = [];
  for (let i = 0; i < LIKERS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    await new Promise((r) => ws.once('open', r));
    await new Promise<void>((res) => {
      ws.on('message', (d) => {
        if (d.toString().includes('"id":2,')) res();
      });
      ws.send(JSON.stringify({ id: 1, op: 'benchLogin', data: { sdkAppId: APP, userID: `liker${i}` } }));
      ws.send(JSON.stringify({ id: 2, op: 'liveJoin', data: { groupID: 'bench' } }));
    });
    likers.push(ws);
  }
  let taps = 0;
  const w = await measure(server, rs, 8, async (until) => {
    let id = 100;
    const start = Date.now();
    let ops = 0;
    while (Date.now() < until) {
      const due = Math.floor(((Date.now() - start) / 1000) * OPS_PER_SEC * LIKERS);
      while (ops < due) {
        likers[ops % LIKERS]!.send(JSON.stringify({ id: id++, op: 'like', data: { groupID: 'bench', count: TAPS_PER_OP } }));
        ops++;
        taps += TAPS_PER_OP;
      }
      await sleep(5);
    }
    return ops;
  }, 1500);
  for (const l of likers) l.terminate();
  const sampled = w.reports.reduce((a, x) => a + (x['sampledClients'] as number), 0);
  const out = {
    tapsPerSec: taps / w.seconds, members: members + LIKERS,
    framesPerMemberPerSec: w.frames / members / w.seconds,
    likePushesPerMemberPerSec: w.reports.reduce((a, x) => a + (x['likePushes'] as number), 0) / sampled / w.seconds,
    maxTotalSeen: Math.max(...w.reports.map((x) => x['maxLikeTotal'] as number)),
    serverCpuPct: w.serverCpuPct, receiversCpuPct: w.receiversCpuPct,
  };
  console.error(`like storm: ${fmt(out.tapsPerSec)} taps/s → ${fmt(out.framesPerMemberPerSec, 2)} frames/member/s (${fmt(out.likePushesPerMemberPerSec, 2)} likes pushes), total seen ${out.maxTotalSeen}, server CPU ${fmt(out.serverCpuPct)}%`);
  return out;
}

async function joinStorm(): Promise<any> {
  console.error(`\n== join storm: ${MEMBERS} joining within 10 s (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const { proc: server, port } = await startServer('parley');
  const OBS = 100;
  const observers = await startReceivers('parley', port, OBS, 1, 1_000_000, 1);
  await connectReceivers(observers);
  await sleep(1500);
  const crowd = await startReceivers('parley', port, MEMBERS, RECEIVERS, 0, 1_000_000, MEMBERS / 10 / RECEIVERS);
  await Promise.all(observers.map((r) => ask(r, 'reset')));
  const s0 = await ask(server, 'stats');
  const t0 = Date.now();
  const joined = await connectReceivers(crowd);
  const joinMs = Date.now() - t0;
  await sleep(2500);
  const s1 = await ask(server, 'stats');
  const rep = (await Promise.all(observers.map((r) => ask(r, 'report'))))[0]!;
  const wall = (Date.now() - t0) / 1000;
  const out = {
    joined, joinMs, observers: OBS,
    noticesPerObserver: rep['noticePushes'] / OBS,
    framesPerObserver: rep['frames'] / OBS,
    joinedCountSeenPerObserver: rep['noticeJoined'] / OBS,
    serverCpuPct: (((s1['cpu'].user + s1['cpu'].system) - (s0['cpu'].user + s0['cpu'].system)) / 1e6 / wall) * 100,
  };
  console.error(`join storm: ${joined} joined in ${joinMs} ms; each observer got ${fmt(out.noticesPerObserver, 1)} roomMembers notices in ${fmt(out.framesPerObserver, 1)} frames, summing ${fmt(out.joinedCountSeenPerObserver)} joins; server CPU ${fmt(out.serverCpuPct)}%`);
  for (const x of [...observers, ...crowd]) x.send({ cmd: 'exit' });
  await sleep(500);
  server.kill('SIGKILL');
  for (const x of [...observers, ...crowd]) x.kill('SIGKILL');
  return out;
}

results.machine.loadavgAtEnd = loadavg();
if (OUT) writeFileSync(OUT, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
cleanup();
process.exit(0);
