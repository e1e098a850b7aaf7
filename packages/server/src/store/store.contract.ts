/**
 * @module store/store.contract
 * The conformance suite every Store engine must pass, written only against the Store interface.
 * An engine's test file calls `runStoreContract('sqlite', open)`; `open` returns a fresh, empty
 * store and a cleanup. Tests use their own SDKAppIDs so engines may share one store per suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_APP_SETTINGS, type AppRecord } from './app-store.ts';
import type { NewGroup } from './group-store.ts';
import type { NewMessage } from './message-store.ts';
import type { Store } from './store.ts';

export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000;
let nextApp = 1_400_900_000;
/** A fresh SDKAppID per test, so tests never see each other's rows. */
const freshApp = () => ++nextApp;

function c2c(a: string, b: string): string {
  return a < b ? `c2c:${a}:${b}` : `c2c:${b}:${a}`;
}

function msg(app: number, from: string, to: string, over: Partial<NewMessage> = {}): NewMessage {
  return {
    sdkAppId: app, convId: c2c(from, to), from, to, random: 7, dedupKey: '', time: T0,
    body: '[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]', priority: 'Normal', inboxUsers: [to, from], ...over,
  };
}

function appRecord(sdkAppId: number, over: Partial<AppRecord> = {}): AppRecord {
  return {
    sdkAppId, name: 'contract', mode: 'independent', secretKey: 'a'.repeat(64), admins: ['administrator'],
    settings: { ...DEFAULT_APP_SETTINGS, maxInstancesPerPlatform: { ...DEFAULT_APP_SETTINGS.maxInstancesPerPlatform } },
    createdAt: T0, ...over,
  };
}

export function runStoreContract(engineName: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${engineName}`, () => {
    let opened: OpenedStore;
    let s: Store;
    before(async () => {
      opened = await open();
      s = opened.store;
    });
    after(async () => {
      await opened.store.close();
      await opened.cleanup();
    });

    describe('apps', () => {
      test('create, get, list, update, delete', async () => {
        const id = freshApp();
        const app = appRecord(id, { publicKeyPem: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n' });
        await s.apps.createApp(app);
        assert.deepEqual(await s.apps.getApp(id), app);
        assert.ok((await s.apps.listApps()).some((a) => a.sdkAppId === id));
        await assert.rejects(s.apps.createApp(appRecord(id)), 'a second app with the same SDKAppID is refused');

        const changed: AppRecord = { ...app, name: 'renamed', mode: 'guest', admins: ['administrator', 'ops'], disabled: true,
          settings: { ...app.settings, recallWindowSeconds: 300 } };
        delete changed.publicKeyPem;
        await s.apps.updateApp(changed);
        assert.deepEqual(await s.apps.getApp(id), changed);

        assert.equal(await s.apps.deleteApp(id), true);
        assert.equal(await s.apps.getApp(id), undefined);
        assert.equal(await s.apps.deleteApp(id), false);
        await assert.rejects(s.apps.updateApp(changed), 'updating a missing app fails');
      });
    });

    describe('accounts', () => {
      test('import is idempotent and keeps fields not given', async () => {
        const app = freshApp();
        await s.accounts.importAccounts(app, [{ userID: 'alice', nick: 'Alice', faceUrl: 'http://a/face.png' }, { userID: 'bob' }]);
        await s.accounts.importAccounts(app, [{ userID: 'alice' }, { userID: 'bob', nick: 'Bob' }]);
        const got = await s.accounts.getAccounts(app, ['alice', 'bob', 'nobody']);
        assert.equal(got.size, 2);
        const alice = got.get('alice');
        assert.equal(alice?.nick, 'Alice');
        assert.equal(alice?.faceUrl, 'http://a/face.png');
        assert.equal(alice?.ticketsRevokedAt, 0);
        assert.deepEqual(alice?.profile, {});
        assert.ok((alice?.createdAt ?? 0) > 0);
        assert.equal(got.get('bob')?.nick, 'Bob');
        assert.equal((await s.accounts.getAccounts(freshApp(), ['alice'])).size, 0, 'accounts are per app');
      });

      test('ensureAccount creates once and returns the existing record after', async () => {
        const app = freshApp();
        const first = await s.accounts.ensureAccount(app, 'carol');
        assert.equal(first.userID, 'carol');
        assert.equal(first.nick, '');
        await s.accounts.importAccounts(app, [{ userID: 'carol', nick: 'Carol' }]);
        assert.equal((await s.accounts.ensureAccount(app, 'carol')).nick, 'Carol');
      });

      test('setProfile maps nick/faceUrl and keeps other tags', async () => {
        const app = freshApp();
        await s.accounts.importAccounts(app, [{ userID: 'dan' }]);
        await s.accounts.setProfile(app, 'dan', { nick: 'Dan', Tag_Profile_IM_Gender: 'Gender_Type_Male', Tag_Profile_Custom_Level: 3 });
        await s.accounts.setProfile(app, 'dan', { Tag_Profile_IM_Image: 'http://f', Tag_Profile_Custom_Level: 4 });
        const dan = (await s.accounts.getAccounts(app, ['dan'])).get('dan');
        assert.equal(dan?.nick, 'Dan');
        assert.equal(dan?.faceUrl, 'http://f');
        assert.deepEqual(dan?.profile, { Tag_Profile_IM_Gender: 'Gender_Type_Male', Tag_Profile_Custom_Level: 4 });
        await assert.rejects(s.accounts.setProfile(app, 'ghost', { nick: 'x' }), 'a missing account cannot be profiled');
      });

      test('delete returns only the IDs that existed', async () => {
        const app = freshApp();
        await s.accounts.importAccounts(app, [{ userID: 'e1' }, { userID: 'e2' }]);
        assert.deepEqual((await s.accounts.deleteAccounts(app, ['e1', 'ghost'])).sort(), ['e1']);
        assert.deepEqual([...(await s.accounts.getAccounts(app, ['e1', 'e2'])).keys()], ['e2']);
      });

      test('revokeTickets records the time and never moves it back', async () => {
        const app = freshApp();
        await s.accounts.importAccounts(app, [{ userID: 'f' }]);
        await s.accounts.revokeTickets(app, 'f', T0 + 10);
        await s.accounts.revokeTickets(app, 'f', T0 + 5);
        assert.equal((await s.accounts.getAccounts(app, ['f'])).get('f')?.ticketsRevokedAt, T0 + 10);
      });
    });

    describe('messages: append', () => {
      test('numbers messages 1,2,3 per conversation and events per inbox', async () => {
        const app = freshApp();
        const r = await s.messages.append([msg(app, 'a', 'b'), msg(app, 'b', 'a'), msg(app, 'a', 'c'), msg(app, 'a', 'b')]);
        assert.deepEqual(r.map((x) => x.message.seq), [1, 2, 1, 3]);
        assert.deepEqual(r.map((x) => x.inboxSeqs), [[1, 1], [2, 2], [1, 3], [3, 4]]);
        assert.ok(r.every((x) => !x.duplicate && !x.message.revoked));
        assert.equal(await s.messages.lastInboxSeq(app, 'a'), 4);
        assert.equal(await s.messages.lastInboxSeq(app, 'b'), 3);
        assert.equal(await s.messages.lastInboxSeq(app, 'nobody'), 0);
        const more = await s.messages.append([msg(app, 'c', 'a')]);
        assert.equal(more[0]?.message.seq, 2);
        assert.deepEqual(more[0]?.inboxSeqs, [5, 2]);
      });

      test('stores every field and returns the body text byte for byte', async () => {
        const app = freshApp();
        const body = '[ {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "\\u00e9 \u00e9", "N": 1.50}} ]';
        const [r] = await s.messages.append([msg(app, 'a', 'b', {
          body, random: 4294967295, dedupKey: 'k', cloudCustomData: '{"x":1}', nick: 'A', avatar: 'http://av', clientMsgId: 'cm-1', priority: 'High', time: T0 + 1,
        })]);
        const expected = { sdkAppId: app, convId: c2c('a', 'b'), seq: 1, from: 'a', to: 'b', random: 4294967295, time: T0 + 1, body,
          priority: 'High', cloudCustomData: '{"x":1}', nick: 'A', avatar: 'http://av', clientMsgId: 'cm-1', revoked: false };
        assert.deepEqual(r?.message, expected);
        assert.deepEqual(await s.messages.getMessage(app, c2c('a', 'b'), 1), expected);
        const plain = (await s.messages.append([msg(app, 'a', 'b')]))[0]?.message;
        assert.ok(plain && !('cloudCustomData' in plain) && !('nick' in plain) && !('clientMsgId' in plain), 'absent optionals stay absent');
        assert.equal(await s.messages.getMessage(app, c2c('a', 'b'), 99), undefined);
      });

      test('group messages (no inbox users) number per group', async () => {
        const app = freshApp();
        const g = (from: string): NewMessage => ({ ...msg(app, from, 'g1'), convId: 'group:g1', inboxUsers: [] });
        const r = await s.messages.append([g('a'), g('b')]);
        assert.deepEqual(r.map((x) => [x.message.seq, x.inboxSeqs.length]), [[1, 0], [2, 0]]);
        assert.equal(await s.messages.lastInboxSeq(app, 'a'), 0);
      });

      test('concurrent appends from two callers stay gap-free and unique', async () => {
        const app = freshApp();
        const caller = (from: string, n: number) =>
          Promise.all(Array.from({ length: n }, (_, i) => s.messages.append([msg(app, from, from === 'a' ? 'b' : 'a', { random: i })])));
        const [x, y] = await Promise.all([caller('a', 40), caller('b', 40)]);
        const seqs = [...x, ...y].flat().map((r) => r.message.seq).sort((p, q) => p - q);
        assert.deepEqual(seqs, Array.from({ length: 80 }, (_, i) => i + 1));
        const inbox = await s.messages.readInbox(app, 'a', 0, 1000);
        assert.deepEqual(inbox.map((e) => e.inbox), Array.from({ length: 80 }, (_, i) => i + 1));
      });

      test('a dedupKey seen before returns the stored message and writes nothing', async () => {
        const app = freshApp();
        const [first] = await s.messages.append([msg(app, 'a', 'b', { dedupKey: 'd1', random: 1 })]);
        const [again] = await s.messages.append([msg(app, 'a', 'b', { dedupKey: 'd1', random: 2, body: '[]' })]);
        assert.equal(again?.duplicate, true);
        assert.deepEqual(again?.message, first?.message);
        assert.deepEqual(again?.inboxSeqs, []);
        assert.equal(await s.messages.lastInboxSeq(app, 'b'), 1);
        // Same key, another sender or conversation: not a duplicate.
        const other = await s.messages.append([msg(app, 'b', 'a', { dedupKey: 'd1' }), msg(app, 'a', 'c', { dedupKey: 'd1' })]);
        assert.deepEqual(other.map((r) => [r.duplicate, r.message.seq]), [[false, 2], [false, 1]]);
      });

      test('duplicates inside one batch are stored once', async () => {
        const app = freshApp();
        const r = await s.messages.append([
          msg(app, 'a', 'b', { dedupKey: 'x' }), msg(app, 'a', 'b', { dedupKey: 'y' }), msg(app, 'a', 'b', { dedupKey: 'x', random: 9 }), msg(app, 'a', 'b'), msg(app, 'a', 'b'),
        ]);
        assert.deepEqual(r.map((x) => [x.duplicate, x.message.seq]), [[false, 1], [false, 2], [true, 1], [false, 3], [false, 4]]);
        assert.equal(r[2]?.message.random, 7, 'the stored copy is returned');
        assert.equal((await s.messages.history(app, c2c('a', 'b'), undefined, 10)).length, 4);
        assert.equal(await s.messages.lastInboxSeq(app, 'a'), 4);
      });
    });

    describe('messages: reading', () => {
      test('readInbox pages oldest first after a cursor', async () => {
        const app = freshApp();
        await s.messages.append(Array.from({ length: 5 }, (_, i) => msg(app, 'a', 'b', { random: i })));
        const page1 = await s.messages.readInbox(app, 'b', 0, 2);
        const page2 = await s.messages.readInbox(app, 'b', 2, 2);
        const page3 = await s.messages.readInbox(app, 'b', 4, 2);
        assert.deepEqual([...page1, ...page2, ...page3].map((e) => e.inbox), [1, 2, 3, 4, 5]);
        const first = page1[0];
        assert.ok(first?.kind === 'message');
        assert.equal(first.message.random, 0);
        assert.equal(first.message.convId, c2c('a', 'b'));
        assert.equal(first.message.sdkAppId, app);
        assert.deepEqual(await s.messages.readInbox(app, 'b', 5, 10), []);
        assert.deepEqual(await s.messages.readInbox(app, 'nobody', 0, 10), []);
      });

      test('history pages newest first below beforeSeq', async () => {
        const app = freshApp();
        await s.messages.append(Array.from({ length: 5 }, (_, i) => msg(app, i % 2 ? 'b' : 'a', i % 2 ? 'a' : 'b', { random: i })));
        const conv = c2c('a', 'b');
        assert.deepEqual((await s.messages.history(app, conv, undefined, 2)).map((m) => m.seq), [5, 4]);
        assert.deepEqual((await s.messages.history(app, conv, 4, 2)).map((m) => m.seq), [3, 2]);
        assert.deepEqual((await s.messages.history(app, conv, 2, 10)).map((m) => m.seq), [1]);
        assert.deepEqual(await s.messages.history(app, conv, 1, 10), []);
        assert.deepEqual(await s.messages.history(app, 'c2c:x:y', undefined, 10), []);
      });
    });

    describe('messages: revoke and read', () => {
      test('revoke: missing, ok with inbox events, then already', async () => {
        const app = freshApp();
        const conv = c2c('a', 'b');
        await s.messages.append([msg(app, 'a', 'b', { random: 11, time: T0 + 3 })]);
        assert.equal(await s.messages.revoke(app, conv, 2, 'a', ['a', 'b']), 'missing');
        assert.deepEqual(await s.messages.revoke(app, conv, 1, 'a', ['b', 'a']), [2, 2]);
        assert.equal(await s.messages.revoke(app, conv, 1, 'a', ['b', 'a']), 'already');
        assert.equal((await s.messages.getMessage(app, conv, 1))?.revoked, true);
        const events = await s.messages.readInbox(app, 'b', 0, 10);
        assert.equal(events.length, 2);
        assert.ok(events[0]?.kind === 'message' && events[0].message.revoked, 'the message row shows the recall');
        assert.deepEqual(events[1], { inbox: 2, kind: 'revoke', convId: conv, seq: 1, from: 'a', to: 'b', random: 11, time: T0 + 3, by: 'a' });
        assert.equal(await s.messages.lastInboxSeq(app, 'b'), 2);
      });

      test('setRead moves forward only and notifies when it moves', async () => {
        const app = freshApp();
        const conv = c2c('a', 'b');
        await s.messages.append([msg(app, 'a', 'b'), msg(app, 'a', 'b'), msg(app, 'a', 'b')]);
        assert.deepEqual(await s.messages.setRead(app, 'b', conv, 2, ['a', 'b'], T0 + 9), { readSeq: 2, inboxSeqs: [4, 4] });
        assert.deepEqual(await s.messages.setRead(app, 'b', conv, 1, ['a'], T0 + 10), { readSeq: 2, inboxSeqs: [] });
        assert.deepEqual(await s.messages.setRead(app, 'b', conv, 3, [], T0 + 11), { readSeq: 3, inboxSeqs: [] });
        const [ev] = await s.messages.readInbox(app, 'a', 3, 10);
        assert.deepEqual(ev, { inbox: 4, kind: 'read', convId: conv, reader: 'b', readSeq: 2, time: T0 + 9 });
        assert.equal(await s.messages.unreadCount(app, 'b', conv), 0);
      });

      test('unreadCount counts messages from others after the cursor', async () => {
        const app = freshApp();
        const conv = c2c('a', 'b');
        await s.messages.append([msg(app, 'a', 'b'), msg(app, 'b', 'a'), msg(app, 'a', 'b'), msg(app, 'a', 'b')]);
        assert.equal(await s.messages.unreadCount(app, 'b', conv), 3);
        assert.equal(await s.messages.unreadCount(app, 'a', conv), 1);
        await s.messages.setRead(app, 'b', conv, 3, [], T0);
        assert.equal(await s.messages.unreadCount(app, 'b', conv), 1);
        assert.equal(await s.messages.unreadCount(app, 'b', 'c2c:q:r'), 0);
      });
    });

    describe('messages: deleting a sender\'s messages', () => {
      test('deleteFrom hides them from history, getMessage and unread; their sequences are never reused', async () => {
        const app = freshApp();
        const g = (from: string, over: Partial<NewMessage> = {}): NewMessage => ({ ...msg(app, from, 'grp'), convId: 'group:grp', inboxUsers: [], ...over });
        await s.messages.append([g('spam', { cloudCustomData: 'x' }), g('a'), g('spam'), g('b'), g('spam')]);
        assert.equal(await s.messages.deleteFrom(app, 'group:grp', 'spam'), 3);
        assert.equal(await s.messages.deleteFrom(app, 'group:grp', 'spam'), 0, 'already gone');
        assert.equal(await s.messages.deleteFrom(app, 'group:nope', 'spam'), 0);
        assert.deepEqual((await s.messages.history(app, 'group:grp', undefined, 10)).map((m) => m.seq), [4, 2]);
        assert.deepEqual((await s.messages.history(app, 'group:grp', undefined, 1)).map((m) => m.seq), [4], 'limits count what is left');
        assert.deepEqual((await s.messages.history(app, 'group:grp', 4, 1)).map((m) => m.seq), [2]);
        assert.equal(await s.messages.getMessage(app, 'group:grp', 1), undefined);
        assert.equal(await s.messages.unreadCount(app, 'reader', 'group:grp'), 2);
        assert.equal(await s.messages.lastSeq(app, 'group:grp'), 5, 'the last sequence handed out, deleted or not');
        assert.equal(await s.messages.lastSeq(app, 'group:nope'), 0);
        const [next] = await s.messages.append([g('a')]);
        assert.equal(next?.message.seq, 6, 'the deleted last message keeps its sequence');
        // A later message from the same sender is not affected.
        await s.messages.append([g('spam')]);
        assert.equal((await s.messages.history(app, 'group:grp', undefined, 1))[0]?.from, 'spam');
      });
    });

    describe('groups: dismissal purges the group\'s messages', () => {
      const newGroup = (app: number, id: string): NewGroup => ({
        sdkAppId: app, groupId: id, type: 'Public', name: id, introduction: '', notification: '', faceUrl: '', owner: 'o', creator: 'o',
        createdAt: T0, maxMembers: 100, joinOption: 'FreeAccess', muteAll: false, appDefinedData: {},
      });
      const members = [{ userID: 'o', role: 'Owner', joinTime: T0 }, { userID: 'm', role: 'Member', joinTime: T0 }] as const;

      test('create X, send, dismiss, re-create X: no old history, fresh state, sequences never reused', async () => {
        const app = freshApp();
        const conv = 'group:X';
        const only = { sdkAppId: app, groupId: 'X' };
        const g = (from: string, over: Partial<NewMessage> = {}): NewMessage => ({ ...msg(app, from, 'X'), convId: conv, inboxUsers: [], ...over });
        assert.equal(await s.groups.createGroup(newGroup(app, 'X'), [...members]), 'created');
        // Seven messages (o sends 1, 3, 5, 7; m sends 2, 4, 6), with idempotency keys.
        await s.messages.append(Array.from({ length: 7 }, (_, i) => g(i % 2 ? 'm' : 'o', { random: i, dedupKey: `k${i}`, clientMsgId: `c${i}` })));
        assert.deepEqual(await s.messages.revoke(app, conv, 2, 'o', ['m']), [1], 'a recall recorded in m\'s inbox');
        await s.messages.setRead(app, 'm', conv, 3, [], T0);
        await s.groups.updateMember(app, 'X', 'm', { readSeq: 3, unreadExtra: 4 });
        assert.equal(await s.messages.unreadCount(app, 'm', conv), 2);

        assert.deepEqual((await s.groups.deleteGroup(app, 'X'))?.sort(), ['m', 'o']);
        assert.deepEqual(await s.groups.pendingPurges(10, only), [{ sdkAppId: app, groupId: 'X', upToSeq: 7 }]);
        assert.ok((await s.groups.pendingPurges(10_000)).some((p) => p.sdkAppId === app && p.groupId === 'X'));
        assert.equal(await s.groups.createGroup(newGroup(app, 'X'), [...members]), 'exists', 'the ID stays taken until the purge is done');

        // Small chunks, as a big group would be purged.
        assert.ok((await s.messages.purgeConversation(app, conv, 7, { chunk: 2 })) >= 6);
        await s.groups.finishPurge(app, 'X', 7);
        assert.deepEqual(await s.groups.pendingPurges(10, only), []);
        assert.deepEqual(await s.messages.history(app, conv, undefined, 100), []);
        for (let seq = 1; seq <= 7; seq++) assert.equal(await s.messages.getMessage(app, conv, seq), undefined, `seq ${seq} is gone`);
        assert.equal(await s.messages.unreadCount(app, 'm', conv), 0);
        assert.equal(await s.messages.unreadCount(app, 'o', conv), 0);
        const inbox = await s.messages.readInbox(app, 'm', 0, 10);
        assert.deepEqual(inbox.map((e) => e.kind), ['revoke'], 'the recall event m already had still replays (so a sync cursor moves past it)');
        assert.equal(await s.messages.purgeConversation(app, conv, 7), 0, 'idempotent');

        assert.equal(await s.groups.createGroup(newGroup(app, 'X'), [...members]), 'created');
        const m = await s.groups.getMember(app, 'X', 'm');
        assert.deepEqual([m?.readSeq, m?.unreadExtra, m?.hiddenUpTo], [0, 0, 0]);
        assert.deepEqual(await s.messages.history(app, conv, undefined, 100), [], 'the new group has no history');
        assert.equal(await s.messages.unreadCount(app, 'm', conv), 0);
        // The same sender and idempotency key as an old message is a new message, with a higher seq.
        const [fresh] = await s.messages.append([g('o', { dedupKey: 'k0', random: 99 })]);
        assert.equal(fresh?.duplicate, false);
        assert.ok(fresh!.message.seq > 7, `seq ${fresh!.message.seq} after the purged 7`);
        assert.deepEqual((await s.messages.history(app, conv, undefined, 100)).map((x) => x.random), [99]);
        assert.equal(await s.messages.unreadCount(app, 'm', conv), 1);
        // A late purge up to the old floor never touches the new group's messages or cursors.
        await s.messages.setRead(app, 'm', conv, fresh!.message.seq, [], T0);
        await s.messages.purgeConversation(app, conv, 7);
        assert.deepEqual((await s.messages.history(app, conv, undefined, 100)).map((x) => x.random), [99]);
        assert.equal(await s.messages.unreadCount(app, 'm', conv), 0, 'm\'s new cursor is kept');
      });

      test('a group that never had messages leaves no purge behind', async () => {
        const app = freshApp();
        assert.equal(await s.groups.createGroup(newGroup(app, 'Q'), [...members]), 'created');
        await s.groups.deleteGroup(app, 'Q');
        assert.deepEqual(await s.groups.pendingPurges(10, { sdkAppId: app, groupId: 'Q' }), []);
        assert.equal(await s.groups.createGroup(newGroup(app, 'Q'), [...members]), 'created');
      });
    });

    describe('messages: conversations', () => {
      test('lists newest activity first with unread and cursors', async () => {
        const app = freshApp();
        await s.messages.append([msg(app, 'b', 'a', { random: 1 }), msg(app, 'c', 'a', { random: 2 }), msg(app, 'a', 'b', { random: 3 })]);
        await s.messages.setRead(app, 'b', c2c('a', 'b'), 2, [], T0);
        const list = await s.messages.conversations(app, 'a', 10);
        assert.deepEqual(list.map((c) => c.convId), [c2c('a', 'b'), c2c('a', 'c')]);
        const ab = list[0];
        assert.equal(ab?.lastMessage.random, 3);
        assert.equal(ab?.lastMessage.seq, 2);
        assert.deepEqual([ab?.readSeq, ab?.peerReadSeq, ab?.unreadCount], [0, 2, 1]);
        assert.deepEqual([list[1]?.unreadCount, list[1]?.peerReadSeq], [1, 0]);
        assert.deepEqual((await s.messages.conversations(app, 'a', 1)).map((c) => c.convId), [c2c('a', 'b')]);
        assert.deepEqual(await s.messages.conversations(app, 'nobody', 10), []);
        // New activity reorders the list.
        await s.messages.append([msg(app, 'c', 'a', { random: 4 })]);
        assert.deepEqual((await s.messages.conversations(app, 'a', 10)).map((c) => c.convId), [c2c('a', 'c'), c2c('a', 'b')]);
      });

      test('a deleted conversation stays hidden until its next message', async () => {
        const app = freshApp();
        await s.messages.append([msg(app, 'b', 'a'), msg(app, 'c', 'a')]);
        await s.messages.deleteConversation(app, 'a', c2c('a', 'b'));
        assert.deepEqual((await s.messages.conversations(app, 'a', 10)).map((c) => c.convId), [c2c('a', 'c')]);
        assert.equal((await s.messages.conversations(app, 'b', 10)).length, 1, 'only the deleting user loses it');
        await s.messages.append([msg(app, 'c', 'a')]);
        assert.deepEqual((await s.messages.conversations(app, 'a', 10)).map((c) => c.convId), [c2c('a', 'c')]);
        await s.messages.append([msg(app, 'b', 'a', { random: 42 })]);
        const list = await s.messages.conversations(app, 'a', 10);
        assert.deepEqual(list.map((c) => c.convId), [c2c('a', 'b'), c2c('a', 'c')]);
        assert.equal(list[0]?.lastMessage.random, 42);
      });
    });
  });
}
