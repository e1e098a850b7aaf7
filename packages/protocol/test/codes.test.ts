import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Codes, codeInfo, isRetryable } from '../src/index.ts';

test('every code has a number and a message, and names sharing a number agree on meaning', () => {
  const seen = new Map<number, string>();
  for (const [name, info] of Object.entries(Codes)) {
    assert.ok(Number.isInteger(info.code) && info.code >= 0, name);
    if (info.code !== 0) assert.ok(info.message.length > 0, `${name} has a message`);
    seen.set(info.code, name);
  }
  assert.equal(codeInfo(70001)?.code, Codes.USERSIG_EXPIRED.code);
  assert.equal(codeInfo(123456789), undefined);
});

test('Tencent numbers are kept where Tencent has the condition', () => {
  assert.equal(Codes.USERSIG_EXPIRED.code, 70001);
  assert.equal(Codes.KICKED_BY_OTHERS.code, 6208);
  assert.equal(Codes.DIRTY_WORD.code, 80001);
  assert.equal(Codes.REPEATED_LOGIN.code, 2025);
  assert.equal(Codes.REST_ADMIN_REQUIRED.code, 60010);
});

test('Parley-only codes stay in the reserved 300000 range', () => {
  for (const [name, info] of Object.entries(Codes)) {
    if (name.startsWith('PROTOCOL_') || name === 'SLOW_CONSUMER' || name === 'STORE_UNAVAILABLE') {
      assert.ok(info.code >= 300000 && info.code < 301000, name);
    }
  }
  assert.equal(isRetryable(Codes.STORE_UNAVAILABLE.code), true);
  assert.equal(isRetryable(Codes.DIRTY_WORD.code), false);
});
