import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { Codes } from '@parley/protocol';
import { decodeTicket, genPrivateMapKey, genUserSigV2, verifyUserSig, type VerifyOptions } from '../src/index.ts';
import { TV1, TV3, V1E } from './vectors.ts';
import { swap, ticketFromDoc, ticketFromJson } from './helpers.ts';

const opts: VerifyOptions = { sdkAppId: TV1.sdkAppId, identifier: TV1.identifier, secretKey: TV1.secretKey, now: TV1.time + 10 };
const code = (r: { ok: boolean; code?: number }): number | undefined => (r.ok ? undefined : r.code);
const doc = JSON.parse(TV1.json) as Record<string, unknown>;

test('each failure has its own code from the protocol table', () => {
  assert.equal(code(verifyUserSig('', opts)), Codes.USERSIG_EMPTY.code);
  assert.equal(code(verifyUserSig(' \r\n', opts)), Codes.USERSIG_EMPTY.code);
  assert.equal(code(verifyUserSig('eJyrVgrxCd', opts)), Codes.USERSIG_MALFORMED.code);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, now: TV1.time + TV1.expire + 1 })), Codes.USERSIG_EXPIRED.code);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, identifier: 'xiaojun2' })), Codes.USERSIG_IDENTIFIER_MISMATCH.code);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, sdkAppId: 1400000001 })), Codes.USERSIG_SDKAPPID_MISMATCH.code);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, secretKey: 'wrong' })), Codes.USERSIG_BAD_SIGNATURE.code);
  assert.equal(code(verifyUserSig(ticketFromDoc({ ...doc, 'TLS.ver': '3.0' }), opts)), Codes.USERSIG_WRONG_VERSION.code);
  assert.equal(code(verifyUserSig(ticketFromDoc({ ...doc, 'TLS.ver': 2 }), opts)), Codes.USERSIG_WRONG_VERSION.code);
  assert.equal(code(verifyUserSig(TV3.userSig, { ...opts, now: TV3.time })), Codes.USERSIG_USERBUF_MISMATCH.code);
  assert.equal(code(verifyUserSig(V1E.userSig, { ...opts, sdkAppId: V1E.sdkAppId, now: V1E.time })), Codes.USERSIG_NO_PUBLIC_KEY.code);
  const noSig = { ...doc };
  delete noSig['TLS.sig'];
  assert.equal(code(verifyUserSig(ticketFromDoc(noSig), opts)), Codes.USERSIG_INVALID.code);
  for (const c of [70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70052, 70053]) {
    assert.ok(Object.values(Codes).some((info) => info.code === c), String(c));
  }
});

test('failures carry a reason', () => {
  const r = verifyUserSig(TV1.userSig, { ...opts, identifier: 'nobody' });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.reason.length > 0);
});

test('valid at exactly time+expire, expired one second later', () => {
  assert.ok(verifyUserSig(TV1.userSig, { ...opts, now: TV1.time + TV1.expire }).ok);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, now: TV1.time + TV1.expire + 1 })), 70001);
  // A ticket used before its issue time is accepted, as in every official verifier.
  assert.ok(verifyUserSig(TV1.userSig, { ...opts, now: TV1.time - 100 }).ok);
});

test('checks run in Go order: decode, sdkappid, identifier, expiry, userbuf, signature', () => {
  const expired = TV1.time + TV1.expire + 1;
  // Everything wrong at once: the sdkappid is reported first.
  const all = { sdkAppId: 1, identifier: 'nobody', secretKey: 'wrong', now: expired, userbuf: Buffer.from('x') };
  assert.equal(code(verifyUserSig(TV1.userSig, all)), 70014);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...all, sdkAppId: TV1.sdkAppId })), 70013);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...all, sdkAppId: TV1.sdkAppId, identifier: TV1.identifier })), 70001);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...all, sdkAppId: TV1.sdkAppId, identifier: TV1.identifier, now: TV1.time })), 70053);
  const { userbuf: _, ...noBuf } = all;
  assert.equal(code(verifyUserSig(TV1.userSig, { ...noBuf, sdkAppId: TV1.sdkAppId, identifier: TV1.identifier, now: TV1.time })), 70009);
  // Malformed beats everything; a missing key is only noticed at the signature step.
  assert.equal(code(verifyUserSig('!!', all)), 70003);
  assert.equal(code(verifyUserSig(TV1.userSig, { sdkAppId: 1, identifier: TV1.identifier })), 70014);
});

test('userbuf rules: plain verify rejects PrivateMapKeys unless allowed or expected', () => {
  const pmk = TV3.userSig;
  const base = { sdkAppId: TV3.sdkAppId, identifier: TV3.identifier, secretKey: TV3.secretKey, now: TV3.time };
  assert.equal(code(verifyUserSig(pmk, base)), 70053);
  const allowed = verifyUserSig(pmk, { ...base, allowUserbuf: true });
  assert.ok(allowed.ok);
  assert.equal(allowed.ticket.userbuf?.toString('base64'), TV3.userbufB64);
  assert.ok(verifyUserSig(pmk, { ...base, userbuf: Buffer.from(TV3.userbufB64, 'base64') }).ok);
  assert.equal(code(verifyUserSig(pmk, { ...base, userbuf: Buffer.from('other') })), 70053);
  // Expecting a userbuf from a plain ticket is a mismatch too; allowUserbuf accepts plain tickets.
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, userbuf: Buffer.from('x') })), 70053);
  assert.ok(verifyUserSig(TV1.userSig, { ...opts, allowUserbuf: true }).ok);
  // The userbuf is covered by the MAC: swapping it for the expected one breaks the signature.
  const other = genPrivateMapKey({ sdkAppId: TV3.sdkAppId, secretKey: TV3.secretKey, identifier: 'xiaojun', expire: 300, roomId: 1, privilegeMap: 255, time: TV3.time });
  const d = decodeTicket(other);
  assert.ok(d.ok);
  const forged = ticketFromDoc({ ...d.ticket.raw, 'TLS.userbuf': TV3.userbufB64 });
  assert.equal(code(verifyUserSig(forged, { ...base, userbuf: Buffer.from(TV3.userbufB64, 'base64') })), 70009);
  // Removing the userbuf from a PrivateMapKey does not make a login ticket.
  const stripped = { ...d.ticket.raw };
  delete stripped['TLS.userbuf'];
  assert.equal(code(verifyUserSig(ticketFromDoc(stripped), base)), 70009);
});

test('tampering with any signed field breaks the signature; TLS.ver and unknown fields do not matter', () => {
  const tamper = (patch: Record<string, unknown>, o: Partial<VerifyOptions> = {}): number | undefined =>
    code(verifyUserSig(ticketFromDoc({ ...doc, ...patch }), { ...opts, ...o }));
  assert.equal(tamper({ 'TLS.expire': TV1.expire + 1 }), 70009);
  assert.equal(tamper({ 'TLS.time': TV1.time + 1 }), 70009);
  assert.equal(tamper({ 'TLS.identifier': 'x' }, { identifier: 'x' }), 70009);
  assert.equal(tamper({ 'TLS.sdkappid': 5 }, { sdkAppId: 5 }), 70009);
  assert.equal(tamper({ 'TLS.sig': 'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B5=' }), 70009);
  assert.equal(tamper({ 'TLS.sig': 'short' }), 70009);
  assert.equal(tamper({ 'TLS.sig': '' }), 70009);
  assert.equal(tamper({ extra: [1, 2, 3], 'TLS.version': 'x' }), undefined);
});

test('v2 field types: numbers must be non-negative integers, strings must be strings', () => {
  const cases: Record<string, unknown>[] = [
    { 'TLS.sdkappid': '1400000000' },
    { 'TLS.time': '1700000000' },
    { 'TLS.expire': -1 },
    { 'TLS.expire': 1.5 },
    { 'TLS.expire': null },
    { 'TLS.time': 1e300 },
    { 'TLS.identifier': 42 },
    { 'TLS.sig': ['x'] },
    { 'TLS.userbuf': 7 },
  ];
  for (const patch of cases) assert.equal(code(verifyUserSig(ticketFromDoc({ ...doc, ...patch }), opts)), 70005, JSON.stringify(patch));
  for (const f of ['TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig']) {
    const d = { ...doc };
    delete d[f];
    assert.equal(code(verifyUserSig(ticketFromDoc(d), opts)), 70005, f);
  }
});

test('non-object JSON and non-JSON content are malformed', () => {
  for (const json of ['[]', 'null', '"str"', '42', 'true', '{', '', 'not json', '{"TLS.ver":"2.0"', '\u0000']) {
    assert.equal(code(verifyUserSig(ticketFromJson(json), opts)), 70003, json);
  }
  // Raw deflate and gzip are not zlib streams.
  assert.equal(code(verifyUserSig(swap(deflateSync(TV1.json, { windowBits: 15 }).subarray(2).toString('base64')), opts)), 70003);
});

test('v2 without a secret key is a signature failure (70009)', () => {
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, secretKey: undefined })), 70009);
  assert.equal(code(verifyUserSig(TV1.userSig, { ...opts, secretKey: '' })), 70009);
});

test('fuzz: random strings, truncations, bit flips and garbage documents never throw', () => {
  const sigs = [TV1.userSig, TV3.userSig, V1E.userSig, genUserSigV2({ sdkAppId: 1, secretKey: 'k', identifier: 'u', time: 1 })];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_ \r\n+/=.é';
  const garbage: unknown[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [1], { a: 1 }, 1e400, '\u0000', '2.0'];
  const fields = ['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.sdk_appid', 'TLS.time', 'TLS.expire', 'TLS.expire_after', 'TLS.sig', 'TLS.userbuf', 'TLS.account_type', 'TLS.appid_at_3rd'];
  const inputs: unknown[] = [undefined, null, 42, {}, [], Symbol('x').toString()];
  for (let i = 0; i < 3000; i++) {
    const s = sigs[i % sigs.length]!;
    switch (i % 6) {
      case 0:
        inputs.push(Array.from({ length: Math.floor(Math.random() * 300) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join(''));
        break;
      case 1:
        inputs.push(s.slice(0, Math.floor(Math.random() * s.length)));
        break;
      case 2: {
        const at = Math.floor(Math.random() * s.length);
        inputs.push(s.slice(0, at) + alphabet[Math.floor(Math.random() * 64)] + s.slice(at + 1));
        break;
      }
      case 3: {
        const d = decodeTicket(s);
        assert.ok(d.ok);
        const raw: Record<string, unknown> = { ...d.ticket.raw };
        for (let k = 0; k < 1 + Math.floor(Math.random() * 3); k++) {
          raw[fields[Math.floor(Math.random() * fields.length)]!] = garbage[Math.floor(Math.random() * garbage.length)];
        }
        inputs.push(ticketFromDoc(raw, Math.floor(Math.random() * 10)));
        break;
      }
      case 4:
        inputs.push(swap(randomBytes(Math.floor(Math.random() * 200)).toString('base64')));
        break;
      default:
        inputs.push(ticketFromJson(randomBytes(Math.floor(Math.random() * 100)).toString('latin1')));
    }
  }
  const v1opts = { ...opts, publicKeyPem: V1E.publicKeyPem };
  for (const input of inputs) {
    for (const o of [opts, v1opts, { ...opts, allowUserbuf: true }]) {
      let r;
      assert.doesNotThrow(() => {
        r = verifyUserSig(input as string, o);
      }, String(input));
      const res = r as unknown as { ok: boolean; code?: number; reason?: string };
      assert.equal(typeof res.ok, 'boolean');
      if (!res.ok) {
        assert.equal(typeof res.code, 'number');
        assert.ok([70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70052, 70053].includes(res.code!), String(res.code));
      }
    }
    assert.doesNotThrow(() => decodeTicket(input as string));
  }
});

test('an over-long UserSig is rejected before any work', () => {
  assert.equal(code(verifyUserSig('A'.repeat(100_000), opts)), 70003);
});
