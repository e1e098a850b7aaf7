/**
 * @module moderation/word-matcher
 * Aho–Corasick automaton over UTF-16 code units of normalised text (see normalize.ts).
 *
 * Scanning costs O(text length) whatever the number of words: one transition per code unit,
 * failure links amortised. Transitions live in one open-addressed hash table keyed by
 * (state, code unit) in typed arrays rather than a Map per state: the alphabet is all of
 * Unicode (CJK word lists are the norm), so per-state dense tables are out, and typed arrays
 * keep a 10,000-word automaton to a few flat buffers that build in a few milliseconds.
 */
import { normalizeForMatch } from './normalize.ts';

const NONE = -1;

/**
 * (state, code unit) → state, linear probing. One interleaved Int32Array, 4 slots per entry
 * [state+1, code unit, target, unused], so a probe touches one cache line; 0 marks an empty slot.
 */
class TransitionTable {
  private mask: number;
  private slots: Int32Array;
  private size = 0;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap * 4);
  }

  get(state: number, ch: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const ks = state + 1;
    let i = (Math.imul(state, 0x9e3779b1) ^ Math.imul(ch, 0x85ebca6b)) & mask;
    for (;;) {
      const o = i << 2;
      const k = slots[o]!;
      if (k === ks && slots[o + 1] === ch) return slots[o + 2]!;
      if (k === 0) return NONE;
      i = (i + 1) & mask;
    }
  }

  /** Inserts a key known to be absent. */
  set(state: number, ch: number, to: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    let i = (Math.imul(state, 0x9e3779b1) ^ Math.imul(ch, 0x85ebca6b)) & this.mask;
    while (this.slots[i << 2] !== 0) i = (i + 1) & this.mask;
    const o = i << 2;
    this.slots[o] = state + 1;
    this.slots[o + 1] = ch;
    this.slots[o + 2] = to;
    this.size++;
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap * 4);
    this.size = 0;
    for (let o = 0; o < old.length; o += 4) {
      const k = old[o]!;
      if (k !== 0) this.set(k - 1, old[o + 1]!, old[o + 2]!);
    }
  }
}

export class WordMatcher {
  /** The words as given (first spelling wins when two normalise to the same string). */
  private readonly words: string[] = [];
  private readonly goto: TransitionTable;
  /** Index into `words` of the word spelled by this state, or NONE. */
  private readonly terminal: Int32Array;
  private readonly fail: Int32Array;
  /** Index into `words` of the longest word ending at this state (itself or via failure links). */
  private readonly output: Int32Array;
  /** Next state down the failure chain that ends a word, for listing every match. */
  private readonly dictLink: Int32Array;
  private readonly rootAscii = new Int32Array(128);
  /** Per-word stamp so `matches` reports each word once without allocating a Set per call. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(words: Iterable<string>) {
    const normalised: string[] = [];
    const index = new Map<string, number>();
    let chars = 0;
    let longest = 0;
    for (const w of words) {
      const n = normalizeForMatch(w);
      // A word that normalises to nothing would match every message; ignore it.
      if (n.length === 0 || index.has(n)) continue;
      index.set(n, this.words.length);
      this.words.push(w);
      normalised.push(n);
      chars += n.length;
      if (n.length > longest) longest = n.length;
    }

    // Trie, inserting in sorted order: each word shares its prefix with the previous one, whose
    // path is still on `path`, so insertion needs no lookups (this keeps a cold build cheap).
    // States are numbered in creation order; children are kept as sibling lists for the BFS.
    const sorted = normalised.slice().sort();
    const maxStates = chars + 1;
    const goto = (this.goto = new TransitionTable(chars));
    const terminal = new Int32Array(maxStates).fill(NONE);
    const firstChild = new Int32Array(maxStates).fill(NONE);
    const nextSibling = new Int32Array(maxStates).fill(NONE);
    const charOf = new Uint16Array(maxStates);
    const path = new Int32Array(longest + 1); // path[i] = state after the first i code units
    let states = 1;
    let prev = '';
    for (let w = 0; w < sorted.length; w++) {
      const n = sorted[w]!;
      let i = 0;
      const lim = Math.min(n.length, prev.length);
      while (i < lim && n.charCodeAt(i) === prev.charCodeAt(i)) i++;
      let s = path[i]!;
      for (; i < n.length; i++) {
        const ch = n.charCodeAt(i);
        const t = states++;
        goto.set(s, ch, t);
        charOf[t] = ch;
        nextSibling[t] = firstChild[s]!;
        firstChild[s] = t;
        path[i + 1] = s = t;
      }
      terminal[s] = index.get(n)!;
      prev = n;
    }
    // Most chat text is ASCII and sits at the root most of the time, so the root's ASCII row is a
    // direct table (0 = stay at root). Filled before the BFS, which walks transitions via next().
    for (let c = firstChild[0]!; c !== NONE; c = nextSibling[c]!) if (charOf[c]! < 128) this.rootAscii[charOf[c]!] = c;

    // Failure links breadth-first: a state's link is resolved once all shallower states are.
    // Root children keep fail = 0 (the Int32Array default).
    const fail = (this.fail = new Int32Array(states));
    const output = (this.output = new Int32Array(states).fill(NONE));
    const dictLink = (this.dictLink = new Int32Array(states).fill(NONE));
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let c = firstChild[0]!; c !== NONE; c = nextSibling[c]!) queue[tail++] = c;
    while (head < tail) {
      const u = queue[head++]!;
      const f = fail[u]!;
      dictLink[u] = terminal[f] !== NONE ? f : dictLink[f]!;
      output[u] = terminal[u] !== NONE ? terminal[u]! : output[f]!;
      for (let v = firstChild[u]!; v !== NONE; v = nextSibling[v]!) {
        fail[v] = this.next(f, charOf[v]!);
        queue[tail++] = v;
      }
    }
    this.terminal = terminal;
    this.seen = new Uint32Array(this.words.length);
  }

  /** The goto function with failure links folded in: the state after reading `ch` in `s`. */
  private next(s: number, ch: number): number {
    for (;;) {
      if (s === 0) {
        if (ch < 128) return this.rootAscii[ch]!;
        const n = this.goto.get(0, ch);
        return n === NONE ? 0 : n;
      }
      const n = this.goto.get(s, ch);
      if (n !== NONE) return n;
      s = this.fail[s]!;
    }
  }

  /** Number of distinct (after normalisation) words. */
  get size(): number {
    return this.words.length;
  }

  /** The first word found scanning left to right (the one ending earliest), or undefined. */
  findFirst(text: string): string | undefined {
    if (this.words.length === 0) return undefined;
    const t = normalizeForMatch(text);
    const output = this.output;
    let s = 0;
    for (let i = 0; i < t.length; i++) {
      s = this.next(s, t.charCodeAt(i));
      const o = output[s]!;
      if (o !== NONE) return this.words[o];
    }
    return undefined;
  }

  /** True when any word occurs in the text. */
  test(text: string): boolean {
    return this.findFirst(text) !== undefined;
  }

  /** Every distinct word occurring in the text, in order of where each first ends. */
  matches(text: string): string[] {
    const found: string[] = [];
    if (this.words.length === 0) return found;
    const t = normalizeForMatch(text);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    let s = 0;
    for (let i = 0; i < t.length; i++) {
      s = this.next(s, t.charCodeAt(i));
      for (let d = this.terminal[s] !== NONE ? s : this.dictLink[s]!; d !== NONE; d = this.dictLink[d]!) {
        const w = this.terminal[d]!;
        if (this.seen[w] !== stamp) {
          this.seen[w] = stamp;
          found.push(this.words[w]!);
        }
      }
    }
    return found;
  }
}
