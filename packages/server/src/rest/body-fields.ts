/**
 * @module rest/body-fields
 * Reading typed fields out of a REST body. Every reader throws ParleyError with Tencent's code for
 * the problem, so a command validates its whole request up front and writes nothing on failure.
 */
import { Codes, isValidUserID, type CodeInfo } from '@parley/protocol';
import { ParleyError } from '../errors.ts';

/** Tencent: a profile field is at most 500 bytes. */
export const MAX_PROFILE_FIELD_BYTES = 500;

export function bad(message: string, info: CodeInfo = Codes.INVALID_PARAMETER): never {
  throw new ParleyError(info, message);
}

/** A UserID field: not a string → 60015, missing or malformed → 70402. */
export function userIdValue(value: unknown, name: string): string {
  if (value === undefined || value === null) bad(`${name} is required`);
  if (typeof value !== 'string') bad(`${name} must be a string`, Codes.REST_BAD_ACCOUNT_TYPE);
  const text: string = value;
  if (!isValidUserID(text)) bad(`${name} "${value.slice(0, 40)}" is not a valid UserID (1 to 32 characters of A-Z, a-z, 0-9, _ and -)`);
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string, maxBytes = MAX_PROFILE_FIELD_BYTES): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(`${name} must be a string`);
  if (Buffer.byteLength(v) > maxBytes) bad(`${name} is longer than ${maxBytes} bytes`);
  return v;
}

/** A required array of 1 to `max` items. */
export function list(body: Record<string, unknown>, name: string, max: number): unknown[] {
  const v = body[name];
  if (!Array.isArray(v)) bad(`${name} must be an array`);
  if (v.length === 0) bad(`${name} is empty`);
  if (v.length > max) bad(`${name} has ${v.length} items; at most ${max} per call`);
  return v;
}

/** `[{ "UserID": "..." }, ...]`, as account_check and account_delete take them. */
export function userItems(body: Record<string, unknown>, name: string, max: number): string[] {
  return list(body, name, max).map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) bad(`${name}[${i}] must be an object with a UserID`);
    return userIdValue((item as Record<string, unknown>)['UserID'], `${name}[${i}].UserID`);
  });
}
