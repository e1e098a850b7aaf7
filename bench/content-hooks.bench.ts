/**
 * Per-message cost of the content hooks on the send path (messaging/content-hooks.ts): global-mute
 * lookup (cached), the app's sensitive words (1,000 words), the before-send webhook check (switched
 * off, the common case) and, after the store, the daily-figure counters and the after-send check.
 * Compared in the same run with `noHooks`. In process, SQLite store in a temp dir, no network.
 *
 *   node --import tsx bench/content-hooks.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '../packages/server/src/bus/bus.memory.ts';
import { createContentServices } from '../packages/server/src/messaging/content-hooks.ts';
import { noHooks, type BeforeSendInput, type MessageHooks } from '../packages/server/src/messaging/message-hooks.ts';
import { createLogger } from '../packages/server/src/observability/logger.ts';
import { Metrics } from '../packages/server/src/observability/metrics.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord } from '../packages/server/src/store/app-store.ts';
import type { StoredMessage } from '../packages/server/src/store/message-store.ts';
import { openSqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-hooks-'));
const store = await openSqliteStore(dir);
const app: AppRecord = {
  sdkAppId: 1400000001, name: 'bench', mode: 'independent', secretKey: 'a'.repeat(64), admins: ['administrator'],
  settings: { ...DEFAULT_APP_SETTINGS }, createdAt: 0,
};
const content = createContentServices({
  store, bus: new MemoryBus(), getApp: async () => app, metrics: new Metrics(false), logger: createLogger('silent'), now: Date.now,
});
const words = Array.from({ length: 1000 }, (_, i) => `badword${i.toString(36)}x`);
for (let i = 0; i < words.length; i += 50) await content.filter.add(app.sdkAppId, words.slice(i, i + 50));

const USERS = 1000;
const texts = ['hello there, see you tomorrow at the station', '好的，明天见，没问题', 'meeting at 3pm? ok 👍', 'ＯＫ thanks a lot for the help today'];
function input(i: number): BeforeSendInput {
  return {
    sdkAppId: app.sdkAppId, from: `u${i % USERS}`, to: `u${(i + 1) % USERS}`, random: i, time: 1_700_000_000,
    body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: texts[i % texts.length]! } }], platform: 'Web',
  };
}
function stored(i: number): StoredMessage {
  return { sdkAppId: app.sdkAppId, convId: 'c2c:a:b', seq: i + 1, from: `u${i % USERS}`, to: `u${(i + 1) % USERS}`, random: i, time: 1_700_000_000, body: '[]', priority: 'Normal', revoked: false };
}

async function run(name: string, hooks: MessageHooks, n: number): Promise<void> {
  // Warm-up: fills the mute cache for every user and the JIT.
  for (let i = 0; i < USERS * 2; i++) {
    const inp = input(i);
    await hooks.beforeC2C(inp);
    hooks.afterC2C(stored(i), inp.body, 'Web');
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const inp = input(i);
      await hooks.beforeC2C(inp);
      hooks.afterC2C(stored(i), inp.body, 'Web');
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  console.log(`| ${name} | ${Math.round(best).toLocaleString('en')} | ${Math.round(1e9 / best).toLocaleString('en')} |`);
}

console.log(`Node ${process.version}, ${words.length} words, ${USERS} senders (mute cache warm), webhooks off`);
console.log('| hooks | ns/msg | msgs/s |\n|---|---:|---:|');
await run('noHooks (baseline)', noHooks, 200_000);
await run('ContentHooks', content.hooks, 200_000);
await content.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
