// The operations stores (dirty words, global mute, daily figures) on both engines. PostgreSQL is
// skipped locally when unreachable and runs under CI=true (see helpers/services.ts).
import { it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExtrasContract } from '../src/store/extras.contract.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';

runExtrasContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-extras-'));
  return { store: await openSqliteStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

const unreachable = await skipUnlessPostgres();
if (unreachable) {
  it('Store extras contract: postgres', { skip: unreachable }, () => {});
} else {
  const schema = uniqueName('parley_test');
  runExtrasContract('postgres', async () => ({
    store: await openPostgresStore(POSTGRES_URL, { schema }),
    cleanup: () => dropPostgresSchema(schema),
  }));
}

// The in-memory recorder in front of the StatsStore: day rollover, de-duplication, retry on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DailyStats } from '../src/messaging/daily-stats.ts';
import type { DailyDelta, StatsStore } from '../src/store/dirty-word-store.ts';

test('daily figures: counted per UTC day, distinct keys once, a failed write is retried', async () => {
  const written: DailyDelta[] = [];
  let failNext = false;
  const store: StatsStore = {
    addDaily: async (d) => {
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      written.push(...d.map((x) => structuredClone(x)));
    },
    daily: async () => [],
  };
  let now = Date.UTC(2024, 0, 1, 23, 59, 59);
  const stats = new DailyStats(store, () => now, undefined, 60_000);
  stats.message(1, 'c2c', 'a');
  stats.message(1, 'c2c', 'a');
  stats.message(1, 'group', 'b', 'g1');
  failNext = true;
  await stats.flush();
  assert.equal(written.length, 0);
  now += 2_000; // next day
  stats.login(1, 'a');
  await stats.flush();
  const byDay = Object.fromEntries(written.map((d) => [d.day, d]));
  assert.deepEqual(byDay['20240101']!.counters, { C2CUpMsgNum: 2, GroupUpMsgNum: 1 });
  assert.deepEqual([...byDay['20240101']!.distinct['active']!].sort(), ['a', 'b']);
  assert.deepEqual(byDay['20240101']!.distinct['group'], ['g1']);
  assert.deepEqual(byDay['20240102']!.counters, { LoginTimes: 1 });
  written.length = 0;
  stats.message(1, 'c2c', 'a'); // 'a' already written as active today: not sent again
  await stats.flush();
  assert.deepEqual(written[0]!.distinct['active'], undefined);
  assert.deepEqual(written[0]!.distinct['sender'], ['a']);
  await stats.close();
});
