import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { generateSecretKey, generateV1KeyPair, genUserSigV2, verifyUserSig } from '../src/index.ts';

test('generateSecretKey: 64 lowercase hex characters, different every time, usable as-is', () => {
  const a = generateSecretKey();
  const b = generateSecretKey();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, b);
  const sig = genUserSigV2({ sdkAppId: 1, secretKey: a, identifier: 'u', time: 1 });
  assert.ok(verifyUserSig(sig, { sdkAppId: 1, identifier: 'u', secretKey: a, now: 1 }).ok);
  assert.equal(verifyUserSig(sig, { sdkAppId: 1, identifier: 'u', secretKey: b, now: 1 }).ok, false);
  // The key text is used as it is, not hex-decoded: the upper-case spelling is another key.
  assert.equal(verifyUserSig(sig, { sdkAppId: 1, identifier: 'u', secretKey: a.toUpperCase(), now: 1 }).ok, false);
});

test('generateV1KeyPair: PEM pairs on the requested curve (P-256 by default)', () => {
  for (const [curve, want] of [[undefined, 'prime256v1'], ['prime256v1', 'prime256v1'], ['secp256k1', 'secp256k1']] as const) {
    const { privateKeyPem, publicKeyPem } = generateV1KeyPair(curve);
    assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(createPrivateKey(privateKeyPem).asymmetricKeyDetails?.namedCurve, want);
    assert.equal(createPublicKey(publicKeyPem).asymmetricKeyDetails?.namedCurve, want);
  }
});
