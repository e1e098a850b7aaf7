/**
 * Test fixtures: a Parley node on port 0 with its own temp data dir, apps made directly in the
 * store, and tickets signed like Tencent's libraries do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genUserSigV2, generateSecretKey } from '@parley/usersig';
import { createParley, type Parley, type ParleyOptions } from '../../src/server.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord, type AppSettings } from '../../src/store/app-store.ts';
import { TestClient } from './ws-client.ts';

export interface TestNode {
  parley: Parley;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startNode(options: ParleyOptions = {}, dataDir?: string): Promise<TestNode> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const parley = await createParley({ ...options, config: { port: 0, host: '127.0.0.1', dataDir: dir, ...options.config } });
  await parley.listen();
  return {
    parley,
    url: parley.url,
    dataDir: dir,
    async close() {
      await parley.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let appCounter = 0;

export async function createTestApp(
  node: TestNode,
  opts: { mode?: 'independent' | 'guest'; settings?: Partial<AppSettings>; publicKeyPem?: string } = {},
): Promise<AppRecord> {
  const app: AppRecord = {
    sdkAppId: 1400000000 + process.pid * 100 + ++appCounter,
    name: `test-${appCounter}`,
    mode: opts.mode ?? 'independent',
    secretKey: generateSecretKey(),
    ...(opts.publicKeyPem !== undefined && { publicKeyPem: opts.publicKeyPem }),
    admins: ['administrator'],
    settings: { ...DEFAULT_APP_SETTINGS, ...opts.settings },
    createdAt: Math.floor(Date.now() / 1000),
  };
  await node.parley.services.store.apps.createApp(app);
  return app;
}

export function sign(app: AppRecord, userID: string, expire = 86400, time = Math.floor(Date.now() / 1000)): string {
  return genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: userID, expire, time });
}

export async function loginClient(node: TestNode, app: AppRecord, userID: string, platform = 'Web'): Promise<{ client: TestClient; login: any }> {
  const client = await TestClient.connect(node.url);
  const r = await client.request('login', { sdkAppId: app.sdkAppId, userID, userSig: sign(app, userID), platform });
  if (r.code !== 0) throw new Error(`login ${userID} failed: ${r.code} ${r.message}`);
  return { client, login: r.data };
}

export function text(t: string): unknown[] {
  return [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];
}

/** Calls the REST API as the app's admin. */
export async function rest(node: TestNode, app: AppRecord, path: string, body: unknown, identifier = 'administrator'): Promise<any> {
  const q = new URLSearchParams({
    sdkappid: String(app.sdkAppId), identifier, usersig: sign(app, identifier), random: String(Math.floor(Math.random() * 1e9)), contenttype: 'json',
  });
  const res = await fetch(`${node.url}/v4/${path}?${q}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return res.json();
}
