/**
 * A REST API under test: a real HTTP server on port 0 over a fresh SQLite store, one app, and a
 * raw HTTP client (node:http, so oversize bodies and odd methods can be sent as they are).
 */
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genUserSigV2 } from '@parley/usersig';
import { AppRegistry } from '../src/apps/app-registry.ts';
import { TicketVerifier } from '../src/auth/ticket-verifier.ts';
import { createLogger } from '../src/observability/logger.ts';
import { Metrics } from '../src/observability/metrics.ts';
import { CommandRegistry, type RestDeps } from '../src/rest/command-registry.ts';
import { createRestHandler } from '../src/rest/rest-handler.ts';
import type { SessionControl } from '../src/rest/session-control.ts';
import type { AppRecord } from '../src/store/app-store.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';

export interface RestReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

export interface RestHarness {
  store: Store;
  apps: AppRegistry;
  app: AppRecord;
  registry: CommandRegistry;
  deps: RestDeps;
  kicked: string[];
  /** Current fake clock (ms); tests may move it. */
  clock: { now: number };
  /** A valid admin ticket for the app. */
  adminSig: string;
  /** The query string of a correctly signed admin call. */
  query(over?: Record<string, string | undefined>): string;
  raw(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<RestReply>;
  /** POST /v4/<path>?<signed query> with a JSON body. */
  post(path: string, body: unknown, over?: Record<string, string | undefined>): Promise<RestReply>;
  close(): Promise<void>;
}

export async function startRestHarness(): Promise<RestHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-rest-'));
  const store = await openSqliteStore(dir, { sync: 'normal' });
  const apps = new AppRegistry(store.apps);
  const { app } = await apps.createApp({ name: 'rest-test' });
  const registry = new CommandRegistry();
  const kicked: string[] = [];
  const clock = { now: Date.now() };
  const sessions: SessionControl = {
    kickUser: async (sdkAppId, userID) => {
      kicked.push(`${sdkAppId}/${userID}`);
      return 1;
    },
    onlineStatus: async () => new Map(),
  };
  const deps: RestDeps = {
    store, apps, verifier: new TicketVerifier(), logger: createLogger('silent'), metrics: new Metrics(false), registry, sessions,
    now: () => clock.now,
  };
  const server: Server = createServer(createRestHandler(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const adminSig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'administrator', expire: 86400 });

  const query = (over: Record<string, string | undefined> = {}) => {
    const params: Record<string, string | undefined> = {
      sdkappid: String(app.sdkAppId), identifier: 'administrator', usersig: adminSig, random: '12345', contenttype: 'json', ...over,
    };
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
    return q.toString();
  };

  const raw = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    new Promise<RestReply>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            // left empty: the test asserts on text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      // The server may answer and close before an oversize upload is done; the reply still counts.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      if (body !== undefined) req.end(body);
      else req.end();
    });

  return {
    store, apps, app, registry, deps, kicked, clock, adminSig, query, raw,
    post: (path, body, over) => raw('POST', `/v4/${path}?${query(over)}`, typeof body === 'string' ? body : JSON.stringify(body)),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
