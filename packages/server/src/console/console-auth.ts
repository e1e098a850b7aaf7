/**
 * @module console/console-auth
 * Who may use the console's operator API (`/console/api/...`):
 *
 * - **Operator**: signs in with the console password. The password is stored only as a scrypt hash
 *   (`scrypt$N$r$p$salt$hash`, base64) in `<dataDir>/console.json`, written by
 *   `npm run console-password -w packages/web` (or `PARLEY_CONSOLE_PASSWORD`, hashed in memory at
 *   start and never written). A successful sign-in gets a random session token in an HttpOnly,
 *   SameSite=Strict cookie scoped to /console/ (12 h). No password configured: operator sign-in is
 *   off and the page says how to set one.
 * - **App admin**: any request may instead carry `x-parley-sdkappid`, `x-parley-identifier` and
 *   `x-parley-usersig` — a valid ticket of one of that app's admin accounts, exactly what the REST
 *   API accepts. It grants access to that app only.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { KeyedRateLimiter } from '../core/token-bucket.ts';
import type { AppRecord } from '../store/app-store.ts';
import type { TicketCheck } from '../services.ts';

export const CONSOLE_FILE = 'console.json';
export const COOKIE = 'parley_console';
const SESSION_MS = 12 * 3600_000;
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$16384$8$1$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P, KEYLEN);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false;
  const want = Buffer.from(parts[5]!, 'base64');
  const got = await scryptAsync(password, Buffer.from(parts[4]!, 'base64'), n, r, p, want.length || KEYLEN);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Writes the hash to `<dataDir>/console.json` (mode 0600). */
export async function writeConsolePassword(dataDir: string, password: string): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, CONSOLE_FILE);
  const hash = await hashPassword(password);
  writeFileSync(`${file}.tmp`, JSON.stringify({ passwordHash: hash, setAt: new Date().toISOString() }, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return hash;
}

export interface ConsoleAuthOptions {
  dataDir: string;
  /** A plain password (tests, or PARLEY_CONSOLE_PASSWORD): hashed in memory, never written. */
  password?: string;
  now?: () => number;
}

export type Caller = { kind: 'operator' } | { kind: 'admin'; app: AppRecord; identifier: string };

export class ConsoleAuth {
  readonly #sessions = new Map<string, number>();
  readonly #limiter = new KeyedRateLimiter(0.5, 5, 10_000);
  readonly #now: () => number;
  readonly #dataDir: string;
  #hash: Promise<string | undefined>;

  constructor(opts: ConsoleAuthOptions) {
    this.#now = opts.now ?? Date.now;
    this.#dataDir = opts.dataDir;
    const plain = opts.password ?? process.env['PARLEY_CONSOLE_PASSWORD'];
    this.#hash = plain ? hashPassword(plain) : Promise.resolve(undefined);
  }

  /** The stored hash is re-read on every sign-in, so `console-password` takes effect without a restart. */
  async #storedHash(): Promise<string | undefined> {
    const inMemory = await this.#hash;
    if (inMemory) return inMemory;
    const file = join(this.#dataDir, CONSOLE_FILE);
    if (!existsSync(file)) return undefined;
    try {
      const h = (JSON.parse(readFileSync(file, 'utf8')) as { passwordHash?: unknown }).passwordHash;
      return typeof h === 'string' ? h : undefined;
    } catch {
      return undefined;
    }
  }

  async passwordConfigured(): Promise<boolean> {
    return (await this.#storedHash()) !== undefined;
  }

  /** A session token, or a reason. Attempts are limited per client address (5, then one per 2 s). */
  async signIn(password: unknown, clientKey: string): Promise<{ token: string } | { error: string; status: number }> {
    if (!this.#limiter.take(clientKey, this.#now())) return { error: 'too many attempts, wait a few seconds', status: 429 };
    const hash = await this.#storedHash();
    if (!hash) return { error: 'no console password is set (see docs/web.md)', status: 403 };
    if (typeof password !== 'string' || password.length === 0 || password.length > 1024) return { error: 'wrong password', status: 401 };
    if (!(await checkPassword(password, hash))) return { error: 'wrong password', status: 401 };
    const token = randomBytes(32).toString('base64url');
    this.#sessions.set(token, this.#now() + SESSION_MS);
    this.#prune();
    return { token };
  }

  signOut(req: IncomingMessage): void {
    const t = tokenOf(req);
    if (t) this.#sessions.delete(t);
  }

  isOperator(req: IncomingMessage): boolean {
    const t = tokenOf(req);
    if (!t) return false;
    const exp = this.#sessions.get(t);
    if (exp === undefined) return false;
    if (exp < this.#now()) {
      this.#sessions.delete(t);
      return false;
    }
    return true;
  }

  /** The app-admin headers, checked against the app's keys and admin list. */
  async appAdmin(req: IncomingMessage, getApp: (id: number) => Promise<AppRecord | undefined>, tickets: TicketCheck): Promise<{ app: AppRecord; identifier: string } | undefined> {
    const rawId = header(req, 'x-parley-sdkappid');
    const identifier = header(req, 'x-parley-identifier');
    const sig = header(req, 'x-parley-usersig');
    if (!rawId || !identifier || !sig || !/^[1-9][0-9]{0,9}$/.test(rawId)) return undefined;
    const app = await getApp(Number(rawId));
    if (!app || app.disabled || !app.admins.includes(identifier)) return undefined;
    const r = tickets.verify(app, identifier, sig, Math.floor(this.#now() / 1000));
    return r.ok ? { app, identifier } : undefined;
  }

  #prune(): void {
    const now = this.#now();
    for (const [t, exp] of this.#sessions) if (exp < now) this.#sessions.delete(t);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v.length > 0 && v.length < 8192 ? v : undefined;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const cookie = req.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${COOKIE}=${token}; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(): string {
  return `${COOKIE}=; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=0`;
}
