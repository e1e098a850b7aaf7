import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { genUserSigV2 } from '@parley/usersig';
import { TestClient } from './helpers/ws-client.ts';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

function startProcess(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`server did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ proc, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    proc.once('exit', (code) => rej(new Error(`server exited ${code}: ${out}`)));
  });
}

test('after kill -9 and a restart, every acknowledged message is in history and on resync', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  let proc: ChildProcess | undefined;
  try {
    const first = await startProcess(dataDir);
    proc = first.proc;
    const appFile = join(dataDir, 'default-app.json');
    assert.equal(statSync(appFile).mode & 0o777, 0o600);
    const app = JSON.parse(readFileSync(appFile, 'utf8')) as { sdkAppId: number; secretKey: string };
    const sig = (id: string) => genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: id, expire: 3600 });

    const receiver = await TestClient.connect(first.url);
    assert.equal((await receiver.request('login', { sdkAppId: app.sdkAppId, userID: 'rcv', userSig: sig('rcv') })).code, 0);
    await receiver.close();
    const sender = await TestClient.connect(first.url);
    assert.equal((await sender.request('login', { sdkAppId: app.sdkAppId, userID: 'snd', userSig: sig('snd') })).code, 0);

    // Keep sends in flight, kill the server mid-stream once some are acknowledged, and keep only
    // what was acknowledged.
    const acked: string[] = [];
    const sends: Promise<void>[] = [];
    let killed = false;
    for (let i = 0; i < 3000 && !killed; i++) {
      sends.push(sender.request('sendMessage', { type: 'C2C', to: 'rcv', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `n${i}` } }], clientMsgId: `c${i}` })
        .then((r) => { if (r.code === 0) acked.push(r.data.message.msgKey); }));
      if (acked.length >= 100) {
        proc.kill('SIGKILL');
        killed = true;
      }
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5));
    }
    if (!killed) proc.kill('SIGKILL');
    await Promise.all(sends);
    await new Promise((r) => proc!.once('exit', r));
    assert.ok(acked.length > 0, 'some messages were acknowledged before the kill');

    const second = await startProcess(dataDir);
    proc = second.proc;
    const back = await TestClient.connect(second.url);
    assert.equal((await back.request('login', { sdkAppId: app.sdkAppId, userID: 'rcv', userSig: sig('rcv') })).code, 0);
    const synced = new Set<string>();
    let cursor = 0;
    for (;;) {
      const r = await back.request('sync', { cursor, limit: 500 });
      for (const e of r.data.events) synced.add(e.message.msgKey);
      cursor = r.data.cursor;
      if (r.data.isCompleted) break;
    }
    for (const key of acked) assert.ok(synced.has(key), `acknowledged ${key} survived`);
    await back.close();
  } finally {
    proc?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
