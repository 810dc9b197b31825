/**
 * The one @clickhouse/client of a process: embedded chDB at the data directory by
 * default, a ClickHouse server when a URL is configured. Both engines get the
 * same SQL; nothing above this module knows which one it talks to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import type { Config } from '../config';
import { HindsightError } from '../errors';
import { StoreFaults } from './faults';

export type Engine = 'embedded' | 'server';

export interface Store {
  client: ClickHouseClient;
  /** Database holding Hindsight's tables; validated as an identifier by the config. */
  database: string;
  engine: Engine;
  /**
   * Inserts rows already encoded as JSONCompactEachRow into one of Hindsight's
   * tables: the write path's one INSERT. Rejects with the engine's error.
   */
  insertRows(table: string, columns: readonly string[], chunks: readonly Buffer[]): Promise<void>;
  /** Rejects when the engine does not answer a trivial query. */
  ping(): Promise<void>;
  /** The fault seam: lets tests make the store unreachable or refuse inserts. */
  faults: StoreFaults;
  close(): Promise<void>;
}

/**
 * libchdb binds one data directory per process: a second, different directory
 * would silently open the first. Refuse it instead.
 */
type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

let embeddedPath: string | undefined;

type InsertRows = Store['insertRows'];

export function openStore(config: Config): Store {
  const database = config.database;
  if (config.clickhouseUrl === undefined) {
    const { client, connection } = embeddedConnection(config.dataDir);
    // The raw insert hands the bytes to chDB as they are, off the event loop, where
    // the client's exec would copy them into the SQL text as a JS string first:
    // 98k against 59k rows/s for the same batches. async_insert = 0: the writer
    // already batches, so chDB's own buffer would only add a copy.
    return storeOver(client, database, 'embedded', async (table, columns, chunks) => {
      await connection.chdb.rawInsert({
        table: `${database}.${table}`,
        columns: [...columns],
        values: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        format: 'JSONCompactEachRow',
        settings: { async_insert: 0 },
      });
    });
  }
  const client = serverClient(config);
  return storeOver(client, database, 'server', async (table, columns, chunks) => {
    const names = columns.map((c) => `\`${c}\``).join(', ');
    const result = await client.exec({ query: `INSERT INTO ${database}.${table} (${names}) FORMAT JSONCompactEachRow`, values: Readable.from(chunks) });
    result.stream.resume();
  });
}

/** A Store over one client and its engine's insert, both behind the fault seam. */
function storeOver(client: ClickHouseClient, database: string, engine: Engine, insert: InsertRows): Store {
  const faults = new StoreFaults();
  return {
    client,
    database,
    engine,
    faults,
    insertRows: async (table, columns, chunks) => {
      faults.check('insert');
      await insert(table, columns, chunks);
    },
    ping: async () => {
      faults.check('query');
      const result = await client.ping();
      if (!result.success) throw result.error;
    },
    close: () => client.close(),
  };
}

/** Limits every analytics SQL query runs under. */
export interface SqlLimits {
  maxRows: number;
  maxExecutionSeconds: number;
  maxMemoryBytes: number;
}

/**
 * The analytics SQL endpoint's two clients, used for nothing else:
 * - `checker` parses statements (formatQuery, EXPLAIN AST) and runs none;
 * - `reader` runs the checked statements under the limits.
 * Both are read-only at the engine. On chDB, settings persist per connection (a
 * measured fact), so the limits and the current database are set first and
 * `readonly = 1` last, after which nothing can change them. A server takes the
 * same settings with each request; there `readonly = 2` lets those settings be
 * sent, and the statement check refuses SETTINGS clauses so a query cannot
 * loosen them.
 */
export async function openSqlClients(config: Config, limits: SqlLimits): Promise<{ checker: ClickHouseClient; reader: ClickHouseClient; close(): Promise<void> }> {
  const limitSettings = {
    max_result_rows: String(limits.maxRows),
    result_overflow_mode: 'throw',
    max_execution_time: limits.maxExecutionSeconds,
    max_memory_usage: String(limits.maxMemoryBytes),
  } as const;
  let checker: ClickHouseClient;
  let reader: ClickHouseClient;
  if (config.clickhouseUrl === undefined) {
    checker = embeddedConnection(config.dataDir).client;
    reader = embeddedConnection(config.dataDir).client;
    await checker.command({ query: 'SET readonly = 1' });
    // Numbers are validated integers from the config; the database a validated identifier.
    for (const statement of [
      `SET max_result_rows = ${limits.maxRows}`,
      "SET result_overflow_mode = 'throw'",
      `SET max_execution_time = ${limits.maxExecutionSeconds}`,
      `SET max_memory_usage = ${limits.maxMemoryBytes}`,
      `USE ${config.database}`,
      'SET readonly = 1',
    ]) {
      await reader.command({ query: statement });
    }
  } else {
    const server = { url: config.clickhouseUrl, username: config.clickhouseUser, password: config.clickhousePassword, database: config.database };
    checker = createClient({ ...server, clickhouse_settings: { readonly: '2' } });
    reader = createClient({ ...server, clickhouse_settings: { readonly: '2', ...limitSettings } });
  }
  return { checker, reader, close: async () => void (await Promise.all([checker.close(), reader.close()])) };
}

function embeddedConnection(dataDir: string): { client: ClickHouseClient; connection: ChdbConnection } {
  const resolved = path.resolve(dataDir);
  if (embeddedPath !== undefined && embeddedPath !== resolved) {
    throw new HindsightError(
      'HS_CONFIG_INVALID',
      `embedded chDB is already open at ${embeddedPath} in this process; it cannot also open ${resolved}`,
    );
  }
  fs.mkdirSync(resolved, { recursive: true });
  embeddedPath = resolved;
  // chdb types its connection against @clickhouse/client-common 1.23.0, which
  // @clickhouse/client 1.23.1 now bundles as its own copy: same shape, two nominal types.
  const connection = createChdbConnection({ path: resolved });
  return { client: createClient({ connection: connection as unknown as ClientConnection }), connection };
}

function serverClient(config: Config): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    // Inserts are acknowledged to exporters only once stored: never let the server buffer them.
    clickhouse_settings: { async_insert: 0 },
    request_timeout: 60_000,
  });
}
