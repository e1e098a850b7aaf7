// Two nodes sharing one store and bus: a word list or mute changed through one node applies at
// once to clients of the other (the change is announced on the bus).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBusHub } from '../src/bus/bus.memory.ts';
import { MemoryPresence } from '../src/presence/presence.memory.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, startNode, text, type TestNode } from './helpers/test-server.ts';

let dir: string;
let store: Store;
let n1: TestNode;
let n2: TestNode;
let app: AppRecord;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-dwc-'));
  store = await openSqliteStore(dir);
  const hub = new MemoryBusHub();
  const presence = new MemoryPresence();
  n1 = await startNode({ engines: { memoryHub: hub, presence, store }, config: { nodeId: 'c1' } });
  n2 = await startNode({ engines: { memoryHub: hub, presence, store }, config: { nodeId: 'c2' } });
  app = await createTestApp(n1);
});
after(async () => {
  await n1.close();
  await n2.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a word added or a mute set through one node applies at once on the other', async () => {
  const a = await loginClient(n2, app, 'cl-a');
  await loginClient(n2, app, 'cl-b');
  let n = 0;
  const send = (t: string) => a.client.request('sendMessage', { type: 'C2C', to: 'cl-b', body: text(t), clientMsgId: `cl${++n}` });
  assert.equal((await send('clustered word')).code, 0, 'node 2 has loaded the (empty) list');
  assert.equal((await rest(n1, app, 'openim_dirty_words/add', { DirtyWordsList: ['clustered'] })).ErrorCode, 0);
  const w0 = Date.now();
  while ((await send('clustered word')).code === 0 && Date.now() - w0 < 1500) await new Promise((r) => setTimeout(r, 10));
  assert.ok(Date.now() - w0 < 500, `the word took ${Date.now() - w0} ms to reach node 2`);
  assert.equal((await send('clustered word')).code, 80001);
  assert.equal((await rest(n1, app, 'openim_dirty_words/delete', { DirtyWordsList: ['clustered'] })).ErrorCode, 0);
  for (let i = 0; i < 50 && (await send('clustered word')).code !== 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await send('clustered again')).code, 0);

  assert.equal((await send('before the mute')).code, 0, 'node 2 has cached "not muted"');
  assert.equal((await rest(n1, app, 'openconfigsvr/setnospeaking', { Set_Account: 'cl-a', C2CmsgNospeakingTime: 600 })).ErrorCode, 0);
  const t0 = Date.now();
  while ((await send('muted?')).code === 0 && Date.now() - t0 < 1500) await new Promise((r) => setTimeout(r, 10));
  assert.ok(Date.now() - t0 < 500, `the mute took ${Date.now() - t0} ms to reach node 2 (cache is 2 s)`);
  assert.equal((await send('muted')).code, 20012);
  await a.client.close();
});
