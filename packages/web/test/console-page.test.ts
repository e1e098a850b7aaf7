/**
 * The admin console (/console/) in headless Chromium against a real node: the operator signs in
 * with the console password, creates an app, generates a UserSig in the browser (WebCrypto) and
 * that ticket logs a Node SDK client in; a sensitive word added in the console blocks a message;
 * the user is looked up and kicked; an app admin signs in with the secret key alone; the stats
 * page draws its charts. Screenshots at desktop and phone sizes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import TIM, { type ChatSDK, type IMError } from '../../sdk/src/node.ts';
import { ARTIFACTS, DESKTOP, PHONE, SCREENSHOTS, skipReason, startWebEnv, until, type WebEnv } from './helpers.ts';

if (skipReason) console.log(`# console-page: skipped — ${skipReason}`);

const PASSWORD = 'correct horse battery staple';

async function shoot(page: Page, name: string): Promise<void> {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  // The docs' copies change only on request, so a test run leaves the checkout untouched.
  if (process.env['PARLEY_UPDATE_SCREENSHOTS'] !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  copyFileSync(file, join(SCREENSHOTS, `${name}.png`));
}

function readyClient(env: WebEnv, sdkAppId: number): ChatSDK {
  return TIM.create({ SDKAppID: sdkAppId, server: env.url, isolated: true, storage: 'memory' } as Parameters<typeof TIM.create>[0]);
}

async function login(c: ChatSDK, userID: string, userSig: string): Promise<void> {
  const ready = new Promise<void>((r) => c.on(TIM.EVENT.SDK_READY, () => r()));
  await c.login({ userID, userSig });
  if (!c.isReady()) await ready;
}

describe('admin console', { skip: skipReason !== undefined }, () => {
  let env: WebEnv;
  const clients: ChatSDK[] = [];

  before(async () => {
    env = await startWebEnv({ password: PASSWORD });
  });

  after(async () => {
    for (const c of clients) await c.destroy().catch(() => {});
    await env?.close();
  });

  test('operator: create an app, sign a ticket that logs a client in, block a sensitive word, kick, stats', async () => {
    const ctx = await env.context(DESKTOP);
    const page = await env.page(ctx, '/console/');
    await shoot(page, 'console-signin');

    // Wrong password first.
    await page.getByLabel('Console password').fill('nope');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong password' }).waitFor();
    await page.getByLabel('Console password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // --- Create an app (with a v1 key pair).
    await page.getByRole('heading', { name: 'Create an app' }).waitFor();
    await page.getByLabel('Name').fill('Shop');
    await page.getByLabel('Legacy v1 (ECDSA) key pair').selectOption('prime256v1');
    await page.getByRole('button', { name: 'Create app' }).click();
    const idText = await page.getByTestId('new-sdkappid').textContent();
    const sdkAppId = Number(idText);
    assert.ok(sdkAppId >= 1_400_000_000, `SDKAppID ${idText}`);
    const stored = await env.parley.apps.get(sdkAppId);
    assert.equal(stored?.name, 'Shop');
    assert.ok(stored?.publicKeyPem, 'v1 public key registered');
    assert.ok(await page.getByRole('button', { name: 'Download v1 private key' }).isVisible());
    await page.getByRole('cell', { name: String(sdkAppId) }).waitFor();

    // --- UserSig tool: generate in the browser, check it, log a client in with it.
    await page.getByRole('button', { name: 'UserSig tool' }).click();
    await page.getByLabel('UserID').first().fill('carol');
    await page.getByRole('button', { name: 'Use this app\'s secret key' }).click();
    await until(async () => (await page.getByLabel('Key').first().inputValue()).length === 64, 3_000, 'secret filled');
    await page.getByRole('button', { name: 'Generate' }).click();
    await until(async () => (await page.locator('#usersig-out').inputValue()).length > 50, 3_000, 'ticket generated');
    const ticket = await page.locator('#usersig-out').inputValue();
    await page.getByLabel('UserSig to check').fill(ticket);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('✔ Valid ticket').waitFor();
    await shoot(page, 'console-usersig');

    const carol = readyClient(env, sdkAppId);
    clients.push(carol);
    await login(carol, 'carol', ticket);
    assert.equal(carol.getLoginUser(), 'carol');

    // --- Sensitive words: add one in the console; it blocks the next message.
    const dave = readyClient(env, sdkAppId);
    clients.push(dave);
    const secretKey = stored!.secretKey;
    await login(dave, 'dave', env.sig(sdkAppId, secretKey, 'dave'));
    const ok = await carol.sendMessage(carol.createTextMessage({ to: 'dave', conversationType: 'C2C', payload: { text: 'hello gizmo' } }));
    assert.equal(ok.code, 0);
    await page.getByRole('button', { name: 'Sensitive words' }).click();
    await page.getByLabel('Add words').fill('gizmo\nwidget');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('listitem').filter({ hasText: 'gizmo' }).waitFor();
    const refused = await carol.sendMessage(carol.createTextMessage({ to: 'dave', conversationType: 'C2C', payload: { text: 'hello gizmo again' } })).then(
      () => undefined,
      (e: IMError) => e.code,
    );
    assert.equal(refused, 80001);

    // --- Users: look carol up (online), kick her.
    await page.getByRole('button', { name: 'Users', exact: true }).click();
    await page.getByLabel('UserIDs').fill('carol, nobody');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByText('No such account.').waitFor();
    await page.locator('.user .pill').filter({ hasText: 'Online' }).waitFor();
    const kicked = new Promise<void>((r) => carol.on(TIM.EVENT.KICKED_OUT, () => r()));
    await page.getByRole('button', { name: 'Kick (sign out)' }).click();
    await kicked;

    // --- Groups: a group created over REST shows up; mute a member; dismiss it.
    await dave.createGroup({ type: 'Public', name: 'Fans', groupID: 'fans-1', memberList: [] });
    await page.getByRole('button', { name: 'Groups' }).click();
    await page.getByRole('cell', { name: 'fans-1' }).waitFor();
    await page.getByRole('row', { name: /fans-1/ }).getByRole('button', { name: 'View' }).click();
    await page.getByRole('heading', { name: /Fans/ }).waitFor();
    const group = page.getByRole('region', { name: 'Group fans-1' });
    await group.getByRole('cell', { name: 'dave' }).waitFor();
    await group.getByRole('row', { name: /dave/ }).getByRole('button', { name: 'Mute 10 min' }).click();
    await page.getByRole('region', { name: 'Group fans-1' }).getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    assert.ok((await env.parley.services.store.groups.muteUntil(sdkAppId, 'fans-1', 'dave')) > Date.now() / 1000);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Dismiss group' }).click();
    await until(async () => (await env.parley.services.store.groups.getGroup(sdkAppId, 'fans-1')) === undefined, 5_000, 'group dismissed');

    // --- Settings: a rate limit saved through the console reaches the registry.
    await page.getByRole('button', { name: 'App settings' }).click();
    await page.getByLabel('Live-room messages per second').fill('120');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    await until(async () => (await env.parley.apps.get(sdkAppId))?.settings.roomMessagesPerSecond === 120, 6_000, 'setting saved');
    await page.getByRole('button', { name: 'Show secret key' }).click();
    await page.getByText(secretKey).waitFor();
    await page.getByRole('button', { name: 'Hide' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, 'console-settings');

    // --- Live statistics: two live rooms with viewers, then traffic while the charts run.
    await page.getByRole('button', { name: 'Live statistics' }).click();
    await page.locator('.uplot').first().waitFor();
    await dave.createGroup({ type: 'AVChatRoom', name: 'Main stage', groupID: 'stage-1' });
    await dave.createGroup({ type: 'AVChatRoom', name: 'Backstage', groupID: 'stage-2' });
    const viewers: ChatSDK[] = [];
    for (const [i, room] of ['stage-1', 'stage-1', 'stage-1', 'stage-2'].entries()) {
      const v = readyClient(env, sdkAppId);
      clients.push(v);
      viewers.push(v);
      await login(v, `viewer${i}`, env.sig(sdkAppId, secretKey, `viewer${i}`));
      await v.joinGroup({ groupID: room, type: 'AVChatRoom' });
    }
    const live = env.parley.services.liveRooms;
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < 4_500) {
      const rate = 150 + 100 * Math.sin((Date.now() - t0) / 700);
      for (let k = 0; k < rate / 10; k++, n++) {
        live.publish(sdkAppId, 'stage-1', `{"type":"GROUP","from":"dave","to":"stage-1","seq":0,"random":${n},"time":0,"msgKey":"0_${n}_0","body":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"m${n}"}}],"priority":"Normal"}`, 'Normal', 100_000);
      }
      if (n % 3 === 0) void dave.sendMessage(dave.createTextMessage({ to: 'viewer0', conversationType: 'C2C', payload: { text: `c${n}` } })).catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
    await until(async () => (await page.locator('.kpi-value').count()) === 4, 5_000, 'kpis');
    await page.getByRole('cell', { name: /Main stage/ }).waitFor();
    assert.equal(await page.locator('.uplot canvas').count(), 3);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, 'console-stats');

    // --- Phone size.
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300);
    await shoot(page, 'console-stats-phone');
    await page.getByRole('button', { name: 'App settings' }).click();
    await page.getByRole('heading', { name: 'App and keys' }).waitFor();
    await shoot(page, 'console-settings-phone');
  });

  test('app admin: signs in with SDKAppID and secret key only, sees only that app', async () => {
    const created = await env.parley.apps.createApp({ name: 'Tenant' });
    const ctx = await env.context(DESKTOP);
    const page = await env.page(ctx, '/console/');
    await page.getByRole('tab', { name: 'App admin' }).click();
    await page.getByLabel('SDKAppID').fill(String(created.app.sdkAppId));
    await page.getByLabel('Secret key').fill(created.app.secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'App and keys' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Apps', exact: true }).count(), 0, 'no operator section');
    // The operator API refuses other apps to this admin.
    const other = (await env.parley.apps.list()).find((a) => a.sdkAppId !== created.app.sdkAppId)!;
    const status = await page.evaluate(async (id) => (await fetch(`/console/api/apps/${id}/secret`)).status, other.sdkAppId);
    assert.equal(status, 401);
    // Wrong key: refused.
    const p2 = await env.page(await env.context(DESKTOP), '/console/');
    await p2.getByRole('tab', { name: 'App admin' }).click();
    await p2.getByLabel('SDKAppID').fill(String(created.app.sdkAppId));
    await p2.getByLabel('Secret key').fill('0'.repeat(64));
    await p2.getByRole('button', { name: 'Sign in' }).click();
    await p2.getByRole('alert').filter({ hasText: /sign in first/ }).waitFor();
  });
});
