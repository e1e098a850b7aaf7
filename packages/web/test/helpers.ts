/**
 * Shared set-up for the web pages' browser tests: a Parley node on a loopback port serving /live/
 * and /console/ (built first, as the server would), and Debian's Chromium driven by playwright-core.
 * Skipped (with the reason printed) when /usr/bin/chromium is missing, except under CI=true.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { genUserSigV2 } from '@parley/usersig';
import { createParley, type Parley } from '../../server/src/server.ts';
import { buildWeb } from '../src/build.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const skipReason = !existsSync(CHROMIUM) && process.env['CI'] !== 'true' ? `${CHROMIUM} not found (apt-get install -y chromium); under CI=true this test fails instead` : undefined;
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ARTIFACTS = join(REPO, 'test-artifacts', 'web');
/** docs/screenshots: refreshed only with PARLEY_UPDATE_SCREENSHOTS=1; every run writes ARTIFACTS. */
export const SCREENSHOTS = join(REPO, 'docs', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface WebEnv {
  parley: Parley;
  url: string;
  dataDir: string;
  browser: Browser;
  sig(sdkAppId: number, secretKey: string, userID: string): string;
  context(viewport?: { width: number; height: number }, mobile?: boolean): Promise<BrowserContext>;
  page(ctx: BrowserContext, path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startWebEnv(opts: { password?: string } = {}): Promise<WebEnv> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The test suite builds the pages itself (dist/ too), so the server finds them fresh.
  await buildWeb({ write: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-web-'));
  const parley = await createParley({
    config: { port: 0, dataDir, host: '127.0.0.1', loginBurstPer10s: 1000 },
    ...(opts.password !== undefined && { console: { password: opts.password } }),
  });
  await parley.listen();
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const contexts: BrowserContext[] = [];
  return {
    parley, url: parley.url, dataDir, browser,
    sig: (sdkAppId, secretKey, userID) => genUserSigV2({ sdkAppId, secretKey, identifier: userID, expire: 86_400 }),
    async context(viewport = DESKTOP, mobile = false) {
      const ctx = await browser.newContext({ viewport, deviceScaleFactor: mobile ? 2 : 1, isMobile: mobile, hasTouch: mobile });
      contexts.push(ctx);
      return ctx;
    },
    async page(ctx, path) {
      const p = await ctx.newPage();
      p.on('pageerror', (e) => console.log(`# page error (${path}): ${e.message}`));
      p.on('console', (m) => {
        if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) console.log(`# console error (${path}): ${m.text()}`);
      });
      await p.goto(`${parley.url}${path}`);
      return p;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await parley.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function until(cond: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
