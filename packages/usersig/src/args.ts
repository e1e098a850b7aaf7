/**
 * @module args
 * Argument checks and defaults shared by the generators. Generators throw on bad arguments (a
 * programming error); only verification must turn every bad input into a result.
 */

/** 180 days: the default lifetime of every v1 library and of the Python/PHP/C# v2 libraries. */
export const DEFAULT_EXPIRE = 180 * 86400;

export function assertUint(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${String(v)}`);
  }
  return v;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
