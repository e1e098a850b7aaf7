/**
 * @module store/sqlite/group-attr-store.sqlite
 * GroupAttrStore on SQLite: one JSON row per group in `group_attrs`. The update runs as one
 * synchronous transaction, so the caller's check and the write cannot interleave with another.
 */
import type { GroupAttrs, GroupAttrStore } from '../group-attr-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

export class SqliteGroupAttrStore implements GroupAttrStore {
  private readonly s;
  private readonly updateTx;

  constructor(db: SqliteDatabase) {
    const p = <R = unknown>(sql: string) => db.prepare<unknown[], R>(sql);
    this.s = {
      group: p<{ n: number }>('SELECT 1 AS n FROM chat_groups WHERE sdk_app_id = ? AND group_id = ?'),
      get: p<{ attrs: string }>('SELECT attrs FROM group_attrs WHERE sdk_app_id = ? AND group_id = ?'),
      put: p(`INSERT INTO group_attrs (sdk_app_id, group_id, attrs) VALUES (?, ?, ?)
        ON CONFLICT (sdk_app_id, group_id) DO UPDATE SET attrs = excluded.attrs`),
      clear: p('DELETE FROM group_attrs WHERE sdk_app_id = ? AND group_id = ?'),
    };
    this.updateTx = db.transaction((app: number, gid: string, change: (current: GroupAttrs) => GroupAttrs): GroupAttrs | undefined => {
      if (!this.s.group.get(app, gid)) return undefined;
      const next = change(this.read(app, gid));
      if (Object.keys(next).length === 0) this.s.clear.run(app, gid);
      else this.s.put.run(app, gid, JSON.stringify(next));
      return next;
    });
  }

  private read(app: number, gid: string): GroupAttrs {
    const row = this.s.get.get(app, gid);
    return row ? (JSON.parse(row.attrs) as GroupAttrs) : {};
  }

  async get(sdkAppId: number, groupId: string): Promise<GroupAttrs> {
    return this.read(sdkAppId, groupId);
  }

  async update(sdkAppId: number, groupId: string, change: (current: GroupAttrs) => GroupAttrs): Promise<GroupAttrs | undefined> {
    return this.updateTx(sdkAppId, groupId, change);
  }
}
