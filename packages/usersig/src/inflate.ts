/**
 * @module inflate
 * A small zlib (RFC 1950/1951) decoder for the two block types real tickets use: fixed-Huffman
 * blocks (what zlib emits for a ~200-byte JSON at any level) and stored blocks (level 0, Go's
 * NoCompression). `zlib.inflateSync` sets up a native stream per call, which costs ~7 µs and would
 * dominate a verification; this path takes about a microsecond.
 *
 * It is only a fast path: it returns `undefined` whenever it is not certain (dynamic-Huffman block,
 * preset dictionary, any corruption, trailing bytes, output over the cap) and the caller then asks
 * node:zlib, so the accepted set and the error behaviour are exactly zlib's.
 */

const LEN_BASE = Uint16Array.of(
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
);
const LEN_EXTRA = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
const DIST_BASE = Uint16Array.of(
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
);
const DIST_EXTRA = Uint8Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);

/**
 * Canonical Huffman code lengths → a table indexed by the next `bits` input bits (deflate packs
 * codes MSB-first into an LSB-first stream, hence the bit reversal). Entry = symbol << 4 | length.
 */
function buildTable(lengths: Uint8Array, bits: number): Uint16Array {
  const count = new Uint16Array(16);
  for (const l of lengths) count[l]!++;
  count[0] = 0;
  const next = new Uint16Array(16);
  let code = 0;
  for (let l = 1; l < 16; l++) {
    code = (code + count[l - 1]!) << 1;
    next[l] = code;
  }
  const table = new Uint16Array(1 << bits);
  for (let sym = 0; sym < lengths.length; sym++) {
    const l = lengths[sym]!;
    if (l === 0) continue;
    const c = next[l]!++;
    let rev = 0;
    for (let i = 0; i < l; i++) rev |= ((c >>> i) & 1) << (l - 1 - i);
    for (let i = rev; i < 1 << bits; i += 1 << l) table[i] = (sym << 4) | l;
  }
  return table;
}

const FIXED_LIT = buildTable(
  Uint8Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8)),
  9,
);
const FIXED_DIST = buildTable(new Uint8Array(32).fill(5), 5);

function adler32(data: Uint8Array, len: number): number {
  let a = 1;
  let b = 0;
  let i = 0;
  while (i < len) {
    // 3800 bytes keep b below 2^31 between reductions, so `| 0` keeps both in int32 registers.
    const stop = Math.min(len, i + 3800);
    const stop4 = i + ((stop - i) & ~3);
    for (; i < stop4; i += 4) {
      a = (a + data[i]!) | 0;
      b = (b + a) | 0;
      a = (a + data[i + 1]!) | 0;
      b = (b + a) | 0;
      a = (a + data[i + 2]!) | 0;
      b = (b + a) | 0;
      a = (a + data[i + 3]!) | 0;
      b = (b + a) | 0;
    }
    for (; i < stop; i++) {
      a = (a + data[i]!) | 0;
      b = (b + a) | 0;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// One output buffer reused by every call: allocating a fresh typed array (an off-heap backing
// store) costs more than inflating a whole ticket.
let scratch = new Uint8Array(0);

/**
 * Inflates a complete zlib stream, or returns `undefined` to defer to node:zlib. The result is a
 * view of a shared buffer, valid only until the next call: copy or decode it straight away.
 */
export function inflateFast(src: Uint8Array, maxOut: number): Uint8Array | undefined {
  const n = src.length;
  if (n < 7) return undefined;
  const cmf = src[0]!;
  const flg = src[1]!;
  if ((cmf & 15) !== 8 || cmf >>> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) return undefined;

  if (scratch.length < maxOut) scratch = new Uint8Array(maxOut);
  const out = scratch;
  // Local aliases: module bindings are re-loaded (with a TDZ check) on every use in the hot loop.
  const lit = FIXED_LIT;
  const dist5 = FIXED_DIST;
  const lenBase = LEN_BASE;
  const lenExtra = LEN_EXTRA;
  const distBase = DIST_BASE;
  const distExtra = DIST_EXTRA;
  let op = 0;
  let pos = 2;
  let bitbuf = 0;
  let bitcnt = 0;
  // bitbuf stays below 2^31, so `>>` equals `>>>` here; `>>>` would make V8 treat it as a
  // possible uint32 (a double) and made the loop ~2x slower.
  // Refills are written out inline (a closure over these locals is several times slower). Reads
  // past the end are zero bits; `pos` still advances so the final length checks catch them.
  const safe = n - 1; // pos < safe: src[pos] and src[pos + 1] are both in range
  let final = 0;
  while (final === 0) {
    while (bitcnt < 3) {
      bitbuf |= (pos < n ? src[pos]! : 0) << bitcnt;
      pos++;
      bitcnt += 8;
    }
    final = bitbuf & 1;
    const type = (bitbuf >> 1) & 3;
    bitbuf >>= 3;
    bitcnt -= 3;
    if (type === 0) {
      // Stored block: drop to the byte boundary, give back whole bytes still in the bit buffer.
      pos -= bitcnt >>> 3;
      bitbuf = 0;
      bitcnt = 0;
      if (pos + 4 > n) return undefined;
      const len = src[pos]! | (src[pos + 1]! << 8);
      const nlen = src[pos + 2]! | (src[pos + 3]! << 8);
      pos += 4;
      if (len !== (~nlen & 0xffff) || pos + len > n || op + len > maxOut) return undefined;
      out.set(src.subarray(pos, pos + len), op);
      op += len;
      pos += len;
    } else if (type === 1) {
      for (;;) {
        // 16 bits cover a literal/length code (≤ 9 bits) plus its extra bits (≤ 5). Two bytes
        // at a time while both exist (then bitbuf < 2^31); byte by byte near the end.
        if (bitcnt < 16) {
          if (pos < safe) {
            bitbuf |= (src[pos]! | (src[pos + 1]! << 8)) << bitcnt;
            pos += 2;
            bitcnt += 16;
          } else {
            while (bitcnt < 16) {
              bitbuf |= (pos < n ? src[pos]! : 0) << bitcnt;
              pos++;
              bitcnt += 8;
            }
          }
        }
        const e = lit[bitbuf & 511]!;
        const l = e & 15;
        bitbuf >>= l;
        bitcnt -= l;
        const sym = e >>> 4;
        if (sym < 256) {
          if (op >= maxOut) return undefined;
          out[op++] = sym;
          continue;
        }
        if (sym === 256) break;
        const li = sym - 257;
        if (li >= 29) return undefined;
        let len = lenBase[li]!;
        const le = lenExtra[li]!;
        if (le) {
          len += bitbuf & ((1 << le) - 1);
          bitbuf >>= le;
          bitcnt -= le;
        }
        // 18 bits cover a distance code (5 bits) plus its extra bits (≤ 13).
        while (bitcnt < 18) {
          bitbuf |= (pos < n ? src[pos]! : 0) << bitcnt;
          pos++;
          bitcnt += 8;
        }
        const ds = dist5[bitbuf & 31]! >>> 4;
        bitbuf >>= 5;
        bitcnt -= 5;
        if (ds >= 30) return undefined;
        let dist = distBase[ds]!;
        const de = distExtra[ds]!;
        if (de) {
          dist += bitbuf & ((1 << de) - 1);
          bitbuf >>= de;
          bitcnt -= de;
        }
        if (dist > op || op + len > maxOut) return undefined;
        // Byte by byte on purpose: source and destination may overlap (run-length copies).
        for (let i = 0; i < len; i++, op++) out[op] = out[op - dist]!;
      }
    } else {
      return undefined; // dynamic Huffman (or the reserved type): node:zlib handles it
    }
    if (pos > n) return undefined;
  }

  // The Adler-32 trailer must start right after the last block and end the input exactly.
  const end = pos - (bitcnt >>> 3);
  if (end + 4 !== n) return undefined;
  const want = ((src[end]! << 24) | (src[end + 1]! << 16) | (src[end + 2]! << 8) | src[end + 3]!) >>> 0;
  if (adler32(out, op) !== want) return undefined;
  return out.subarray(0, op);
}
