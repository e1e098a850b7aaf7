/**
 * @module ticket
 * UserSig → DecodedTicket: outer decoding, JSON parsing, version detection and field typing.
 * v2 ("TLS.ver":"2.0") carries JSON numbers; v1 (no TLS.ver) carries every value as a string.
 * Field values are kept verbatim in `raw` because the signatures cover their text.
 */
import { Codes } from '@parley/protocol';
import { decodeTicketText } from './codec.ts';
import { fail, type DecodeResult, type DecodedTicket } from './types.ts';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** v1 decimal text; 15 digits keeps the value a safe integer. */
const V1_NUMBER = /^[0-9]{1,15}$/;

function invalid(field: string, want: string): DecodeResult {
  return fail(Codes.USERSIG_INVALID, `UserSig field ${field} is missing or not ${want}`);
}

function decodeV2(raw: Record<string, unknown>): DecodeResult {
  const identifier = raw['TLS.identifier'];
  const sdkAppId = raw['TLS.sdkappid'];
  const time = raw['TLS.time'];
  const expire = raw['TLS.expire'];
  const sig = raw['TLS.sig'];
  const userbuf = raw['TLS.userbuf'];
  if (typeof identifier !== 'string') return invalid('TLS.identifier', 'a string');
  if (!isUint(sdkAppId)) return invalid('TLS.sdkappid', 'a non-negative integer');
  if (!isUint(time)) return invalid('TLS.time', 'a non-negative integer');
  if (!isUint(expire)) return invalid('TLS.expire', 'a non-negative integer');
  if (typeof sig !== 'string') return invalid('TLS.sig', 'a string');
  if (userbuf !== undefined && typeof userbuf !== 'string') return invalid('TLS.userbuf', 'a string');
  const ticket: DecodedTicket = { version: 2, identifier, sdkAppId, time, expire, raw };
  if (userbuf !== undefined) ticket.userbuf = Buffer.from(userbuf, 'base64');
  return { ok: true, ticket };
}

function decodeV1(raw: Record<string, unknown>): DecodeResult {
  const identifier = raw['TLS.identifier'];
  const sdkAppId = raw['TLS.sdk_appid'];
  const time = raw['TLS.time'];
  const expire = raw['TLS.expire_after'];
  const accountType = raw['TLS.account_type'];
  const appidAt3rd = raw['TLS.appid_at_3rd'];
  const sig = raw['TLS.sig'];
  const userbuf = raw['TLS.userbuf'];
  if (typeof identifier !== 'string') return invalid('TLS.identifier', 'a string');
  if (typeof sdkAppId !== 'string' || !V1_NUMBER.test(sdkAppId)) return invalid('TLS.sdk_appid', 'a decimal string');
  if (typeof time !== 'string' || !V1_NUMBER.test(time)) return invalid('TLS.time', 'a decimal string');
  if (typeof expire !== 'string' || !V1_NUMBER.test(expire)) return invalid('TLS.expire_after', 'a decimal string');
  if (typeof accountType !== 'string') return invalid('TLS.account_type', 'a string');
  if (appidAt3rd !== undefined && typeof appidAt3rd !== 'string') return invalid('TLS.appid_at_3rd', 'a string');
  if (typeof sig !== 'string') return invalid('TLS.sig', 'a string');
  if (userbuf !== undefined && typeof userbuf !== 'string') return invalid('TLS.userbuf', 'a string');
  const ticket: DecodedTicket = {
    version: 1,
    identifier,
    sdkAppId: Number(sdkAppId),
    time: Number(time),
    expire: Number(expire),
    raw,
  };
  if (userbuf !== undefined) ticket.userbuf = Buffer.from(userbuf, 'base64');
  return { ok: true, ticket };
}

/** Decodes without checking any signature or expiry. Never throws. */
export function decodeTicket(userSig: string): DecodeResult {
  const text = decodeTicketText(userSig);
  if (!text.ok) return text;
  let raw: unknown;
  try {
    raw = JSON.parse(text.text);
  } catch {
    return fail(Codes.USERSIG_MALFORMED, 'UserSig does not contain valid JSON');
  }
  if (!isObject(raw)) return fail(Codes.USERSIG_MALFORMED, 'UserSig JSON is not an object');
  const ver = raw['TLS.ver'];
  if (ver === '2.0') return decodeV2(raw);
  if (ver === undefined) return decodeV1(raw);
  return fail(Codes.USERSIG_WRONG_VERSION, `Unsupported UserSig version ${String(JSON.stringify(ver)).slice(0, 40)}`);
}
