/**
 * @module store/postgres/pg-database
 * The connection pool and the two ways to use it: `query` (one statement) and `tx` (a transaction
 * on one pooled connection, retried on deadlock/serialization/unique races). Connection failures
 * become ParleyError(STORE_UNAVAILABLE) so callers can answer a retryable code; the pool drops
 * broken connections and opens fresh ones by itself once PostgreSQL is back.
 */
import pg from 'pg';
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';

export interface PgOptions {
  /** Schema holding Parley's tables (created if missing); default `public`. */
  schema?: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  /** Wait for a connection before failing with STORE_UNAVAILABLE; default 5000 ms. */
  connectTimeoutMs?: number;
}

/** bigint and COUNT(*) come back as JS numbers: every value Parley stores fits in 2^53. */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '57P01', // admin_shutdown (also pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / recovering)
  '53300', // too_many_connections
]);

/** True for failures that mean "the database is unreachable right now", not "the query is wrong". */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed/i.test(err.message);
}

export function toStoreError(err: unknown): unknown {
  if (err instanceof ParleyError || !isConnectionError(err)) return err;
  return new ParleyError(Codes.STORE_UNAVAILABLE, `PostgreSQL is unavailable: ${(err as Error).message}`, { cause: err });
}

/** deadlock_detected, serialization_failure: the transaction is safe to run again. */
const RETRYABLE_TX_CODES = ['40P01', '40001'];

export type Queryable = Pick<pg.PoolClient, 'query'>;

export class PgDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;

  constructor(url: string, opts: PgOptions = {}) {
    const schema = opts.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}"`);
    this.schema = schema;
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.maxConnections ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      types: TYPES,
      options: `-c search_path=${schema}`,
    });
    // An idle connection that dies (server restart, pg_terminate_backend) is reported here; the pool
    // already discards it. Without a listener the error would crash the process.
    this.pool.on('error', () => {});
    // Same for a checked-out connection that dies between queries: the next query on it rejects
    // (and tx destroys it), so the event itself carries nothing we need.
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * Runs `fn` in a transaction on one connection. Deadlocks and serialization failures (plus any
   * `alsoRetry` codes) roll back and run `fn` again, so `fn` must not have effects outside the
   * database.
   */
  async tx<T>(fn: (c: Queryable) => Promise<T>, alsoRetry: readonly string[] = [], attempts = 5): Promise<T> {
    const retryable = new Set([...RETRYABLE_TX_CODES, ...alsoRetry]);
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw toStoreError(err);
      }
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        client.release();
        return out;
      } catch (err) {
        const broken = isConnectionError(err);
        if (!broken) await client.query('ROLLBACK').catch(() => {});
        // A broken connection is destroyed rather than returned to the pool.
        client.release(broken ? (err as Error) : undefined);
        const code = (err as { code?: unknown }).code;
        if (!broken && typeof code === 'string' && retryable.has(code) && attempt < attempts) continue;
        throw toStoreError(err);
      }
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
