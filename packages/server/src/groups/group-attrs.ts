/**
 * @module groups/group-attrs
 * Group attributes: a key-value map per group. The app admin reads and writes them over REST (get,
 * modify, set, clear); members do over the WebSocket ops named like Tencent's Web SDK methods
 * (initGroupAttributes, setGroupAttributes, deleteGroupAttributes, getGroupAttributes). Tencent's
 * REST pages allow them on every group type; they began as an AVChatRoom feature (seat lists of
 * voice rooms), so live rooms keep them too — in the store, like any other group, so they survive
 * a restart and are the same on every node until the room is dismissed.
 *
 * Limits (Tencent's): at most 16 keys (10047), key 1–32 bytes (10045), value ≤ 4,000 bytes (10046),
 * keys and values together ≤ 16 KB (10048). A change is checked against the map it would produce,
 * inside the store's transaction, and nothing is written when it fails.
 *
 * Who (clients): members only — of a stored group, a stored member; of an AVChatRoom, a connection
 * that joined the room — else 2642 (the code Tencent's Web SDK raises for "not joined"). Any member
 * may write (Tencent documents no role check; seat lists need every member to write); guests in
 * live rooms only read (300011); BChatRoom, where everyone is "joined", reads for all and writes
 * for the ranks that may send there. App admin accounts and the REST admin act in every group.
 *
 * Rate: client writes count against 5 per second per group (10049, groups/group-attr-rate.ts,
 * cluster-wide). REST writes are exempt: the app's back end is trusted and already limited per
 * command by the REST layer, and an operator correcting state must not be locked out by clients
 * that use up the budget.
 *
 * Push: after every write that changed the map (client or REST), online members get
 * `groupAttributesUpdated { groupID, groupAttributes: <whole map> }` — stored groups through the
 * per-member delivery group messages use (`sessions.deliver`, every node), AVChatRoom through the
 * live-room engine (`LiveRooms.pushAttributes`: High, outside the room's message rate, collapsed to
 * the latest for a member catching up), BChatRoom to every online session of the app
 * (`LiveRooms.pushToApp`). The same push in every group type.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { GroupAttrs } from '../store/group-attr-store.ts';
import type { GroupRecord } from '../store/group-store.ts';
import type { Actor } from './actor.ts';
import { AttrWriteRate } from './group-attr-rate.ts';
import type { GroupCore } from './group-core.ts';
import { atLeast } from './group-types.ts';

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

/** A client's `{ key: value }` map, with the same checks as `parseAttrList`. */
export function parseAttrMap(v: unknown, name = 'groupAttributes'): GroupAttrs {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `${name} must be an object of strings`);
  return parseAttrList(Object.entries(v).map(([key, value]) => ({ key, value })), name);
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

/** The keys of `attrs` listed in `keys` (every key when `keys` is empty or absent). */
function pick(attrs: GroupAttrs, keys: readonly string[] | undefined): GroupAttrs {
  if (!keys || keys.length === 0) return attrs;
  const out: GroupAttrs = {};
  for (const k of keys) if (Object.hasOwn(attrs, k)) out[k] = attrs[k]!;
  return out;
}

export class GroupAttributes {
  readonly rate: AttrWriteRate;

  constructor(private readonly core: GroupCore) {
    this.rate = new AttrWriteRate(core.deps.attrRate, () => core.deps.now());
  }

  /** The whole map, or the listed keys. Clients: members only (2642). */
  async get(actor: Actor, groupId: unknown, keys?: readonly string[]): Promise<GroupAttrs> {
    const group = await this.core.load(actor.sdkAppId, groupId);
    await this.#mayUse(actor, group, false);
    return pick(await this.core.store.groupAttrs.get(group.sdkAppId, group.groupId), keys);
  }

  /** Adds or replaces the given keys (REST `[{key, value}]`), keeping the others. */
  modify(actor: Actor, groupId: unknown, list: unknown): Promise<GroupAttrs> {
    return this.merge(actor, groupId, parseAttrList(list));
  }

  /** Adds or replaces the keys of `patch`, keeping the others (setGroupAttributes). */
  merge(actor: Actor, groupId: unknown, patch: GroupAttrs): Promise<GroupAttrs> {
    return this.#write(actor, groupId, (current) => checkAttrTotals({ ...current, ...patch }));
  }

  /** Replaces the whole map (REST `[{key, value}]`, not empty). */
  set(actor: Actor, groupId: unknown, list: unknown): Promise<GroupAttrs> {
    return this.replace(actor, groupId, parseAttrList(list));
  }

  /** Replaces the whole map; `{}` clears it (initGroupAttributes). */
  replace(actor: Actor, groupId: unknown, attrs: GroupAttrs): Promise<GroupAttrs> {
    checkAttrTotals(attrs);
    return this.#write(actor, groupId, () => attrs);
  }

  clear(actor: Actor, groupId: unknown): Promise<GroupAttrs> {
    return this.#write(actor, groupId, () => ({}));
  }

  /**
   * Deletes the listed keys (keys not set are ignored), or every key when the list is empty
   * (deleteGroupAttributes). Answers the map after and the keys deleted: the list as given, or,
   * for "all", the keys there were.
   */
  async remove(actor: Actor, groupId: unknown, keys: readonly string[]): Promise<{ attrs: GroupAttrs; keyList: string[] }> {
    let keyList: string[] = [...keys];
    const attrs = await this.#write(actor, groupId, (current) => {
      if (keys.length === 0) {
        keyList = Object.keys(current);
        return {};
      }
      const next = { ...current };
      for (const k of keys) delete next[k];
      return next;
    });
    return { attrs, keyList };
  }

  async #write(actor: Actor, groupId: unknown, change: (current: GroupAttrs) => GroupAttrs): Promise<GroupAttrs> {
    const group = await this.core.load(actor.sdkAppId, groupId);
    await this.#mayUse(actor, group, true);
    if (!actor.rest && !(await this.rate.admit(group.sdkAppId, group.groupId))) {
      throw new ParleyError(Codes.GROUP_ATTR_RATE_LIMITED, `More than ${this.rate.perSecond} attribute writes a second in this group`);
    }
    let before = '';
    const out = await this.core.store.groupAttrs.update(group.sdkAppId, group.groupId, (current) => {
      const next = change(current);
      before = JSON.stringify(current);
      return next;
    });
    if (!out) throw new ParleyError(Codes.GROUP_NOT_FOUND);
    if (JSON.stringify(out) !== before) await this.#push(group, out);
    return out;
  }

  /** Clients must be in the group (2642); live-room guests only read (300011); BChatRoom writes need the send rank. */
  async #mayUse(actor: Actor, group: GroupRecord, write: boolean): Promise<void> {
    if (actor.rest || actor.appAdmin) return;
    const { core } = this;
    if (group.type === 'AVChatRoom') {
      if (!actor.conn || core.live.roomOf(actor.conn)?.groupId !== group.groupId) {
        throw new ParleyError(Codes.GROUP_ATTR_NOT_JOINED, 'Join the live room before using its attributes');
      }
      if (write && actor.guest) throw new ParleyError(Codes.RECEIVE_ONLY);
      return;
    }
    if (group.type === 'BChatRoom') {
      if (write && !atLeast((await core.standing(actor, group)).rank, core.rules(group).send)) {
        throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, 'Writing BChatRoom attributes needs the owner or an admin');
      }
      return;
    }
    const member = await core.store.groups.getMember(group.sdkAppId, group.groupId, actor.userID);
    if (!member) throw new ParleyError(Codes.GROUP_ATTR_NOT_JOINED, 'Not a member of the group');
  }

  /** `groupAttributesUpdated` to the group's online members, on every node. The write is done: failures are logged. */
  async #push(group: GroupRecord, attrs: GroupAttrs): Promise<void> {
    const { core } = this;
    const frame = `{"push":"groupAttributesUpdated","data":${JSON.stringify({ groupID: group.groupId, groupAttributes: attrs })}}`;
    try {
      if (group.type === 'BChatRoom') return core.live.pushToApp(group.sdkAppId, frame);
      if (core.rules(group).live) return core.live.pushAttributes(group.sdkAppId, group.groupId, frame);
      for (const user of await core.messaging.memberIds(group.sdkAppId, group.groupId)) core.deps.sessions.deliver(group.sdkAppId, user, frame);
    } catch (err) {
      core.deps.logger.warn({ err, sdkAppId: group.sdkAppId, groupId: group.groupId }, 'group attributes: push failed');
    }
  }
}
