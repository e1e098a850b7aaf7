/**
 * @module core/short-ms
 * Times kept per connection or per member, as small integers.
 *
 * A Unix-ms timestamp (~1.7e12) is not a small integer, so V8 keeps every object field holding one
 * as a pointer to a separate 16-byte number box; once any instance stores one in a field, every
 * instance of that shape boxes that field, even while it holds 0. Fields that only ever measure
 * short spans (idle time, time over a limit) store the time modulo 2^30 ms (~12.4 days) instead and
 * subtract with wrap-around, like TCP sequence numbers: exact for spans under ~6.2 days, and a
 * clock stepping back reads as a negative span, as plain subtraction would.
 */

const MASK = 0x3fffffff;
const HALF = 0x20000000;

/** `ms` (e.g. Date.now()) modulo 2^30. */
export function shortMs(ms: number): number {
  return ms & MASK;
}

/** Milliseconds from `then` to `now`, both from shortMs; negative when `now` is earlier. */
export function msBetween(then: number, now: number): number {
  const d = (now - then) & MASK;
  return d >= HALF ? d - (MASK + 1) : d;
}
