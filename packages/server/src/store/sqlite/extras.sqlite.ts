/**
 * @module store/sqlite/extras.sqlite
 * DirtyWordStore, NoSpeakingStore and StatsStore on SQLite (tables from migration 3).
 */
import type { DailyDelta, DailyFigures, Day, DirtyWordStore, NoSpeakingRecord, NoSpeakingStore, StatsStore } from '../dirty-word-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

export class SqliteDirtyWordStore implements DirtyWordStore {
  private readonly selectAll;
  private readonly insert;
  private readonly remove1;
  private readonly addTx;
  private readonly removeTx;

  constructor(db: SqliteDatabase) {
    this.selectAll = db.prepare<[number], { word: string }>('SELECT word FROM dirty_words WHERE sdk_app_id = ? ORDER BY id');
    this.insert = db.prepare('INSERT OR IGNORE INTO dirty_words (sdk_app_id, word) VALUES (?, ?)');
    this.remove1 = db.prepare('DELETE FROM dirty_words WHERE sdk_app_id = ? AND word = ?');
    this.addTx = db.transaction((app: number, words: string[]) => {
      for (const w of words) this.insert.run(app, w);
    });
    this.removeTx = db.transaction((app: number, words: string[]) => {
      for (const w of words) this.remove1.run(app, w);
    });
  }

  async list(sdkAppId: number): Promise<string[]> {
    return this.selectAll.all(sdkAppId).map((r) => r.word);
  }

  async add(sdkAppId: number, words: string[]): Promise<void> {
    this.addTx(sdkAppId, words);
  }

  async remove(sdkAppId: number, words: string[]): Promise<void> {
    this.removeTx(sdkAppId, words);
  }
}

interface MuteRow { user_id: string; c2c_until: number; group_until: number }

export class SqliteNoSpeakingStore implements NoSpeakingStore {
  private readonly upsert;
  private readonly prune;
  private readonly selectMany;
  private readonly setTx;

  constructor(db: SqliteDatabase) {
    // A NULL parameter means "keep the stored value".
    this.upsert = db.prepare(`INSERT INTO no_speaking (sdk_app_id, user_id, c2c_until, group_until)
      VALUES (:app, :user, COALESCE(:c2c, 0), COALESCE(:grp, 0))
      ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET c2c_until = COALESCE(:c2c, c2c_until), group_until = COALESCE(:grp, group_until)`);
    this.prune = db.prepare('DELETE FROM no_speaking WHERE sdk_app_id = ? AND user_id = ? AND c2c_until = 0 AND group_until = 0');
    this.selectMany = db.prepare<[number, string], MuteRow>(
      'SELECT user_id, c2c_until, group_until FROM no_speaking WHERE sdk_app_id = ? AND user_id IN (SELECT value FROM json_each(?))',
    );
    this.setTx = db.transaction((app: number, user: string, change: Partial<NoSpeakingRecord>) => {
      this.upsert.run({ app, user, c2c: change.c2cUntil ?? null, grp: change.groupUntil ?? null });
      this.prune.run(app, user);
    });
  }

  async set(sdkAppId: number, userID: string, change: Partial<NoSpeakingRecord>): Promise<void> {
    this.setTx(sdkAppId, userID, change);
  }

  async get(sdkAppId: number, userIDs: readonly string[]): Promise<Map<string, NoSpeakingRecord>> {
    const out = new Map<string, NoSpeakingRecord>();
    if (userIDs.length === 0) return out;
    for (const r of this.selectMany.all(sdkAppId, JSON.stringify(userIDs))) out.set(r.user_id, { c2cUntil: r.c2c_until, groupUntil: r.group_until });
    return out;
  }
}

export class SqliteStatsStore implements StatsStore {
  private readonly addCounter;
  private readonly addKey;
  private readonly counters;
  private readonly distinct;
  private readonly addTx;

  constructor(db: SqliteDatabase) {
    this.addCounter = db.prepare(`INSERT INTO daily_counters (sdk_app_id, day, name, value) VALUES (?, ?, ?, ?)
      ON CONFLICT (sdk_app_id, day, name) DO UPDATE SET value = value + excluded.value`);
    this.addKey = db.prepare('INSERT OR IGNORE INTO daily_distinct (sdk_app_id, day, kind, key) VALUES (?, ?, ?, ?)');
    this.counters = db.prepare<[number, string, string], { day: string; name: string; value: number }>(
      'SELECT day, name, value FROM daily_counters WHERE sdk_app_id = ? AND day BETWEEN ? AND ?',
    );
    this.distinct = db.prepare<[number, string, string], { day: string; kind: string; n: number }>(
      'SELECT day, kind, COUNT(*) AS n FROM daily_distinct WHERE sdk_app_id = ? AND day BETWEEN ? AND ? GROUP BY day, kind',
    );
    this.addTx = db.transaction((deltas: readonly DailyDelta[]) => {
      for (const d of deltas) {
        for (const [name, v] of Object.entries(d.counters)) if (v !== 0) this.addCounter.run(d.sdkAppId, d.day, name, v);
        for (const [kind, keys] of Object.entries(d.distinct)) for (const k of keys) this.addKey.run(d.sdkAppId, d.day, kind, k);
      }
    });
  }

  async addDaily(deltas: readonly DailyDelta[]): Promise<void> {
    if (deltas.length > 0) this.addTx(deltas);
  }

  async daily(sdkAppId: number, fromDay: Day, toDay: Day): Promise<DailyFigures[]> {
    const days = new Map<string, DailyFigures>();
    const at = (day: string) => {
      let f = days.get(day);
      if (!f) days.set(day, (f = { day, counters: {}, distinct: {} }));
      return f;
    };
    for (const r of this.counters.all(sdkAppId, fromDay, toDay)) at(r.day).counters[r.name] = r.value;
    for (const r of this.distinct.all(sdkAppId, fromDay, toDay)) at(r.day).distinct[r.kind] = r.n;
    return [...days.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  }
}
