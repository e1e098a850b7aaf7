/**
 * @module store/app-purge.contract
 * Conformance suite for deleting an app: the app row goes at once, a purge record stays until
 * every row of the SDKAppID is gone from every tenant table, a purge cut short resumes after the
 * store is reopened, and other apps' data is never touched. Written only against the Store
 * interface; engines' tests call `runAppPurgeContract('sqlite', open)`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_APP_SETTINGS, type AppRecord } from './app-store.ts';
import type { NewGroup } from './group-store.ts';
import type { NewMessage } from './message-store.ts';
import type { OpenedStore } from './store.contract.ts';
import type { Store } from './store.ts';

export interface ReopenableStore extends OpenedStore {
  /** Another Store on the same data (as after a restart). */
  reopen(): Promise<Store>;
}

const T0 = 1_700_000_000;
let nextApp = 1_400_970_000;
const freshApp = () => ++nextApp;

/** Tables every engine keeps tenant data in (engines may have more, e.g. interned ids or counters). */
const TENANT_TABLES = [
  'accounts', 'messages', 'inbox', 'user_conversations', 'read_cursors', 'chat_groups', 'group_members', 'group_mutes',
  'group_applications', 'group_attrs', 'group_purges', 'dirty_words', 'no_speaking', 'daily_counters', 'daily_distinct',
];

function appRecord(sdkAppId: number): AppRecord {
  return {
    sdkAppId, name: 'purge', mode: 'independent', secretKey: 'b'.repeat(64), admins: ['administrator'],
    settings: { ...DEFAULT_APP_SETTINGS, maxInstancesPerPlatform: { ...DEFAULT_APP_SETTINGS.maxInstancesPerPlatform } }, createdAt: T0,
  };
}

function newGroup(app: number, id: string): NewGroup {
  return {
    sdkAppId: app, groupId: id, type: 'Public', name: id, introduction: '', notification: '', faceUrl: '', owner: 'u0', creator: 'u0',
    createdAt: T0, maxMembers: 100, joinOption: 'NeedPermission', muteAll: false, appDefinedData: {},
  };
}

function text(app: number, convId: string, from: string, to: string, inboxUsers: string[], n: number): NewMessage {
  return {
    sdkAppId: app, convId, from, to, random: n, dedupKey: `k${n}`, time: T0 + n,
    body: '[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]', priority: 'Normal', inboxUsers,
  };
}

/** An app with rows in every tenant table, through the store APIs; `messages` C2C messages among `users` users. */
async function populate(s: Store, app: number, messages = 12, users = 4): Promise<void> {
  await s.apps.createApp(appRecord(app));
  const ids = Array.from({ length: users }, (_, i) => `u${i}`);
  await s.accounts.importAccounts(app, ids.map((userID) => ({ userID, nick: userID })));
  const c2c = (a: string, b: string) => (a < b ? `c2c:${a}:${b}` : `c2c:${b}:${a}`);
  const batch: NewMessage[] = [];
  for (let n = 0; n < messages; n++) {
    const from = ids[n % users]!;
    const to = ids[(n + 1) % users]!;
    batch.push(text(app, c2c(from, to), from, to, [to, from], n));
  }
  await s.messages.append(batch);
  await s.messages.setRead(app, 'u1', c2c('u0', 'u1'), 1, ['u0'], T0);
  for (const u of ids) await s.messages.conversations(app, u, 10); // folds user_conversations
  await s.groups.createGroup(newGroup(app, 'G'), [{ userID: 'u0', role: 'Owner', joinTime: T0 }, { userID: 'u1', role: 'Member', joinTime: T0 }]);
  await s.messages.append([text(app, 'group:G', 'u0', 'G', [], 1000)]);
  await s.groups.setMute(app, 'G', ['u1'], T0 + 3600);
  await s.groups.addApplication(app, { groupId: 'G', applicant: 'u2', message: 'let me in', time: T0 });
  await s.groupAttrs.update(app, 'G', () => ({ k: 'v' }));
  // A dismissed group with messages leaves a group purge record (and its messages) behind.
  await s.groups.createGroup(newGroup(app, 'D'), [{ userID: 'u0', role: 'Owner', joinTime: T0 }]);
  await s.messages.append([text(app, 'group:D', 'u0', 'D', [], 2000)]);
  await s.groups.deleteGroup(app, 'D');
  await s.dirtyWords.add(app, ['bad', 'worse']);
  await s.noSpeaking.set(app, 'u3', { c2cUntil: T0 + 60 });
  await s.stats.addDaily([{ sdkAppId: app, day: '20261207', counters: { c2c_msgs: 3 }, distinct: { active: ['u0', 'u1'] } }]);
}

export function runAppPurgeContract(engine: string, open: () => Promise<ReopenableStore>): void {
  describe(`App purge contract: ${engine}`, () => {
    let opened: ReopenableStore;
    let s: Store;
    before(async () => {
      opened = await open();
      s = opened.store;
    });
    after(async () => {
      await s.close();
      await opened.cleanup();
    });

    test('deleting an app removes its row at once and its data from every table; other apps keep theirs', async () => {
      const app = freshApp();
      const other = freshApp();
      await populate(s, app);
      await populate(s, other);
      const before = await s.apps.tenantRows(app);
      for (const t of [...TENANT_TABLES, 'apps']) assert.ok((before[t] ?? 0) > 0, `the test stores rows in ${t}: ${JSON.stringify(before)}`);
      const otherBefore = await s.apps.tenantRows(other);
      assert.deepEqual(otherBefore, before, 'two apps with the same data');

      assert.equal(await s.apps.deleteApp(app), true);
      assert.equal(await s.apps.getApp(app), undefined, 'the app is gone at once');
      assert.ok((await s.apps.pendingPurges()).includes(app));
      const pending = await s.apps.tenantRows(app);
      assert.equal(pending['apps'], undefined);
      assert.equal(pending['app_purges'], 1);
      assert.equal(pending['messages'], before['messages'], 'the data goes in the purge, not in the delete');

      assert.equal(await s.apps.purgeApp(app, { batch: 3 }), true);
      assert.deepEqual(await s.apps.tenantRows(app), {}, 'nothing of the app is left in any table');
      assert.ok(!(await s.apps.pendingPurges()).includes(app));
      assert.deepEqual(await s.apps.tenantRows(other), otherBefore, 'the other app is untouched');
      assert.equal((await s.messages.history(other, 'c2c:u0:u1', undefined, 100)).length > 0, true);
      assert.deepEqual(await s.dirtyWords.list(other), ['bad', 'worse']);

      assert.equal(await s.apps.purgeApp(app), true, 'a finished purge is a no-op');
      assert.equal(await s.apps.deleteApp(app), false);
    });

    test('purging an app that was not deleted touches nothing', async () => {
      const app = freshApp();
      await populate(s, app, 2, 2);
      const rows = await s.apps.tenantRows(app);
      assert.equal(await s.apps.purgeApp(app, { batch: 1 }), true);
      assert.deepEqual(await s.apps.tenantRows(app), rows);
    });

    test('a purge cut short resumes after a restart; re-creating the SDKAppID first finishes a pending purge', async () => {
      const app = freshApp();
      const other = freshApp();
      await populate(s, app, 40, 5);
      await populate(s, other, 5, 2);
      const otherBefore = await s.apps.tenantRows(other);
      assert.equal(await s.apps.deleteApp(app), true);
      // Half-way, as a crash would leave it.
      assert.equal(await s.apps.purgeApp(app, { batch: 4, maxBatches: 5 }), false);
      const partial = await s.apps.tenantRows(app);
      assert.equal(partial['app_purges'], 1);
      assert.ok(Object.keys(partial).length > 1, `rows left half-way: ${JSON.stringify(partial)}`);

      await s.close();
      s = await opened.reopen();
      assert.ok((await s.apps.pendingPurges()).includes(app), 'the purge is still recorded after the restart');
      assert.equal(await s.apps.purgeApp(app, { batch: 4 }), true);
      assert.deepEqual(await s.apps.tenantRows(app), {});
      assert.deepEqual(await s.apps.tenantRows(other), otherBefore);

      // Deleted again, not purged, and created again: the new app starts empty.
      await populate(s, app, 6, 3);
      assert.equal(await s.apps.deleteApp(app), true);
      await s.apps.createApp(appRecord(app));
      assert.deepEqual(await s.apps.tenantRows(app), { apps: 1 }, 'the old data was purged before the app came back');
      assert.deepEqual(await s.messages.history(app, 'c2c:u0:u1', undefined, 10), []);
      assert.equal(await s.messages.lastInboxSeq(app, 'u0'), 0);
      assert.deepEqual(await s.messages.conversations(app, 'u0', 10), []);
      assert.equal(await s.groups.getGroup(app, 'G'), undefined);
      assert.equal((await s.accounts.getAccounts(app, ['u0'])).size, 0);
      // The new app works: its first message starts a fresh conversation.
      const [r] = await s.messages.append([text(app, 'c2c:u0:u1', 'u0', 'u1', ['u1', 'u0'], 1)]);
      assert.equal(r!.message.seq, 1);
      assert.equal((await s.messages.history(app, 'c2c:u0:u1', undefined, 10)).length, 1);
      assert.deepEqual(await s.apps.tenantRows(other), otherBefore);
    });
  });
}
