/**
 * @module store/postgres/group-attr-store.postgres
 * GroupAttrStore on PostgreSQL: one row per group in `group_attrs`, JSON as text (key order kept).
 * An update locks the group row first — the same first lock every group change takes — so
 * concurrent writers on any node queue up and the caller's limit check sees the latest map.
 */
import type { GroupAttrs, GroupAttrStore } from '../group-attr-store.ts';
import { lockGroup } from './group-store.postgres.ts';
import type { PgDatabase } from './pg-database.ts';

export class PostgresGroupAttrStore implements GroupAttrStore {
  constructor(private readonly db: PgDatabase) {}

  async get(sdkAppId: number, groupId: string): Promise<GroupAttrs> {
    const [row] = await this.db.query<{ attrs: string }>('SELECT attrs FROM group_attrs WHERE sdk_app_id = $1 AND group_id = $2', [sdkAppId, groupId]);
    return row ? (JSON.parse(row.attrs) as GroupAttrs) : {};
  }

  async update(sdkAppId: number, groupId: string, change: (current: GroupAttrs) => GroupAttrs): Promise<GroupAttrs | undefined> {
    return this.db.tx(async (c) => {
      if ((await lockGroup(c, sdkAppId, groupId)) === undefined) return undefined;
      const args = [sdkAppId, groupId];
      const [row] = (await c.query<{ attrs: string }>('SELECT attrs FROM group_attrs WHERE sdk_app_id = $1 AND group_id = $2', args)).rows;
      const next = change(row ? (JSON.parse(row.attrs) as GroupAttrs) : {});
      if (Object.keys(next).length === 0) await c.query('DELETE FROM group_attrs WHERE sdk_app_id = $1 AND group_id = $2', args);
      else {
        await c.query(`INSERT INTO group_attrs (sdk_app_id, group_id, attrs) VALUES ($1, $2, $3)
          ON CONFLICT (sdk_app_id, group_id) DO UPDATE SET attrs = excluded.attrs`, [...args, JSON.stringify(next)]);
      }
      return next;
    });
  }
}
