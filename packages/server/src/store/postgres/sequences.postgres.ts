/**
 * @module store/postgres/sequences.postgres
 * Gap-free sequence allocation shared by every node: one `counters` row per conversation and per
 * inbox, bumped by `n` with INSERT ... ON CONFLICT DO UPDATE inside the caller's transaction. The
 * row lock is held until commit, so concurrent writers to the same conversation queue up and a
 * rolled-back transaction gives its numbers back. All counters a transaction needs are taken in
 * one statement, in one global order (app, kind, key), so two transactions never wait on each
 * other in a cycle.
 */
import type { Queryable } from './pg-database.ts';

export const CONVERSATION = 0;
export const INBOX = 1;
export type CounterKind = typeof CONVERSATION | typeof INBOX;

const id = (app: number, kind: CounterKind, key: string) => `${kind}\u0000${app}\u0000${key}`;

/** Collects how many values each counter needs, then hands them out in request order. */
export class SequenceRequest {
  private readonly wanted = new Map<string, { app: number; kind: CounterKind; key: string; n: number }>();
  private readonly next = new Map<string, number>();

  add(app: number, kind: CounterKind, key: string, n = 1): void {
    const k = id(app, kind, key);
    const w = this.wanted.get(k);
    if (w) w.n += n;
    else this.wanted.set(k, { app, kind, key, n });
  }

  get size(): number {
    return this.wanted.size;
  }

  /** Reserves every requested value in one statement. */
  async allocate(c: Queryable): Promise<void> {
    if (this.wanted.size === 0) return;
    const rows = [...this.wanted.values()].sort((x, y) =>
      x.app - y.app || x.kind - y.kind || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    const res = await c.query<{ sdk_app_id: number; kind: CounterKind; key: string; value: number }>({
      name: 'parley-counters',
      text: `INSERT INTO counters (sdk_app_id, kind, key, value)
       SELECT (r->>0)::bigint, (r->>1)::smallint, r->>2, (r->>3)::bigint FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, ord)
       ORDER BY ord
       ON CONFLICT (sdk_app_id, kind, key) DO UPDATE SET value = counters.value + excluded.value
       RETURNING sdk_app_id, kind, key, value`,
      // JSON, not pg's text arrays: encoded natively instead of element by element in JavaScript.
      values: [JSON.stringify(rows.map((r) => [r.app, r.kind, r.key, r.n]))],
    });
    for (const r of res.rows) {
      const k = id(r.sdk_app_id, r.kind, r.key);
      this.next.set(k, r.value - (this.wanted.get(k)?.n ?? 0) + 1);
    }
  }

  /** The next reserved value of a counter (after allocate). */
  take(app: number, kind: CounterKind, key: string): number {
    const k = id(app, kind, key);
    const v = this.next.get(k);
    if (v === undefined) throw new Error(`sequence ${k} was not allocated`);
    this.next.set(k, v + 1);
    return v;
  }
}
