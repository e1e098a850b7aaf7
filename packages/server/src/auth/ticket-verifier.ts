/**
 * @module auth/ticket-verifier
 * Checks a UserSig against an app's keys: v2 with the app's secret, v1 with its public key.
 *
 * Successful checks are remembered in a bounded LRU keyed by (app, identifier, ticket): a back end
 * typically signs one admin ticket and reuses it for every REST call until it expires, and an HMAC
 * or (much dearer) ECDSA check per call would be wasted. A hit re-checks the expiry and that the
 * app's keys are still the ones the ticket was verified with, so a rotated key takes effect at once.
 * Client logins pass `remember: false`: each of their tickets is used once per connection, and
 * remembering 10,000 of them would only cost memory.
 */
import { Codes, isValidUserID } from '@parley/protocol';
import { verifyUserSig, type VerifyResult } from '@parley/usersig';
import type { AppRecord } from '../store/app-store.ts';

export type { VerifyResult };

interface CacheEntry {
  result: Extract<VerifyResult, { ok: true }>;
  expiresAt: number;
  secretKey: string;
  publicKeyPem: string | undefined;
}

export interface TicketVerifierOptions {
  /** Most remembered tickets. */
  maxEntries?: number;
}

export class TicketVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxEntries: number;

  constructor(opts: TicketVerifierOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? 10_000);
  }

  verify(app: AppRecord, identifier: string, userSig: string, nowSeconds = Math.floor(Date.now() / 1000), remember = true): VerifyResult {
    if (!isValidUserID(identifier)) {
      return { ok: false, code: Codes.INVALID_PARAMETER.code, reason: 'The UserID must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -' };
    }
    if (typeof userSig !== 'string' || userSig === '') return { ok: false, code: Codes.USERSIG_EMPTY.code, reason: Codes.USERSIG_EMPTY.message };

    const key = `${app.sdkAppId}\u0000${identifier}\u0000${userSig}`;
    const hit = remember ? this.cache.get(key) : undefined;
    if (hit) {
      this.cache.delete(key);
      if (hit.secretKey === app.secretKey && hit.publicKeyPem === app.publicKeyPem) {
        // Same rule as the library: still valid at exactly time + expire.
        if (nowSeconds > hit.expiresAt) {
          return { ok: false, code: Codes.USERSIG_EXPIRED.code, reason: `UserSig expired at ${hit.expiresAt} (now ${nowSeconds})` };
        }
        this.cache.set(key, hit); // most recently used goes last
        return hit.result;
      }
    }

    const opts: Parameters<typeof verifyUserSig>[1] = { sdkAppId: app.sdkAppId, identifier, secretKey: app.secretKey, now: nowSeconds };
    if (app.publicKeyPem !== undefined) opts.publicKeyPem = app.publicKeyPem;
    const result = verifyUserSig(userSig, opts);
    if (result.ok && remember) {
      if (this.cache.size >= this.maxEntries) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(key, {
        result,
        expiresAt: result.ticket.time + result.ticket.expire,
        secretKey: app.secretKey,
        publicKeyPem: app.publicKeyPem,
      });
    }
    return result;
  }

  /** Number of remembered tickets (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }
}
