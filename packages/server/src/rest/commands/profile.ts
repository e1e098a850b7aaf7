/**
 * @module rest/commands/profile
 * `profile/portrait_set` and `profile/portrait_get` (Tencent 1047/34916, 34917): standard
 * `Tag_Profile_IM_*` fields and custom `Tag_Profile_Custom_*` fields, with Tencent's profile codes:
 *
 *   40001 bad request (shape, types) · 40003 account not found · 40005 sensitive word in a text field
 *   40009 unknown tag · 40601 value over 500 bytes · 40605 a standard field's value is not allowed
 *   40610 value of the wrong type (string vs integer)
 *
 * portrait_set validates every item before writing, then writes them all at once.
 */
import { isValidUserID, type CodeInfo } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import type { ContentServices } from '../../messaging/content-hooks.ts';
import type { Services } from '../../services.ts';
import type { AccountRecord } from '../../store/account-store.ts';
import type { CommandRegistry } from '../command-registry.ts';

export const ProfileCodes = {
  BAD_REQUEST: { code: 40001, message: 'Err_Profile_Comm_Decode_Fail' },
  ACCOUNT_NOT_FOUND: { code: 40003, message: 'Err_Profile_Account_Not_Exist' },
  DIRTY_WORD: { code: 40005, message: 'The profile field contains sensitive words' },
  TAG_NOT_FOUND: { code: 40009, message: 'Err_Profile_Tag_Not_Exist' },
  VALUE_TOO_LONG: { code: 40601, message: 'Err_Profile_Value_Too_Long: a profile value is at most 500 bytes' },
  BAD_STANDARD_VALUE: { code: 40605, message: 'Err_Profile_Standard_Value_Invalid' },
  VALUE_TYPE_MISMATCH: { code: 40610, message: 'Err_Profile_Value_Type_Mismatch' },
} as const satisfies Record<string, CodeInfo>;

const MAX_VALUE_BYTES = 500;
const MAX_GET_ACCOUNTS = 100;
const MAX_ITEMS = 100;
const UINT32 = 0xffffffff;

type Kind = { type: 'string'; maxBytes?: number; oneOf?: readonly string[]; filtered?: boolean; def: string } | { type: 'uint'; max?: number; def: number };

/** Standard fields (Tencent "Standard Profile Fields"), their types and defaults. */
const STANDARD: Record<string, Kind> = {
  Tag_Profile_IM_Nick: { type: 'string', filtered: true, def: '' },
  Tag_Profile_IM_Gender: { type: 'string', oneOf: ['Gender_Type_Unknown', 'Gender_Type_Female', 'Gender_Type_Male'], def: 'Gender_Type_Unknown' },
  Tag_Profile_IM_BirthDay: { type: 'uint', def: 0 },
  Tag_Profile_IM_Location: { type: 'string', maxBytes: 16, def: '' },
  Tag_Profile_IM_SelfSignature: { type: 'string', filtered: true, def: '' },
  Tag_Profile_IM_AllowType: { type: 'string', oneOf: ['AllowType_Type_NeedConfirm', 'AllowType_Type_AllowAny', 'AllowType_Type_DenyAny'], def: 'AllowType_Type_NeedConfirm' },
  Tag_Profile_IM_Language: { type: 'uint', def: 0 },
  Tag_Profile_IM_Image: { type: 'string', def: '' },
  Tag_Profile_IM_MsgSettings: { type: 'uint', def: 0 },
  Tag_Profile_IM_AdminForbidType: { type: 'string', oneOf: ['AdminForbid_Type_None', 'AdminForbid_Type_SendOut'], def: 'AdminForbid_Type_None' },
  Tag_Profile_IM_Level: { type: 'uint', def: 0 },
  Tag_Profile_IM_Role: { type: 'uint', def: 0 },
};
/** Custom fields: Tencent allows 8-character keys set up in the console; Parley accepts any 1–16. */
const CUSTOM = /^Tag_Profile_Custom_[A-Za-z0-9_]{1,16}$/;

function fail(info: CodeInfo, detail?: string): never {
  throw new ParleyError(info, detail ? `${info.message}: ${detail}` : info.message);
}

/** Validates one item; returns the value to store. */
function checkItem(sdkAppId: number, tag: unknown, value: unknown, i: number, content: ContentServices): string | number {
  if (typeof tag !== 'string' || tag === '') fail(ProfileCodes.BAD_REQUEST, `ProfileItem[${i}].Tag must be a string`);
  if (value === undefined || value === null) fail(ProfileCodes.BAD_REQUEST, `ProfileItem[${i}].Value is required`);
  const std = STANDARD[tag];
  if (!std) {
    if (!CUSTOM.test(tag)) fail(ProfileCodes.TAG_NOT_FOUND, tag.slice(0, 64));
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) fail(ProfileCodes.VALUE_TYPE_MISMATCH, `${tag} must be a string or an unsigned integer`);
      return value;
    }
    if (typeof value !== 'string') fail(ProfileCodes.VALUE_TYPE_MISMATCH, `${tag} must be a string or an unsigned integer`);
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) fail(ProfileCodes.VALUE_TOO_LONG, tag);
    return value;
  }
  if (std.type === 'uint') {
    if (typeof value !== 'number' || !Number.isInteger(value)) fail(ProfileCodes.VALUE_TYPE_MISMATCH, `${tag} must be an integer`);
    if (value < 0 || value > (std.max ?? UINT32)) fail(ProfileCodes.BAD_STANDARD_VALUE, `${tag} must be an unsigned 32-bit integer`);
    return value;
  }
  if (typeof value !== 'string') fail(ProfileCodes.VALUE_TYPE_MISMATCH, `${tag} must be a string`);
  if (Buffer.byteLength(value) > (std.maxBytes ?? MAX_VALUE_BYTES)) fail(std.maxBytes ? ProfileCodes.BAD_STANDARD_VALUE : ProfileCodes.VALUE_TOO_LONG, tag);
  if (std.oneOf && !std.oneOf.includes(value)) fail(ProfileCodes.BAD_STANDARD_VALUE, `${tag} must be one of ${std.oneOf.join(', ')}`);
  if (std.filtered && !content.filter.checkText(sdkAppId, value).ok) fail(ProfileCodes.DIRTY_WORD, tag);
  return value;
}

/** The stored value of a tag, or undefined when a custom tag was never set. */
function valueOf(a: AccountRecord, tag: string): string | number | undefined {
  if (tag === 'Tag_Profile_IM_Nick') return a.nick;
  if (tag === 'Tag_Profile_IM_Image') return a.faceUrl;
  const v = a.profile[tag];
  if (v !== undefined) return v;
  return STANDARD[tag]?.def;
}

export function registerProfileCommands(registry: CommandRegistry, services: Services, content: ContentServices): void {
  const { store } = services;

  registry.register('profile/portrait_set', async (ctx, body) => {
    const from = body['From_Account'];
    if (typeof from !== 'string' || from === '') fail(ProfileCodes.BAD_REQUEST, 'From_Account must be a string');
    const items = body['ProfileItem'];
    if (!Array.isArray(items) || items.length === 0) fail(ProfileCodes.BAD_REQUEST, 'ProfileItem must be a non-empty array');
    if (items.length > MAX_ITEMS) fail(ProfileCodes.BAD_REQUEST, `At most ${MAX_ITEMS} profile items per call`);
    const fields: Record<string, string | number> = {};
    items.forEach((item: unknown, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) fail(ProfileCodes.BAD_REQUEST, `ProfileItem[${i}] must be an object`);
      const { Tag, Value } = item as Record<string, unknown>;
      fields[Tag as string] = checkItem(ctx.app.sdkAppId, Tag, Value, i, content);
    });
    const { sdkAppId } = ctx.app;
    if (!isValidUserID(from) || !(await store.accounts.getAccounts(sdkAppId, [from])).has(from)) fail(ProfileCodes.ACCOUNT_NOT_FOUND, from.slice(0, 40));
    await store.accounts.setProfile(sdkAppId, from, fields);
    return { ErrorDisplay: '' };
  });

  registry.register('profile/portrait_get', async (ctx, body) => {
    const to = body['To_Account'];
    if (!Array.isArray(to) || to.length === 0) fail(ProfileCodes.BAD_REQUEST, 'To_Account must be a non-empty array');
    if (to.length > MAX_GET_ACCOUNTS) fail(ProfileCodes.BAD_REQUEST, `At most ${MAX_GET_ACCOUNTS} accounts per call`);
    if (!to.every((x) => typeof x === 'string')) fail(ProfileCodes.BAD_REQUEST, 'To_Account must hold UserID strings');
    const tags = body['TagList'];
    if (!Array.isArray(tags) || tags.length === 0) fail(ProfileCodes.BAD_REQUEST, 'TagList must be a non-empty array');
    for (const t of tags) {
      if (typeof t !== 'string') fail(ProfileCodes.BAD_REQUEST, 'TagList must hold strings');
      if (!STANDARD[t] && !CUSTOM.test(t)) fail(ProfileCodes.TAG_NOT_FOUND, t.slice(0, 64));
    }
    const ids = [...new Set(to as string[])];
    const found = await store.accounts.getAccounts(ctx.app.sdkAppId, ids.filter(isValidUserID));
    const failed: string[] = [];
    const items = ids.map((id) => {
      const a = found.get(id);
      if (!a) {
        failed.push(id);
        return { To_Account: id, ProfileItem: [], ResultCode: ProfileCodes.ACCOUNT_NOT_FOUND.code, ResultInfo: ProfileCodes.ACCOUNT_NOT_FOUND.message };
      }
      const profile: { Tag: string; Value: string | number }[] = [];
      for (const Tag of tags as string[]) {
        const Value = valueOf(a, Tag);
        if (Value !== undefined) profile.push({ Tag, Value });
      }
      return { To_Account: id, ProfileItem: profile, ResultCode: 0, ResultInfo: '' };
    });
    if (failed.length === ids.length) fail(ProfileCodes.ACCOUNT_NOT_FOUND, failed.slice(0, 5).join(', '));
    return { UserProfileItem: items, ...(failed.length > 0 && { Fail_Account: failed }), ErrorDisplay: '' };
  });
}
