import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MsgBody } from '@parley/protocol';
import { WordMatcher } from '../src/moderation/word-matcher.ts';
import { DirtyWordFilter } from '../src/moderation/dirty-words.ts';
import { InMemoryDirtyWordRepository } from '../src/moderation/in-memory-dirty-word-repository.ts';
import type { DirtyWordRepository } from '../src/moderation/dirty-word-repository.ts';
import { ParleyError } from '../src/errors.ts';

const text = (t: string): MsgBody => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];

test('matcher: full-width and case variants match both ways', () => {
  const m = new WordMatcher(['Spam', 'ＢＵＹ　ＮＯＷ', '发票']);
  assert.equal(m.findFirst('this is SPAM'), 'Spam');
  assert.equal(m.findFirst('ｓｐａｍ here'), 'Spam');
  assert.equal(m.findFirst('please buy now!'), 'ＢＵＹ　ＮＯＷ');
  assert.equal(m.findFirst('Buy Now'), 'ＢＵＹ　ＮＯＷ');
  assert.equal(m.findFirst('要发票吗'), '发票');
  assert.equal(m.findFirst('spa m'), undefined);
  // NFKC also folds compatibility characters such as circled digits and ligatures.
  assert.deepEqual(new WordMatcher(['1x', 'office']).matches('①X and ｏﬃce'), ['1x', 'office']);
});

test('matcher: overlapping and nested words', () => {
  const m = new WordMatcher(['he', 'she', 'his', 'hers', 'usher']);
  assert.deepEqual(m.matches('ushers'), ['she', 'he', 'usher', 'hers']);
  assert.equal(m.findFirst('ushers'), 'she'); // ends first; the longest ending there wins
  const n = new WordMatcher(['abcd', 'bc', 'bcde', 'x']);
  assert.deepEqual(n.matches('abcde'), ['bc', 'abcd', 'bcde']);
  assert.equal(n.findFirst('zzabcz'), 'bc');
  // A failed long match must fall back to the shorter word inside it.
  assert.equal(new WordMatcher(['abcdef', 'cde']).findFirst('abcdeX'), 'cde');
  assert.deepEqual(new WordMatcher(['aa']).matches('aaaa'), ['aa']);
});

test('matcher: empty list, empty and duplicate words', () => {
  const empty = new WordMatcher([]);
  assert.equal(empty.size, 0);
  assert.equal(empty.findFirst('anything'), undefined);
  assert.deepEqual(empty.matches('anything'), []);
  const m = new WordMatcher(['', 'Foo', 'foo', 'ＦＯＯ']);
  assert.equal(m.size, 1);
  assert.equal(m.findFirst('a FOO b'), 'Foo');
  assert.equal(m.findFirst(''), undefined);
});

test('matcher: surrogate pairs and emoji', () => {
  const m = new WordMatcher(['😀bad', '𠮷']);
  assert.equal(m.findFirst('hi 😀BAD'), '😀bad');
  assert.equal(m.findFirst('𠮷野家'), '𠮷');
  assert.equal(m.findFirst('😁bad'), undefined);
});

test('matcher: 10,000 words build fast and every word is found', () => {
  const words: string[] = [];
  for (let i = 0; i < 10_000; i++) words.push(`w${i.toString(36)}z${(i * 7919).toString(36)}`);
  // Best of three: the first build in a process runs before the JIT warms up, and CI machines
  // are shared; the budget is about the algorithm, not a cold interpreter.
  let built = Infinity;
  let m = new WordMatcher([]);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    m = new WordMatcher(words);
    built = Math.min(built, performance.now() - t0);
  }
  assert.equal(m.size, 10_000);
  assert.ok(built < 100, `build took ${built.toFixed(1)} ms`);
  for (let i = 0; i < 10_000; i += 97) assert.equal(m.findFirst(`xx ${words[i]!.toUpperCase()} yy`), words[i]);
  assert.equal(m.findFirst('a perfectly clean chat message with nothing bad in it'), undefined);
});

test('filter: checks text and custom Desc; other elements are ignored', async () => {
  const f = new DirtyWordFilter(new InMemoryDirtyWordRepository());
  await f.add(1, ['red packet']);
  assert.deepEqual(f.check(1, text('Free RED PACKET!')), { ok: false, word: 'red packet' });
  assert.deepEqual(f.check(1, [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'x', Desc: 'red packet' } }]), { ok: false, word: 'red packet' });
  assert.deepEqual(f.check(1, [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'red packet' } }]), { ok: true });
  assert.deepEqual(f.check(1, [{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'red packet' } }]), { ok: true });
  assert.deepEqual(f.check(1, [{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1 } }, ...text('ok'), ...text('a red packet')]), { ok: false, word: 'red packet' });
  assert.deepEqual(f.checkText(1, 'Red Packet club'), { ok: false, word: 'red packet' });
});

test('filter: per-app isolation, empty list, add/delete effective at once', async () => {
  const repo = new InMemoryDirtyWordRepository();
  const f = new DirtyWordFilter(repo);
  await f.load(1);
  await f.load(2);
  assert.deepEqual(f.check(1, text('invoice')), { ok: true });
  await f.add(1, ['invoice', '发票']);
  assert.equal(f.check(1, text('an INVOICE')).ok, false);
  assert.equal(f.check(2, text('an invoice')).ok, true);
  assert.deepEqual(await f.get(1), ['invoice', '发票']);
  assert.deepEqual(await f.get(2), []);
  await f.delete(1, ['invoice', 'never-added']);
  assert.equal(f.check(1, text('an invoice')).ok, true);
  assert.equal(f.check(1, text('开发票')).ok, false);
  assert.deepEqual(await repo.list(1), ['发票']);
  await f.add(1, ['发票']); // idempotent
  assert.deepEqual(await f.get(1), ['发票']);
});

test('filter: an app not yet loaded passes, then loads in the background', async () => {
  const repo = new InMemoryDirtyWordRepository();
  await repo.add(7, ['bad']);
  const f = new DirtyWordFilter(repo);
  assert.equal(f.check(7, text('bad')).ok, true);
  await f.load(7);
  assert.equal(f.check(7, text('bad')).ok, false);
});

test('filter: concurrent mutations all take effect; a slow stale read cannot win', async () => {
  const inner = new InMemoryDirtyWordRepository();
  let delayFirst = true;
  const repo: DirtyWordRepository = {
    list: async (id) => {
      const words = await inner.list(id);
      if (delayFirst) {
        delayFirst = false;
        await new Promise((r) => setTimeout(r, 30));
      }
      return words;
    },
    add: (id, w) => inner.add(id, w),
    remove: (id, w) => inner.remove(id, w),
  };
  const f = new DirtyWordFilter(repo);
  void f.load(3); // the slow first read, issued before any word exists
  await Promise.all([f.add(3, ['one']), f.add(3, ['two']), f.add(3, ['three'])]);
  await new Promise((r) => setTimeout(r, 40));
  for (const w of ['one', 'two', 'three']) assert.equal(f.check(3, text(`x ${w} y`)).ok, false, w);
});

test('filter: validation errors use 10004 and change nothing', async () => {
  const f = new DirtyWordFilter(new InMemoryDirtyWordRepository(), { maxWordsPerApp: 60 });
  const rejects = (p: Promise<unknown>, re: RegExp) =>
    assert.rejects(p, (err: unknown) => err instanceof ParleyError && err.code === 10004 && re.test(err.message));
  await rejects(f.add(1, 'bad'), /array/);
  await rejects(f.add(1, []), /empty/);
  await rejects(f.add(1, Array.from({ length: 51 }, (_, i) => `w${i}`)), /50/);
  await rejects(f.add(1, ['ok', 5]), /string/);
  await rejects(f.add(1, ['ok', '  ']), /empty/);
  await rejects(f.add(1, ['字'.repeat(67)]), /200 bytes/); // 201 bytes
  await f.add(1, ['字'.repeat(66) + 'ab']); // exactly 200 bytes
  await rejects(f.delete(1, ['x'.repeat(201)]), /200 bytes/);
  await f.add(1, Array.from({ length: 50 }, (_, i) => `w${i}`));
  await rejects(f.add(1, Array.from({ length: 10 }, (_, i) => `v${i}`)), /at most 60/);
  assert.equal((await f.get(1)).length, 51);
});
