/**
 * Deleting an app through the admin console's operator API: the app stops working at once and the
 * node purges every row stored under its SDKAppID in the background; another app keeps its data.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, loginClient, rest, sign, startNode, text, type TestNode } from './helpers/test-server.ts';
import { TestClient } from './helpers/ws-client.ts';

const PASSWORD = 'delete me properly';

describe('app deletion through the console purges the app\'s data', () => {
  let node: TestNode;
  let cookie = '';

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${node.url}/console/api/${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie && { cookie }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };

  async function fill(app: AppRecord): Promise<void> {
    assert.equal((await rest(node, app, 'im_open_login_svc/multiaccount_import', { Accounts: ['a', 'b'] })).ErrorCode, 0);
    for (let i = 0; i < 5; i++) {
      const r = await rest(node, app, 'openim/sendmsg', { From_Account: 'a', To_Account: 'b', MsgRandom: i + 1, MsgBody: text(`m${i}`) });
      assert.equal(r.ErrorCode, 0, JSON.stringify(r));
    }
  }

  before(async () => {
    node = await startNode({ console: { password: PASSWORD } });
    assert.equal((await api('POST', 'login', { password: PASSWORD })).status, 200);
  });
  after(async () => {
    await node?.close();
  });

  test('DELETE /console/api/apps/:id', async () => {
    const created = await api('POST', 'apps', { name: 'doomed' });
    const id = (created.json['app'] as { sdkAppId: number }).sdkAppId;
    const store = node.parley.services.store;
    const doomed = (await store.apps.getApp(id))!;
    const kept = await createTestApp(node);
    await fill(doomed);
    await fill(kept);
    const before = await store.apps.tenantRows(id);
    assert.ok((before['messages'] ?? 0) >= 5 && (before['accounts'] ?? 0) >= 2, JSON.stringify(before));

    const { client: online } = await loginClient(node, doomed, 'a');
    const { client: bystander } = await loginClient(node, kept, 'a');
    assert.deepEqual((await api('DELETE', `apps/${id}`)).json, { deleted: true });
    // Its connections are closed too, with a kickedOut push; other apps' are not.
    const kicked = await online.nextPush('kickedOut');
    assert.equal(kicked.data.code, 70020);
    await online.closed();
    assert.equal((await bystander.request('getConversationList', {})).code, 0);
    await bystander.close();
    const keptBefore = await store.apps.tenantRows(kept.sdkAppId);
    // At once: the app's REST calls fail.
    assert.notEqual((await rest(node, doomed, 'openim/sendmsg', { From_Account: 'a', To_Account: 'b', MsgRandom: 99, MsgBody: text('x') })).ErrorCode, 0);
    // The purge runs in the background.
    const deadline = Date.now() + 10_000;
    while (Object.keys(await store.apps.tenantRows(id)).length > 0) {
      assert.ok(Date.now() < deadline, `still there: ${JSON.stringify(await store.apps.tenantRows(id))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(await store.apps.pendingPurges(), []);
    assert.deepEqual(await store.apps.tenantRows(kept.sdkAppId), keptBefore);
    assert.equal((await rest(node, kept, 'openim/sendmsg', { From_Account: 'a', To_Account: 'b', MsgRandom: 77, MsgBody: text('y') })).ErrorCode, 0);
  });

  test('disabling an app closes its connections and refuses new logins until it is enabled again', async () => {
    const app = await createTestApp(node);
    const { client } = await loginClient(node, app, 'carol');
    assert.equal((await api('POST', `apps/${app.sdkAppId}/disabled`, { disabled: true })).status, 200);
    assert.equal((await client.nextPush('kickedOut')).data.code, 60016);
    await client.closed();
    const again = await TestClient.connect(node.url);
    assert.equal((await again.request('login', { sdkAppId: app.sdkAppId, userID: 'carol', userSig: sign(app, 'carol'), platform: 'Web' })).code, 70020);
    await again.close();
    assert.equal((await api('POST', `apps/${app.sdkAppId}/disabled`, { disabled: false })).status, 200);
    const { client: back } = await loginClient(node, app, 'carol');
    await back.close();
  });
});
