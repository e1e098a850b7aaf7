/**
 * @module rest/rest-auth
 * Who is calling: the URL's sdkappid must name an enabled app, identifier must be one of its
 * admins, and usersig must be a valid ticket (v1 or v2) for that admin. Checked in that order, so
 * each failure gets the code documented in docs/rest-api.md.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { AppRecord } from '../store/app-store.ts';
import type { RestDeps } from './command-registry.ts';

export interface RestCaller {
  app: AppRecord;
  identifier: string;
  random?: string;
}

const SDKAPPID = /^[1-9][0-9]{0,9}$/;

export async function authenticate(query: URLSearchParams, deps: RestDeps, nowMs: number): Promise<RestCaller> {
  const rawId = query.get('sdkappid');
  if (rawId === null || rawId === '') throw new ParleyError(Codes.REST_MISSING_SDKAPPID);
  if (!SDKAPPID.test(rawId)) throw new ParleyError(Codes.REST_INVALID_SDKAPPID, `Invalid SDKAppID "${rawId.slice(0, 20)}"`);
  const app = await deps.apps.get(Number(rawId));
  if (!app) throw new ParleyError(Codes.REST_INVALID_SDKAPPID, `SDKAppID ${rawId} not found`);
  if (app.disabled) throw new ParleyError(Codes.REST_APP_DISABLED);

  const identifier = query.get('identifier') ?? '';
  if (!app.admins.includes(identifier)) {
    throw new ParleyError(Codes.REST_ADMIN_REQUIRED, `"${identifier.slice(0, 40)}" is not an admin of SDKAppID ${app.sdkAppId}`);
  }
  const check = deps.verifier.verify(app, identifier, query.get('usersig') ?? '', Math.floor(nowMs / 1000));
  if (!check.ok) throw new ParleyError(check.code, check.reason);

  const random = query.get('random');
  return random === null ? { app, identifier } : { app, identifier, random };
}
