import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '../src/store/store.contract.ts';
import { runAppPurgeContract } from '../src/store/app-purge.contract.ts';
import Database from 'better-sqlite3';
import { PURGED_TABLES } from '../src/store/sqlite/app-purge.sqlite.ts';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/sqlite-database.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { NewMessage } from '../src/store/message-store.ts';

runStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-store-'));
  return { store: await openSqliteStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

runAppPurgeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-purge-'));
  return { store: await openSqliteStore(dir), reopen: () => openSqliteStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

test('SQLite: a deleted app\'s purge covers every table of the schema but the app registry', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-schema-'));
  const store = await openSqliteStore(dir);
  try {
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name);
    db.close();
    const notTenantData = new Set(['apps', 'app_purges']);
    assert.deepEqual(tables.filter((t) => !notTenantData.has(t)).sort(), [...PURGED_TABLES].sort());
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

describe('SQLite store: append throughput', () => {
  // Target: 20,000 messages/s with two inbox rows each, in group-commit batches, on a quiet
  // machine. The assertion only catches order-of-magnitude regressions (CI machines are shared);
  // the log line has the figure.
  test('appends group-commit batches at speed (synchronous=FULL)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-store-speed-'));
    const store = await openSqliteStore(dir, { sync: 'full' });
    try {
      const users = Array.from({ length: 2000 }, (_, i) => `user_${i}`);
      const body = '[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hello, this is a typical short chat message"}}]';
      const total = 40_000;
      const batchSize = 1000;
      const start = performance.now();
      for (let b = 0; b < total / batchSize; b++) {
        const batch: NewMessage[] = Array.from({ length: batchSize }, (_, i) => {
          const n = b * batchSize + i;
          const from = users[(n * 7) % users.length]!;
          const to = users[(n * 13 + 1) % users.length]!;
          const [x, y] = from < to ? [from, to] : [to, from];
          return { sdkAppId: 1400000001, convId: `c2c:${x}:${y}`, from, to, random: n, dedupKey: `k${n}`, time: 1_700_000_000,
            body, priority: 'Normal', inboxUsers: [to, from] };
        });
        await store.messages.append(batch);
      }
      const rate = total / ((performance.now() - start) / 1000);
      console.log(`# sqlite append: ${Math.round(rate)} messages/s (2 inbox rows each, batches of ${batchSize})`);
      assert.ok(rate > 2_000, `${Math.round(rate)} messages/s`);
      assert.equal(await store.messages.lastInboxSeq(1400000001, 'user_1'), 40);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
