/**
 * The process: `serve` runs the collector and the viewer over one store (the only
 * way to use embedded chDB, which one process owns); `collector` and `viewer` run
 * one half each against a ClickHouse server, so each half scales on its own.
 * Assembles the pipeline (receivers → ingest → writer → store) and owns its start
 * and orderly stop.
 */
import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { makeAuthenticator } from '../common/auth';
import type { Config } from '../common/config';
import { connectionCap } from '../common/connections';
import { HindsightError } from '../common/errors';
import { closeHttp, listen, port } from '../common/listen';
import type { Logger } from '../common/log';
import { createMetrics, type Metrics } from '../common/metrics';
import type { Readiness } from '../common/ops';
import { applySchema } from '../storage/schema';
import { openStore, type Store } from '../storage/store';
import { toStoreError } from '../storage/store-errors';
import { DedupWriter } from '../collector/ingest/dedup';
import { IncomingRequests } from '../collector/ingest/incoming';
import { StoreHealth } from '../collector/ingest/health';
import { IngestJournal, RecentRequests } from '../collector/ingest/idempotency';
import { TraceIngest } from '../collector/ingest/pipeline';
import { SpanWriter } from '../collector/ingest/writer';
import { BackfillJob } from '../collector/jobs/backfill';
import { EdgeJob } from '../collector/jobs/edges';
import { otlpGrpcServer } from '../collector/receiver/grpc';
import { listenGrpc, type GrpcListener } from '../collector/receiver/grpc-listener';
import { otlpHttpApp } from '../collector/receiver/http';
import { InflightBudget } from '../collector/receiver/inflight';
import { viewerApp } from '../viewer/api/app';
import type { OtlpReceivers, ServerInfoResponse, TailSource } from '../viewer/api/types';
import { Queries } from '../viewer/query/queries';
import { TailHub } from '../viewer/tail/hub';
import { TailPoller } from '../viewer/tail/poller';
import type { SpanRows } from '../storage/columns';
import { openSqlReaders } from '../viewer/api/sql/readers';
import { clickhouseHttpApp } from '../viewer/api/clickhouse/app';
import { killAfterInserts } from './kill-hook';
import { removeOwner, writeOwner } from './lockfile';

export type Role = 'serve' | 'collector' | 'viewer';

export interface StartOptions {
  /** @default 'serve' */
  role?: Role;
  /**
   * Wraps the store before anything uses it: in-process tests make it fail with this
   * (tests/support/faulty-store.ts). Production leaves it unset.
   */
  wrapStore?: (store: Store) => Store;
}

/** Bound ports; a half that does not run has none. */
export interface Ports {
  otlpHttp?: number;
  otlpGrpc?: number;
  ui?: number;
  /** ClickHouse's HTTP interface: embedded storage only (a server's users point their clients at the server). */
  clickhouseHttp?: number;
}

export interface RunningServer {
  ports: Ports;
  store: Store;
  metrics: Metrics;
  /** Stops accepting, stores everything already accepted, closes the store. */
  close(): Promise<void>;
}

class ProcessReadiness implements Readiness {
  reason: string | undefined = 'applying the schema';
  health: StoreHealth | undefined;
  notReadyReason(): string | undefined {
    return this.reason ?? this.health?.notReadyReason();
  }
}

/** How often the polled live tail reads the store. */
const TAIL_POLL_INTERVAL_MS = 1000;
/** Live tail streams open at once: each costs a pass over every stored span. */
const MAX_TAIL_STREAMS = 64;

/** `auto`: the writer's own inserts on embedded storage (all of them are this process's), the store's with a server (other collectors may write to it). */
function liveTailSource(config: Config, runsCollector: boolean): TailSource {
  if (config.tailSource === 'writer' && !runsCollector) {
    throw new HindsightError('HS_CONFIG_INVALID', '--tail-source writer needs the collector in this process; the viewer role tails by polling the store (--tail-source poll)');
  }
  if (config.tailSource !== 'auto') return config.tailSource;
  return runsCollector && config.clickhouseUrl === undefined ? 'writer' : 'poll';
}

/** How often a store that failed is probed for its return. */
const STORE_PROBE_INTERVAL_MS = 1000;

export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const { role = 'serve', wrapStore = (store: Store) => store } = options;
  if (role !== 'serve' && config.clickhouseUrl === undefined) {
    throw new HindsightError(
      'HS_CONFIG_INVALID',
      `\`hindsight ${role}\` runs one half of Hindsight against a shared ClickHouse server, so it needs --clickhouse-url: ` +
        'embedded chDB lives inside one process and cannot be shared with the other half. Use `hindsight serve` for embedded storage.',
    );
  }
  const runsCollector = role !== 'viewer';
  const runsViewer = role !== 'collector';
  const tailSource = liveTailSource(config, runsCollector);
  const metrics = createMetrics();
  const readiness = new ProcessReadiness();
  const unwrapped = openStore(config);
  const store = wrapStore(config.testKillAfterInserts > 0 ? killAfterInserts(unwrapped, config.testKillAfterInserts) : unwrapped);
  const ping = (): Promise<void> => store.ping();
  const health = new StoreHealth(ping, STORE_PROBE_INTERVAL_MS, logger, metrics);
  readiness.health = health;
  const schemaOptions = { sql: store.sql, retentionDays: config.retentionDays, cluster: config.cluster };
  const schemaApplied = async (): Promise<void> => {
    const schema = await applySchema(store.client, schemaOptions);
    if (schema.applied.length > 0) logger.info({ migrations: schema.applied }, 'schema migrations applied');
    if (schema.retentionChanged.length > 0) logger.info({ tables: schema.retentionChanged, retentionDays: config.retentionDays }, 'retention changed');
  };
  // The process that writes spans also keeps the dependency edges up to date.
  const edges =
    runsCollector && config.dependencyIntervalMs > 0
      ? new EdgeJob(store.background, store.sql, { lagSeconds: 60, intervalMs: config.dependencyIntervalMs, settleSeconds: config.dependencyLateSettleSeconds }, logger)
      : undefined;
  // And fills in what views created by a migration missed of the spans stored before it.
  const backfill = runsCollector ? new BackfillJob(store.background, { schema: schemaOptions, pauseMs: 1000, remaining: metrics.backfillHoursRemaining }, logger) : undefined;
  try {
    await schemaApplied();
    edges?.start();
    backfill?.start();
  } catch (err) {
    const error = toStoreError(err);
    // Embedded storage is a local directory: failing to open it is fatal. A server may
    // come up after Hindsight does, so wait for it: refuse writes with 503 meanwhile,
    // apply the schema on the first probe that reaches it, then carry on.
    if (store.engine === 'embedded' || !error.retryable) {
      await store.close();
      throw err;
    }
    logger.warn({ url: config.clickhouseUrl, err: error.message }, 'ClickHouse is unreachable at start; waiting for it');
    health.setProbe(async () => {
      await schemaApplied();
      health.setProbe(ping);
      edges?.start();
      backfill?.start();
    });
    health.failed(error);
  }

  const recent = new RecentRequests();
  let journal: IngestJournal | undefined;
  if (runsCollector && store.engine === 'embedded') {
    const opened = await IngestJournal.open(config.dataDir, store, logger);
    journal = opened.journal;
    for (const key of opened.stored) recent.add(key);
  }
  const incoming = new IncomingRequests();
  // The live tail: fed by this process's writer, or polling the store that others write to too.
  const tail = runsViewer ? new TailHub({ source: tailSource, delayMs: tailSource === 'poll' ? config.tailPollLagMs + TAIL_POLL_INTERVAL_MS : 0, maxSubscribers: MAX_TAIL_STREAMS }) : undefined;
  const tailPoller = tail && tailSource === 'poll' ? new TailPoller(tail, new Queries(store.reader, store.sql), { intervalMs: TAIL_POLL_INTERVAL_MS, lagMs: config.tailPollLagMs }, logger) : undefined;
  tailPoller?.start();
  const onStored = tail && tailSource === 'writer' ? (rows: SpanRows) => tail.publish(rows) : undefined;
  const writer = runsCollector ? new DedupWriter(new SpanWriter({ store, config, metrics, health, journal, incoming, onStored }), { recent, metrics }) : undefined;
  const ingest = writer ? new TraceIngest(writer, metrics, { ...config, incoming }) : undefined;
  const ingestAuth = makeAuthenticator({ tokens: config.ingestTokens });
  const uiAuth = makeAuthenticator({ tokens: config.uiToken ? [config.uiToken] : [], basicAuth: config.uiBasicAuth });
  // One budget for both OTLP transports: memory is the process's, whichever port the bodies arrive on.
  const inflight = new InflightBudget(config.maxInflightBytes);
  const tls = config.tlsCert && config.tlsKey ? { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) } : undefined;
  const otlpHttp = ingest ? await listen(otlpHttpApp({ config, ingest, metrics, readiness, auth: ingestAuth, inflight }), config.host, config.otlpHttpPort, tls, config) : undefined;
  const sql = runsViewer ? await openSqlReaders(config, store.sql) : undefined;
  // The viewer's API names this process's OTLP ports; gRPC's is bound after the viewer's.
  let receivers: OtlpReceivers | null = null;
  const server = (): ServerInfoResponse => ({ otlp: receivers });
  const ui = sql ? await listen(viewerApp({ store, config, metrics, readiness, sql, auth: uiAuth, server, tail }), config.host, config.uiPort, tls, config) : undefined;
  const clickhouseHttp = sql && store.engine === 'embedded' ? await listen(await clickhouseHttpApp({ sql, auth: uiAuth }), config.host, config.clickhouseHttpPort, tls, config) : undefined;
  const grpcServer = ingest ? otlpGrpcServer({ config, ingest, metrics, auth: ingestAuth, inflight }) : undefined;
  const grpcListener = grpcServer
    ? await listenGrpc(grpcServer, { host: config.host, port: config.otlpGrpcPort, tls, maxConnections: connectionCap(config), handshakeTimeoutMs: config.httpHeaderTimeoutMs })
    : undefined;
  readiness.reason = undefined;

  const ports: Ports = { otlpHttp: otlpHttp && port(otlpHttp), otlpGrpc: grpcListener?.port, ui: ui && port(ui), clickhouseHttp: clickhouseHttp && port(clickhouseHttp) };
  if (ports.otlpHttp !== undefined && ports.otlpGrpc !== undefined) receivers = { host: config.host, httpPort: ports.otlpHttp, grpcPort: ports.otlpGrpc, tls: tls !== undefined };
  if (store.engine === 'embedded' && ports.ui !== undefined) {
    writeOwner(config.dataDir, {
      pid: process.pid,
      apiUrl: `${tls ? 'https' : 'http'}://${config.host}:${ports.ui}`,
      otlpUrl: ports.otlpHttp === undefined ? undefined : `${tls ? 'https' : 'http'}://${config.host}:${ports.otlpHttp}`,
    });
  }
  logger.info({ role, host: config.host, ports, storage: store.engine === 'embedded' ? { embedded: config.dataDir } : { url: config.clickhouseUrl }, database: config.database }, 'hindsight started');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      readiness.reason = 'shutting down';
      // Tail streams never end by themselves: ended here, they do not hold the viewer's port open.
      tailPoller?.stop();
      tail?.close();
      const stopped = Promise.all([
        otlpHttp && closeHttp(otlpHttp),
        ui && closeHttp(ui),
        clickhouseHttp && closeHttp(clickhouseHttp),
        grpcServer && grpcListener && closeGrpc(grpcServer, grpcListener),
      ]);
      sql?.interrupt();
      await writer?.close();
      journal?.close();
      health.stop();
      await edges?.stop();
      await backfill?.stop();
      await stopped;
      await sql?.close();
      await store.close();
      if (store.engine === 'embedded') removeOwner(config.dataDir);
      logger.info('hindsight stopped');
    })();
    return closing;
  };
  return { ports, store, metrics, close };
}

/** grpc-js closes its sessions gracefully; the listening socket is ours to close. */
async function closeGrpc(server: grpc.Server, listener: GrpcListener): Promise<void> {
  await Promise.all([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), listener.close()]);
}
