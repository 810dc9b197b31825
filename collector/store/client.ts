/**
 * The one @clickhouse/client of a process: embedded chDB at the data directory by
 * default, a ClickHouse server when a URL is configured. Both engines get the
 * same SQL; nothing above this module knows which one it talks to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { Config } from '../config';
import { HindsightError } from '../errors';

export type Engine = 'embedded' | 'server';

export interface Store {
  client: ClickHouseClient;
  /** Database holding Hindsight's tables; validated as an identifier by the config. */
  database: string;
  engine: Engine;
  close(): Promise<void>;
}

/**
 * libchdb binds one data directory per process: a second, different directory
 * would silently open the first. Refuse it instead.
 */
type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

let embeddedPath: string | undefined;

export function openStore(config: Config): Store {
  const client = config.clickhouseUrl === undefined ? embeddedClient(config.dataDir) : serverClient(config);
  return {
    client,
    database: config.database,
    engine: config.clickhouseUrl === undefined ? 'embedded' : 'server',
    close: () => client.close(),
  };
}

function embeddedClient(dataDir: string): ClickHouseClient {
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
  const connection = createChdbConnection({ path: resolved }) as unknown as ClientConnection;
  return createClient({ connection });
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
