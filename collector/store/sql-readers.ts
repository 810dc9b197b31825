/**
 * The analytics SQL endpoint's connections, used for nothing else:
 * - `checker` parses statements (formatQuery, EXPLAIN AST) and runs none;
 * - `stream()` runs a checked statement under the limits and hands its result on
 *   chunk by chunk, so a large result never sits whole in memory.
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
 */
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ChdbConnection } from 'chdb/connection';
import type { Config } from '../config';
import { HindsightError } from '../errors';
import { embeddedConnection } from './client';

/** Limits every analytics SQL query runs under. */
interface SqlLimits {
  maxRows: number;
  maxExecutionSeconds: number;
  maxMemoryBytes: number;
  /** Queries running at once; more wait for a free reader. */
  maxConcurrent: number;
}

export interface SqlReaders {
  checker: ClickHouseClient;
  /**
   * Runs one checked SELECT, its rows in a ClickHouse row format (CSV, TSV,
   * JSONEachRow: no header, since chDB writes a format's header again in every
   * chunk). Resolves once the first chunk is there, so a query that fails before
   * its first row rejects with the engine's error instead of breaking off a body
   * already under way. Destroying the stream cancels the query.
   */
  stream(sql: string, rowFormat: string, signal: AbortSignal): Promise<Readable>;
  /** Runs one checked statement whose result is small (SHOW, DESCRIBE, EXPLAIN) as one piece. */
  query(sql: string, format: string, signal: AbortSignal): Promise<Buffer>;
  /** Breaks off every stream under way, so that a shutdown need not wait for a long result. */
  interrupt(): void;
  close(): Promise<void>;
}

/** Requests that may wait for a reader, per reader, before new ones are refused. */
const WAITING_PER_READER = 8;

export async function openSqlReaders(config: Config): Promise<SqlReaders> {
  const limits: SqlLimits = {
    maxRows: config.sqlMaxRows,
    maxExecutionSeconds: config.sqlMaxExecutionSeconds,
    maxMemoryBytes: config.sqlMaxMemoryBytes,
    maxConcurrent: config.sqlMaxConcurrent,
  };
  return config.clickhouseUrl === undefined ? embeddedReaders(config, limits) : serverReaders(config, limits);
}

async function embeddedReaders(config: Config, limits: SqlLimits): Promise<SqlReaders> {
  const checker = embeddedConnection(config.dataDir).client;
  await checker.command({ query: 'SET readonly = 1' });
  const readers: ChdbConnection[] = [];
  for (let i = 0; i < limits.maxConcurrent; i++) {
    const { client, connection } = embeddedConnection(config.dataDir);
    // Numbers are validated integers from the config; the database a validated identifier.
    for (const statement of [
      `SET max_result_rows = ${limits.maxRows}`,
      "SET result_overflow_mode = 'throw'",
      `SET max_execution_time = ${limits.maxExecutionSeconds}`,
      `SET max_memory_usage = ${limits.maxMemoryBytes}`,
      `USE ${config.database}`,
      'SET readonly = 1',
    ]) {
      await client.command({ query: statement });
    }
    readers.push(connection);
  }
  const pool = new ReaderPool(readers);
  const active = new ActiveStreams();
  return {
    checker,
    stream: async (sql, format, signal) => {
      const reader = await pool.acquire(signal);
      const stream = await chdbStream(reader, sql, format, signal, () => pool.release(reader)).catch((err: unknown) => {
        pool.release(reader);
        throw err;
      });
      return active.track(stream);
    },
    interrupt: () => active.interrupt(),
    query: async (sql, format, signal) => {
      const reader = await pool.acquire(signal);
      try {
        // No signal: an aborted single-shot query keeps computing, and its reader must not be handed on meanwhile.
        return Buffer.from((await reader.chdb.queryAsync(sql, { format })).bytes());
      } finally {
        pool.release(reader);
      }
    },
    close: async () => {
      await checker.close();
      for (const reader of readers) await reader.close();
    },
  };
}

/**
 * A chDB streaming query as a Readable: pulled one native chunk per read(), so
 * a slow HTTP client holds the query back instead of the result piling up here.
 */
async function chdbStream(reader: ChdbConnection, sql: string, format: string, signal: AbortSignal, release: () => void): Promise<Readable> {
  const query = reader.chdb.queryStream(sql, { format, signal });
  const chunks = query[Symbol.asyncIterator]();
  const first = await chunks.next().catch((err: unknown) => {
    query.cancel();
    throw err;
  });
  let released = false;
  const readable = new Readable({
    read() {
      chunks.next().then(
        (next) => {
          // raw() is a view over the engine's chunk; copy it before the next fetch.
          if (next.done) this.push(null);
          else this.push(Buffer.from(next.value.raw()));
        },
        (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    },
    destroy(err, callback) {
      if (!released) {
        released = true;
        if (!query.closed) query.cancel();
        release();
      }
      callback(err);
    },
  });
  if (first.done) readable.push(null);
  else readable.push(Buffer.from(first.value.raw()));
  return readable;
}

class ActiveStreams {
  private readonly streams = new Set<Readable>();

  track(stream: Readable): Readable {
    this.streams.add(stream);
    stream.once('close', () => this.streams.delete(stream));
    return stream;
  }

  interrupt(): void {
    for (const stream of this.streams) stream.destroy(new HindsightError('HS_SHUTTING_DOWN', 'Hindsight is shutting down'));
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

function serverReaders(config: Config, limits: SqlLimits): SqlReaders {
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
      // A whole trace lives on one shard, so JOINs and INs over Distributed tables run shard-locally.
      ...(config.cluster === undefined ? {} : { distributed_product_mode: 'local' as const }),
    },
  });
  const active = new ActiveStreams();
  return {
    checker,
    stream: async (sql, format, signal) => active.track((await reader.exec({ query: `${sql}\nFORMAT ${format}`, abort_signal: signal })).stream),
    interrupt: () => active.interrupt(),
    query: async (sql, format, signal) => {
      const { stream } = await reader.exec({ query: `${sql}\nFORMAT ${format}`, abort_signal: signal });
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(part as Buffer);
      return Buffer.concat(parts);
    },
    close: async () => void (await Promise.all([checker.close(), reader.close()])),
  };
}
