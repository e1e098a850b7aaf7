/**
 * Sensitive-word filter: cost per message of the Aho–Corasick matcher against two baselines,
 * `text.includes(word)` for every word and one RegExp alternation, at 100 / 1,000 / 10,000 words.
 *
 *   node --import tsx bench/dirty-words.bench.ts
 *
 * Messages are clean 40–200-character chat texts (mixed English / Chinese / some full-width), the
 * common case where every method must scan everything. All methods see the same normalised text
 * (NFKC + lower case); only the AC row includes normalisation in its timing, as in production.
 */
import { WordMatcher } from '../packages/server/src/moderation/word-matcher.ts';
import { normalizeForMatch } from '../packages/server/src/moderation/normalize.ts';

// Deterministic PRNG so runs are comparable.
let seed = 0x2545f491;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const CJK = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明';
const FILLER = ['hello', 'see you', 'tomorrow', 'ok', 'thanks!', 'lol', 'meeting at 3pm', 'did you eat', 'Great', 'sure thing', 'ＯＫ', '👍', 'call me', 'on my way', '好的', '明天见', '没问题', '谢谢'];

function randomWord(): string {
  if (rand() < 0.5) {
    let w = '';
    const n = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) w += CJK[Math.floor(rand() * CJK.length)];
    return w;
  }
  let w = '';
  const n = 5 + Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) w += LATIN[Math.floor(rand() * LATIN.length)];
  return w;
}

function randomMessage(): string {
  const target = 40 + Math.floor(rand() * 161);
  let s = '';
  while (s.length < target) s += (s ? ' ' : '') + pick(FILLER);
  return s.slice(0, target);
}

const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** ns per call: the best of `rounds` timed rounds, so a busy shared machine skews less. */
function timeIt(fn: (t: string) => unknown, texts: readonly string[], roundMs = 150, rounds = 5): number {
  let sink = 0;
  for (let i = 0; i < 200; i++) if (fn(texts[i % texts.length]!) !== undefined) sink++; // warm-up
  let best = Infinity;
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    const budget = BigInt(roundMs) * 1_000_000n;
    while (elapsed < budget) {
      for (let i = 0; i < 50; i++) if (fn(texts[(n + i) % texts.length]!) !== undefined) sink++;
      n += 50;
      calls += 50;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.min(best, Number(elapsed) / calls);
  }
  if (sink < 0) console.log(sink);
  return best;
}

const allWords = new Set<string>();
while (allWords.size < 10_000) allWords.add(randomWord());
const wordPool = [...allWords];
const full = new WordMatcher(wordPool);
const texts: string[] = [];
while (texts.length < 2_000) {
  const m = randomMessage();
  if (full.findFirst(m) === undefined) texts.push(m); // keep only clean messages
}
const normTexts = texts.map(normalizeForMatch);
const avgLen = texts.reduce((a, t) => a + t.length, 0) / texts.length;

interface Row { method: string; words: number; buildMs: number; nsPerMsg: number }
const rows: Row[] = [];
for (const count of [100, 1_000, 10_000]) {
  const words = wordPool.slice(0, count);
  const norm = words.map(normalizeForMatch);

  let acBuild = Infinity;
  let ac = new WordMatcher([]);
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    ac = new WordMatcher(words);
    acBuild = Math.min(acBuild, performance.now() - t);
  }
  rows.push({ method: 'Aho–Corasick (incl. NFKC)', words: count, buildMs: acBuild, nsPerMsg: timeIt((t) => ac.findFirst(t), texts) });
  // Same automaton on already-normalised text: shows how much of the cost is NFKC itself.
  rows.push({ method: 'Aho–Corasick, scan only', words: count, buildMs: 0, nsPerMsg: timeIt((t) => ac.findFirst(t), normTexts) });

  const t0 = performance.now();
  const re = new RegExp(norm.map(escape).join('|'));
  const reBuild = performance.now() - t0;
  rows.push({ method: 'RegExp alternation', words: count, buildMs: reBuild, nsPerMsg: timeIt((t) => (re.test(t) ? t : undefined), normTexts) });

  rows.push({
    method: 'naive includes()',
    words: count,
    buildMs: 0,
    nsPerMsg: timeIt((t) => {
      for (let i = 0; i < norm.length; i++) if (t.includes(norm[i]!)) return norm[i];
      return undefined;
    }, normTexts, count >= 10_000 ? 400 : 150),
  });
}

rows.push({ method: 'NFKC + toLowerCase alone', words: 0, buildMs: 0, nsPerMsg: timeIt(normalizeForMatch, texts) });

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`Node ${process.version}, ${texts.length} clean messages, average ${avgLen.toFixed(0)} chars`);
console.log('');
console.log('| method | words | build ms | ns/msg | msgs/s |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.method} | ${fmt(r.words)} | ${r.buildMs ? fmt(r.buildMs, 1) : '–'} | ${fmt(r.nsPerMsg)} | ${fmt(1e9 / r.nsPerMsg)} |`);
}
