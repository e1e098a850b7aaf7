import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Codes } from '@parley/protocol';
import {
  buildPrivateMapUserbuf,
  decodeTicket,
  genPrivateMapKey,
  genUserSigV2,
  parsePrivateMapUserbuf,
  v2MacInput,
  verifyUserSig,
} from '../src/index.ts';
import { TV1, TV2, TV3, TV4 } from './vectors.ts';
import { jsonOfTicket } from './helpers.ts';

test('TV1: plain UserSig is byte-identical to the official library', () => {
  assert.equal(v2MacInput(TV1.identifier, TV1.sdkAppId, TV1.time, TV1.expire), TV1.macInput);
  const sig = genUserSigV2({ sdkAppId: TV1.sdkAppId, secretKey: TV1.secretKey, identifier: TV1.identifier, expire: TV1.expire, time: TV1.time });
  assert.equal(sig, TV1.userSig);
  assert.equal(jsonOfTicket(sig), TV1.json);
  assert.ok(sig.startsWith('eJ'));
});

test('TV1: expire defaults to 15552000 (180 days)', () => {
  assert.equal(genUserSigV2({ sdkAppId: TV1.sdkAppId, secretKey: TV1.secretKey, identifier: TV1.identifier, time: TV1.time }), TV1.userSig);
});

test('TV2: other app, other key', () => {
  assert.equal(v2MacInput(TV2.identifier, TV2.sdkAppId, TV2.time, TV2.expire), TV2.macInput);
  const sig = genUserSigV2({ sdkAppId: TV2.sdkAppId, secretKey: TV2.secretKey, identifier: TV2.identifier, expire: TV2.expire, time: TV2.time });
  assert.equal(sig, TV2.userSig);
  const d = decodeTicket(sig);
  assert.ok(d.ok);
  assert.equal(d.ticket.raw['TLS.sig'], TV2.sig);
});

test('TV3: genPrivateMapKey (numeric room)', () => {
  const buf = buildPrivateMapUserbuf({ identifier: 'xiaojun', sdkAppId: TV3.sdkAppId, roomId: TV3.roomId, expireAt: TV3.time + TV3.expire, privilegeMap: TV3.privilegeMap });
  assert.equal(buf.toString('hex'), TV3.userbufHex);
  assert.equal(buf.toString('base64'), TV3.userbufB64);
  assert.equal(v2MacInput(TV3.identifier, TV3.sdkAppId, TV3.time, TV3.expire, TV3.userbufB64), TV3.macInput);
  const sig = genPrivateMapKey({ sdkAppId: TV3.sdkAppId, secretKey: TV3.secretKey, identifier: TV3.identifier, expire: TV3.expire, roomId: TV3.roomId, privilegeMap: TV3.privilegeMap, time: TV3.time });
  assert.equal(sig, TV3.userSig);
  const d = decodeTicket(sig);
  assert.ok(d.ok);
  assert.equal(d.ticket.raw['TLS.sig'], TV3.sig);
  assert.equal(d.ticket.userbuf?.toString('hex'), TV3.userbufHex);
  assert.deepEqual(parsePrivateMapUserbuf(d.ticket.userbuf!), {
    version: 0, identifier: 'xiaojun', sdkAppId: 1400000000, roomId: 10000, expireAt: 1700000300, privilegeMap: 255, accountType: 0,
  });
});

test('TV4: genPrivateMapKeyWithStringRoomID', () => {
  const sig = genPrivateMapKey({ sdkAppId: TV4.sdkAppId, secretKey: TV4.secretKey, identifier: TV4.identifier, expire: TV4.expire, roomId: TV4.roomStr, privilegeMap: TV4.privilegeMap, time: TV4.time });
  assert.equal(sig, TV4.userSig);
  const d = decodeTicket(sig);
  assert.ok(d.ok);
  assert.equal(d.ticket.raw['TLS.sig'], TV4.sig);
  assert.equal(d.ticket.raw['TLS.userbuf'], TV4.userbufB64);
  assert.equal(d.ticket.userbuf?.toString('hex'), TV4.userbufHex);
  assert.deepEqual(parsePrivateMapUserbuf(d.ticket.userbuf!), {
    version: 1, identifier: 'xiaojun', sdkAppId: 1400000000, roomId: 0, expireAt: 1700000300, privilegeMap: 42, accountType: 0, roomStr: '1000000040',
  });
});

test('every vector verifies at time+10 and at exactly time+expire, and is expired one second later', () => {
  for (const v of [TV1, TV2]) {
    const opts = { sdkAppId: v.sdkAppId, identifier: v.identifier, secretKey: v.secretKey };
    assert.equal(verifyUserSig(v.userSig, { ...opts, now: v.time + 10 }).ok, true);
    assert.equal(verifyUserSig(v.userSig, { ...opts, now: v.time + v.expire }).ok, true);
    const r = verifyUserSig(v.userSig, { ...opts, now: v.time + v.expire + 1 });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, Codes.USERSIG_EXPIRED.code);
  }
  for (const [v, buf] of [[TV3, TV3.userbufHex], [TV4, TV4.userbufHex]] as const) {
    const opts = { sdkAppId: v.sdkAppId, identifier: v.identifier, secretKey: v.secretKey, userbuf: Buffer.from(buf, 'hex') };
    assert.equal(verifyUserSig(v.userSig, { ...opts, now: v.time + 10 }).ok, true);
    assert.equal(verifyUserSig(v.userSig, { ...opts, now: v.time + v.expire }).ok, true);
    assert.equal(verifyUserSig(v.userSig, { ...opts, now: v.time + v.expire + 1 }).ok, false);
  }
});

test('verify returns the decoded fields', () => {
  const r = verifyUserSig(TV3.userSig, { sdkAppId: TV3.sdkAppId, identifier: 'xiaojun', secretKey: TV3.secretKey, now: TV3.time, allowUserbuf: true });
  assert.ok(r.ok);
  assert.equal(r.ticket.version, 2);
  assert.equal(r.ticket.identifier, 'xiaojun');
  assert.equal(r.ticket.sdkAppId, 1400000000);
  assert.equal(r.ticket.time, 1700000000);
  assert.equal(r.ticket.expire, 300);
  assert.equal(r.ticket.userbuf?.toString('base64'), TV3.userbufB64);
});

test('arbitrary userbuf bytes (GenUserSigWithBuf), including an empty one', () => {
  for (const userbuf of [Buffer.from([0, 1, 2, 255]), Buffer.alloc(0)]) {
    const sig = genUserSigV2({ sdkAppId: 1, secretKey: 'k', identifier: 'u', time: 100, expire: 10, userbuf });
    const d = decodeTicket(sig);
    assert.ok(d.ok);
    assert.equal(d.ticket.raw['TLS.userbuf'], userbuf.toString('base64'));
    // An empty userbuf still adds the line, so it is not the same MAC as no userbuf.
    assert.equal(verifyUserSig(sig, { sdkAppId: 1, identifier: 'u', secretKey: 'k', now: 100, userbuf }).ok, true);
    const plain = verifyUserSig(sig, { sdkAppId: 1, identifier: 'u', secretKey: 'k', now: 100 });
    assert.equal(!plain.ok && plain.code, Codes.USERSIG_USERBUF_MISMATCH.code);
  }
});

test('UTF-8 identifiers round-trip', () => {
  const sig = genUserSigV2({ sdkAppId: 7, secretKey: 'key', identifier: '用户<&>"\\', time: 5, expire: 5 });
  assert.equal(verifyUserSig(sig, { sdkAppId: 7, identifier: '用户<&>"\\', secretKey: 'key', now: 6 }).ok, true);
});

test('generators reject bad arguments with a thrown error', () => {
  const base = { sdkAppId: 1, secretKey: 'k', identifier: 'u' };
  assert.throws(() => genUserSigV2({ ...base, sdkAppId: -1 }), RangeError);
  assert.throws(() => genUserSigV2({ ...base, expire: 1.5 }), RangeError);
  assert.throws(() => genUserSigV2({ ...base, time: Number.NaN }), RangeError);
  assert.throws(() => genUserSigV2({ ...base, secretKey: '' }), TypeError);
  assert.throws(() => genPrivateMapKey({ ...base, expire: 300, roomId: 2 ** 32, privilegeMap: 255 }), RangeError);
  assert.throws(() => genPrivateMapKey({ ...base, sdkAppId: 2 ** 32, expire: 300, roomId: 1, privilegeMap: 255 }), RangeError);
});

test('parsePrivateMapUserbuf rejects truncated or padded bytes', () => {
  const buf = Buffer.from(TV4.userbufHex, 'hex');
  assert.equal(parsePrivateMapUserbuf(buf.subarray(0, buf.length - 1)), undefined);
  assert.equal(parsePrivateMapUserbuf(Buffer.concat([buf, Buffer.from([0])])), undefined);
  assert.equal(parsePrivateMapUserbuf(Buffer.alloc(0)), undefined);
  assert.equal(parsePrivateMapUserbuf(Buffer.from([2, ...Buffer.alloc(30)])), undefined);
});
