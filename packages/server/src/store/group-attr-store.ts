/**
 * @module store/group-attr-store
 * Group attributes (REST `get/modify/set/clear_group_attr`, the client ops
 * `init/set/delete/getGroupAttributes`): one small key-value map per group, kept apart from the
 * group row so reading a group on every send does not drag up to 16 KB along.
 * Limits are the group module's; the store offers a read-modify-write in one transaction so a
 * check on the merged map and the write it guards cannot interleave with another writer.
 * Deleting the group deletes its attributes. Every engine passes `group-attr-store.contract.ts`.
 */

export type GroupAttrs = Record<string, string>;

export interface GroupAttrStore {
  /** The group's attributes ({} when none or no such group). */
  get(sdkAppId: number, groupId: string): Promise<GroupAttrs>;
  /**
   * Replaces the attributes with `change(current)` in one transaction, the group row locked.
   * `change` may throw to refuse (nothing is written). Undefined when the group does not exist.
   */
  update(sdkAppId: number, groupId: string, change: (current: GroupAttrs) => GroupAttrs): Promise<GroupAttrs | undefined>;
}
