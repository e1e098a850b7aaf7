/**
 * Test harness: a real Parley node on port 0 with one app, tickets, SDK clients, and a loopback TCP
 * proxy that can cut or black-hole every connection through it (network failure injection).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../server/src/server.ts';
import { genUserSigV2 } from '@parley/usersig';
import TIM, { type ChatSDK, type CreateOptions, type SDKEvent } from '../src/node.ts';

export interface TestEnv {
  parley: Parley;
  url: string;
  port: number;
  sdkAppId: number;
  secretKey: string;
  dataDir: string;
  sig(userID: string, expireSeconds?: number, time?: number): string;
  client(opts?: Partial<CreateOptions>): ChatSDK;
  /** Creates (or updates) the app's settings. */
  close(): Promise<void>;
}

export async function startEnv(config: Record<string, unknown> = {}, app: { mode?: 'independent' | 'guest'; settings?: Record<string, unknown> } = {}): Promise<TestEnv> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-sdk-'));
  const parley = await createParley({ config: { port: 0, dataDir, host: '127.0.0.1', ...config } });
  const port = await parley.listen();
  const { sdkAppId, secretKey } = await createApp(parley, app);
  const clients: ChatSDK[] = [];
  const url = `http://127.0.0.1:${port}`;
  return {
    parley, url, port, sdkAppId, secretKey, dataDir,
    sig: (userID, expire = 86_400, time) => genUserSigV2({ sdkAppId, secretKey, identifier: userID, expire, ...(time !== undefined && { time }) }),
    client(opts = {}) {
      const c = TIM.create({
        SDKAppID: sdkAppId, server: url, isolated: true, reconnectMinDelayMs: 50, reconnectMaxDelayMs: 500, loginTimeoutMs: 8_000, ...opts,
      });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.destroy().catch(() => {})));
      await parley.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function createApp(parley: Parley, app: { mode?: 'independent' | 'guest'; settings?: Record<string, unknown> }): Promise<{ sdkAppId: number; secretKey: string }> {
  const created = await parley.apps.createApp({ name: 'sdk-test', mode: app.mode ?? 'independent' });
  if (app.settings) await parley.apps.updateSettings(created.app.sdkAppId, app.settings);
  return { sdkAppId: created.app.sdkAppId, secretKey: created.app.secretKey };
}

/** Resolves with the next event of that name (optionally matching), or rejects after `ms`. */
export function nextEvent<T = unknown>(c: ChatSDK, name: string, ms = 5_000, match: (data: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.off(name, handler);
      reject(new Error(`timed out waiting for ${name}`));
    }, ms);
    const handler = (e: SDKEvent<T>) => {
      if (!match(e.data)) return;
      clearTimeout(timer);
      c.off(name, handler);
      resolve(e.data);
    };
    c.on(name, handler);
  });
}

export async function until(cond: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Logs in and waits for SDK_READY. */
export async function loginReady(env: TestEnv, c: ChatSDK, userID: string): Promise<void> {
  const ready = nextEvent(c, TIM.EVENT.SDK_READY, 8_000);
  await c.login({ userID, userSig: env.sig(userID) });
  await ready;
}

/**
 * A loopback TCP proxy in front of the server. `cut()` destroys every connection (the client and
 * the server both see the link die); `blackhole('both')` keeps sockets open but drops all bytes (a
 * dead link only heartbeats can detect); `setDown(true)` refuses new connections.
 * (`blackhole('down')` loses only the server's answers: the request lands, its ack never returns.)
 */
export class TcpProxy {
  readonly server: Server;
  readonly pairs = new Set<[Socket, Socket]>();
  port = 0;
  #down = false;
  #blackhole: 'none' | 'both' | 'down' = 'none';
  cuts = 0;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      if (this.#down) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const drop = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('data', (d) => {
        if (this.#blackhole !== 'both') upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (this.#blackhole === 'none') client.write(d);
      });
      client.on('close', drop);
      upstream.on('close', drop);
      client.on('error', drop);
      upstream.on('error', drop);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cuts++;
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  setDown(down: boolean): void {
    this.#down = down;
    if (down) this.cut();
  }

  /** Drops bytes without closing: 'both' directions, 'down' (server → client) only, or 'none'. */
  blackhole(mode: 'none' | 'both' | 'down'): void {
    this.#blackhole = mode;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export { TIM };
