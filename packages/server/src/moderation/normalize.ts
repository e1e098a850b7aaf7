/**
 * @module moderation/normalize
 * The one text normalisation applied to both sensitive words and message text, so that the
 * automaton compares like with like: NFKC folds compatibility forms (full-width `ＡＢＣ`, `①`,
 * ligatures, half-width katakana) onto their canonical forms, then `toLowerCase` folds case.
 */

// Printable ASCII with no upper-case letters is already in normal form; skipping ICU for it keeps
// the common chat message allocation-free (V8 returns the same string object).
function isNormalAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/** NFKC + lower case. Pure ASCII lower-case input is returned as is. */
export function normalizeForMatch(s: string): string {
  if (isNormalAscii(s)) return s;
  return s.normalize('NFKC').toLowerCase();
}
