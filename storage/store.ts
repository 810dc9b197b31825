/**
 * The one @clickhouse/client of a process: embedded chDB at the data directory by
 * default, a ClickHouse server when a URL is configured. Both engines get the
 * same SQL; nothing above this module knows which one it talks to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { Session } from 'chdb';
import type { ChdbConnection } from 'chdb/connection';
import type { Config } from '../common/config';
import { HindsightError } from '../common/errors';
import { ChdbParamsConnection } from './chdb-params';
import { ChdbPool } from './chdb-pool';
import { localTable } from './schema';
import { openScratch } from './scratch';
import { SqlRegistry } from './sql/registry';
import { toStoreError } from './store-errors';

export type Engine = 'embedded' | 'server';

export interface Store {
  /** The writer's client: inserts, the schema, the jobs. */
  client: ClickHouseClient;
  /**
   * The client the query API reads with. On chDB, a pool of QUERY_READERS connections of
   * its own (chdb-pool.ts: a chDB connection runs one call at a time, so reads would
   * otherwise wait for the writer's insert or job step under way); on a server, `client`,
   * whose HTTP connections already run side by side.
   */
  reader: ClickHouseClient;
  /**
   * The same store for background jobs (the edge job, the backfill): their queries run
   * on one thread at a lower OS priority (JOB_SETTINGS), so that reads and ingest keep
   * their share of the machine while a job catches up.
   */
  background: ClickHouseClient;
  /** Database holding Hindsight's tables; validated as an identifier by the config. */
  database: string;
  /** Every statement the process runs, bound to `database`: loaded (and checked) when the store opens. */
  sql: SqlRegistry;
  engine: Engine;
  /**
   * Inserts rows already encoded as Native blocks (storage/native.ts) into one of
   * Hindsight's tables: the write path's one INSERT. `batchKey` names the batch (the same
   * rows, the same key); a server uses it to deduplicate a retried insert.
   * Rejects with the engine's error.
   */
  insertRows(table: string, columns: readonly string[], chunks: readonly Buffer[], batchKey: string): Promise<void>;
  /** Rejects when the engine does not answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * libchdb binds one data directory per process: a second, different directory
 * would silently open the first. Refuse it instead.
 */
type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

let embeddedPath: string | undefined;

/**
 * How embedded chDB starts, given at the first open of its directory (they are engine
 * arguments, not settings): at most two background merges at once (chDB runs them on a
 * pool of two threads, but lets twice as many share it), on threads niced to 10, so
 * that during a merge storm (after a bulk import, or a long outage's catch-up) queries
 * and inserts, at nice 0, are scheduled first. Raising a thread's nice needs no
 * privilege; ClickHouse skips it where it lacks CAP_SYS_NICE.
 */
export const EMBEDDED_ENGINE_ARGS = ['--background_merges_mutations_concurrency_ratio=1', '--os_threads_nice_value_merge_mutate=10'] as const;

/** Settings of background jobs' queries: one thread each, at nice 10 (see Store.background). */
export const JOB_SETTINGS: ClickHouseSettings = { max_threads: 1, os_thread_priority: '10' };

type InsertRows = Store['insertRows'];

/**
 * The query API's chDB connections: its requests (a page fires several at once) and a
 * long one (anomalies over a week) run beside each other. Each holds a libuv thread
 * while it works (cmd/thread-pool.ts counts them).
 */
export const QUERY_READERS = 3;

export function openStore(config: Config): Store {
  const sql = SqlRegistry.load(config.database);
  if (config.clickhouseUrl === undefined) {
    const { client } = embeddedConnection(config.dataDir);
    // A connection of its own: chDB applies a client's settings with SET on its session, so
    // a shared one would run every query at the jobs' priority.
    const background = createClient({ connection: embeddedConnection(config.dataDir).connection as unknown as ClientConnection, clickhouse_settings: JOB_SETTINGS });
    const readers = Array.from({ length: QUERY_READERS }, () => embeddedConnection(config.dataDir).connection);
    const reader = createClient({ connection: new ChdbPool(readers) as unknown as ClientConnection });
    const scratch = openScratch();
    // Native from a file: the engine reads the columns as they are, about 1 µs a span
    // against 24 µs to parse the same spans as JSON rows (docs in README, Performance).
    // async_insert = 0: the writer already batches, so chDB's own buffer would only add a copy.
    const store = storeOver(client, reader, background, sql, 'embedded', async (table, columns, chunks) => {
      const file = await scratch.write(chunks);
      try {
        const { query, query_params } = sql.render('store/insert-native-file', { table, columns, file });
        await client.command({ query, query_params, clickhouse_settings: { async_insert: 0 } });
      } finally {
        await scratch.remove(file);
      }
    });
    return {
      ...store,
      close: async () => {
        await store.close();
        await reader.close();
        scratch.close();
      },
    };
  }
  const client = serverClient(config);
  const background = serverClient(config, JOB_SETTINGS);
  // On a cluster, spans go through the Distributed table (placed by TraceId) unless
  // the operator routes collectors to shards themselves (--cluster-insert local).
  const target = (table: string): string => (config.cluster !== undefined && config.clusterInsert === 'local' ? localTable(table) : table);
  return storeOver(client, client, background, sql, 'server', async (table, columns, chunks, batchKey) => {
    const { query } = sql.render('store/insert-rows', { table: target(table), columns });
    await insertWithRetries(client, query, chunks, batchKey);
  });
}

const INSERT_ATTEMPTS = 3;

/**
 * A remote insert that failed in transit may still have been stored, so it is
 * retried with the batch's key as its deduplication token: Replicated tables (and
 * Distributed ones in front of them) drop a block whose token they have seen, so
 * a retried batch is stored once. Only failures that blame the store are retried.
 */
async function insertWithRetries(client: ClickHouseClient, query: string, chunks: readonly Buffer[], token: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await client.exec({ query, values: Readable.from(chunks), clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: token } });
      result.stream.resume();
      return;
    } catch (err) {
      if (attempt >= INSERT_ATTEMPTS || !toStoreError(err).retryable) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

/** A Store over one client and its engine's insert. */
function storeOver(client: ClickHouseClient, reader: ClickHouseClient, background: ClickHouseClient, sql: SqlRegistry, engine: Engine, insert: InsertRows): Store {
  return {
    client,
    reader,
    background,
    database: sql.database,
    sql,
    engine,
    insertRows: insert,
    ping: async () => {
      const result = await client.ping();
      if (!result.success) throw result.error;
    },
    close: async () => {
      await background.close();
      await client.close();
    },
  };
}

/**
 * A chDB connection at the process's one data directory, with a client over it. Its
 * statements' parameters go as `SET param_…` on the connection itself (chdb-params.ts):
 * chDB's bound parameters queue every parameterized query of the process behind one another.
 */
export function embeddedConnection(dataDir: string): { client: ClickHouseClient; connection: ChdbConnection } {
  const resolved = path.resolve(dataDir);
  if (embeddedPath !== undefined && embeddedPath !== resolved) {
    throw new HindsightError('HS_CONFIG_INVALID', `embedded chDB is already open at ${embeddedPath} in this process; it cannot also open ${resolved}`);
  }
  fs.mkdirSync(resolved, { recursive: true });
  embeddedPath = resolved;
  // The engine's arguments are fixed by whoever opens the directory first: a session that
  // gives them, held only until the connection has joined the engine it started (closing
  // it while a connection holds the engine keeps the engine, and its arguments, running).
  const opener = new Session(resolved, { connectionArgs: [...EMBEDDED_ENGINE_ARGS] });
  // chdb types its connection against @clickhouse/client-common 1.23.0, which
  // @clickhouse/client 1.23.1 now bundles as its own copy: same shape, two nominal types.
  const connection = new ChdbParamsConnection({ path: resolved });
  opener.close();
  return { client: createClient({ connection: connection as unknown as ClientConnection }), connection };
}

function serverClient(config: Config, settings: ClickHouseSettings = {}): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    // Batches of span rows compress about tenfold: worth the collector's CPU on a network.
    compression: { request: true, response: true },
    clickhouse_settings: {
      // Inserts are acknowledged to exporters only once stored: never let the server buffer them.
      async_insert: 0,
      ...(config.cluster === undefined ? {} : CLUSTER_SETTINGS),
      ...settings,
    },
    request_timeout: 60_000,
  });
}

/**
 * On a cluster: an insert into a Distributed table returns once every shard has
 * its rows (not when they are queued on the node that took them), and a JOIN or
 * IN over a Distributed table runs shard-locally, which is correct because a whole
 * trace lives on one shard.
 */
export const CLUSTER_SETTINGS = { distributed_foreground_insert: 1, distributed_product_mode: 'local' } as const;
