/**
 * @module groups/group-fields
 * Profile field limits (reference §5.3, UTF-8 bytes): name 30, introduction 240, notification
 * 300, face URL 100, member name card 50; up to 10 group custom fields (key ≤ 16 bytes of
 * [A-Za-z0-9_], value ≤ 512 bytes) and 5 member custom fields (value ≤ 64 bytes). Anything over
 * is refused with 10004 before anything is written.
 */
import { Codes, JOIN_OPTIONS, type CustomField, type JoinOption } from '@parley/protocol';
import { ParleyError } from '../errors.ts';

export const LIMITS = {
  name: 30,
  introduction: 240,
  notification: 300,
  faceUrl: 100,
  nameCard: 50,
  groupFields: 10,
  groupFieldKey: 16,
  groupFieldValue: 512,
  memberFields: 5,
  memberFieldValue: 64,
  applyMessage: 300,
} as const;

const KEY = /^[A-Za-z0-9_]+$/;

function bad(message: string): never {
  throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, message);
}

/** A string field within its byte limit (or undefined when absent). */
export function textField(v: unknown, name: string, maxBytes: number, required = false): string | undefined {
  if (v === undefined || v === null) {
    if (required) bad(`${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string') bad(`${name} must be a string`);
  if (required && v.length === 0) bad(`${name} must not be empty`);
  if (Buffer.byteLength(v) > maxBytes) bad(`${name} is over ${maxBytes} bytes`);
  return v;
}

export function joinOptionField(v: unknown, name = 'ApplyJoinOption'): JoinOption | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(JOIN_OPTIONS as readonly string[]).includes(v)) bad(`${name} must be one of ${JOIN_OPTIONS.join(', ')}`);
  return v as JoinOption;
}

/**
 * Custom fields as a key → value patch. Accepts Tencent's `[{Key, Value}]` and the SDK's
 * `[{key, value}]`. An empty value deletes the key. `current` is checked with the patch applied so
 * the total count stays within the limit.
 */
export function customFields(
  v: unknown, name: string, kind: 'group' | 'member', current: Record<string, string> = {},
): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) bad(`${name} must be an array`);
  const maxCount = kind === 'group' ? LIMITS.groupFields : LIMITS.memberFields;
  const maxValue = kind === 'group' ? LIMITS.groupFieldValue : LIMITS.memberFieldValue;
  const patch: Record<string, string> = {};
  for (const item of v as unknown[]) {
    if (typeof item !== 'object' || item === null) bad(`${name} entries are {Key, Value} objects`);
    const o = item as Record<string, unknown>;
    const key = o['Key'] ?? o['key'];
    const value = o['Value'] ?? o['value'];
    if (typeof key !== 'string' || !KEY.test(key) || Buffer.byteLength(key) > LIMITS.groupFieldKey) {
      bad(`${name} keys are 1 to ${LIMITS.groupFieldKey} bytes of [A-Za-z0-9_]`);
    }
    if (typeof value !== 'string') bad(`${name}.${key} must be a string`);
    if (Buffer.byteLength(value) > maxValue) bad(`${name}.${key} is over ${maxValue} bytes`);
    patch[key] = value;
  }
  const merged = { ...current };
  for (const [k, val] of Object.entries(patch)) {
    if (val === '') delete merged[k];
    else merged[k] = val;
  }
  if (Object.keys(merged).length > maxCount) bad(`At most ${maxCount} ${name} keys`);
  return patch;
}

export function toCustomFieldList(data: Record<string, string>, filter?: readonly string[]): CustomField[] {
  return Object.entries(data)
    .filter(([k]) => !filter || filter.includes(k))
    .map(([key, value]) => ({ key, value }));
}
