/**
 * @module verify
 * Server-side UserSig verification for both versions. Checks run in the Go library's order —
 * decode → sdkappid → identifier → expiry → userbuf → signature — so each failure gets the code a
 * Tencent-compatible client expects. The function never throws on a bad ticket.
 */
import { Codes } from '@parley/protocol';
import { decodeTicket } from './ticket.ts';
import { fail, type VerifyOptions, type VerifyResult } from './types.ts';
import { checkV1Signature } from './v1.ts';
import { checkV2Signature } from './v2.ts';
import { nowSeconds } from './args.ts';

export function verifyUserSig(userSig: string, opts: VerifyOptions): VerifyResult {
  const decoded = decodeTicket(userSig);
  if (!decoded.ok) return decoded;
  const t = decoded.ticket;

  if (t.sdkAppId !== opts.sdkAppId) {
    return fail(Codes.USERSIG_SDKAPPID_MISMATCH, `UserSig was issued for SDKAppID ${t.sdkAppId}, not ${opts.sdkAppId}`);
  }
  // v1 compares the text: "01234" is not 1234 even though the numbers agree.
  if (t.version === 1 && t.raw['TLS.sdk_appid'] !== String(opts.sdkAppId)) {
    return fail(Codes.USERSIG_SDKAPPID_MISMATCH, `UserSig was issued for SDKAppID ${String(t.raw['TLS.sdk_appid'])}, not ${opts.sdkAppId}`);
  }
  if (t.identifier !== opts.identifier) {
    return fail(Codes.USERSIG_IDENTIFIER_MISMATCH, 'UserSig was issued for another UserID');
  }
  const now = opts.now ?? nowSeconds();
  // Still valid at exactly time + expire, as in the Go and C++ verifiers.
  if (now > t.time + t.expire) {
    return fail(Codes.USERSIG_EXPIRED, `UserSig expired at ${t.time + t.expire} (now ${now})`);
  }

  if (opts.userbuf !== undefined) {
    if (t.userbuf === undefined) return fail(Codes.USERSIG_USERBUF_MISMATCH, 'UserSig carries no userbuf but one is required');
    if (!t.userbuf.equals(opts.userbuf)) return fail(Codes.USERSIG_USERBUF_MISMATCH, 'UserSig userbuf does not match');
  } else if (t.userbuf !== undefined && opts.allowUserbuf !== true) {
    // A PrivateMapKey is not a login ticket (Go: ErrUserBufTypeNotMatch).
    return fail(Codes.USERSIG_USERBUF_MISMATCH, 'UserSig carries a userbuf (PrivateMapKey) where a plain UserSig is required');
  }

  if (t.version === 2) {
    if (typeof opts.secretKey !== 'string' || opts.secretKey === '') {
      return fail(Codes.USERSIG_BAD_SIGNATURE, 'No v2 secret key is configured to check this UserSig');
    }
    const bad = checkV2Signature(t, opts.secretKey);
    if (bad) return bad;
  } else {
    if (typeof opts.publicKeyPem !== 'string' || opts.publicKeyPem === '') {
      return fail(Codes.USERSIG_NO_PUBLIC_KEY, 'No public key is configured for this v1 (ECDSA) UserSig');
    }
    const bad = checkV1Signature(t, opts.publicKeyPem);
    if (bad) return bad;
  }
  return decoded;
}
