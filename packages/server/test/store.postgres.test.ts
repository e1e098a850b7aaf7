import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { SCHEMA_VERSION } from '../src/store/postgres/migrations.ts';
import { PURGED_TABLES } from '../src/store/postgres/app-purge.postgres.ts';
import { runStoreContract } from '../src/store/store.contract.ts';
import { runAppPurgeContract } from '../src/store/app-purge.contract.ts';
import type { NewMessage } from '../src/store/message-store.ts';
import type { Store } from '../src/store/store.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';

const msg = (over: Partial<NewMessage> & Pick<NewMessage, 'convId' | 'from' | 'to'>): NewMessage => ({
  sdkAppId: 1400000001, random: 1, dedupKey: '', time: 1_700_000_000, body: '[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]',
  priority: 'Normal', inboxUsers: [], ...over,
});

// The shared suite, unchanged, in a schema of its own. It has no skip option, so an unreachable
// server (outside CI) registers one skipped test instead.
const unreachable = await skipUnlessPostgres();
if (unreachable) {
  it('Store contract: postgres', { skip: unreachable }, () => {});
} else {
  const schema = uniqueName('parley_test');
  runStoreContract('postgres', async () => ({
    store: await openPostgresStore(POSTGRES_URL, { schema }),
    cleanup: () => dropPostgresSchema(schema),
  }));
}

if (unreachable) {
  it('App purge contract: postgres', { skip: unreachable }, () => {});
} else {
  const schema = uniqueName('parley_test');
  runAppPurgeContract('postgres', async () => ({
    store: await openPostgresStore(POSTGRES_URL, { schema }),
    reopen: () => openPostgresStore(POSTGRES_URL, { schema }),
    cleanup: () => dropPostgresSchema(schema),
  }));
}

describe('PostgreSQL store: several nodes on one database', async () => {
  const skip = await skipUnlessPostgres();
  const schema = uniqueName('parley_test');
  let nodes: Store[] = [];

  before(async () => {
    if (skip) return;
    // Three nodes starting at once: the advisory lock makes exactly one of them migrate.
    nodes = await Promise.all([1, 2, 3].map(() => openPostgresStore(POSTGRES_URL, { schema })));
  });
  after(async () => {
    if (skip) return;
    await Promise.all(nodes.map((s) => s.close()));
    await dropPostgresSchema(schema);
  });

  it('a deleted app\'s purge covers every table of the schema but the app registry', { skip }, async () => {
    const c = new pg.Client(POSTGRES_URL);
    await c.connect();
    try {
      const { rows } = await c.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      const notTenantData = new Set(['apps', 'app_purges', 'parley_migrations']);
      assert.deepEqual(rows.map((r) => r.table_name).filter((t) => !notTenantData.has(t)).sort(), [...PURGED_TABLES].sort());
    } finally {
      await c.end();
    }
  });

  it('migrated once', { skip }, async () => {
    const c = new pg.Client(POSTGRES_URL);
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT version FROM "${schema}".parley_migrations ORDER BY version`);
      assert.deepEqual(rows, Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    } finally {
      await c.end();
    }
  });

  it('allocates gap-free conversation and inbox sequences with every node appending at once', { skip }, async () => {
    const convId = 'c2c:alice:bob';
    const perNode = 30;
    const batchSize = 20;
    await Promise.all(nodes.map((store, n) => (async () => {
      for (let b = 0; b < perNode; b++) {
        const batch = Array.from({ length: batchSize }, (_, i) => msg({
          from: n % 2 ? 'alice' : 'bob', to: n % 2 ? 'bob' : 'alice', random: n * 1e6 + b * 1e3 + i,
          // Other conversations in the same batch, in varying order, to exercise lock ordering.
          ...(i % 3 === 0 ? { convId: `group:g${(b + i + n) % 5}` } : { convId, inboxUsers: ['alice', 'bob'] }),
        }));
        await store.messages.append(b % 2 ? batch : batch.reverse());
      }
    })()));
    const all = await nodes[0]!.messages.history(1400000001, convId, undefined, 100_000);
    const expected = nodes.length * perNode * (batchSize - Math.ceil(batchSize / 3));
    assert.equal(all.length, expected);
    assert.deepEqual(all.map((m) => m.seq), Array.from({ length: expected }, (_, i) => expected - i));
    const inbox = await nodes[1]!.messages.readInbox(1400000001, 'alice', 0, 100_000);
    assert.deepEqual(inbox.map((r) => r.inbox), Array.from({ length: expected }, (_, i) => i + 1));
    assert.equal(await nodes[2]!.messages.lastInboxSeq(1400000001, 'bob'), expected);
  });

  it('stores a dedup key once when nodes race on it', { skip }, async () => {
    const convId = 'c2c:carol:dave';
    for (let round = 0; round < 10; round++) {
      const m = msg({ convId, from: 'carol', to: 'dave', dedupKey: `k${round}`, random: round, inboxUsers: ['carol', 'dave'] });
      const results = (await Promise.all(nodes.map((s) => s.messages.append([m])))).map((r) => r[0]!);
      assert.equal(results.filter((r) => !r.duplicate).length, 1, `round ${round}`);
      assert.equal(new Set(results.map((r) => r.message.seq)).size, 1);
    }
    const stored = await nodes[0]!.messages.history(1400000001, convId, undefined, 100);
    assert.deepEqual(stored.map((m) => m.seq), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('appends in group-commit batches at speed (target: 10,000 messages/s; the log line has the figure)', { skip }, async () => {
    const total = 20_000;
    const batchSize = 500;
    const users = Array.from({ length: 200 }, (_, i) => `p${i}`);
    const start = performance.now();
    const work: Promise<unknown>[] = [];
    for (let b = 0; b < total / batchSize; b++) {
      const batch = Array.from({ length: batchSize }, (_, i) => {
        const from = users[(b * batchSize + i) % users.length]!;
        const to = users[(b * 7 + i * 13 + 1) % users.length]!;
        const [x, y] = from < to ? [from, to] : [to, from];
        return msg({ convId: `c2c:${x}:${y}`, from, to, random: i, dedupKey: `b${b}i${i}`, inboxUsers: [to, from] });
      });
      // Several batches in flight across the nodes, as a cluster would run them.
      work.push(nodes[b % nodes.length]!.messages.append(batch));
      if (work.length === 6) await Promise.all(work.splice(0));
    }
    await Promise.all(work);
    const rate = total / ((performance.now() - start) / 1000);
    console.log(`# postgres append: ${Math.round(rate)} messages/s`);
    // The bound is loose so a busy shared box does not flake; it still catches a per-row round
    // trip creeping back in (that runs at a few hundred messages/s). The log shows the real figure.
    assert.ok(rate > 2_000, `${Math.round(rate)} messages/s`);
  });
});
