/**
 * @module types
 * The result shapes shared by decoding and verification. Failures are values, never exceptions:
 * a UserSig comes from the network and a bad one must not be able to crash a caller.
 */
import type { CodeInfo } from '@parley/protocol';

export interface DecodedTicket {
  version: 1 | 2;
  identifier: string;
  sdkAppId: number;
  /** Issue time, Unix seconds. */
  time: number;
  /** Lifetime in seconds, relative to `time`. */
  expire: number;
  /** Present only when the ticket carries `TLS.userbuf` (PrivateMapKey and similar). */
  userbuf?: Buffer;
  /** The parsed JSON document as it was in the ticket. */
  raw: Record<string, unknown>;
}

export interface Failure {
  ok: false;
  code: number;
  reason: string;
}

export type DecodeResult = { ok: true; ticket: DecodedTicket } | Failure;
export type VerifyResult = { ok: true; ticket: DecodedTicket } | Failure;

export interface VerifyOptions {
  sdkAppId: number;
  identifier: string;
  /** v2 (HMAC) secret key, used as its UTF-8 text (not hex-decoded). */
  secretKey?: string;
  /** v1 (ECDSA) public key in PEM form. */
  publicKeyPem?: string;
  /** Unix seconds; defaults to the current clock. */
  now?: number;
  /** Expected userbuf bytes: the ticket must carry exactly these. */
  userbuf?: Buffer;
  /** Accept tickets that carry a userbuf without checking its content. */
  allowUserbuf?: boolean;
}

export function fail(info: CodeInfo, reason: string): Failure {
  return { ok: false, code: info.code, reason };
}
