/**
 * What one idle live-room member costs, object by object: starts a room server (server.ts), takes
 * a heap snapshot, joins N members (one receiver process), takes another, and prints the growth per
 * member by object type and constructor (self sizes, so the rows add up to the heap growth).
 *   node --import tsx bench/live-room/member-heap.ts [--kind parley|ws|batch] [--members 2000] [--top 40]
 * BENCH_STAGE=connect|login stops the members before logging in / joining (see receiver.ts).
 * Snapshots are written to the system temp directory and removed afterwards (KEEP_SNAPSHOT=1 keeps them).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] ?? dflt : dflt;
};
const KIND = arg('kind', 'parley');
const N = Number(arg('members', '2000'));
const TOP = Number(arg('top', '40'));

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
function spawn(script: string, args: string[], execArgv: string[] = []): ChildProcess {
  const c = fork(join(here, script), args, { execArgv: [...execArgv, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(c);
  return c;
}
function ask(c: ChildProcess, msg: Record<string, unknown> | undefined, reply: string): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    const on = (m: Record<string, any>) => {
      if (m['cmd'] !== reply) return;
      c.off('message', on);
      resolve(m);
    };
    c.on('message', on);
    if (msg) c.send(msg);
  });
}

/** Count and self size by "type:name" (strings collapsed to their type). */
function tally(file: string): Map<string, { n: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [width, ti, ni, si] = [fields.length, fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, { n: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + ti]!]!;
    const key = type.includes('string') || type === 'number' ? type : `${type}:${snap.strings[snap.nodes[i + ni]!]!.slice(0, 60)}`;
    const e = out.get(key) ?? { n: 0, bytes: 0 };
    e.n++;
    e.bytes += snap.nodes[i + si]!;
    out.set(key, e);
  }
  return out;
}

const server = spawn('server.ts', [KIND, '50'], ['--expose-gc']);
const { port } = await ask(server, undefined, 'ready');
const before = join(tmpdir(), `member-heap-${process.pid}-a.heapsnapshot`);
const after = join(tmpdir(), `member-heap-${process.pid}-b.heapsnapshot`);
await new Promise((r) => setTimeout(r, 500));
const s0 = await ask(server, { cmd: 'stats' }, 'stats');
await ask(server, { cmd: 'snapshot', file: before }, 'snapshot');
const receiver = spawn('receiver.ts', [KIND, String(port), String(N), '0', '1000000', '0']);
await ask(receiver, undefined, 'ready');
const { joined } = await ask(receiver, { cmd: 'connect' }, 'connected');
await new Promise((r) => setTimeout(r, 1500));
const s1 = await ask(server, { cmd: 'stats' }, 'stats');
await ask(server, { cmd: 'snapshot', file: after }, 'snapshot');
const a = tally(before);
const b = tally(after);
if (!process.env["KEEP_SNAPSHOT"]) rmSync(before);
if (!process.env["KEEP_SNAPSHOT"]) rmSync(after);
else console.log(`snapshots kept: ${before} ${after}`);
const rows = [...b].map(([k, v]) => {
  const o = a.get(k) ?? { n: 0, bytes: 0 };
  return { object: k, perMember: (v.n - o.n) / joined, bytesPerMember: (v.bytes - o.bytes) / joined };
}).sort((x, y) => y.bytesPerMember - x.bytesPerMember);
const total = rows.reduce((t, r) => t + r.bytesPerMember, 0);
console.log(`${KIND}: ${joined} members; heapUsed +${((s1['heapUsed'] - s0['heapUsed']) / joined).toFixed(0)} B per member; snapshot self sizes +${total.toFixed(0)} B per member (includes native socket wraps)`);
console.table(rows.slice(0, TOP).map((r) => ({ object: r.object, perMember: r.perMember.toFixed(2), bytesPerMember: r.bytesPerMember.toFixed(1) })));
process.exit(0);
