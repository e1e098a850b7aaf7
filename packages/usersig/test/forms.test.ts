import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { decodeTicket, verifyUserSig } from '../src/index.ts';
import { decodeSigBase64 } from '../src/codec.ts';
import { inflateFast } from '../src/inflate.ts';
import { TV1 } from './vectors.ts';
import { swap, ticketFromJson } from './helpers.ts';

const opts = { sdkAppId: TV1.sdkAppId, identifier: TV1.identifier, secretKey: TV1.secretKey, now: TV1.time + 10 };
const assertValid = (userSig: string, label: string): void => {
  const r = verifyUserSig(userSig, opts);
  assert.ok(r.ok, `${label}: ${JSON.stringify(r)}`);
  assert.equal(r.ticket.identifier, TV1.identifier);
  assert.equal(r.ticket.expire, TV1.expire);
};

test('every zlib level decodes (0 = stored blocks, 1 = header 78 01, 9 = 78 da)', () => {
  const headers = new Set<string>();
  for (let level = 0; level <= 9; level++) {
    const sig = ticketFromJson(TV1.json, level);
    headers.add(Buffer.from(decodeSigBase64(sig)!.subarray(0, 2)).toString('hex'));
    assertValid(sig, `level ${level}`);
  }
  for (const h of ['7801', '789c', '78da']) assert.ok(headers.has(h), h);
  assert.ok(ticketFromJson(TV1.json, 1).startsWith('eA'));
});

test('Go form: NoCompression and a trailing newline after the JSON', () => {
  const sig = ticketFromJson(TV1.json + '\n', 0);
  assert.ok(sig.startsWith('eAE'));
  assertValid(sig, 'go');
});

test('Python form: spaced JSON, expire before time', () => {
  const py =
    '{"TLS.ver": "2.0", "TLS.identifier": "xiaojun", "TLS.sdkappid": 1400000000, "TLS.expire": 15552000, "TLS.time": 1700000000, "TLS.sig": "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="}';
  assertValid(ticketFromJson(py), 'python');
});

test('any key order, pretty-printed JSON, escaped slashes (PHP) and HTML escapes (Go)', () => {
  const doc = JSON.parse(TV1.json) as Record<string, unknown>;
  const reversed = Object.fromEntries(Object.entries(doc).reverse());
  assertValid(ticketFromJson(JSON.stringify(reversed)), 'reversed');
  assertValid(ticketFromJson(JSON.stringify(doc, null, 4) + '\r\n'), 'pretty CRLF');
  assertValid(ticketFromJson(TV1.json.replaceAll('/', '\\/')), 'php');
  // C++ order: ver, sdkappid, identifier, time, expire, sig
  const cpp = `{"TLS.ver":"2.0","TLS.sdkappid":1400000000,"TLS.identifier":"xiaojun","TLS.time":1700000000,"TLS.expire":15552000,"TLS.sig":"${TV1.sig}"}`;
  assertValid(ticketFromJson(cpp, 1), 'c++');
  const key = 'k';
  const id = 'a<b>&c';
  const mac = createHmac('sha256', key).update(`TLS.identifier:${id}\nTLS.sdkappid:1\nTLS.time:1\nTLS.expire:9\n`).digest('base64');
  const go = `{"TLS.ver":"2.0","TLS.identifier":"a\\u003cb\\u003e\\u0026c","TLS.sdkappid":1,"TLS.expire":9,"TLS.time":1,"TLS.sig":"${mac}"}\n`;
  assert.ok(verifyUserSig(ticketFromJson(go, 0), { sdkAppId: 1, identifier: id, secretKey: key, now: 2 }).ok);
});

test('whitespace and CRLF inside the ticket text are ignored', () => {
  const wrapped = TV1.userSig.match(/.{1,76}/g)!.join('\r\n') + '\r\n';
  assertValid(wrapped, 'crlf-76');
  assertValid(TV1.userSig.split('').join(' '), 'spaces');
  assertValid(`\n\t${TV1.userSig}\n`, 'surrounding');
  assertValid(ticketFromJson(TV1.json, 0).match(/.{1,64}/g)!.join('\n'), 'stored+lf');
});

test('padding may be missing; data after padding or foreign characters are malformed', () => {
  assertValid(TV1.userSig.replace(/_+$/, ''), 'unpadded');
  const bad = [TV1.userSig + 'A', `${TV1.userSig.slice(0, 10)}_${TV1.userSig.slice(10)}`, TV1.userSig.replaceAll('*', '+'), TV1.userSig + '.', `${TV1.userSig}é`];
  for (const s of bad) {
    const r = decodeTicket(s);
    assert.equal(r.ok, false, s);
  }
});

test('the JS fast inflater agrees with node:zlib on valid streams', () => {
  const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from(TV1.json), Buffer.alloc(70000, 'a'), randomBytes(3000)];
  for (let i = 0; i < 200; i++) {
    const len = Math.floor(Math.random() * 2000);
    // Repetitive text, so that length/distance pairs (including overlapping ones) show up.
    const alphabet = 'ab{}":,TLS.0123456789 \n';
    let s = '';
    while (s.length < len) s += Math.random() < 0.3 ? s.slice(Math.max(0, s.length - 300), s.length - Math.floor(Math.random() * 50)) : alphabet[Math.floor(Math.random() * alphabet.length)];
    inputs.push(Buffer.from(s));
  }
  let fast = 0;
  for (const input of inputs) {
    for (const o of [{ level: 0 }, { level: 1 }, { level: 6 }, { level: 9 }, { level: 6, strategy: constants.Z_FIXED }]) {
      const z = deflateSync(input, o);
      const mine = inflateFast(z, 64 * 1024);
      if (mine === undefined) {
        // Deferring is always allowed; it must be for dynamic blocks or output over the cap.
        continue;
      }
      fast++;
      assert.deepEqual(Buffer.from(mine), input);
    }
  }
  assert.ok(fast > 400, `fast path used ${fast} times`);
  // Tickets themselves always take the fast path at the usual levels.
  for (const level of [0, 1, 6, 9]) assert.ok(inflateFast(deflateSync(TV1.json, { level }), 65536));
});

test('the fast inflater never accepts what node:zlib rejects, and never throws', () => {
  const base = [deflateSync(TV1.json), deflateSync(TV1.json, { level: 0 }), deflateSync(TV1.json + TV1.json, { strategy: constants.Z_FIXED })];
  for (let i = 0; i < 5000; i++) {
    const src = Buffer.from(base[i % base.length]!);
    const mode = i % 4;
    let bad: Buffer;
    if (mode === 0) {
      bad = src;
      const at = Math.floor(Math.random() * bad.length);
      bad[at] = bad[at]! ^ (1 << Math.floor(Math.random() * 8));
    } else if (mode === 1) bad = src.subarray(0, Math.floor(Math.random() * src.length));
    else if (mode === 2) bad = Buffer.concat([src, randomBytes(1 + Math.floor(Math.random() * 4))]);
    else bad = Buffer.concat([src.subarray(0, 2), randomBytes(Math.floor(Math.random() * 200))]);
    const mine = inflateFast(bad, 64 * 1024);
    if (mine === undefined) continue;
    const theirs = inflateSync(bad); // must not throw when the fast path accepted
    assert.deepEqual(Buffer.from(mine), theirs);
  }
});

test('a zip bomb is cut off at the output cap', () => {
  const bomb = swap(deflateSync(Buffer.alloc(10 * 1024 * 1024, ' '), { level: 9 }).toString('base64'));
  const r = decodeTicket(bomb);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 70003);
});
