/**
 * Real servers on real chDB for integration tests. libchdb opens one data
 * directory per process, so every server in a test process shares one temporary
 * directory and each test file gets its own database in it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { makeConfig, type Config } from '../../common/config';
import { createLogger } from '../../common/log';
import { startServer, type RunningServer, type StartOptions } from '../../cmd/server';
import { FaultyStore } from './faulty-store';

let processDataDir: string | undefined;

/** This process's chDB directory, removed when the process exits. */
export function testDataDir(): string {
  if (processDataDir === undefined) {
    processDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-test-'));
    const dir = processDataDir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return processDataDir;
}

export function uniqueDatabase(): string {
  return `test_${randomUUID().replaceAll('-', '')}`;
}

export interface TestServer extends RunningServer {
  config: Config;
  httpUrl: string;
  grpcUrl: string;
  uiUrl: string;
  /** ClickHouse's HTTP interface (embedded storage only). */
  clickhouseUrl: string;
}

export async function startTestServer(overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<TestServer> {
  const config = makeConfig({
    dataDir: testDataDir(),
    database: uniqueDatabase(),
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    uiPort: 0,
    clickhouseHttpPort: 0,
    logLevel: 'silent',
    batchMaxAgeMs: 20,
    ...overrides,
  });
  const server = await startServer(config, createLogger(config), options);
  return {
    ...server,
    config,
    httpUrl: `http://127.0.0.1:${server.ports.otlpHttp}`,
    grpcUrl: `http://127.0.0.1:${server.ports.otlpGrpc}`,
    uiUrl: `http://127.0.0.1:${server.ports.ui}`,
    clickhouseUrl: `http://127.0.0.1:${server.ports.clickhouseHttp}`,
  };
}

/** A test server whose store fails on demand: `faults` is the FaultyStore every part of it uses. */
export interface FaultyTestServer extends TestServer {
  faults: FaultyStore;
}

export async function startFaultyServer(overrides: Partial<Config> = {}): Promise<FaultyTestServer> {
  const server = await startTestServer(overrides, { wrapStore: (store) => new FaultyStore(store) });
  if (!(server.store instanceof FaultyStore)) throw new Error('the server does not run on the store it was given');
  return { ...server, faults: server.store };
}

/** Stops the server after dropping its database, so test files leave nothing behind. */
export async function stopTestServer(server: TestServer): Promise<void> {
  await server.store.client.command({ query: `DROP DATABASE IF EXISTS ${server.config.database} SYNC` });
  await server.close();
}

export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}
