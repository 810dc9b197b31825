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

/** A chDB connection at the process's one data directory, with a client over it. */
export function embeddedConnection(dataDir: string): { client: ClickHouseClient; connection: ChdbConnection } {
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
