/**
 * @module codec
 * The outer encoding shared by v1 and v2: JSON text → zlib stream → standard base64 with the
 * swap `+`→`*`, `/`→`-`, `=`→`_`. Decoding accepts any zlib header/level (78 9c, 78 01, stored
 * blocks, ...) and ignores whitespace anywhere in the text (old Java encoders wrapped lines in CRLF).
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { Codes } from '@parley/protocol';
import { fail, type Failure } from './types.ts';
import { inflateFast } from './inflate.ts';

/** A real ticket is a few hundred characters; the caps bound the work a hostile one can cause. */
export const MAX_USERSIG_CHARS = 64 * 1024;
export const MAX_JSON_BYTES = 64 * 1024;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-';
const WS = -2;
const PAD = -3;
// Char code → 6-bit value, WS, PAD, or -1 (not allowed).
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
for (const c of [9, 10, 13, 32]) DECODE[c] = WS;
DECODE[95] = PAD; // '_'

// The decoded bytes of the common form go into one reused buffer: a ticket is inflated right
// after decoding, and a fresh allocation per call shows up in the profile.
let scratch = new Uint8Array(0);

/**
 * Base64 with the swapped alphabet. Strict about stray characters (Buffer's own decoder would
 * skip them); whitespace anywhere is ignored; missing padding is tolerated. The result may be a
 * view of a shared buffer, valid until the next call.
 */
export function decodeSigBase64(text: string): Uint8Array | undefined {
  // Fast path: no whitespace, padding only at the end, decoded four characters at a time.
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === 95) len--;
  if (text.length - len > 2 || len % 4 === 1) return decodeSigBase64Slow(text);
  const need = (len * 3) >> 2;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, 1024));
  const out = scratch;
  const dec = DECODE;
  const full = len & ~3;
  let op = 0;
  for (let i = 0; i < full; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return decodeSigBase64Slow(text);
    const a = dec[c0]!;
    const b = dec[c1]!;
    const c = dec[c2]!;
    const d = dec[c3]!;
    if ((a | b | c | d) < 0) return decodeSigBase64Slow(text);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[op++] = v >> 16;
    out[op++] = (v >> 8) & 255;
    out[op++] = v & 255;
  }
  if (len > full) {
    const c0 = text.charCodeAt(full);
    const c1 = text.charCodeAt(full + 1);
    const c2 = len - full === 3 ? text.charCodeAt(full + 2) : 65; // 'A' = 0
    if ((c0 | c1 | c2) > 127) return decodeSigBase64Slow(text);
    const a = dec[c0]!;
    const b = dec[c1]!;
    const c = dec[c2]!;
    if ((a | b | c) < 0) return decodeSigBase64Slow(text);
    const v = (a << 18) | (b << 12) | (c << 6);
    out[op++] = v >> 16;
    if (len - full === 3) out[op++] = (v >> 8) & 255;
  }
  return out.subarray(0, op);
}

/** The general path: one pass, skipping whitespace (CRLF-wrapped tickets from old Java encoders). */
function decodeSigBase64Slow(text: string): Uint8Array | undefined {
  const out = Buffer.allocUnsafe((text.length * 3) >>> 2);
  let op = 0;
  let acc = 0;
  let nchars = 0;
  let padded = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? DECODE[code]! : -1;
    if (v >= 0) {
      if (padded) return undefined; // data after padding
      acc = (acc << 6) | v;
      if (++nchars % 4 === 0) {
        out[op++] = (acc >>> 16) & 255;
        out[op++] = (acc >>> 8) & 255;
        out[op++] = acc & 255;
        acc = 0;
      }
    } else if (v === PAD) {
      padded = true;
    } else if (v !== WS) {
      return undefined;
    }
  }
  // Missing padding is tolerated; a lone trailing sextet cannot encode a byte.
  switch (nchars % 4) {
    case 1:
      return undefined;
    case 2:
      out[op++] = (acc >>> 4) & 255;
      break;
    case 3:
      out[op++] = (acc >>> 10) & 255;
      out[op++] = (acc >>> 2) & 255;
      break;
  }
  return out.subarray(0, op);
}

export function encodeSigBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replaceAll('+', '*')
    .replaceAll('/', '-')
    .replaceAll('=', '_');
}

/** JSON text → UserSig. Level 6 (zlib's default) is what the official Node library emits. */
export function encodeTicketText(json: string, level = 6): string {
  return encodeSigBase64(deflateSync(Buffer.from(json, 'utf8'), { level }));
}

/** UserSig → the JSON document's text, or the failure (empty / malformed). */
export function decodeTicketText(userSig: unknown): { ok: true; text: string } | Failure {
  if (userSig === undefined || userSig === null || userSig === '') return fail(Codes.USERSIG_EMPTY, 'UserSig is empty');
  if (typeof userSig !== 'string') return fail(Codes.USERSIG_MALFORMED, 'UserSig is not a string');
  if (userSig.length > MAX_USERSIG_CHARS) return fail(Codes.USERSIG_MALFORMED, 'UserSig is too long');
  const bytes = decodeSigBase64(userSig);
  if (bytes === undefined) return fail(Codes.USERSIG_MALFORMED, 'UserSig is not valid base64 (swapped alphabet)');
  if (bytes.length === 0) return fail(Codes.USERSIG_EMPTY, 'UserSig is empty');
  let json = inflateFast(bytes, MAX_JSON_BYTES);
  if (json === undefined) {
    try {
      json = inflateSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxOutputLength: MAX_JSON_BYTES });
    } catch (err) {
      return fail(Codes.USERSIG_MALFORMED, `UserSig is not a zlib stream (${(err as { code?: string }).code ?? 'inflate failed'})`);
    }
  }
  return { ok: true, text: Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8') };
}
