/**
 * @module rest/commands/group-body-fields
 * Reading typed fields of group_open_http_svc bodies. Group APIs answer malformed fields with
 * 10004 (Tencent's group "invalid parameter"), oversized lists with 10005, non-string accounts
 * with 60015; each reader throws before anything is written.
 */
import { Codes, type CodeInfo } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';

export type Body = Record<string, unknown>;

export function str(body: Body, name: string, required = true, code: CodeInfo = Codes.GROUP_INVALID_PARAMETER): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ParleyError(code, `${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ParleyError(code, `${name} must be a string`);
  return v;
}

export function int(body: Body, name: string, required = false): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} must be a non-negative integer`);
  return v;
}

export function accounts(body: Body, name: string, max: number, required = true): string[] {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} is required`);
    return [];
  }
  if (!Array.isArray(v)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} must be an array`);
  if (v.length > max) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, `${name} has more than ${max} entries`);
  if (!v.every((x) => typeof x === 'string')) throw new ParleyError(Codes.REST_BAD_ACCOUNT_TYPE);
  return v as string[];
}

export function memberAccounts(body: Body, name: string, max: number): { Member_Account: string; [k: string]: unknown }[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} must be an array`);
  if (v.length > max) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, `${name} has more than ${max} members`);
  for (const m of v) {
    if (typeof m !== 'object' || m === null) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} entries are objects`);
    if (typeof (m as Body)['Member_Account'] !== 'string') throw new ParleyError(Codes.REST_BAD_ACCOUNT_TYPE);
  }
  return v as { Member_Account: string }[];
}
