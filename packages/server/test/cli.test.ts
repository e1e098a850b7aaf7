import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/parley.mjs', import.meta.url));

describe('parley CLI (app commands)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const parley = (...args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, PARLEY_DATA_DIR: dataDir } });
  const fails = async (args: string[], pattern: RegExp) => {
    await assert.rejects(parley(...args), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, pattern);
      return true;
    });
  };

  test('create, list, show and delete an app in PARLEY_DATA_DIR', async () => {
    const created = JSON.parse((await parley('app', 'create', '--name', 'demo', '--mode', 'guest')).stdout) as Record<string, unknown>;
    assert.match(String(created['sdkAppId']), /^14\d{8}$/);
    assert.match(String(created['secretKey']), /^[0-9a-f]{64}$/);
    assert.equal(created['mode'], 'guest');

    const list = JSON.parse((await parley('app', 'list')).stdout) as Record<string, unknown>[];
    assert.deepEqual(list.map((a) => a['sdkAppId']), [created['sdkAppId']]);
    assert.equal(list[0]?.['secretKey'], undefined, 'list hides secrets');

    const shown = JSON.parse((await parley('app', 'show', String(created['sdkAppId']))).stdout) as Record<string, unknown>;
    assert.equal(shown['secretKey'], created['secretKey']);

    // The server opens the same file and sees the app.
    const store = await openSqliteStore(dataDir);
    try {
      assert.equal((await store.apps.getApp(Number(created['sdkAppId'])))?.name, 'demo');
    } finally {
      await store.close();
    }

    assert.deepEqual(JSON.parse((await parley('app', 'delete', String(created['sdkAppId']))).stdout), { deleted: created['sdkAppId'] });
    assert.deepEqual(JSON.parse((await parley('app', 'list')).stdout), []);
  });

  test('--v1-curve prints the private key once and stores only the public key', async () => {
    const created = JSON.parse((await parley('app', 'create', '--name', 'legacy', '--v1-curve', 'secp256k1')).stdout) as Record<string, unknown>;
    assert.match(String(created['v1PrivateKeyPem']), /BEGIN PRIVATE KEY/);
    const shown = (await parley('app', 'show', String(created['sdkAppId']))).stdout;
    assert.match(shown, /BEGIN PUBLIC KEY/);
    assert.doesNotMatch(shown, /PRIVATE/);
  });

  test('errors exit 1 with a message', async () => {
    await fails(['app', 'show', '1499999999'], /not found/);
    await fails(['app', 'show', 'abc'], /not an SDKAppID/);
    await fails(['app', 'create', '--name', 'x', '--mode', 'open'], /mode must be/);
    await fails(['app', 'create'], /--name/);
  });
});
