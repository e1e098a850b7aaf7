/**
 * @module v1
 * Legacy TLS tickets (tls_licence_tools): ECDSA-SHA256 with a DER signature, over labelled lines in
 * a fixed order. Every JSON value is a string and is signed verbatim. The curve comes from the key.
 */
import { sign, verify } from 'node:crypto';
import { Codes } from '@parley/protocol';
import { encodeTicketText } from './codec.ts';
import { privateKeyFor, publicKeyFor } from './keys.ts';
import { fail, type DecodedTicket, type Failure } from './types.ts';
import { DEFAULT_EXPIRE, assertUint, nowSeconds } from './args.ts';

/** Library tag written by the official Node v1 generator; it is not signed and nobody checks it. */
export const V1_VERSION_TAG = '201610110000';

export interface V1Fields {
  appidAt3rd?: string | undefined;
  accountType: string;
  identifier: string;
  sdkAppId: string;
  time: string;
  expireAfter: string;
  userbufB64?: string | undefined;
}

/** The appid_at_3rd line is left out when the field is absent (C++ and Node verifiers do the same). */
export function v1SignedText(f: V1Fields): string {
  let s = f.appidAt3rd === undefined ? '' : `TLS.appid_at_3rd:${f.appidAt3rd}\n`;
  s += `TLS.account_type:${f.accountType}\nTLS.identifier:${f.identifier}\nTLS.sdk_appid:${f.sdkAppId}\n`;
  s += `TLS.time:${f.time}\nTLS.expire_after:${f.expireAfter}\n`;
  if (f.userbufB64 !== undefined) s += `TLS.userbuf:${f.userbufB64}\n`;
  return s;
}

/**
 * Issues a v1 ticket (the `parley-sig gen` form). `appidAt3rd` defaults to "0" as in the simplified
 * official API; pass null to leave the field out. ECDSA signatures are randomised, so the output
 * differs on every call even with a fixed time.
 */
export function genUserSigV1(opts: {
  sdkAppId: number;
  privateKeyPem: string;
  identifier: string;
  expire?: number;
  time?: number;
  accountType?: string;
  appidAt3rd?: string | null;
  userbuf?: Buffer;
}): string {
  const sdkAppId = assertUint('sdkAppId', opts.sdkAppId);
  const expire = assertUint('expire', opts.expire ?? DEFAULT_EXPIRE);
  const time = assertUint('time', opts.time ?? nowSeconds());
  if (typeof opts.identifier !== 'string') throw new TypeError('identifier must be a string');
  const fields: V1Fields = {
    appidAt3rd: opts.appidAt3rd === null ? undefined : (opts.appidAt3rd ?? '0'),
    accountType: opts.accountType ?? '0',
    identifier: opts.identifier,
    sdkAppId: String(sdkAppId),
    time: String(time),
    expireAfter: String(expire),
    userbufB64: opts.userbuf === undefined ? undefined : Buffer.from(opts.userbuf).toString('base64'),
  };
  const sig = sign('sha256', Buffer.from(v1SignedText(fields), 'utf8'), privateKeyFor(opts.privateKeyPem));
  // Key order of the official Node v1 library.
  const doc: Record<string, string> = { 'TLS.account_type': fields.accountType, 'TLS.identifier': fields.identifier };
  if (fields.appidAt3rd !== undefined) doc['TLS.appid_at_3rd'] = fields.appidAt3rd;
  doc['TLS.sdk_appid'] = fields.sdkAppId;
  doc['TLS.expire_after'] = fields.expireAfter;
  doc['TLS.version'] = V1_VERSION_TAG;
  doc['TLS.time'] = fields.time;
  if (fields.userbufB64 !== undefined) doc['TLS.userbuf'] = fields.userbufB64;
  doc['TLS.sig'] = sig.toString('base64');
  return encodeTicketText(JSON.stringify(doc));
}

/** Rebuilds the signed text from the ticket's fields and verifies the DER ECDSA signature. */
export function checkV1Signature(ticket: DecodedTicket, publicKeyPem: string): Failure | undefined {
  let key;
  try {
    key = publicKeyFor(publicKeyPem);
  } catch {
    return fail(Codes.USERSIG_NO_PUBLIC_KEY, 'The configured v1 public key could not be loaded');
  }
  if (key.asymmetricKeyType !== 'ec') return fail(Codes.USERSIG_NO_PUBLIC_KEY, 'The configured v1 public key is not an EC key');
  const raw = ticket.raw as Record<string, string | undefined>;
  const text = v1SignedText({
    appidAt3rd: raw['TLS.appid_at_3rd'],
    accountType: raw['TLS.account_type']!,
    identifier: ticket.identifier,
    sdkAppId: raw['TLS.sdk_appid']!,
    time: raw['TLS.time']!,
    expireAfter: raw['TLS.expire_after']!,
    userbufB64: raw['TLS.userbuf'],
  });
  // Buffer's base64 decoder skips the CRLFs that some encoders left inside TLS.sig.
  const der = Buffer.from(raw['TLS.sig']!, 'base64');
  let ok = false;
  try {
    ok = der.length > 0 && verify('sha256', Buffer.from(text, 'utf8'), key, der);
  } catch {
    ok = false; // OpenSSL may reject a malformed DER outright instead of returning false
  }
  return ok ? undefined : fail(Codes.USERSIG_BAD_SIGNATURE, 'UserSig signature does not verify with the public key');
}
