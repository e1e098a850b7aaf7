import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateKey } from 'node:crypto';
import { verifyUserSig } from '../src/index.ts';
import { K, SECP256K1_PUBLIC_PEM, TV1, TV3, V1A } from './vectors.ts';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const sig = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, ['bin/parley-sig.mjs', ...args], { cwd: pkgDir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'parley-sig-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

test('no arguments prints the usage', () => {
  const r = sig();
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Usage: parley-sig/);
  for (const cmd of ['gen', 'verify', 'gen-v2', 'check', 'keygen', 'keygen-v2']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
});

test('keygen --out writes a key pair; gen and verify round-trip (classic form)', () => {
  for (const curve of ['secp256k1', 'prime256v1']) {
    const dir = join(tmp, curve);
    const k = sig('keygen', '--curve', curve, '--out', dir);
    assert.equal(k.status, 0, k.stderr);
    const priv = join(dir, 'private.pem');
    const pub = join(dir, 'public.pem');
    assert.equal(createPrivateKey(readFileSync(priv, 'utf8')).asymmetricKeyDetails?.namedCurve, curve);
    assert.equal(statSync(priv).mode & 0o777, 0o600);
    const sigFile = join(dir, 'sig');
    const g = sig('gen', priv, sigFile, '1400000000', 'xiaojun');
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /generate sig ok/);
    const userSig = readFileSync(sigFile, 'utf8').trim();
    const now = Math.floor(Date.now() / 1000);
    const r = verifyUserSig(userSig, { sdkAppId: 1400000000, identifier: 'xiaojun', publicKeyPem: readFileSync(pub, 'utf8'), now });
    assert.ok(r.ok);
    assert.equal(r.ticket.version, 1);
    assert.equal(r.ticket.expire, 180 * 86400); // default validity 180 days
    const v = sig('verify', pub, sigFile, '1400000000', 'xiaojun');
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /verify sig ok/);
    const bad = sig('verify', pub, sigFile, '1400000000', 'someone');
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /70013/);
  }
});

test('verify with --now on the V1-a vector: ok at time+60, expired at time+61', () => {
  const pub = join(tmp, 'v1a.pem');
  const sigFile = join(tmp, 'v1a.sig');
  writeFileSync(pub, SECP256K1_PUBLIC_PEM);
  writeFileSync(sigFile, `${V1A.userSig}\n`);
  assert.equal(sig('verify', pub, sigFile, '1234', '12345', '--now', String(V1A.time + 60)).status, 0);
  const r = sig('verify', pub, sigFile, '1234', '12345', '--now', String(V1A.time + 61));
  assert.equal(r.status, 1);
  assert.match(r.stdout, /70001/);
});

test('keygen without --out prints both PEMs; keygen-v2 prints a hex key', () => {
  const k = sig('keygen');
  assert.equal(k.status, 0);
  assert.match(k.stdout, /BEGIN PRIVATE KEY[\s\S]*BEGIN PUBLIC KEY/);
  const k2 = sig('keygen-v2');
  assert.equal(k2.status, 0);
  assert.match(k2.stdout, /^[0-9a-f]{64}\n$/);
});

test('gen-v2 reproduces TV1 and check accepts it', () => {
  const g = sig('gen-v2', '--key', K, '--sdkappid', '1400000000', '--identifier', 'xiaojun', '--time', String(TV1.time));
  assert.equal(g.status, 0, g.stderr);
  assert.equal(g.stdout.trim(), TV1.userSig);
  const g2 = sig('gen-v2', '--key', K, '--sdkappid', '1400000000', '--identifier', 'xiaojun', '--time', String(TV1.time), '--expire', String(TV1.expire));
  assert.equal(g2.stdout.trim(), TV1.userSig);
  const c = sig('check', '--sdkappid', '1400000000', '--identifier', 'xiaojun', '--sig', TV1.userSig, '--key', K, '--now', String(TV1.time + 1));
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout), { version: 2, identifier: 'xiaojun', sdkAppId: 1400000000, time: TV1.time, expire: TV1.expire, expiresAt: TV1.time + TV1.expire });
});

test('check failures: exit 1 with the code and reason', () => {
  const base = ['check', '--sdkappid', '1400000000', '--identifier', 'xiaojun', '--sig', TV1.userSig];
  const expired = sig(...base, '--key', K, '--now', String(TV1.time + TV1.expire + 1));
  assert.equal(expired.status, 1);
  const body = JSON.parse(expired.stdout) as { code: number; reason: string };
  assert.equal(body.code, 70001);
  assert.ok(body.reason.length > 0);
  assert.equal(JSON.parse(sig(...base, '--key', 'wrong', '--now', String(TV1.time)).stdout).code, 70009);
  // A PrivateMapKey: rejected as a plain UserSig, accepted with --allow-userbuf or the right --userbuf.
  const pmk = ['check', '--sdkappid', '1400000000', '--identifier', 'xiaojun', '--sig', TV3.userSig, '--key', K, '--now', String(TV3.time)];
  assert.equal(JSON.parse(sig(...pmk).stdout).code, 70053);
  const allowed = sig(...pmk, '--allow-userbuf');
  assert.equal(allowed.status, 0);
  assert.equal(JSON.parse(allowed.stdout).userbuf, TV3.userbufB64);
  assert.equal(sig(...pmk, '--userbuf', TV3.userbufB64).status, 0);
  // v1 via --public-key
  const pub = join(tmp, 'check-v1a.pem');
  writeFileSync(pub, SECP256K1_PUBLIC_PEM);
  const v1 = sig('check', '--sdkappid', '1234', '--identifier', '12345', '--sig', V1A.userSig, '--public-key', pub, '--now', String(V1A.time));
  assert.equal(v1.status, 0, v1.stdout + v1.stderr);
  assert.equal(JSON.parse(v1.stdout).version, 1);
});

test('usage errors exit 1 with a message', () => {
  const noKey = sig('check', '--sdkappid', '1', '--identifier', 'x', '--sig', TV1.userSig);
  assert.equal(noKey.status, 1);
  assert.match(noKey.stderr, /--key/);
  const badNum = sig('gen-v2', '--key', 'k', '--sdkappid', 'abc', '--identifier', 'x');
  assert.equal(badNum.status, 1);
  assert.match(badNum.stderr, /sdkappid/);
  const missing = sig('gen', join(tmp, 'nope.pem'), join(tmp, 'out.sig'), '1', 'x');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ENOENT/);
  assert.equal(sig('keygen', '--curve', 'p384').status, 1);
});
