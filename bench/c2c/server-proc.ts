/**
 * Benchmark server process. `PARLEY_BENCH_SERVER=parley` runs a Parley node on an empty temp data
 * dir with one app; `=bare-ws` runs the baseline: a bare `ws` server that answers each request
 * with an ack at once (no validation, no storage) and keeps connections open.
 * Prints one JSON line {port, sdkAppId, secretKey}; answers IPC 'stats' with CPU and memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { WebSocketServer } from 'ws';

const kind = process.env['PARLEY_BENCH_SERVER'] ?? 'parley';
const gc = (globalThis as { gc?: () => void }).gc;
let cleanup: () => Promise<void> = async () => {};
let importAccounts: (prefix: string, count: number) => Promise<void> = async () => {};

if (kind === 'bare-ws') {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      const id = /"id":(\d+)/.exec(text)?.[1] ?? '0';
      ws.send(`{"id":${id},"code":0,"message":"","data":{}}`);
    });
  });
  await new Promise((r) => wss.once('listening', r));
  const addr = wss.address() as { port: number };
  process.stdout.write(JSON.stringify({ port: addr.port, sdkAppId: 0, secretKey: '' }) + '\n');
  cleanup = async () => void wss.close();
} else {
  const { createParley } = await import('../../packages/server/src/server.ts');
  const { createLogger } = await import('../../packages/server/src/observability/logger.ts');
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const parley = await createParley({
    config: { port: 0, host: '127.0.0.1', dataDir: dir, loginBurstPer10s: 1_000_000 },
    logger: createLogger('warn'),
  });
  const port = await parley.listen();
  // PARLEY_STORE/PARLEY_BUS/PARLEY_PG_SCHEMA/PARLEY_REDIS_PREFIX/PARLEY_NODE_ID come from the
  // environment (bench/cluster): further nodes of a cluster reuse the first node's app
  // (PARLEY_BENCH_APP={"sdkAppId":..,"secretKey":..}).
  let app: { sdkAppId: number; secretKey: string };
  if (process.env['PARLEY_BENCH_APP']) {
    app = JSON.parse(process.env['PARLEY_BENCH_APP']) as typeof app;
  } else {
    const created = await parley.apps.createApp({ name: 'bench' });
    await parley.apps.updateSettings(created.app.sdkAppId, {
      clientRequestsPerSecond: 10_000,
      multiDevicePolicy: 'multi',
    });
    app = created.app;
  }
  process.stdout.write(JSON.stringify({ port, sdkAppId: app.sdkAppId, secretKey: app.secretKey }) + '\n');
  importAccounts = async (prefix, count) => {
    for (let i = 0; i < count; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({ userID: `${prefix}${i + k}` }));
      await parley.services.store.accounts.importAccounts(app.sdkAppId, batch);
    }
  };
  cleanup = async () => {
    await parley.close();
    rmSync(dir, { recursive: true, force: true });
  };
}

// PARLEY_BENCH_ALLOC=<file>: a sampling profile of every allocation (also those the GC has
// collected), written at stop: where the garbage comes from.
let allocProfile: (() => Promise<void>) | undefined;
if (process.env['PARLEY_BENCH_ALLOC']) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
  } as never);
  allocProfile = async () => {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(process.env['PARLEY_BENCH_ALLOC']!, JSON.stringify(profile));
  };
}

process.on('message', (m: { cmd: string; prefix?: string; count?: number }) => {
  if (m.cmd === 'import') {
    void importAccounts(m.prefix!, m.count!).then(() => process.send!({ imported: true }));
  } else if (m.cmd === 'stats') {
    gc?.();
    const mem = process.memoryUsage();
    process.send!({ cpu: process.cpuUsage(), rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers });
  } else if (m.cmd === 'snapshot') {
    gc?.();
    const file = v8.writeHeapSnapshot((m as { cmd: string; file?: string }).file);
    process.send!({ file });
  } else if (m.cmd === 'stop') {
    void (allocProfile ?? (async () => {}))().then(cleanup).then(() => process.exit(0));
  }
});
