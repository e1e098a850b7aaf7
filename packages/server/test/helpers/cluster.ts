/**
 * Cluster test fixtures: Parley nodes on one PostgreSQL schema and one Redis key prefix of their
 * own (created per run, removed after), in this process or as child processes (for kill -9), a
 * TCP proxy in front of PostgreSQL that can be taken down, and "Redis restarts" simulated without
 * touching the shared server: this run's connections are killed by name (CLIENT KILL ID) and this
 * run's keys deleted — never a restart, never a flush.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { ServerConfig } from '../../src/config.ts';
import { POSTGRES_URL, REDIS_URL, dropPostgresSchema, uniqueName } from './services.ts';
import { startNode, type TestNode } from './test-server.ts';
import { TestClient } from './ws-client.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** One run's isolation: a PostgreSQL schema and a Redis prefix nobody else uses. */
export interface ClusterEnv {
  schema: string;
  /** Ends with ':'. Also the start of every Redis connection name of this run's nodes. */
  prefix: string;
  storeUrl: string;
  busUrl: string;
  /** Base config for a node of this run (add nodeId). */
  config(nodeId: string, extra?: Partial<ServerConfig>): Partial<ServerConfig>;
  /** Drops the schema and deletes the run's Redis keys. */
  cleanup(): Promise<void>;
}

export function clusterEnv(base: string, storeUrl = POSTGRES_URL): ClusterEnv {
  const schema = uniqueName(base);
  const prefix = `${schema}:`;
  const env: ClusterEnv = {
    schema,
    prefix,
    storeUrl,
    busUrl: REDIS_URL,
    config: (nodeId, extra = {}) => ({
      storeUrl: env.storeUrl, busUrl: env.busUrl, pgSchema: schema, redisPrefix: prefix, nodeId, nodeTtlMs: 3_000, ...extra,
    }),
    async cleanup() {
      await deleteRedisKeys(prefix).catch(() => {});
      await dropPostgresSchema(schema);
    },
  };
  return env;
}

export async function startClusterNodes(env: ClusterEnv, ids: string[], extra: Partial<ServerConfig> = {}): Promise<TestNode[]> {
  const nodes: TestNode[] = [];
  // One at a time: the first migrates the schema (the others would wait on its advisory lock anyway).
  for (const id of ids) nodes.push(await startNode({ config: env.config(id, extra) }));
  return nodes;
}

async function withRedis<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  await r.connect();
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Deletes every key under `prefix` (this run's own keys only). */
export function deleteRedisKeys(prefix: string): Promise<number> {
  return withRedis(async (r) => {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) n += await r.del(...keys);
    } while (cursor !== '0');
    return n;
  });
}

/** Kills every Redis connection whose name starts with `namePrefix` (this run's nodes). Returns how many. */
export function killRedisClients(namePrefix: string): Promise<number> {
  return withRedis(async (r) => {
    const list = (await r.client('LIST')) as string;
    const ids: string[] = [];
    for (const line of list.split('\n')) {
      const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
      const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
      if (id && name.startsWith(namePrefix)) ids.push(id);
    }
    for (const id of ids) await r.client('KILL', 'ID', id).catch(() => 0);
    return ids.length;
  });
}

/** A Parley node in a child process (so it can be killed with SIGKILL). */
export interface ChildNode {
  nodeId: string;
  url: string;
  proc: ChildProcess;
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), and wait. */
  stop(): Promise<void>;
}

export async function spawnNode(env: ClusterEnv, nodeId: string, extra: Record<string, string> = {}): Promise<ChildNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-child-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'cluster-node.ts')], {
    env: {
      ...process.env,
      PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_STORE: env.storeUrl, PARLEY_BUS: env.busUrl,
      PARLEY_PG_SCHEMA: env.schema, PARLEY_REDIS_PREFIX: env.prefix, PARLEY_NODE_ID: nodeId, PARLEY_NODE_TTL_MS: '3000',
      PARLEY_LOG_LEVEL: 'silent', ...extra,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  exited.then(() => rmSync(dataDir, { recursive: true, force: true }), () => {});
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`node ${nodeId} did not start within 60 s`)), 60_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PARLEY_PORT=(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`node ${nodeId} exited with ${code} before listening`));
    });
  });
  return {
    nodeId,
    url: `http://127.0.0.1:${port}`,
    proc,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TCP proxy to PostgreSQL that can be taken down (connections cut, new ones refused) and brought back on the same port. */
export class PgProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  #up = false;

  /** Starts forwarding (no-op when already up). */
  async up(): Promise<void> {
    if (this.#up) return;
    this.#up = true;
    const target = new URL(POSTGRES_URL);
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
  }

  async down(): Promise<void> {
    if (!this.#up) return;
    this.#up = false;
    const closed = new Promise((r) => this.server?.close(r));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  url(): string {
    const u = new URL(POSTGRES_URL);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }
}

/** Inbox events of a client: pushes received so far plus `sync` pages from `cursor`, deduplicated by inbox sequence. */
export async function syncAll(c: TestClient, cursor: number): Promise<{ events: any[]; cursor: number }> {
  const events: any[] = [];
  for (;;) {
    const r = await c.request('sync', { cursor, limit: 500 });
    if (r.code !== 0) throw new Error(`sync: ${r.code} ${r.message}`);
    events.push(...r.data.events);
    cursor = r.data.cursor;
    if (r.data.isCompleted) return { events, cursor };
  }
}

/** Polls until `check` returns true (or throws the last assertion after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
