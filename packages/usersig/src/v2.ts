/**
 * @module v2
 * TLSSigAPIv2: HMAC-SHA256 over labelled lines, keyed with the secret key's text. `TLS.ver` is not
 * covered by the MAC. The userbuf line is present exactly when the ticket has a `TLS.userbuf`
 * field (even an empty one), holding that field's base64 text verbatim.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Codes } from '@parley/protocol';
import { encodeTicketText } from './codec.ts';
import { hmacKeyFor } from './keys.ts';
import { fail, type DecodedTicket, type Failure } from './types.ts';
import { DEFAULT_EXPIRE, assertUint, nowSeconds } from './args.ts';

export function v2MacInput(identifier: string, sdkAppId: number, time: number, expire: number, userbufB64?: string): string {
  let s = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (userbufB64 !== undefined) s += `TLS.userbuf:${userbufB64}\n`;
  return s;
}

export function v2Mac(secretKey: string, content: string): Buffer {
  return createHmac('sha256', hmacKeyFor(secretKey)).update(content).digest();
}

/**
 * Issues a v2 UserSig. The JSON key order, compact form and zlib level match the official Node
 * library, so for the same inputs the output is byte-identical to it.
 */
export function genUserSigV2(opts: {
  sdkAppId: number;
  secretKey: string;
  identifier: string;
  expire?: number;
  time?: number;
  userbuf?: Buffer;
}): string {
  const sdkAppId = assertUint('sdkAppId', opts.sdkAppId);
  const expire = assertUint('expire', opts.expire ?? DEFAULT_EXPIRE);
  const time = assertUint('time', opts.time ?? nowSeconds());
  if (typeof opts.identifier !== 'string') throw new TypeError('identifier must be a string');
  if (typeof opts.secretKey !== 'string' || opts.secretKey === '') throw new TypeError('secretKey must be a non-empty string');
  const doc: Record<string, unknown> = {
    'TLS.ver': '2.0',
    'TLS.identifier': opts.identifier,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expire,
  };
  let userbufB64: string | undefined;
  if (opts.userbuf !== undefined) {
    userbufB64 = Buffer.from(opts.userbuf).toString('base64');
    doc['TLS.userbuf'] = userbufB64;
  }
  const content = v2MacInput(opts.identifier, sdkAppId, time, expire, userbufB64);
  doc['TLS.sig'] = v2Mac(opts.secretKey, content).toString('base64');
  return encodeTicketText(JSON.stringify(doc));
}

/**
 * Recomputes the MAC from the ticket's own fields and compares it, as base64 text, in constant
 * time. Comparing the canonical base64 (what the C++ and PHP verifiers compare, minus their
 * timing leak) also rejects alternative spellings of the same bytes, which Buffer's lenient base64
 * decoder would let through; and `digest('base64')` is cheaper than a Buffer digest.
 */
export function checkV2Signature(ticket: DecodedTicket, secretKey: string): Failure | undefined {
  const raw = ticket.raw;
  const content = v2MacInput(ticket.identifier, ticket.sdkAppId, ticket.time, ticket.expire, raw['TLS.userbuf'] as string | undefined);
  const want = Buffer.from(createHmac('sha256', hmacKeyFor(secretKey)).update(content).digest('base64'), 'latin1');
  // UTF-8, not latin1, for the untrusted side: a non-ASCII character changes the length instead of
  // being truncated to a byte that might match. A length mismatch reveals nothing secret (44 is public).
  const given = Buffer.from(raw['TLS.sig'] as string, 'utf8');
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    return fail(Codes.USERSIG_BAD_SIGNATURE, 'UserSig signature does not match');
  }
  return undefined;
}
