/**
 * Group conversations end to end, on both store engines:
 * - dismissing a group purges its messages, so a group re-created with the same custom ID shows no
 *   old history and no old unread counts (client ops and REST);
 * - deleting a group conversation (client op deleteConversation, REST recentcontact/delete Type 2)
 *   hides it for that member until the group's next message; the member stays a member.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRecord } from '../src/store/app-store.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { closeAll, createGroup, loginAll, ok, sendGroup, settle, type Users } from './helpers/groups.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';
import { createTestApp, rest, startNode, text, type TestNode } from './helpers/test-server.ts';

const texts = (messages: any[]) => messages.filter((m) => m.body[0].MsgType === 'TIMTextElem').map((m) => m.body[0].MsgContent.Text);

interface Engine {
  name: string;
  skip: () => Promise<string | false>;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    skip: async () => false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-group-conv-'));
      const store = await openSqliteStore(dir, { sync: 'normal' });
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    skip: skipUnlessPostgres,
    async open() {
      const schema = uniqueName('parley_test');
      const store = await openPostgresStore(POSTGRES_URL, { schema });
      return { store, cleanup: () => dropPostgresSchema(schema) };
    },
  },
];

for (const engine of ENGINES) {
  describe(`group conversations: ${engine.name}`, async () => {
    const skip = await engine.skip();
    let opened: Awaited<ReturnType<Engine['open']>>;
    let node: TestNode;
    let app: AppRecord;
    let u: Users;
    const conversations = async (who: string) => ok(await u[who]!.request('getConversationList')).conversationList as any[];
    const groupEntry = async (who: string, id: string) => (await conversations(who)).find((c) => c.conversationID === `GROUP${id}`);

    before(async () => {
      if (skip) return;
      opened = await engine.open();
      node = await startNode({ engines: { store: opened.store } });
      app = await createTestApp(node);
      u = await loginAll(node, app, ['owen', 'amy', 'bob']);
    });
    after(async () => {
      if (skip) return;
      await closeAll(u);
      await node.close();
      await opened.store.close();
      await opened.cleanup();
    });

    test('client ops: a group re-created with a dismissed group\'s ID has none of its history or unread counts', { skip }, async () => {
      const id = 'reused_id';
      await createGroup(u.owen!, { type: 'Public', name: 'first', groupID: id, memberList: [{ userID: 'amy' }, { userID: 'bob' }] });
      const sent: number[] = [];
      for (const [who, t] of [['amy', 'secret 1'], ['owen', 'secret 2'], ['amy', 'secret 3']] as const) {
        sent.push(ok(await sendGroup(u[who]!, id, text(t))).message.seq);
      }
      ok(await u.amy!.request('revokeMessage', { conversationID: `GROUP${id}`, msgKey: ok(await sendGroup(u.amy!, id, text('secret 4'))).message.msgKey }));
      assert.equal((await groupEntry('bob', id))?.unreadCount, 5, 'the join tip and four messages');
      const oldLast = ok(await u.bob!.request('syncGroups', { cursors: { [id]: 0 } })).groups[0].lastSeq as number;

      ok(await u.owen!.request('dismissGroup', { groupID: id }));
      assert.equal((await u.bob!.request('getMessageList', { conversationID: `GROUP${id}` })).code, 10010);

      // Same ID, same people: the owner again, bob as the only invited member.
      await createGroup(u.owen!, { type: 'Public', name: 'second', groupID: id, memberList: [{ userID: 'bob' }] });
      const history = ok(await u.bob!.request('getMessageList', { conversationID: `GROUP${id}`, count: 100 }));
      assert.deepEqual(texts(history.messageList), [], 'no old message in history');
      assert.equal(history.messageList.length, 1, 'only the new group\'s join tip');
      assert.ok(history.messageList[0].seq > oldLast, 'sequences go on after the old ones (a client\'s old cursor drops nothing new)');
      assert.equal((await groupEntry('bob', id))?.unreadCount, 1, 'only the new join tip is unread');
      assert.equal((await groupEntry('owen', id))?.unreadCount, 0);
      const synced = ok(await u.bob!.request('syncGroups', { cursors: { [id]: 0 } })).groups.find((g: any) => g.groupID === id);
      assert.deepEqual(texts(synced.messages), []);
      assert.equal(synced.messages.length, 1);
      // amy was a member of the old group only.
      assert.equal((await u.amy!.request('getMessageList', { conversationID: `GROUP${id}` })).code, 10007);
      assert.equal(await groupEntry('amy', id), undefined);

      const next = ok(await sendGroup(u.owen!, id, text('fresh')));
      assert.ok(next.message.seq > Math.max(...sent));
      assert.deepEqual(texts(ok(await u.bob!.request('getMessageList', { conversationID: `GROUP${id}`, count: 100 })).messageList), ['fresh']);
      assert.equal((await groupEntry('bob', id))?.unreadCount, 2);
    });

    test('REST: destroy_group then create_group with the same GroupId shows no old messages', { skip }, async () => {
      const id = 'rest_reused';
      const create = () => rest(node, app, 'group_open_http_svc/create_group', {
        Owner_Account: 'owen', Type: 'Public', Name: 'r', GroupId: id, MemberList: [{ Member_Account: 'amy' }],
      });
      assert.equal((await create()).ErrorCode, 0);
      for (let i = 0; i < 3; i++) {
        const r = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, From_Account: 'amy', Random: 100 + i, MsgBody: text(`old ${i}`) });
        assert.equal(r.ErrorCode, 0, r.ErrorInfo);
      }
      assert.equal((await rest(node, app, 'group_open_http_svc/destroy_group', { GroupId: id })).ErrorCode, 0);
      const again = await create();
      assert.equal(again.ErrorCode, 0, again.ErrorInfo);
      const got = await rest(node, app, 'group_open_http_svc/group_msg_get_simple', { GroupId: id, ReqMsgNumber: 20 });
      assert.equal(got.ErrorCode, 0, got.ErrorInfo);
      assert.deepEqual(got.RspMsgList.filter((m: any) => m.IsSystemMsg !== 1), [], 'only the new group\'s tip, if any');
      // The same sender and Random as an old message is stored as a new one.
      const dup = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: id, From_Account: 'amy', Random: 100, MsgBody: text('new') });
      assert.equal(dup.ErrorCode, 0, dup.ErrorInfo);
      const after = await rest(node, app, 'group_open_http_svc/group_msg_get_simple', { GroupId: id, ReqMsgNumber: 20 });
      assert.deepEqual(after.RspMsgList.filter((m: any) => m.IsSystemMsg !== 1).map((m: any) => m.MsgBody[0].MsgContent.Text), ['new']);
    });

    test('deleteConversation hides a group conversation (and its unread count) until the next message; the member stays', { skip }, async () => {
      const id = await createGroup(u.owen!, { type: 'Public', name: 'hide me', memberList: [{ userID: 'amy' }, { userID: 'bob' }] });
      ok(await sendGroup(u.amy!, id, text('one')));
      ok(await sendGroup(u.amy!, id, text('two')));
      assert.equal((await groupEntry('bob', id))?.unreadCount, 3);

      ok(await u.bob!.request('deleteConversation', { conversationID: `GROUP${id}` }));
      assert.equal(await groupEntry('bob', id), undefined, 'gone from bob\'s list');
      assert.ok(await groupEntry('owen', id), 'only the deleting member loses it');
      assert.ok(await groupEntry('amy', id));
      const groups = ok(await u.bob!.request('getGroupList')).groupList as any[];
      assert.ok(groups.some((g) => g.groupID === id), 'still a member');
      assert.deepEqual(texts(ok(await u.bob!.request('getMessageList', { conversationID: `GROUP${id}` })).messageList), ['one', 'two'], 'history is kept');
      // Deleting again, or a group the caller is not in, or one that does not exist: nothing to do.
      ok(await u.bob!.request('deleteConversation', { conversationID: `GROUP${id}` }));
      ok(await u.bob!.request('deleteConversation', { conversationID: 'GROUPno_such_group' }));

      ok(await sendGroup(u.amy!, id, text('three')));
      await settle(20);
      const back = await groupEntry('bob', id);
      assert.ok(back, 'a newer message brings it back');
      assert.equal(back.unreadCount, 1, 'only the message after the deletion is unread');
      assert.equal(back.lastMessage.body[0].MsgContent.Text, 'three');

      // Bob's own message also brings it back, with nothing unread.
      ok(await u.bob!.request('deleteConversation', { conversationID: `GROUP${id}` }));
      assert.equal(await groupEntry('bob', id), undefined);
      ok(await sendGroup(u.bob!, id, text('mine')));
      assert.equal((await groupEntry('bob', id))?.unreadCount, 0);
    });

    test('REST recentcontact/delete Type 2 hides the group session until its next message', { skip }, async () => {
      const id = await createGroup(u.owen!, { type: 'Public', name: 'rc', memberList: [{ userID: 'bob' }] });
      ok(await sendGroup(u.owen!, id, text('hello')));
      const list = async () => (await rest(node, app, 'recentcontact/get_list', {
        From_Account: 'bob', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 7,
      })).SessionItem.filter((s: any) => s.Type === 2).map((s: any) => s.GroupId) as string[];
      assert.ok((await list()).includes(id));
      const del = await rest(node, app, 'recentcontact/delete', { From_Account: 'bob', Type: 2, ToGroupid: id, ClearRamble: 0 });
      assert.equal(del.ErrorCode, 0, del.ErrorInfo);
      assert.equal((await list()).includes(id), false);
      assert.equal(await groupEntry('bob', id), undefined, 'the client list agrees');
      assert.equal((await rest(node, app, 'recentcontact/delete', { From_Account: 'bob', Type: 2, ToGroupid: 'no_such_group' })).ErrorCode, 10010);
      ok(await sendGroup(u.owen!, id, text('again')));
      assert.ok((await list()).includes(id));
      assert.equal((await groupEntry('bob', id))?.unreadCount, 1);
    });
  });
}
