/**
 * The analytics SQL endpoint's connections, used for nothing else:
 * - `checker` parses statements (formatQuery, EXPLAIN AST) and runs none;
 * - `stream()` runs a checked statement under the limits and hands its result on
 *   chunk by chunk, so a large result never sits whole in memory;
 * - `query()` runs one whose result is small, off the event loop.
 * Both are read-only at the engine. On chDB, settings persist per connection (a
 * measured fact), so the limits and the current database are set first and
 * `readonly = 1` last, after which nothing can change them. A server takes the
 * same settings with each request; there `readonly = 2` lets those settings be
 * sent, and the statement check refuses SETTINGS clauses so a query cannot
 * loosen them.
 *
 * chDB's streaming query allows one active stream per connection, so the
 * embedded engine keeps a small pool of reader connections. The client's own
 * query() on chDB materializes the whole result before its Readable starts: that
 * is the design this module replaces.
 *
 * On chDB a statement is cancelled by name from a connection of its own (see
 * chdb-queries.ts), and a reader goes back to the pool only once the engine has
 * let go of it.
 *
 * Not a wall here: `user_files_path`. chDB runs as clickhouse-local, whose file()
 * reads any path the process can (ClickHouse skips the user_files check when the
 * application is local; measured with --user_files_path set), so the statement
 * check is what keeps files out of reach. readonly = 1 does refuse every table
 * function that reads a source (file, url, s3, remote, ...).
 */
import type { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ChdbConnection } from 'chdb/connection';
import type { Config } from '../../../common/config';
import { HindsightError } from '../../../common/errors';
import { abortReason, chdbQuery, chdbStream, Killer } from './chdb-queries';
import { embeddedConnection } from '../../../storage/store';
import type { SqlRegistry, SqlText } from '../../../storage/sql/registry';

/** Limits every analytics SQL query runs under. */
interface SqlLimits {
  maxRows: number;
  maxExecutionSeconds: number;
  maxMemoryBytes: number;
  /** Queries running at once; more wait for a free reader. */
  maxConcurrent: number;
}

export interface QueryResult {
  body: Buffer;
  /** Time the engine took, not counting the wait for a reader. */
  seconds: number;
  /** What the engine read, when it says (chDB does). */
  rowsRead?: number;
  bytesRead?: number;
}

export interface SqlReaders {
  checker: ClickHouseClient;
  /** The statements the endpoint runs around a user's one (its check, DESCRIBE, FORMAT). */
  sql: SqlRegistry;
  /** The execution limit: a request's whole work, every statement it runs, ends within it. */
  maxExecutionMs: number;
  /**
   * Runs one checked SELECT, its rows in a ClickHouse row format (CSV, TSV,
   * JSONEachRow: no header, since chDB writes a format's header again in every
   * chunk). Resolves once the first chunk is there, so a query that fails before
   * its first row rejects with the engine's error instead of breaking off a body
   * already under way. Destroying the stream or aborting `signal` cancels the query.
   */
  stream(statement: SqlText, rowFormat: string, signal: AbortSignal): Promise<Readable>;
  /** Runs one checked statement as one piece, off the event loop; aborting `signal` cancels it. */
  query(statement: SqlText, format: string, signal: AbortSignal): Promise<QueryResult>;
  /** Breaks off every query under way, so that a shutdown need not wait for a long result. */
  interrupt(): void;
  close(): Promise<void>;
}

/** Requests that may wait for a reader, per reader, before new ones are refused. */
const WAITING_PER_READER = 8;

export async function openSqlReaders(config: Config, sql: SqlRegistry): Promise<SqlReaders> {
  const limits: SqlLimits = {
    maxRows: config.sqlMaxRows,
    maxExecutionSeconds: config.sqlMaxExecutionSeconds,
    maxMemoryBytes: config.sqlMaxMemoryBytes,
    maxConcurrent: config.sqlMaxConcurrent,
  };
  return config.clickhouseUrl === undefined ? embeddedReaders(config, sql, limits) : serverReaders(config, sql, limits);
}

async function embeddedReaders(config: Config, sql: SqlRegistry, limits: SqlLimits): Promise<SqlReaders> {
  const checker = embeddedConnection(config.dataDir).client;
  await checker.command(sql.render('sql-endpoint/read-only', {}));
  const killer = new Killer(await readOnlyConnection(config, sql, []), sql);
  const readers: ChdbConnection[] = [];
  const setUp = [
    sql.render('sql-endpoint/reader-limits', { maxRows: limits.maxRows, maxExecutionSeconds: limits.maxExecutionSeconds, maxMemoryBytes: limits.maxMemoryBytes }).query,
    sql.render('sql-endpoint/use-database', {}).query,
  ];
  for (let i = 0; i < limits.maxConcurrent; i++) readers.push(await readOnlyConnection(config, sql, setUp));
  const pool = new ReaderPool(readers);
  const runs = new Runs();
  const run = async <T>(signal: AbortSignal, work: (reader: ChdbConnection, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const stop = runs.signal(signal);
    const reader = await pool.acquire(stop);
    return work(reader, stop);
  };
  return {
    checker,
    sql,
    maxExecutionMs: limits.maxExecutionSeconds * 1000,
    stream: (statement, format, signal) =>
      run(signal, (reader, stop) => chdbStream({ reader, killer, statement, format, signal: stop, release: (cleanup) => runs.track(cleanup.then(() => pool.release(reader))) })),
    query: (statement, format, signal) =>
      run(signal, async (reader, stop) => {
        const finished = chdbQuery(reader, killer, statement, format, stop);
        runs.track(
          finished
            .then(
              () => undefined,
              () => undefined,
            )
            .then(() => pool.release(reader)),
        );
        return finished;
      }),
    interrupt: () => runs.interrupt(),
    close: async () => {
      await runs.settled();
      await checker.close();
      await killer.close();
      for (const reader of readers) await reader.close();
    },
  };
}

/** A chDB connection read-only at the engine, after `statements` set it up. */
async function readOnlyConnection(config: Config, sql: SqlRegistry, statements: readonly SqlText[]): Promise<ChdbConnection> {
  const { client, connection } = embeddedConnection(config.dataDir);
  for (const statement of [...statements, sql.render('sql-endpoint/read-only', {}).query]) await client.command({ query: statement });
  return connection;
}

/** The runs under way: one signal to stop them all at shutdown, and their cleanups to wait for. */
class Runs {
  private readonly shutdown = new AbortController();
  private readonly cleanups = new Set<Promise<void>>();

  signal(request: AbortSignal): AbortSignal {
    return AbortSignal.any([request, this.shutdown.signal]);
  }

  track(cleanup: Promise<void>): void {
    this.cleanups.add(cleanup);
    void cleanup.finally(() => this.cleanups.delete(cleanup));
  }

  interrupt(): void {
    this.shutdown.abort(new HindsightError('HS_SHUTTING_DOWN', 'Hindsight is shutting down'));
  }

  async settled(): Promise<void> {
    while (this.cleanups.size > 0) await Promise.all(this.cleanups);
  }
}

/** Hands each reader connection to one query at a time; waiters queue in order. */
class ReaderPool {
  private readonly free: ChdbConnection[];
  private readonly waiting: { resolve(reader: ChdbConnection): void }[] = [];

  constructor(private readonly readers: readonly ChdbConnection[]) {
    this.free = [...readers];
  }

  acquire(signal: AbortSignal): Promise<ChdbConnection> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const reader = this.free.pop();
    if (reader) return Promise.resolve(reader);
    if (this.waiting.length >= this.readers.length * WAITING_PER_READER) {
      return Promise.reject(new HindsightError('HS_SQL_BUSY', `${this.readers.length} queries are running and ${this.waiting.length} are waiting; try again shortly`));
    }
    return new Promise((resolve, reject) => {
      const abandoned = (): void => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new HindsightError('HS_SQL_FAILED', 'the request was abandoned before a reader was free'));
      };
      const waiter = {
        resolve: (reader: ChdbConnection) => {
          signal.removeEventListener('abort', abandoned);
          resolve(reader);
        },
      };
      this.waiting.push(waiter);
      signal.addEventListener('abort', abandoned, { once: true });
    });
  }

  release(reader: ChdbConnection): void {
    const next = this.waiting.shift();
    if (next) next.resolve(reader);
    else this.free.push(reader);
  }
}

function serverReaders(config: Config, sql: SqlRegistry, limits: SqlLimits): SqlReaders {
  const server = { url: config.clickhouseUrl, username: config.clickhouseUser, password: config.clickhousePassword, database: config.database };
  const checker = createClient({ ...server, clickhouse_settings: { readonly: '2' } });
  // The server streams over HTTP by itself; its connection pool bounds concurrency.
  const reader = createClient({
    ...server,
    max_open_connections: limits.maxConcurrent,
    clickhouse_settings: {
      readonly: '2',
      max_result_rows: String(limits.maxRows),
      result_overflow_mode: 'throw',
      max_execution_time: limits.maxExecutionSeconds,
      max_memory_usage: String(limits.maxMemoryBytes),
      allow_introspection_functions: 0,
      // Without it a server runs a query to its end after the client went away.
      cancel_http_readonly_queries_on_client_close: 1,
      // A whole trace lives on one shard, so JOINs and INs over Distributed tables run shard-locally.
      ...(config.cluster === undefined ? {} : { distributed_product_mode: 'local' as const }),
    },
  });
  const runs = new Runs();
  const exec = async (statement: SqlText, format: string, signal: AbortSignal): Promise<Readable> => {
    const { stream } = await reader.exec({ query: sql.render('sql-endpoint/with-format', { statement, format }).query, abort_signal: runs.signal(signal) });
    return stream;
  };
  return {
    checker,
    sql,
    maxExecutionMs: limits.maxExecutionSeconds * 1000,
    stream: exec,
    interrupt: () => runs.interrupt(),
    query: async (statement, format, signal) => {
      const started = performance.now();
      const parts: Buffer[] = [];
      for await (const part of await exec(statement, format, signal)) parts.push(part as Buffer);
      return { body: Buffer.concat(parts), seconds: (performance.now() - started) / 1000 };
    },
    close: async () => void (await Promise.all([checker.close(), reader.close()])),
  };
}
