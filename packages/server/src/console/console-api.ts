/**
 * @module console/console-api
 * Parley's operator API for the admin console, JSON over HTTP under `/console/api/`, plus the live
 * page's room list at `/live/api/rooms`. Tencent has no equivalent (its console is a web app over
 * private APIs), so this is Parley-specific; everything a Tencent REST call can do (users, groups,
 * sensitive words, kicks) the console does through `/v4/...` instead, signed as the app admin.
 *
 * Auth (console-auth.ts): operator session cookie, or the app-admin headers (that app only).
 *
 *   GET    /console/api/session                 → { operator, passwordConfigured }
 *   POST   /console/api/login     { password }  → sets the session cookie
 *   POST   /console/api/logout
 *   GET    /console/api/apps                    operator → { apps: AppView[] }
 *   POST   /console/api/apps      { name, mode?, v1Curve? }   operator → { app, secretKey, v1PrivateKeyPem? }
 *   GET    /console/api/apps/:id                → { app }
 *   DELETE /console/api/apps/:id                operator
 *   POST   /console/api/apps/:id/disabled { disabled }   operator
 *   GET    /console/api/apps/:id/secret         → { secretKey }   (shown on demand, never listed)
 *   PATCH  /console/api/apps/:id/settings  patch → { app }        (apps/app-settings.ts validates)
 *   PUT    /console/api/apps/:id/admins { admins } → { app }
 *   POST   /console/api/apps/:id/v1-key  { curve } → { app, privateKeyPem }  (new pair; private key only now)
 *   POST   /console/api/usersig/v1   { sdkAppId, identifier, expire?, privateKeyPem } → { userSig }
 *   POST   /console/api/usersig/check { userSig, sdkAppId?, identifier?, secretKey?, publicKeyPem? } → decoded + result
 *   GET    /console/api/stats[?sdkAppId=]       → StatsSnapshot (app admins: their app's rooms)
 *   GET    /live/api/rooms?sdkAppId=            live page, any signed-in user of the app (same headers
 *                                               as an app admin, any identifier) → { rooms }
 *
 * Mutating requests must be `application/json` (a cross-site form cannot send that without a
 * preflight), and the cookie is SameSite=Strict.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeTicket, genUserSigV1, generateV1KeyPair, verifyUserSig } from '@parley/usersig';
import { Codes } from '@parley/protocol';
import type { AppRegistry } from '../apps/app-registry.ts';
import { ParleyError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AppRecord } from '../store/app-store.ts';
import { ConsoleAuth, clearedCookie, sessionCookie, type Caller } from './console-auth.ts';
import { ConsoleStats } from './stats.ts';

const MAX_BODY = 64 * 1024;

export interface ConsoleApiOptions {
  services: Services;
  apps: AppRegistry;
  dataDir: string;
  /** Open WebSocket connections on this node. */
  connections: () => number;
  password?: string;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface AppView {
  sdkAppId: number;
  name: string;
  mode: string;
  admins: string[];
  settings: AppRecord['settings'];
  createdAt: number;
  disabled: boolean;
  hasV1Key: boolean;
  publicKeyPem?: string;
}

function view(app: AppRecord): AppView {
  const v: AppView = {
    sdkAppId: app.sdkAppId, name: app.name, mode: app.mode, admins: app.admins, settings: app.settings,
    createdAt: app.createdAt, disabled: app.disabled === true, hasV1Key: !!app.publicKeyPem,
  };
  if (app.publicKeyPem) v.publicKeyPem = app.publicKeyPem;
  return v;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) return reject(new HttpError(415, 'send application/json'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const v = size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'the body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

function str(v: unknown, name: string, max = 4096): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new HttpError(400, `${name} must be a non-empty string`);
  return v;
}

function posInt(v: unknown, name: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > 0xffffffff) throw new HttpError(400, `${name} must be a positive integer`);
  return n;
}

export class ConsoleApi {
  readonly auth: ConsoleAuth;
  readonly stats: ConsoleStats;

  constructor(private readonly o: ConsoleApiOptions) {
    this.auth = new ConsoleAuth(o.password === undefined ? { dataDir: o.dataDir } : { dataDir: o.dataDir, password: o.password });
    this.stats = new ConsoleStats(o.services, o.connections, async () => (await o.apps.list()).map((a) => a.sdkAppId));
  }

  close(): void {
    this.stats.close();
  }

  /** True when the path is the API's (the response is then handled). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path === '/live/api/rooms') {
      void this.#run(res, () => this.#liveRooms(req));
      return true;
    }
    if (!path.startsWith('/console/api/')) return false;
    void this.#run(res, () => this.#route(req, res, path.slice('/console/api/'.length)));
    return true;
  }

  async #run(res: ServerResponse, fn: () => Promise<unknown>): Promise<void> {
    try {
      const out = await fn();
      if (!res.headersSent) send(res, 200, out ?? {});
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof HttpError) send(res, err.status, { error: err.message });
      else if (err instanceof ParleyError) send(res, 400, { error: err.message, code: err.code });
      else {
        this.o.services.logger.error({ err }, 'console api failed');
        send(res, 500, { error: 'internal error' });
      }
    }
  }

  async #caller(req: IncomingMessage): Promise<Caller | undefined> {
    if (this.auth.isOperator(req)) return { kind: 'operator' };
    const a = await this.auth.appAdmin(req, (id) => this.o.apps.get(id), this.o.services.tickets);
    return a ? { kind: 'admin', ...a } : undefined;
  }

  async #operator(req: IncomingMessage): Promise<void> {
    if (!this.auth.isOperator(req)) throw new HttpError(401, 'operator sign-in required');
  }

  /** The app, if the caller is the operator or an admin of that app. */
  async #appFor(req: IncomingMessage, id: number): Promise<AppRecord> {
    const c = await this.#caller(req);
    if (!c) throw new HttpError(401, 'sign in first');
    if (c.kind === 'admin' && c.app.sdkAppId !== id) throw new HttpError(403, 'signed in for another app');
    const app = await this.o.apps.get(id);
    if (!app) throw new HttpError(404, `SDKAppID ${id} not found`);
    return app;
  }

  async #route(req: IncomingMessage, res: ServerResponse, rest: string): Promise<unknown> {
    const m = req.method ?? 'GET';
    const parts = rest.split('?')[0]!.split('/').filter((p) => p !== '');
    const [a, b, c] = parts;
    if (m !== 'GET' && m !== 'HEAD' && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new HttpError(415, 'send application/json');
    }

    if (a === 'session' && m === 'GET') {
      const caller = await this.#caller(req);
      return { operator: caller?.kind === 'operator', passwordConfigured: await this.auth.passwordConfigured(), ...(caller?.kind === 'admin' && { admin: { sdkAppId: caller.app.sdkAppId, identifier: caller.identifier } }) };
    }
    if (a === 'login' && m === 'POST') {
      const body = await readJson(req);
      const r = await this.auth.signIn(body['password'], req.socket.remoteAddress ?? '?');
      if ('error' in r) throw new HttpError(r.status, r.error);
      const secure = req.headers['x-forwarded-proto'] === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
      send(res, 200, { operator: true }, { 'set-cookie': sessionCookie(r.token, secure) });
      return undefined;
    }
    if (a === 'logout' && m === 'POST') {
      this.auth.signOut(req);
      send(res, 200, {}, { 'set-cookie': clearedCookie() });
      return undefined;
    }
    if (a === 'apps' && b === undefined) {
      await this.#operator(req);
      if (m === 'GET') return { apps: (await this.o.apps.list()).map(view).sort((x, y) => x.createdAt - y.createdAt || x.sdkAppId - y.sdkAppId) };
      if (m === 'POST') {
        const body = await readJson(req);
        const input: Parameters<AppRegistry['createApp']>[0] = { name: str(body['name'], 'name', 64) };
        if (body['mode'] !== undefined) input.mode = body['mode'] as 'guest' | 'independent';
        if (body['v1Curve'] !== undefined && body['v1Curve'] !== '') input.v1Curve = body['v1Curve'] as 'secp256k1' | 'prime256v1';
        const created = await this.o.apps.createApp(input);
        return { app: view(created.app), secretKey: created.app.secretKey, ...(created.v1PrivateKeyPem && { v1PrivateKeyPem: created.v1PrivateKeyPem }) };
      }
    }
    if (a === 'apps' && b !== undefined) {
      const id = posInt(b, 'SDKAppID');
      if (c === undefined && m === 'GET') return { app: view(await this.#appFor(req, id)) };
      if (c === undefined && m === 'DELETE') {
        await this.#operator(req);
        const deleted = await this.o.apps.delete(id);
        // Its tickets stop working now; so do its connections (on every node).
        if (deleted) await this.o.services.sessions.closeApp(id, Codes.SDKAPPID_NOT_FOUND.code, 'The app was deleted');
        return { deleted };
      }
      if (c === 'disabled' && m === 'POST') {
        await this.#operator(req);
        const body = await readJson(req);
        const app = await this.o.apps.setDisabled(id, body['disabled'] === true);
        if (app.disabled) await this.o.services.sessions.closeApp(id, Codes.REST_APP_DISABLED.code, 'The app was disabled');
        return { app: view(app) };
      }
      if (c === 'secret' && m === 'GET') return { secretKey: (await this.#appFor(req, id)).secretKey };
      if (c === 'settings' && m === 'PATCH') {
        await this.#appFor(req, id);
        return { app: view(await this.o.apps.updateSettings(id, await readJson(req))) };
      }
      if (c === 'admins' && m === 'PUT') {
        await this.#appFor(req, id);
        const body = await readJson(req);
        return { app: view(await this.o.apps.setAdmins(id, body['admins'] as string[])) };
      }
      if (c === 'v1-key' && m === 'POST') {
        await this.#appFor(req, id);
        const body = await readJson(req);
        const curve = body['curve'] === 'secp256k1' ? 'secp256k1' : 'prime256v1';
        const pair = generateV1KeyPair(curve);
        const app = await this.o.apps.registerPublicKey(id, pair.publicKeyPem);
        return { app: view(app), privateKeyPem: pair.privateKeyPem };
      }
    }
    if (a === 'usersig' && m === 'POST') {
      if (!(await this.#caller(req))) throw new HttpError(401, 'sign in first');
      const body = await readJson(req);
      if (b === 'v1') {
        try {
          const userSig = genUserSigV1({
            sdkAppId: posInt(body['sdkAppId'], 'sdkAppId'),
            identifier: str(body['identifier'], 'identifier', 32),
            privateKeyPem: str(body['privateKeyPem'], 'privateKeyPem', 16_384),
            ...(body['expire'] !== undefined && { expire: posInt(body['expire'], 'expire') }),
          });
          return { userSig };
        } catch (err) {
          if (err instanceof HttpError) throw err;
          throw new HttpError(400, `could not sign: ${(err as Error).message}`);
        }
      }
      if (b === 'check') return this.#check(req, body);
    }
    if (a === 'stats' && m === 'GET') {
      const caller = await this.#caller(req);
      if (!caller) throw new HttpError(401, 'sign in first');
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('sdkAppId');
      const scope = caller.kind === 'admin' ? caller.app.sdkAppId : q ? posInt(q, 'sdkAppId') : undefined;
      return this.stats.snapshot(scope);
    }
    throw new HttpError(404, 'no such console API');
  }

  /** Decodes a ticket and verifies it with the given key, or with the app's stored keys when the caller may see that app. */
  async #check(req: IncomingMessage, body: Record<string, unknown>): Promise<unknown> {
    const userSig = str(body['userSig'], 'userSig', 64 * 1024).trim();
    const decoded = decodeTicket(userSig);
    if (!decoded.ok) return { decoded: null, ok: false, code: decoded.code, reason: decoded.reason };
    const t = decoded.ticket;
    const info = { version: t.version, identifier: t.identifier, sdkAppId: t.sdkAppId, time: t.time, expire: t.expire, expiresAt: t.time + t.expire, hasUserbuf: t.userbuf !== undefined };
    let secretKey = typeof body['secretKey'] === 'string' && body['secretKey'] !== '' ? body['secretKey'] : undefined;
    let publicKeyPem = typeof body['publicKeyPem'] === 'string' && body['publicKeyPem'] !== '' ? body['publicKeyPem'] : undefined;
    let keySource = 'given';
    if (!secretKey && !publicKeyPem) {
      const app = await this.#appFor(req, t.sdkAppId).catch(() => undefined);
      if (!app) return { decoded: info, ok: false, reason: 'no key given, and the ticket names an app you are not signed in for' };
      secretKey = app.secretKey;
      publicKeyPem = app.publicKeyPem;
      keySource = 'app';
    }
    const r = verifyUserSig(userSig, {
      sdkAppId: typeof body['sdkAppId'] === 'number' ? body['sdkAppId'] : t.sdkAppId,
      identifier: typeof body['identifier'] === 'string' && body['identifier'] !== '' ? body['identifier'] : t.identifier,
      ...(secretKey && { secretKey }),
      ...(publicKeyPem && { publicKeyPem }),
      allowUserbuf: true,
    });
    return r.ok ? { decoded: info, ok: true, keySource } : { decoded: info, ok: false, code: r.code, reason: r.reason, keySource };
  }

  /** Live rooms of one app with their online counts, for the live page's room picker. */
  async #liveRooms(req: IncomingMessage): Promise<unknown> {
    const rawId = req.headers['x-parley-sdkappid'];
    const identifier = req.headers['x-parley-identifier'];
    const sig = req.headers['x-parley-usersig'];
    if (typeof rawId !== 'string' || typeof identifier !== 'string' || typeof sig !== 'string') throw new HttpError(401, 'sign in first');
    const app = await this.o.apps.get(posInt(rawId, 'SDKAppID'));
    if (!app || app.disabled) throw new HttpError(404, 'no such app');
    const ok = this.o.services.tickets.verify(app, identifier, sig);
    if (!ok.ok) throw new HttpError(401, ok.reason);
    const rooms = (await this.stats.roomsOf(app.sdkAppId)).slice(0, 100);
    return { rooms: rooms.map((r) => ({ groupID: r.groupId, name: r.name, online: r.online })) };
  }
}
