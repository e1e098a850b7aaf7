/**
 * The browser bundle in headless Chromium against a real node: built with esbuild (platform
 * browser, no Node modules), served with a test page from a loopback HTTP server, driven with
 * playwright-core. Covers login, C2C both ways, the global WebSocket, and the IndexedDB cache
 * answering after a reload while the server is unreachable.
 *
 * Needs Debian's Chromium at /usr/bin/chromium; skipped (with the reason printed) when it is
 * missing, except under CI=true, where it must run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { Message } from '../src/node.ts';
import { loginReady, nextEvent, startEnv, TcpProxy, TIM, until, type TestEnv } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const skip = !haveChromium && process.env['CI'] !== 'true';
if (skip) console.log(`# sdk-browser: skipped — ${CHROMIUM} not found (apt-get install -y chromium); under CI=true this test fails instead`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const PAGE = `<!doctype html><meta charset="utf-8"><title>parley sdk</title>
<script type="module">
  import TIM, { TencentCloudChat, LiveRoom } from '/sdk.js';
  const log = [];
  window.__log = log;
  window.__sdk = { TIM, same: TIM === TencentCloudChat, hasLiveRoom: typeof LiveRoom === 'function' };
  window.start = async ({ server, SDKAppID, userID, userSig }) => {
    const chat = TIM.create({ SDKAppID, server, reconnectMinDelayMs: 50, reconnectMaxDelayMs: 300 });
    window.chat = chat;
    chat.on(TIM.EVENT.SDK_READY, () => log.push(['ready']));
    chat.on(TIM.EVENT.NET_STATE_CHANGE, (e) => log.push(['net', e.data.state]));
    chat.on(TIM.EVENT.MESSAGE_RECEIVED, (e) => { for (const m of e.data) log.push(['msg', m.from, m.payload.text, m.conversationID]); });
    chat.login({ userID, userSig }).catch((e) => log.push(['loginError', e.code]));
  };
  window.send = async (to, text) => {
    const m = window.chat.createTextMessage({ to, conversationType: TIM.TYPES.CONV_C2C, payload: { text } });
    const r = await window.chat.sendMessage(m);
    return { code: r.code, status: r.data.message.status, seq: r.data.message.sequence };
  };
  window.conversations = async () => (await window.chat.getConversationList()).data.conversationList.map((c) => ({ id: c.conversationID, unread: c.unreadCount, last: c.lastMessage && c.lastMessage.messageForShow }));
  window.historyOf = async (id) => (await window.chat.getMessageList({ conversationID: id })).data.messageList.map((m) => m.payload.text);
  window.sdkStatus = () => ({ login: window.chat.getLoginStatus(), ready: window.chat.isReady(), net: window.chat.getNetState() });
  window.pageReady = true;
</script>`;

describe('browser bundle in headless Chromium', { skip }, () => {
  let env: TestEnv;
  let proxy: TcpProxy;
  let http: Server;
  let pageUrl = '';
  let bundle = '';
  let browser: Browser;

  before(async () => {
    const out = await build({
      entryPoints: [join(root, 'src/index.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, write: false,
    });
    bundle = out.outputFiles[0]!.text;
    env = await startEnv({ loginBurstPer10s: 1000 }, { settings: { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10, native: 3 } } });
    proxy = new TcpProxy(env.port);
    await proxy.listen();
    http = createServer((req, res) => {
      if (req.url === '/sdk.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(bundle);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(PAGE);
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    pageUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}/`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => http?.close(r));
    await proxy?.close();
    await env?.close();
  });

  test('the bundle has no Node-only code', () => {
    assert.ok(!/\bnode:(fs|path|net|crypto|http)\b/.test(bundle), 'no node: imports');
    assert.ok(!/require\(["']ws["']\)|from["']ws["']/.test(bundle), 'no ws');
    assert.ok(bundle.length < 200_000, `bundle is ${bundle.length} bytes`);
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log('# page error:', e.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
    return page;
  }

  test('login, receive and send C2C, then the IndexedDB cache answers after a reload with the server down', async () => {
    const node = env.client();
    await loginReady(env, node, 'nodeFriend');
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log('# page error:', e.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
    assert.deepEqual(await page.evaluate(() => {
      const s = (window as unknown as { __sdk: { same: boolean; hasLiveRoom: boolean; TIM: { EVENT: Record<string, string>; TYPES: Record<string, string> } } }).__sdk;
      return [s.same, s.hasLiveRoom, s.TIM.EVENT['SDK_READY'], s.TIM.TYPES['MSG_TEXT']];
    }), [true, true, 'sdkStateReady', 'TIMTextElem']);

    const cfg = { server: proxy.url, SDKAppID: env.sdkAppId, userID: 'webUser', userSig: env.sig('webUser') };
    await page.evaluate((c) => (window as unknown as { start(c: unknown): Promise<void> }).start(c), cfg);
    await page.waitForFunction(() => (window as unknown as { __log: unknown[][] }).__log.some((l) => l[0] === 'ready'), undefined, { timeout: 8_000 });

    for (let i = 0; i < 3; i++) await node.sendMessage(node.createTextMessage({ to: 'webUser', conversationType: 'C2C', payload: { text: `to web ${i}` } }));
    await page.waitForFunction(() => (window as unknown as { __log: unknown[][] }).__log.filter((l) => l[0] === 'msg').length === 3, undefined, { timeout: 5_000 });
    const msgs = await page.evaluate(() => (window as unknown as { __log: unknown[][] }).__log.filter((l) => l[0] === 'msg'));
    assert.deepEqual(msgs, [0, 1, 2].map((i) => ['msg', 'nodeFriend', `to web ${i}`, 'C2CnodeFriend']));

    const got = nextEvent<Message[]>(node, TIM.EVENT.MESSAGE_RECEIVED);
    const sent = await page.evaluate(() => (window as unknown as { send(to: string, t: string): Promise<{ code: number; status: string; seq: number }> }).send('nodeFriend', 'hello from chromium'));
    assert.equal(sent.code, 0);
    assert.equal(sent.status, 'success');
    assert.equal((await got)[0]!.payload['text'], 'hello from chromium');

    // Let the cache flush, then reload with the server unreachable.
    await new Promise((r) => setTimeout(r, 400));
    proxy.setDown(true);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
    await page.evaluate((c) => (window as unknown as { start(c: unknown): Promise<void> }).start(c), cfg);
    const convs = await page.evaluate(() => (window as unknown as { conversations(): Promise<unknown> }).conversations());
    assert.deepEqual(convs, [{ id: 'C2CnodeFriend', unread: 3, last: 'hello from chromium' }]);
    const hist = await page.evaluate(() => (window as unknown as { historyOf(id: string): Promise<unknown> }).historyOf('C2CnodeFriend'));
    assert.deepEqual(hist, ['to web 0', 'to web 1', 'to web 2', 'hello from chromium']);
    const st = await page.evaluate(() => (window as unknown as { sdkStatus(): { login: number; ready: boolean } }).sdkStatus());
    assert.equal(st.login, 2, 'still logging in');
    assert.equal(st.ready, false);

    // Back online: the cached client catches up and becomes ready.
    await node.sendMessage(node.createTextMessage({ to: 'webUser', conversationType: 'C2C', payload: { text: 'while you were away' } }));
    proxy.setDown(false);
    await page.waitForFunction(() => (window as unknown as { __log: unknown[][] }).__log.some((l) => l[0] === 'ready'), undefined, { timeout: 8_000 });
    await until(async () => {
      const log = await page.evaluate(() => (window as unknown as { __log: unknown[][] }).__log.filter((l) => l[0] === 'msg'));
      return log.length === 1;
    }, 5_000, 'the missed message only');
    const after = await page.evaluate(() => (window as unknown as { __log: unknown[][] }).__log.filter((l) => l[0] === 'msg'));
    assert.deepEqual(after, [['msg', 'nodeFriend', 'while you were away', 'C2CnodeFriend']]);
    await context.close();
  });

  test('a second tab of another user chats with the first through the server', async () => {
    const a = await openPage();
    const b = await openPage();
    await a.evaluate((c) => (window as unknown as { start(c: unknown): Promise<void> }).start(c), { server: env.url, SDKAppID: env.sdkAppId, userID: 'tabA', userSig: env.sig('tabA') });
    await b.evaluate((c) => (window as unknown as { start(c: unknown): Promise<void> }).start(c), { server: env.url, SDKAppID: env.sdkAppId, userID: 'tabB', userSig: env.sig('tabB') });
    for (const p of [a, b]) await p.waitForFunction(() => (window as unknown as { __log: unknown[][] }).__log.some((l) => l[0] === 'ready'), undefined, { timeout: 8_000 });
    await a.evaluate(() => (window as unknown as { send(to: string, t: string): Promise<unknown> }).send('tabB', 'tab to tab'));
    await b.waitForFunction(() => (window as unknown as { __log: unknown[][] }).__log.some((l) => l[0] === 'msg' && l[2] === 'tab to tab'), undefined, { timeout: 5_000 });
    await a.close();
    await b.close();
  });
});
