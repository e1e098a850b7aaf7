/**
 * @module store/sqlite/app-purge.sqlite
 * Purges a deleted app's rows from every tenant table, a few thousand rows per transaction, so a
 * tenant with millions of messages never holds the one SQLite writer for long (sends and reads run
 * between batches). The purge is recorded in `app_purges` by the app row's DELETE; each batch
 * re-checks that record in its own transaction and the record is dropped only after a pass that
 * found nothing left, so a purge cut short resumes where it stopped and an SDKAppID in use is never
 * touched.
 *
 * Order matters: rows keyed by interned ids (messages and read cursors by conversations.id, inbox
 * and user_conversations by inbox_owners.id) go before the conversations and inbox_owners rows
 * that say which app they belong to. Deleting those rows frees interned ids that SQLite may hand
 * out again, so the message store's caches of them are dropped (`forget`) after each such batch.
 */
import type { PurgeOptions } from '../app-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

interface Step {
  table: string;
  /** Deletes up to @limit rows of the app @app. */
  del: string;
  /** Counts the rows of the app @app. */
  count: string;
  /** Deleting frees interned ids cached by the message store. */
  interned?: boolean;
}

/** A table with its own sdk_app_id column; `key` identifies a row (rowid, or a WITHOUT ROWID table's primary key after sdk_app_id). */
function direct(table: string, key: string[], interned = false): Step {
  const k = key.join(', ');
  const step: Step = {
    table,
    del: `DELETE FROM ${table} WHERE sdk_app_id = @app AND (${k}) IN (SELECT ${k} FROM ${table} WHERE sdk_app_id = @app LIMIT @limit)`,
    count: `SELECT COUNT(*) AS n FROM ${table} WHERE sdk_app_id = @app`,
  };
  if (interned) step.interned = true;
  return step;
}

/** A table keyed by an interned id (`via`.id = `table`.`col`), whose app is known through `via`. */
function joined(table: string, col: string, via: string, key: string[]): Step {
  const k = key.join(', ');
  const tk = key.map((c) => `t.${c}`).join(', ');
  return {
    table,
    del: `DELETE FROM ${table} WHERE (${k}) IN (SELECT ${tk} FROM ${via} v JOIN ${table} t ON t.${col} = v.id WHERE v.sdk_app_id = @app LIMIT @limit)`,
    count: `SELECT COUNT(*) AS n FROM ${via} v JOIN ${table} t ON t.${col} = v.id WHERE v.sdk_app_id = @app`,
  };
}

/** Every table that holds tenant data (see migrations.ts), in purge order. */
const STEPS: readonly Step[] = [
  joined('messages', 'conv', 'conversations', ['id']),
  joined('read_cursors', 'conv', 'conversations', ['conv', 'user_id']),
  joined('inbox', 'owner', 'inbox_owners', ['owner', 'seq']),
  joined('user_conversations', 'owner', 'inbox_owners', ['owner', 'conv']),
  direct('conversations', ['rowid'], true),
  direct('inbox_owners', ['rowid'], true),
  direct('accounts', ['user_id']),
  direct('group_members', ['group_id', 'user_id']),
  direct('group_mutes', ['group_id', 'user_id']),
  direct('group_applications', ['group_id', 'applicant']),
  direct('group_attrs', ['group_id']),
  direct('group_purges', ['group_id']),
  direct('chat_groups', ['rowid']),
  direct('dirty_words', ['rowid']),
  direct('no_speaking', ['user_id']),
  direct('daily_counters', ['day', 'name']),
  direct('daily_distinct', ['day', 'kind', 'key']),
];

/** The tables a purge empties (a test checks it against the schema, so a new tenant table is not forgotten). */
export const PURGED_TABLES: readonly string[] = STEPS.map((s) => s.table);

export const DEFAULT_PURGE_BATCH = 2000;

export class SqliteAppPurge {
  private readonly s;
  private readonly steps;

  constructor(private readonly db: SqliteDatabase, private readonly forget: () => void) {
    const p = <R = unknown>(sql: string) => db.prepare<unknown[], R>(sql);
    this.s = {
      record: p('INSERT INTO app_purges (sdk_app_id, deleted_at) VALUES (?, ?) ON CONFLICT (sdk_app_id) DO NOTHING'),
      pending: p<{ sdk_app_id: number }>('SELECT sdk_app_id FROM app_purges ORDER BY deleted_at, sdk_app_id'),
      has: p<{ one: number }>('SELECT 1 AS one FROM app_purges WHERE sdk_app_id = ?'),
      finish: p('DELETE FROM app_purges WHERE sdk_app_id = ?'),
      apps: p<{ n: number }>('SELECT (SELECT COUNT(*) FROM apps WHERE sdk_app_id = @app) AS n'),
      purges: p<{ n: number }>('SELECT (SELECT COUNT(*) FROM app_purges WHERE sdk_app_id = @app) AS n'),
    };
    this.steps = STEPS.map((st) => ({ ...st, del: p(st.del), count: p<{ n: number }>(st.count) }));
  }

  /** Inside the app row's DELETE transaction. */
  record(sdkAppId: number, now: number): void {
    this.s.record.run(sdkAppId, now);
  }

  pending(): number[] {
    return this.s.pending.all().map((r) => r.sdk_app_id);
  }

  has(sdkAppId: number): boolean {
    return this.s.has.get(sdkAppId) !== undefined;
  }

  async purge(sdkAppId: number, opts: PurgeOptions = {}): Promise<boolean> {
    const batch = Math.max(1, Math.floor(opts.batch ?? DEFAULT_PURGE_BATCH));
    let budget = opts.maxBatches ?? Number.POSITIVE_INFINITY;
    for (const step of this.steps) {
      for (;;) {
        if (budget-- <= 0) return false;
        // -1: the purge record is gone (finished elsewhere, or never there): touch nothing.
        const n = this.db.transaction(() => (this.has(sdkAppId) ? step.del.run({ app: sdkAppId, limit: batch }).changes : -1)).immediate();
        if (n < 0) return true;
        if (step.interned && n > 0) this.forget();
        if (n < batch) break;
        // Lets sends and reads run between batches.
        await new Promise((r) => setImmediate(r));
      }
    }
    this.s.finish.run(sdkAppId);
    this.forget();
    return true;
  }

  counts(sdkAppId: number): Record<string, number> {
    const out: Record<string, number> = {};
    const apps = this.s.apps.get({ app: sdkAppId })?.n ?? 0;
    const purges = this.s.purges.get({ app: sdkAppId })?.n ?? 0;
    if (apps > 0) out['apps'] = apps;
    if (purges > 0) out['app_purges'] = purges;
    for (const step of this.steps) {
      const n = step.count.get({ app: sdkAppId })?.n ?? 0;
      if (n > 0) out[step.table] = n;
    }
    return out;
  }
}
