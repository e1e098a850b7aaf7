import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genUserSigV1, genUserSigV2, generateV1KeyPair } from '@parley/usersig';
import { AppRegistry } from '../src/apps/app-registry.ts';
import { ensureDefaultApp, type DefaultAppFile } from '../src/apps/default-app.ts';
import { TicketVerifier } from '../src/auth/ticket-verifier.ts';
import { createLogger } from '../src/observability/logger.ts';
import { DEFAULT_APP_SETTINGS } from '../src/store/app-store.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';

describe('apps', () => {
  let dir: string;
  let store: Store;
  let registry: AppRegistry;
  const logger = createLogger('silent');
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-apps-'));
    store = await openSqliteStore(dir, { sync: 'normal' });
    registry = new AppRegistry(store.apps);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('AppRegistry', () => {
    test('createApp: 14xxxxxxxx SDKAppID, v2 secret, default admin and settings', async () => {
      const { app, v1PrivateKeyPem } = await registry.createApp({ name: 'demo' });
      assert.match(String(app.sdkAppId), /^14\d{8}$/);
      assert.match(app.secretKey, /^[0-9a-f]{64}$/);
      assert.deepEqual(app.admins, ['administrator']);
      assert.deepEqual(app.settings, DEFAULT_APP_SETTINGS);
      assert.equal(app.mode, 'independent');
      assert.equal(app.publicKeyPem, undefined);
      assert.equal(v1PrivateKeyPem, undefined);
      assert.deepEqual(await store.apps.getApp(app.sdkAppId), app);
      const ids = new Set<number>();
      for (let i = 0; i < 20; i++) ids.add((await registry.createApp({ name: `n${i}`, mode: 'guest' })).app.sdkAppId);
      assert.equal(ids.size, 20);
    });

    test('createApp with a v1 curve stores only the public key and returns the private key once', async () => {
      const { app, v1PrivateKeyPem } = await registry.createApp({ name: 'legacy', v1Curve: 'prime256v1' });
      assert.match(v1PrivateKeyPem ?? '', /BEGIN PRIVATE KEY/);
      assert.match(app.publicKeyPem ?? '', /BEGIN PUBLIC KEY/);
      const stored = await store.apps.getApp(app.sdkAppId);
      assert.ok(!JSON.stringify(stored).includes('PRIVATE'));
    });

    test('createApp validates its input', async () => {
      await assert.rejects(registry.createApp({ name: '' }), { code: 70402 });
      await assert.rejects(registry.createApp({ name: 'x', mode: 'open' as never }), { code: 70402 });
      await assert.rejects(registry.createApp({ name: 'x', v1Curve: 'ed25519' as never }), { code: 70402 });
    });

    test('an app created behind the registry\'s back (the CLI) is found on a miss', async () => {
      const other = new AppRegistry(store.apps);
      assert.equal(await registry.get(1_499_999_998), undefined);
      const { app } = await other.createApp({ name: 'from-cli' });
      assert.equal((await registry.get(app.sdkAppId))?.name, 'from-cli');
      assert.ok((await registry.list()).some((a) => a.sdkAppId === app.sdkAppId));
    });

    test('cached entries are re-read after the TTL', async () => {
      let now = 1_000_000;
      const cached = new AppRegistry(store.apps, { ttlMs: 1000, now: () => now });
      const { app } = await registry.createApp({ name: 'ttl' });
      await cached.get(app.sdkAppId);
      await store.apps.updateApp({ ...app, name: 'renamed' });
      assert.equal((await cached.get(app.sdkAppId))?.name, 'ttl');
      now += 1001;
      assert.equal((await cached.get(app.sdkAppId))?.name, 'renamed');
    });

    test('admins: at most 10 valid, distinct UserIDs', async () => {
      const { app } = await registry.createApp({ name: 'admins' });
      assert.deepEqual((await registry.addAdmin(app.sdkAppId, 'ops')).admins, ['administrator', 'ops']);
      assert.deepEqual((await registry.removeAdmin(app.sdkAppId, 'administrator')).admins, ['ops']);
      await assert.rejects(registry.setAdmins(app.sdkAppId, Array.from({ length: 11 }, (_, i) => `a${i}`)), { code: 70402 });
      await assert.rejects(registry.setAdmins(app.sdkAppId, ['bad id']), { code: 70402 });
      await assert.rejects(registry.setAdmins(app.sdkAppId, []), { code: 70402 });
      await assert.rejects(registry.setAdmins(app.sdkAppId, ['a', 'a']), { code: 70402 });
      await assert.rejects(registry.removeAdmin(app.sdkAppId, 'ops'), { code: 70402 }, 'the last admin stays');
      assert.deepEqual((await store.apps.getApp(app.sdkAppId))?.admins, ['ops']);
      await assert.rejects(registry.setAdmins(1_499_999_997, ['x']), { code: 70020 });
    });

    test('settings: validated patch, nothing stored on a bad value', async () => {
      const { app } = await registry.createApp({ name: 'settings' });
      const next = await registry.updateSettings(app.sdkAppId, { multiDevicePolicy: 'multi', maxInstancesPerPlatform: { web: 10 }, recallWindowSeconds: 600 });
      assert.equal(next.settings.multiDevicePolicy, 'multi');
      assert.deepEqual(next.settings.maxInstancesPerPlatform, { web: 10, native: 1 });
      for (const bad of [{ multiDevicePolicy: 'all' }, { maxInstancesPerPlatform: { native: 4 } }, { recallWindowSeconds: -1 }, { likeFlushMs: 1.5 }, { nope: 1 }]) {
        await assert.rejects(registry.updateSettings(app.sdkAppId, bad), { code: 70402 }, JSON.stringify(bad));
      }
      assert.deepEqual((await store.apps.getApp(app.sdkAppId))?.settings, next.settings);
    });

    test('registerPublicKey accepts an EC PEM and refuses anything else', async () => {
      const { app } = await registry.createApp({ name: 'pk' });
      const { publicKeyPem, privateKeyPem } = generateV1KeyPair('secp256k1');
      const updated = await registry.registerPublicKey(app.sdkAppId, publicKeyPem);
      assert.match(updated.publicKeyPem ?? '', /BEGIN PUBLIC KEY/);
      await assert.rejects(registry.registerPublicKey(app.sdkAppId, 'not a pem'), { code: 70402 });
      await assert.rejects(registry.registerPublicKey(app.sdkAppId, privateKeyPem.replace(/PRIVATE/g, 'PUBLIC')), { code: 70402 });
    });

    test('delete removes the app', async () => {
      const { app } = await registry.createApp({ name: 'gone' });
      assert.equal(await registry.delete(app.sdkAppId), true);
      assert.equal(await registry.get(app.sdkAppId), undefined);
      assert.equal(await registry.delete(app.sdkAppId), false);
    });
  });

  describe('default app', () => {
    test('first start creates the app and a 0600 file; later starts reuse it', async () => {
      const data = join(dir, 'default-1');
      const app = await ensureDefaultApp(data, registry, logger);
      const path = join(data, 'default-app.json');
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      const file = JSON.parse(await readFile(path, 'utf8')) as DefaultAppFile;
      assert.deepEqual(file, { sdkAppId: app.sdkAppId, secretKey: app.secretKey, adminIdentifier: 'administrator' });
      const again = await ensureDefaultApp(data, new AppRegistry(store.apps), logger);
      assert.equal(again.sdkAppId, app.sdkAppId);
    });

    test('a default app deleted since is re-created, with a new file', async () => {
      const data = join(dir, 'default-2');
      const first = await ensureDefaultApp(data, registry, logger);
      await registry.delete(first.sdkAppId);
      const second = await ensureDefaultApp(data, registry, logger);
      assert.notEqual(second.sdkAppId, first.sdkAppId);
      const file = JSON.parse(await readFile(join(data, 'default-app.json'), 'utf8')) as DefaultAppFile;
      assert.equal(file.sdkAppId, second.sdkAppId);
      assert.equal((await stat(join(data, 'default-app.json'))).mode & 0o777, 0o600);
    });

    test('a stale secret in the file is refreshed and the mode tightened', async () => {
      const data = join(dir, 'default-3');
      const app = await ensureDefaultApp(data, registry, logger);
      const path = join(data, 'default-app.json');
      await writeFile(path, JSON.stringify({ sdkAppId: app.sdkAppId, secretKey: 'old', adminIdentifier: 'administrator' }), { mode: 0o644 });
      await ensureDefaultApp(data, registry, logger);
      assert.equal((JSON.parse(await readFile(path, 'utf8')) as DefaultAppFile).secretKey, app.secretKey);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    });
  });

  describe('TicketVerifier', () => {
    test('v2 and v1 tickets verify against the app\'s keys; bad UserIDs are refused', async () => {
      const { app, v1PrivateKeyPem } = await registry.createApp({ name: 'verify', v1Curve: 'prime256v1' });
      const v = new TicketVerifier();
      const v2 = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'u1' });
      assert.equal(v.verify(app, 'u1', v2).ok, true);
      const v1 = genUserSigV1({ sdkAppId: app.sdkAppId, privateKeyPem: v1PrivateKeyPem ?? '', identifier: 'u1' });
      const r1 = v.verify(app, 'u1', v1);
      assert.ok(r1.ok && r1.ticket.version === 1);
      assert.deepEqual(v.verify(app, 'u2', v2), { ok: false, code: 70013, reason: 'UserSig was issued for another UserID' });
      const bad = v.verify(app, 'bad id', v2);
      assert.ok(!bad.ok && bad.code === 70402);
      const empty = v.verify(app, 'u1', '');
      assert.ok(!empty.ok && empty.code === 70002);
    });

    test('remembers successes, re-checks expiry on a hit, and forgets on a key change', async () => {
      const { app } = await registry.createApp({ name: 'cache' });
      const v = new TicketVerifier({ maxEntries: 2 });
      const sig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: 'u1', time: 1_700_000_000, expire: 100 });
      assert.equal(v.verify(app, 'u1', sig, 1_700_000_050).ok, true);
      assert.equal(v.size, 1);
      assert.equal(v.verify(app, 'u1', sig, 1_700_000_100).ok, true, 'valid at exactly time + expire');
      const late = v.verify(app, 'u1', sig, 1_700_000_101);
      assert.ok(!late.ok && late.code === 70001);
      const rotated = { ...app, secretKey: 'f'.repeat(64) };
      const r = v.verify(rotated, 'u1', sig, 1_700_000_050);
      assert.ok(!r.ok && r.code === 70009, 'a cached success does not survive a key change');
      // Bounded: the oldest entries go.
      for (const id of ['a', 'b', 'c']) v.verify(app, id, genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: id }));
      assert.equal(v.size, 2);
    });
  });
});
