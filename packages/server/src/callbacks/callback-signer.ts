/**
 * @module callbacks/callback-signer
 * The webhook request URL (reference §7 "Protocol"): the app's URL plus SdkAppid, CallbackCommand,
 * contenttype=json, ClientIP, OptPlatform and, with a token, Sign and RequestTime.
 */
import { createHash } from 'node:crypto';

/** Tencent's webhook signature: lowercase hex sha256 of token followed by the decimal seconds. */
export function signCallback(token: string, requestTime: number): string {
  return createHash('sha256').update(token + String(requestTime)).digest('hex');
}

export interface CallbackUrlParams {
  sdkAppId: number;
  command: string;
  clientIp?: string | undefined;
  optPlatform?: string | undefined;
  token?: string | undefined;
  /** Unix seconds; defaults to now. */
  requestTime?: number;
}

/** The full request URL. A fresh RequestTime (and so Sign) is taken per attempt, retries included. */
export function buildCallbackUrl(base: string, p: CallbackUrlParams): string {
  const url = new URL(base);
  const q = url.searchParams;
  q.set('SdkAppid', String(p.sdkAppId));
  q.set('CallbackCommand', p.command);
  q.set('contenttype', 'json');
  q.set('ClientIP', p.clientIp ?? '');
  q.set('OptPlatform', p.optPlatform ?? 'Unknown');
  if (p.token !== undefined) {
    const t = p.requestTime ?? Math.floor(Date.now() / 1000);
    q.set('Sign', signCallback(p.token, t));
    q.set('RequestTime', String(t));
  }
  return url.toString();
}
