// Cross-check against the official Node generator (npm tls-sig-api-v2, a dev dependency).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { genPrivateMapKey, genUserSigV2, verifyUserSig } from '../src/index.ts';
import { K } from './vectors.ts';

const require = createRequire(import.meta.url);
interface OfficialApi {
  genUserSig(userid: string, expire: number): string;
  genPrivateMapKey(userid: string, expire: number, roomid: number, privilegeMap: number): string;
  genPrivateMapKeyWithStringRoomID(userid: string, expire: number, roomstr: string, privilegeMap: number): string;
}
const { Api } = require('tls-sig-api-v2') as { Api: new (sdkappid: number, key: string) => OfficialApi };

/** Runs `fn` with Date.now fixed, the only way to pin the official library's clock. */
function at<T>(seconds: number, fn: () => T): T {
  const real = Date.now;
  Date.now = () => seconds * 1000;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

test('tickets from the official library verify with ours', () => {
  const ids = ['xiaojun', 'alice_01-x', 'u', 'A-very_long-identifier_0123456789'];
  for (const [i, id] of ids.entries()) {
    const sdkAppId = 1400000000 + i;
    const sig = new Api(sdkAppId, K).genUserSig(id, 86400 * (i + 1));
    const now = Math.floor(Date.now() / 1000);
    const r = verifyUserSig(sig, { sdkAppId, identifier: id, secretKey: K, now });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.ticket.expire, 86400 * (i + 1));
    assert.equal(verifyUserSig(sig, { sdkAppId, identifier: id, secretKey: K + 'x', now }).ok, false);
  }
});

test('with the clock fixed, ours is byte-identical to the official output', () => {
  const key = 'a8bba9bfe7b1d2e1d8f6c0a6f2c6c3d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f';
  for (let i = 0; i < 20; i++) {
    const time = 1600000000 + i * 7919;
    const id = `user_${i}`;
    const expire = 60 * (i + 1);
    const official = at(time, () => new Api(1400000123, key).genUserSig(id, expire));
    assert.equal(genUserSigV2({ sdkAppId: 1400000123, secretKey: key, identifier: id, expire, time }), official);
  }
  const pmk = at(1700000000, () => new Api(1400000000, K).genPrivateMapKey('xiaojun', 300, 10000, 255));
  assert.equal(genPrivateMapKey({ sdkAppId: 1400000000, secretKey: K, identifier: 'xiaojun', expire: 300, roomId: 10000, privilegeMap: 255, time: 1700000000 }), pmk);
  const pmks = at(1700000000, () => new Api(1400000000, K).genPrivateMapKeyWithStringRoomID('xiaojun', 300, 'room-1', 42));
  assert.equal(genPrivateMapKey({ sdkAppId: 1400000000, secretKey: K, identifier: 'xiaojun', expire: 300, roomId: 'room-1', privilegeMap: 42, time: 1700000000 }), pmks);
  assert.ok(verifyUserSig(pmks, { sdkAppId: 1400000000, identifier: 'xiaojun', secretKey: K, now: 1700000000, allowUserbuf: true }).ok);
});
