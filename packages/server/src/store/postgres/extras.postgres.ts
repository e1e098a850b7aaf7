/**
 * @module store/postgres/extras.postgres
 * DirtyWordStore, NoSpeakingStore and StatsStore on PostgreSQL (tables from migration 3). Each
 * write is one statement or one transaction, so nodes may write concurrently.
 */
import type { DailyDelta, DailyFigures, Day, DirtyWordStore, NoSpeakingRecord, NoSpeakingStore, StatsStore } from '../dirty-word-store.ts';
import type { PgDatabase } from './pg-database.ts';

export class PostgresDirtyWordStore implements DirtyWordStore {
  constructor(private readonly db: PgDatabase) {}

  async list(sdkAppId: number): Promise<string[]> {
    const rows = await this.db.query<{ word: string }>('SELECT word FROM dirty_words WHERE sdk_app_id = $1 ORDER BY id', [sdkAppId]);
    return rows.map((r) => r.word);
  }

  async add(sdkAppId: number, words: string[]): Promise<void> {
    if (words.length === 0) return;
    // unnest WITH ORDINALITY keeps the caller's order in the id sequence.
    await this.db.query(`INSERT INTO dirty_words (sdk_app_id, word)
      SELECT $1, w FROM unnest($2::text[]) WITH ORDINALITY AS t(w, i) ORDER BY i
      ON CONFLICT (sdk_app_id, word) DO NOTHING`, [sdkAppId, words]);
  }

  async remove(sdkAppId: number, words: string[]): Promise<void> {
    if (words.length === 0) return;
    await this.db.query('DELETE FROM dirty_words WHERE sdk_app_id = $1 AND word = ANY($2::text[])', [sdkAppId, words]);
  }
}

export class PostgresNoSpeakingStore implements NoSpeakingStore {
  constructor(private readonly db: PgDatabase) {}

  async set(sdkAppId: number, userID: string, change: Partial<NoSpeakingRecord>): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query(`INSERT INTO no_speaking (sdk_app_id, user_id, c2c_until, group_until)
        VALUES ($1, $2, COALESCE($3::bigint, 0), COALESCE($4::bigint, 0))
        ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET c2c_until = COALESCE($3::bigint, no_speaking.c2c_until),
          group_until = COALESCE($4::bigint, no_speaking.group_until)`,
      [sdkAppId, userID, change.c2cUntil ?? null, change.groupUntil ?? null]);
      await c.query('DELETE FROM no_speaking WHERE sdk_app_id = $1 AND user_id = $2 AND c2c_until = 0 AND group_until = 0', [sdkAppId, userID]);
    });
  }

  async get(sdkAppId: number, userIDs: readonly string[]): Promise<Map<string, NoSpeakingRecord>> {
    const out = new Map<string, NoSpeakingRecord>();
    if (userIDs.length === 0) return out;
    const rows = await this.db.query<{ user_id: string; c2c_until: number; group_until: number }>(
      'SELECT user_id, c2c_until, group_until FROM no_speaking WHERE sdk_app_id = $1 AND user_id = ANY($2::text[])', [sdkAppId, [...userIDs]]);
    for (const r of rows) out.set(r.user_id, { c2cUntil: Number(r.c2c_until), groupUntil: Number(r.group_until) });
    return out;
  }
}

export class PostgresStatsStore implements StatsStore {
  constructor(private readonly db: PgDatabase) {}

  async addDaily(deltas: readonly DailyDelta[]): Promise<void> {
    const cApp: number[] = [];
    const cDay: string[] = [];
    const cName: string[] = [];
    const cVal: number[] = [];
    const kApp: number[] = [];
    const kDay: string[] = [];
    const kKind: string[] = [];
    const kKey: string[] = [];
    for (const d of deltas) {
      for (const [name, v] of Object.entries(d.counters)) {
        if (v === 0) continue;
        cApp.push(d.sdkAppId); cDay.push(d.day); cName.push(name); cVal.push(v);
      }
      for (const [kind, keys] of Object.entries(d.distinct)) {
        for (const k of keys) { kApp.push(d.sdkAppId); kDay.push(d.day); kKind.push(kind); kKey.push(k); }
      }
    }
    if (cApp.length === 0 && kApp.length === 0) return;
    await this.db.tx(async (c) => {
      if (cApp.length > 0) {
        // Summed first: one row may appear once per statement in ON CONFLICT DO UPDATE.
        await c.query(`INSERT INTO daily_counters (sdk_app_id, day, name, value)
          SELECT a, d, n, sum(v) FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS t(a, d, n, v) GROUP BY a, d, n
          ORDER BY a, d, n
          ON CONFLICT (sdk_app_id, day, name) DO UPDATE SET value = daily_counters.value + excluded.value`, [cApp, cDay, cName, cVal]);
      }
      if (kApp.length > 0) {
        await c.query(`INSERT INTO daily_distinct (sdk_app_id, day, kind, key)
          SELECT DISTINCT a, d, k, x FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(a, d, k, x)
          ON CONFLICT DO NOTHING`, [kApp, kDay, kKind, kKey]);
      }
    });
  }

  async daily(sdkAppId: number, fromDay: Day, toDay: Day): Promise<DailyFigures[]> {
    const days = new Map<string, DailyFigures>();
    const at = (day: string) => {
      let f = days.get(day);
      if (!f) days.set(day, (f = { day, counters: {}, distinct: {} }));
      return f;
    };
    const counters = await this.db.query<{ day: string; name: string; value: number }>(
      'SELECT day, name, value FROM daily_counters WHERE sdk_app_id = $1 AND day BETWEEN $2 AND $3', [sdkAppId, fromDay, toDay]);
    for (const r of counters) at(r.day).counters[r.name] = Number(r.value);
    const distinct = await this.db.query<{ day: string; kind: string; n: number }>(
      'SELECT day, kind, count(*) AS n FROM daily_distinct WHERE sdk_app_id = $1 AND day BETWEEN $2 AND $3 GROUP BY day, kind',
      [sdkAppId, fromDay, toDay]);
    for (const r of distinct) at(r.day).distinct[r.kind] = Number(r.n);
    return [...days.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  }
}
