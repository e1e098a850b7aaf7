import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { Codes } from '@parley/protocol';
import { ParleyError } from '../src/errors.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { NewMessage } from '../src/store/message-store.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';

const msg = (random: number): NewMessage => ({
  sdkAppId: 1, convId: 'c2c:a:b', from: 'a', to: 'b', random, dedupKey: `k${random}`, time: 1, body: '[]', priority: 'Normal',
  inboxUsers: ['b', 'a'],
});

const isUnavailable = (err: unknown) => err instanceof ParleyError && err.code === Codes.STORE_UNAVAILABLE.code;

/** A TCP proxy to PostgreSQL that can be taken down and brought back on the same port. */
class Proxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
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

  /** Refuses new connections and cuts the open ones, as a database crash would. */
  async down(): Promise<void> {
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

describe('PostgreSQL store: outages', async () => {
  const skip = await skipUnlessPostgres();

  it('rejects with STORE_UNAVAILABLE while the database is unreachable and recovers by itself', { skip }, async () => {
    const proxy = new Proxy();
    await proxy.up();
    const schema = uniqueName('parley_test');
    const store = await openPostgresStore(proxy.url(), { schema, connectTimeoutMs: 1_000 });
    try {
      assert.equal((await store.messages.append([msg(1)]))[0]?.message.seq, 1);
      await proxy.down();
      await assert.rejects(store.messages.append([msg(2)]), isUnavailable);
      await assert.rejects(store.messages.history(1, 'c2c:a:b', undefined, 10), isUnavailable);
      await assert.rejects(store.apps.listApps(), isUnavailable);
      await proxy.up();
      const [r] = await store.messages.append([msg(2)]);
      assert.equal(r?.message.seq, 2); // the failed attempt left no gap
      assert.equal((await store.messages.history(1, 'c2c:a:b', undefined, 10)).length, 2);
    } finally {
      await store.close();
      await proxy.down().catch(() => {});
      await dropPostgresSchema(schema);
    }
  });

  it('a backend terminated mid-transaction fails that append only', { skip }, async () => {
    const schema = uniqueName('parley_test');
    const appName = uniqueName('parley_outage');
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('application_name', appName);
    const store = await openPostgresStore(url.toString(), { schema });
    const admin = new pg.Client(POSTGRES_URL);
    await admin.connect();
    try {
      await store.messages.append([msg(1)]);
      // Hold the conversation's counter so the next append blocks inside its transaction.
      await admin.query('BEGIN');
      await admin.query(`SELECT value FROM "${schema}".counters WHERE key = 'c2c:a:b' FOR UPDATE`);
      const blocked = store.messages.append([msg(2)]);
      blocked.catch(() => {});
      for (let i = 0; ; i++) {
        const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [appName]);
        if (rows.length > 0) break;
        if (i > 200) throw new Error('append never blocked');
        await new Promise((r) => setTimeout(r, 10));
      }
      // Only our own connections: the shared server and other runs are untouched.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
      await assert.rejects(blocked, isUnavailable);
      await admin.query('ROLLBACK');
      const [r] = await store.messages.append([msg(2)]);
      assert.equal(r?.message.seq, 2);
      assert.equal(r?.duplicate, false);
    } finally {
      await admin.end();
      await store.close();
      await dropPostgresSchema(schema);
    }
  });

  it('open rejects with STORE_UNAVAILABLE when nothing listens', { skip }, async () => {
    await assert.rejects(openPostgresStore('postgres://postgres@127.0.0.1:1/test', { schema: 'unused' }), isUnavailable);
  });
});
