/**
 * Availability of the external services some tests need (PostgreSQL, Redis). Locally a test whose
 * service is unreachable is skipped with the reason printed; under CI=true it runs anyway (and
 * fails), so CI cannot go green by silently skipping.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';

export const REDIS_URL = process.env['PARLEY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env['PARLEY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const isCI = process.env['CI'] === 'true';

function canConnect(url: string, defaultPort: number, timeoutMs = 1_000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(u.port || defaultPort), u.hostname || '127.0.0.1', () => done(true));
  });
}

/**
 * Returns `false` (run the tests) or a skip reason for node:test's `skip` option. The reason is
 * also printed, since a skipped suite is otherwise easy to miss.
 */
async function skipUnless(service: string, url: string, defaultPort: number): Promise<string | false> {
  if (isCI) return false;
  if (await canConnect(url, defaultPort)) return false;
  const reason = `${service} unreachable at ${url} (set CI=true to fail instead of skipping)`;
  console.log(`# SKIP ${reason}`);
  return reason;
}

export const skipUnlessRedis = () => skipUnless('Redis', REDIS_URL, 6379);
export const skipUnlessPostgres = () => skipUnless('PostgreSQL', POSTGRES_URL, 5432);

/** A fresh name for per-run isolation: `<base>_<hex>` (valid as a PostgreSQL schema or Redis prefix). */
export function uniqueName(base: string): string {
  return `${base}_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema (and everything in it). */
export async function dropPostgresSchema(schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client(POSTGRES_URL);
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
}
