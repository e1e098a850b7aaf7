import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify as cryptoVerify } from 'node:crypto';
import { Codes } from '@parley/protocol';
import { decodeTicket, generateV1KeyPair, genUserSigV1, v1SignedText, verifyUserSig } from '../src/index.ts';
import { SECP256K1_PRIVATE_PEM, SECP256K1_PUBLIC_PEM, V1A, V1C, V1E } from './vectors.ts';
import { jsonOfTicket, ticketFromDoc } from './helpers.ts';

const code = (r: { ok: boolean; code?: number }): number | undefined => (r.ok ? undefined : r.code);

test('V1-a (secp256k1, spaced multi-line JSON): signature valid at time+60, expired at time+61', () => {
  const opts = { sdkAppId: V1A.sdkAppId, identifier: V1A.identifier, publicKeyPem: V1A.publicKeyPem };
  const r = verifyUserSig(V1A.userSig, { ...opts, now: V1A.time + V1A.expire });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.ticket.version, 1);
  assert.equal(r.ticket.expire, 60);
  assert.equal(r.ticket.raw['TLS.account_type'], '6');
  assert.equal(r.ticket.raw['TLS.appid_at_3rd'], '123');
  assert.equal(code(verifyUserSig(V1A.userSig, { ...opts, now: V1A.time + 61 })), Codes.USERSIG_EXPIRED.code);
  const d = decodeTicket(V1A.userSig);
  assert.ok(d.ok);
  const raw = d.ticket.raw as Record<string, string>;
  assert.equal(
    v1SignedText({ appidAt3rd: raw['TLS.appid_at_3rd'], accountType: raw['TLS.account_type']!, identifier: raw['TLS.identifier']!, sdkAppId: raw['TLS.sdk_appid']!, time: raw['TLS.time']!, expireAfter: raw['TLS.expire_after']! }),
    V1A.signedText,
  );
});

test('V1-c (P-256, CRLF inside TLS.sig) verifies', () => {
  const d = decodeTicket(V1C.userSig);
  assert.ok(d.ok);
  assert.match(d.ticket.raw['TLS.sig'] as string, /\r\n/);
  const r = verifyUserSig(V1C.userSig, { sdkAppId: V1C.sdkAppId, identifier: V1C.identifier, publicKeyPem: V1C.publicKeyPem, now: V1C.time + 100 });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.ticket.time, V1C.time);
  assert.equal(r.ticket.expire, V1C.expire);
  // Expired since 2018-10-06.
  assert.equal(code(verifyUserSig(V1C.userSig, { sdkAppId: V1C.sdkAppId, identifier: V1C.identifier, publicKeyPem: V1C.publicKeyPem })), Codes.USERSIG_EXPIRED.code);
});

test('V1-e (constructed, RFC 6979) verifies; its DER signature verifies on the signed text', () => {
  assert.ok(cryptoVerify('sha256', Buffer.from(V1E.signedText), V1E.publicKeyPem, Buffer.from(V1E.derSigB64, 'base64')));
  const r = verifyUserSig(V1E.userSig, { sdkAppId: V1E.sdkAppId, identifier: V1E.identifier, publicKeyPem: V1E.publicKeyPem, now: V1E.time });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.ticket.raw['TLS.sig'], V1E.derSigB64);
});

test('genUserSigV1 signs the same text as the official generator (V1-e inputs)', () => {
  const sig = genUserSigV1({ sdkAppId: V1E.sdkAppId, privateKeyPem: SECP256K1_PRIVATE_PEM, identifier: V1E.identifier, time: V1E.time });
  const doc = JSON.parse(jsonOfTicket(sig)) as Record<string, string>;
  assert.equal(doc['TLS.expire_after'], '15552000'); // 180-day default
  assert.equal(doc['TLS.ver'], undefined);
  for (const v of Object.values(doc)) assert.equal(typeof v, 'string');
  const der = Buffer.from(doc['TLS.sig']!, 'base64');
  assert.equal(der[0], 0x30); // DER SEQUENCE
  assert.ok(cryptoVerify('sha256', Buffer.from(V1E.signedText), SECP256K1_PUBLIC_PEM, der));
  assert.ok(verifyUserSig(sig, { sdkAppId: V1E.sdkAppId, identifier: V1E.identifier, publicKeyPem: SECP256K1_PUBLIC_PEM, now: V1E.time }).ok);
});

for (const curve of ['secp256k1', 'prime256v1'] as const) {
  test(`generate and verify with ${curve}; the key PEM carries the curve`, () => {
    const { privateKeyPem, publicKeyPem } = generateV1KeyPair(curve);
    const sig = genUserSigV1({ sdkAppId: 1400000000, privateKeyPem, identifier: 'bob', expire: 100, time: 1000 });
    const opts = { sdkAppId: 1400000000, identifier: 'bob', publicKeyPem };
    assert.ok(verifyUserSig(sig, { ...opts, now: 1100 }).ok);
    assert.equal(code(verifyUserSig(sig, { ...opts, now: 1101 })), Codes.USERSIG_EXPIRED.code);
    // The private key PEM also works as the verification key (its public half is derived).
    assert.ok(verifyUserSig(sig, { ...opts, publicKeyPem: privateKeyPem, now: 1000 }).ok);
    // Another key pair: bad signature.
    const other = generateV1KeyPair(curve);
    assert.equal(code(verifyUserSig(sig, { ...opts, publicKeyPem: other.publicKeyPem, now: 1000 })), Codes.USERSIG_BAD_SIGNATURE.code);
  });
}

test('appid_at_3rd: null leaves the field and its signed line out; the verifier does the same', () => {
  const { privateKeyPem, publicKeyPem } = generateV1KeyPair('prime256v1');
  const sig = genUserSigV1({ sdkAppId: 42, privateKeyPem, identifier: 'x', time: 10, expire: 10, appidAt3rd: null, accountType: '116' });
  const doc = JSON.parse(jsonOfTicket(sig)) as Record<string, string>;
  assert.equal('TLS.appid_at_3rd' in doc, false);
  assert.equal(doc['TLS.account_type'], '116');
  const text = 'TLS.account_type:116\nTLS.identifier:x\nTLS.sdk_appid:42\nTLS.time:10\nTLS.expire_after:10\n';
  assert.ok(cryptoVerify('sha256', Buffer.from(text), publicKeyPem, Buffer.from(doc['TLS.sig']!, 'base64')));
  assert.ok(verifyUserSig(sig, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10 }).ok);
  // Adding the field afterwards changes the signed text: the signature no longer matches.
  const tampered = ticketFromDoc({ ...doc, 'TLS.appid_at_3rd': '0' });
  assert.equal(code(verifyUserSig(tampered, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10 })), Codes.USERSIG_BAD_SIGNATURE.code);
});

test('a custom appid_at_3rd is signed and checked', () => {
  const { privateKeyPem, publicKeyPem } = generateV1KeyPair('prime256v1');
  const sig = genUserSigV1({ sdkAppId: 42, privateKeyPem, identifier: 'x', time: 10, appidAt3rd: '42' });
  assert.ok(verifyUserSig(sig, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10 }).ok);
  const doc = JSON.parse(jsonOfTicket(sig)) as Record<string, string>;
  const tampered = ticketFromDoc({ ...doc, 'TLS.appid_at_3rd': '43' });
  assert.equal(code(verifyUserSig(tampered, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10 })), Codes.USERSIG_BAD_SIGNATURE.code);
});

test('v1 userbuf variant: signed as an extra line', () => {
  const { privateKeyPem, publicKeyPem } = generateV1KeyPair('prime256v1');
  const userbuf = Buffer.from('room-7');
  const sig = genUserSigV1({ sdkAppId: 42, privateKeyPem, identifier: 'x', time: 10, userbuf });
  assert.ok(verifyUserSig(sig, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10, userbuf }).ok);
  assert.equal(code(verifyUserSig(sig, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10 })), Codes.USERSIG_USERBUF_MISMATCH.code);
  const doc = JSON.parse(jsonOfTicket(sig)) as Record<string, string>;
  const tampered = ticketFromDoc({ ...doc, 'TLS.userbuf': Buffer.from('room-8').toString('base64') });
  assert.equal(code(verifyUserSig(tampered, { sdkAppId: 42, identifier: 'x', publicKeyPem, now: 10, allowUserbuf: true })), Codes.USERSIG_BAD_SIGNATURE.code);
});

test('v1 numbers must be strings; sdk_appid is compared as text', () => {
  const { privateKeyPem, publicKeyPem } = generateV1KeyPair('prime256v1');
  const sig = genUserSigV1({ sdkAppId: 1234, privateKeyPem, identifier: 'x', time: 10 });
  const doc = JSON.parse(jsonOfTicket(sig)) as Record<string, unknown>;
  const opts = { sdkAppId: 1234, identifier: 'x', publicKeyPem, now: 10 };
  for (const f of ['TLS.sdk_appid', 'TLS.time', 'TLS.expire_after']) {
    const r = verifyUserSig(ticketFromDoc({ ...doc, [f]: Number(doc[f]) }), opts);
    assert.equal(code(r), Codes.USERSIG_INVALID.code, f);
  }
  assert.equal(code(verifyUserSig(ticketFromDoc({ ...doc, 'TLS.time': '-5' }), opts)), Codes.USERSIG_INVALID.code);
  assert.equal(code(verifyUserSig(ticketFromDoc({ ...doc, 'TLS.sdk_appid': '01234' }), opts)), Codes.USERSIG_SDKAPPID_MISMATCH.code);
  const noAcct = { ...doc };
  delete noAcct['TLS.account_type'];
  assert.equal(code(verifyUserSig(ticketFromDoc(noAcct), opts)), Codes.USERSIG_INVALID.code);
});

test('v1 without a public key is 70016; an unusable key is 70016 too', () => {
  const opts = { sdkAppId: V1E.sdkAppId, identifier: V1E.identifier, now: V1E.time };
  assert.equal(code(verifyUserSig(V1E.userSig, opts)), Codes.USERSIG_NO_PUBLIC_KEY.code);
  assert.equal(code(verifyUserSig(V1E.userSig, { ...opts, secretKey: 'a v2 key does not help' })), Codes.USERSIG_NO_PUBLIC_KEY.code);
  assert.equal(code(verifyUserSig(V1E.userSig, { ...opts, publicKeyPem: 'not a pem' })), Codes.USERSIG_NO_PUBLIC_KEY.code);
});

test('v1 garbage signatures are 70009, never exceptions', () => {
  const d = decodeTicket(V1E.userSig);
  assert.ok(d.ok);
  const opts = { sdkAppId: V1E.sdkAppId, identifier: V1E.identifier, publicKeyPem: V1E.publicKeyPem, now: V1E.time };
  for (const s of ['', 'AAAA', 'MAYCAQECAQE=', 'not base64 at all!', Buffer.alloc(200, 0x30).toString('base64')]) {
    const r = verifyUserSig(ticketFromDoc({ ...d.ticket.raw, 'TLS.sig': s }), opts);
    assert.equal(code(r), Codes.USERSIG_BAD_SIGNATURE.code, s);
  }
});
