/**
 * @module groups/group-attrs
 * Group attributes: a key-value map per group, set by the app admin over REST (get, modify, set,
 * clear). Tencent's REST pages allow them on every group type; they began as an AVChatRoom feature
 * (seat lists of voice rooms), so live rooms keep them too — in the store, like any other group,
 * so they survive a restart and are the same on every node until the room is dismissed.
 *
 * Limits (Tencent's): at most 16 keys (10047), key 1–32 bytes (10045), value ≤ 4,000 bytes (10046),
 * keys and values together ≤ 16 KB (10048). A change is checked against the map it would produce,
 * inside the store's transaction, and nothing is written when it fails.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { GroupAttrs } from '../store/group-attr-store.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';

export const ATTR_LIMITS = { keys: 16, keyBytes: 32, valueBytes: 4000, totalBytes: 16 * 1024 } as const;

/** `[{ key, value }]` as a map; 10004 for a malformed list, 10045/10046 for a key or value over its limit. */
export function parseAttrList(v: unknown, name = 'GroupAttr'): GroupAttrs {
  if (!Array.isArray(v)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} must be an array of {key, value}`);
  if (v.length === 0) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} is empty`);
  const out: GroupAttrs = {};
  for (const item of v as unknown[]) {
    const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const { key, value } = o;
    if (typeof key !== 'string' || key === '') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} keys are non-empty strings`);
    if (typeof value !== 'string') throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name}.${key.slice(0, 32)} must be a string`);
    if (Buffer.byteLength(key) > ATTR_LIMITS.keyBytes) throw new ParleyError(Codes.GROUP_ATTR_KEY_TOO_LONG);
    if (Buffer.byteLength(value) > ATTR_LIMITS.valueBytes) throw new ParleyError(Codes.GROUP_ATTR_VALUE_TOO_LONG, `${key}: ${Buffer.byteLength(value)} bytes`);
    if (Object.hasOwn(out, key)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} lists ${key} twice`);
    out[key] = value;
  }
  return out;
}

/** 10047 / 10048 when the resulting map is over the limits. */
export function checkAttrTotals(attrs: GroupAttrs): GroupAttrs {
  const keys = Object.keys(attrs);
  if (keys.length > ATTR_LIMITS.keys) throw new ParleyError(Codes.GROUP_ATTR_TOO_MANY_KEYS, `${keys.length} keys`);
  let bytes = 0;
  for (const k of keys) bytes += Buffer.byteLength(k) + Buffer.byteLength(attrs[k]!);
  if (bytes > ATTR_LIMITS.totalBytes) throw new ParleyError(Codes.GROUP_ATTR_TOO_LARGE, `${bytes} bytes`);
  return attrs;
}

export class GroupAttributes {
  constructor(private readonly core: GroupCore) {}

  async get(actor: Actor, groupId: unknown): Promise<GroupAttrs> {
    const group = await this.core.load(actor.sdkAppId, groupId);
    return this.core.store.groupAttrs.get(group.sdkAppId, group.groupId);
  }

  /** Adds or replaces the given keys, keeping the others. */
  modify(actor: Actor, groupId: unknown, list: unknown): Promise<GroupAttrs> {
    const patch = parseAttrList(list);
    return this.#write(actor, groupId, (current) => checkAttrTotals({ ...current, ...patch }));
  }

  /** Replaces the whole map. */
  set(actor: Actor, groupId: unknown, list: unknown): Promise<GroupAttrs> {
    const attrs = checkAttrTotals(parseAttrList(list));
    return this.#write(actor, groupId, () => attrs);
  }

  clear(actor: Actor, groupId: unknown): Promise<GroupAttrs> {
    return this.#write(actor, groupId, () => ({}));
  }

  async #write(actor: Actor, groupId: unknown, change: (current: GroupAttrs) => GroupAttrs): Promise<GroupAttrs> {
    const group = await this.core.load(actor.sdkAppId, groupId);
    // Only the app admin writes them for now (no client op yet).
    if (!actor.appAdmin) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Group attributes are set by the app admin');
    const out = await this.core.store.groupAttrs.update(group.sdkAppId, group.groupId, change);
    if (!out) throw new ParleyError(Codes.GROUP_NOT_FOUND);
    return out;
  }
}
