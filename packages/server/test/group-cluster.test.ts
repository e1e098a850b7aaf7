/**
 * Groups across two nodes sharing one store and bus: members connected to either node get group
 * messages and tips live, and membership changed on one node is seen by the other.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBusHub } from '../src/bus/bus.memory.ts';
import { MemoryPresence } from '../src/presence/presence.memory.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import type { AppRecord } from '../src/store/app-store.ts';
import { closeAll, createGroup, loginAll, nextGroupMessage, ok, sendGroup, settle, type Users } from './helpers/groups.ts';
import { createTestApp, startNode, text, type TestNode } from './helpers/test-server.ts';

describe('groups: two nodes', () => {
  let dir: string;
  let store: Store;
  let n1: TestNode;
  let n2: TestNode;
  let app: AppRecord;
  let a: Users;
  let b: Users;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-groups-cluster-'));
    store = await openSqliteStore(dir, { sync: 'normal' });
    const hub = new MemoryBusHub();
    const presence = new MemoryPresence();
    n1 = await startNode({ engines: { memoryHub: hub, presence, store }, config: { nodeId: 'g1' } });
    n2 = await startNode({ engines: { memoryHub: hub, presence, store }, config: { nodeId: 'g2' } });
    app = await createTestApp(n1);
    a = await loginAll(n1, app, ['ann', 'art']);
    b = await loginAll(n2, app, ['bea', 'ben']);
  });
  after(async () => {
    await closeAll(a);
    await closeAll(b);
    await n1.close();
    await n2.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a message sent on one node reaches members on both; joins on the other node are seen', async () => {
    const id = await createGroup(a.ann!, { type: 'ChatRoom', name: 'spread', memberList: [{ userID: 'bea' }, { userID: 'art' }] });
    const r = ok(await sendGroup(a.ann!, id, text('across')));
    assert.equal((await nextGroupMessage(b.bea!, (m) => m.msgKey === r.message.msgKey)).from, 'ann');
    assert.equal((await nextGroupMessage(a.art!, (m) => m.msgKey === r.message.msgKey)).from, 'ann');
    // ben joins through node 2; node 1 may have the old member list cached for a moment.
    ok(await b.ben!.request('joinGroup', { groupID: id }));
    await settle(300);
    const r2 = ok(await sendGroup(a.ann!, id, text('welcome ben')));
    assert.equal((await nextGroupMessage(b.ben!, (m) => m.msgKey === r2.message.msgKey)).seq, r2.message.seq);
    // Replies from node 2 reach node 1, with one sequence for the whole group.
    const r3 = ok(await sendGroup(b.ben!, id, text('thanks')));
    assert.equal(r3.message.seq, r2.message.seq + 1);
    await nextGroupMessage(a.ann!, (m) => m.msgKey === r3.message.msgKey);
  });
});
