import { parseArgs } from 'node:util';
import { HindsightError } from './errors';

/** The whole of Hindsight's configuration, validated once at start-up. */
export interface Config {
  /** Embedded chDB data directory. @default './data' */
  dataDir: string;
  /** ClickHouse server URL; unset means embedded chDB. @default undefined */
  clickhouseUrl: string | undefined;
  /** @default 'default' */
  clickhouseUser: string;
  /** @default '' */
  clickhousePassword: string;
  /** ClickHouse cluster to create the schema ON CLUSTER (needs clickhouseUrl). @default undefined */
  cluster: string | undefined;
  /** On a cluster, write spans through the Distributed table or straight to the connected node's local shard. @default 'distributed' */
  clusterInsert: 'distributed' | 'local';
  /** Database holding otel_traces; the clickhouseexporter's default name. @default 'otel' */
  database: string;
  /** Address every port listens on. @default '127.0.0.1' */
  host: string;
  /** 0 picks a free port. @default 4318 */
  otlpHttpPort: number;
  /** @default 4317 */
  otlpGrpcPort: number;
  /** @default 16686 */
  uiPort: number;
  /** Days spans are kept (table TTL). @default 7 */
  retentionDays: number;
  /** Origins allowed to POST OTLP/JSON from a browser; empty = no CORS. @default [] */
  corsOrigins: string[];
  /** Largest request body accepted, after decompression. @default 16 MiB */
  maxBodyBytes: number;
  /** An HTTP request's headers must arrive within this time. @default 10000 */
  httpHeaderTimeoutMs: number;
  /** A whole HTTP request, body included, must arrive within this time. @default 60000 */
  httpRequestTimeoutMs: number;
  /** An idle kept-alive HTTP connection is closed after this time. @default 65000 */
  httpKeepAliveTimeoutMs: number;
  /** A batch is inserted once it holds this many spans. @default 50000 */
  batchMaxSpans: number;
  /** ...or once its oldest span has waited this long. @default 200 */
  batchMaxAgeMs: number;
  /** Spans waiting for or inside an insert, beyond which requests are refused. @default 200000 */
  queueMaxSpans: number;
  /** The same bound in bytes of row text. @default 256 MiB */
  queueMaxBytes: number;
  /** Inserts running at once. @default 2 */
  insertConcurrency: number;
  /** pino level. @default 'info' */
  logLevel: string;
  /** Bearer tokens an OTLP client must present; empty = no check. @default [] */
  ingestTokens: string[];
  /** Bearer token for the viewer and its APIs; unset = no check. @default undefined */
  uiToken: string | undefined;
  /** `user:bcrypt-hash` for HTTP Basic on the viewer and its APIs. @default undefined */
  uiBasicAuth: string | undefined;
  /** PEM certificate and key: every port serves TLS. @default undefined */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** How often the dependency edge job runs; 0 turns it off (another process runs it). @default 15000 */
  dependencyIntervalMs: number;
  /** Most rows an analytics SQL query may return. @default 100000 */
  sqlMaxRows: number;
  /** Longest an analytics SQL query may run, in seconds. @default 30 */
  sqlMaxExecutionSeconds: number;
  /** Most memory an analytics SQL query may use, in bytes. @default 1 GiB */
  sqlMaxMemoryBytes: number;
  /** Analytics SQL queries running at once; later ones wait for a free reader. @default 4 */
  sqlMaxConcurrent: number;
  /**
   * Host names (besides localhost, the loopback addresses and --host) that clients may
   * put in the Host header; any other gets 421, which stops DNS rebinding. @default []
   */
  publicHosts: string[];
  /** Open connections per port, beyond which new ones are closed at once; 0 = derived from the open-file limit. @default 0 */
  maxConnections: number;
  /** Concurrent gRPC calls (HTTP/2 streams) per connection. @default 16 */
  grpcMaxStreams: number;
  /** Request-body bytes being received at once, over both OTLP transports; past it new requests get 429. @default 128 MiB */
  maxInflightBytes: number;
  /** Spans starting later than now + this are rejected (partial success). @default 86400 */
  maxFutureSeconds: number;
  /** Attributes kept per span, resource, event or link (the SDKs' default); the excess is dropped and counted. @default 128 */
  maxAttributes: number;
}

interface OptionSpec {
  key: keyof Config;
  flag: string;
  env: string;
  kind: 'string' | 'port' | 'int' | 'list' | 'level';
  default: Config[keyof Config];
  min?: number;
  /** The flag may be given several times; its values add up (the env var is comma separated). */
  multiple?: boolean;
}

const MiB = 1024 * 1024;
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every option once: flag, env var and default stay together so docs and code cannot drift. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'dataDir', flag: 'data-dir', env: 'HINDSIGHT_DATA_DIR', kind: 'string', default: './data' },
  { key: 'clickhouseUrl', flag: 'clickhouse-url', env: 'HINDSIGHT_CLICKHOUSE_URL', kind: 'string', default: undefined },
  { key: 'clickhouseUser', flag: 'clickhouse-user', env: 'HINDSIGHT_CLICKHOUSE_USER', kind: 'string', default: 'default' },
  { key: 'clickhousePassword', flag: 'clickhouse-password', env: 'HINDSIGHT_CLICKHOUSE_PASSWORD', kind: 'string', default: '' },
  { key: 'cluster', flag: 'cluster', env: 'HINDSIGHT_CLICKHOUSE_CLUSTER', kind: 'string', default: undefined },
  { key: 'clusterInsert', flag: 'cluster-insert', env: 'HINDSIGHT_CLUSTER_INSERT', kind: 'string', default: 'distributed' },
  { key: 'database', flag: 'clickhouse-database', env: 'HINDSIGHT_CLICKHOUSE_DATABASE', kind: 'string', default: 'otel' },
  { key: 'host', flag: 'host', env: 'HINDSIGHT_HOST', kind: 'string', default: '127.0.0.1' },
  { key: 'otlpHttpPort', flag: 'otlp-http-port', env: 'HINDSIGHT_OTLP_HTTP_PORT', kind: 'port', default: 4318 },
  { key: 'otlpGrpcPort', flag: 'otlp-grpc-port', env: 'HINDSIGHT_OTLP_GRPC_PORT', kind: 'port', default: 4317 },
  { key: 'uiPort', flag: 'ui-port', env: 'HINDSIGHT_UI_PORT', kind: 'port', default: 16686 },
  { key: 'retentionDays', flag: 'retention-days', env: 'HINDSIGHT_RETENTION_DAYS', kind: 'int', default: 7, min: 1 },
  { key: 'corsOrigins', flag: 'cors-origins', env: 'HINDSIGHT_CORS_ORIGINS', kind: 'list', default: [] },
  { key: 'maxBodyBytes', flag: 'max-body-bytes', env: 'HINDSIGHT_MAX_BODY_BYTES', kind: 'int', default: 16 * MiB, min: 1024 },
  { key: 'httpHeaderTimeoutMs', flag: 'http-header-timeout-ms', env: 'HINDSIGHT_HTTP_HEADER_TIMEOUT_MS', kind: 'int', default: 10_000, min: 100 },
  { key: 'httpRequestTimeoutMs', flag: 'http-request-timeout-ms', env: 'HINDSIGHT_HTTP_REQUEST_TIMEOUT_MS', kind: 'int', default: 60_000, min: 100 },
  { key: 'httpKeepAliveTimeoutMs', flag: 'http-keep-alive-timeout-ms', env: 'HINDSIGHT_HTTP_KEEP_ALIVE_TIMEOUT_MS', kind: 'int', default: 65_000, min: 100 },
  { key: 'batchMaxSpans', flag: 'batch-max-spans', env: 'HINDSIGHT_BATCH_MAX_SPANS', kind: 'int', default: 50_000, min: 1 },
  { key: 'batchMaxAgeMs', flag: 'batch-max-age-ms', env: 'HINDSIGHT_BATCH_MAX_AGE_MS', kind: 'int', default: 200, min: 0 },
  { key: 'queueMaxSpans', flag: 'queue-max-spans', env: 'HINDSIGHT_QUEUE_MAX_SPANS', kind: 'int', default: 200_000, min: 1 },
  { key: 'queueMaxBytes', flag: 'queue-max-bytes', env: 'HINDSIGHT_QUEUE_MAX_BYTES', kind: 'int', default: 256 * MiB, min: 1024 },
  { key: 'insertConcurrency', flag: 'insert-concurrency', env: 'HINDSIGHT_INSERT_CONCURRENCY', kind: 'int', default: 2, min: 1 },
  { key: 'logLevel', flag: 'log-level', env: 'HINDSIGHT_LOG_LEVEL', kind: 'level', default: 'info' },
  { key: 'ingestTokens', flag: 'ingest-token', env: 'HINDSIGHT_INGEST_TOKENS', kind: 'list', default: [], multiple: true },
  { key: 'uiToken', flag: 'ui-token', env: 'HINDSIGHT_UI_TOKEN', kind: 'string', default: undefined },
  { key: 'uiBasicAuth', flag: 'ui-basic-auth', env: 'HINDSIGHT_UI_BASIC_AUTH', kind: 'string', default: undefined },
  { key: 'tlsCert', flag: 'tls-cert', env: 'HINDSIGHT_TLS_CERT', kind: 'string', default: undefined },
  { key: 'tlsKey', flag: 'tls-key', env: 'HINDSIGHT_TLS_KEY', kind: 'string', default: undefined },
  { key: 'dependencyIntervalMs', flag: 'dependency-interval-ms', env: 'HINDSIGHT_DEPENDENCY_INTERVAL_MS', kind: 'int', default: 15_000, min: 0 },
  { key: 'sqlMaxRows', flag: 'sql-max-rows', env: 'HINDSIGHT_SQL_MAX_ROWS', kind: 'int', default: 100_000, min: 1 },
  { key: 'sqlMaxExecutionSeconds', flag: 'sql-max-execution-seconds', env: 'HINDSIGHT_SQL_MAX_EXECUTION_SECONDS', kind: 'int', default: 30, min: 1 },
  { key: 'sqlMaxMemoryBytes', flag: 'sql-max-memory-bytes', env: 'HINDSIGHT_SQL_MAX_MEMORY_BYTES', kind: 'int', default: 1024 * MiB, min: 16 * MiB },
  { key: 'sqlMaxConcurrent', flag: 'sql-max-concurrent', env: 'HINDSIGHT_SQL_MAX_CONCURRENT', kind: 'int', default: 4, min: 1 },
  { key: 'publicHosts', flag: 'public-host', env: 'HINDSIGHT_PUBLIC_HOSTS', kind: 'list', default: [], multiple: true },
  { key: 'maxConnections', flag: 'max-connections', env: 'HINDSIGHT_MAX_CONNECTIONS', kind: 'int', default: 0, min: 0 },
  { key: 'grpcMaxStreams', flag: 'grpc-max-streams', env: 'HINDSIGHT_GRPC_MAX_STREAMS', kind: 'int', default: 16, min: 1 },
  { key: 'maxInflightBytes', flag: 'max-inflight-bytes', env: 'HINDSIGHT_MAX_INFLIGHT_BYTES', kind: 'int', default: 128 * MiB, min: 1024 },
  { key: 'maxFutureSeconds', flag: 'max-future-seconds', env: 'HINDSIGHT_MAX_FUTURE_SECONDS', kind: 'int', default: 86_400, min: 0 },
  { key: 'maxAttributes', flag: 'max-attributes', env: 'HINDSIGHT_MAX_ATTRIBUTES', kind: 'int', default: 128, min: 1 },
];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(name: string, value: string, allowed: string): HindsightError {
  return new HindsightError('HS_CONFIG_INVALID', `${name}=${JSON.stringify(value)} is invalid: expected ${allowed}`);
}

function parseValue(spec: OptionSpec, raw: string, name: string): Config[keyof Config] {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case 'level':
      if (!LEVELS.includes(raw)) throw invalid(name, raw, `one of ${LEVELS.join(', ')}`);
      return raw;
    case 'port':
    case 'int': {
      const min = spec.kind === 'port' ? 0 : (spec.min ?? 0);
      const max = spec.kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        throw invalid(name, raw, `a whole number from ${min} to ${max}`);
      }
      return Number(raw);
    }
  }
}

/**
 * Merges flags, environment and defaults (flags win) into one validated Config.
 * Only this function reads the environment: everything else takes a Config.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseArgs({
    args: [...argv],
    options: Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: 'string' as const, multiple: o.multiple === true }])),
    strict: true,
    allowPositionals: false,
  }).values as Record<string, string | string[] | undefined>;

  const config: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const given = parsed[spec.flag];
    // A repeatable flag's values are joined as its env var would carry them.
    const flagValue = Array.isArray(given) ? given.join(',') : given;
    const envValue = env[spec.env];
    if (flagValue !== undefined) config[spec.key] = parseValue(spec, flagValue, `--${spec.flag}`);
    else if (envValue !== undefined && envValue !== '') config[spec.key] = parseValue(spec, envValue, spec.env);
    else config[spec.key] = spec.default;
  }
  const result = config as unknown as Config;
  if (!IDENTIFIER.test(result.database)) {
    throw invalid('--clickhouse-database', result.database, 'letters, digits and _ (not starting with a digit)');
  }
  if ((result.tlsCert === undefined) !== (result.tlsKey === undefined)) {
    throw invalid(result.tlsCert === undefined ? '--tls-cert' : '--tls-key', '', 'both --tls-cert and --tls-key, or neither');
  }
  if (result.uiBasicAuth !== undefined && !/^[^:]+:\$2[aby]\$\d\d\$.{53}$/.test(result.uiBasicAuth)) {
    throw invalid('--ui-basic-auth', '(hidden)', 'user:bcrypt-hash, e.g. made with `npx bcryptjs`');
  }
  if (result.cluster !== undefined && !IDENTIFIER.test(result.cluster)) {
    throw invalid('--cluster', result.cluster, 'a cluster name of letters, digits and _ (not starting with a digit)');
  }
  if (result.cluster !== undefined && result.clickhouseUrl === undefined) {
    throw invalid('--cluster', result.cluster, 'a ClickHouse server too: --clickhouse-url (embedded chDB is one node)');
  }
  if (!['distributed', 'local'].includes(result.clusterInsert)) {
    throw invalid('--cluster-insert', result.clusterInsert, 'distributed or local');
  }
  if (result.maxInflightBytes < result.maxBodyBytes) {
    // Otherwise a body larger than the whole budget would get a retryable 429 for ever.
    throw invalid('--max-inflight-bytes', String(result.maxInflightBytes), `at least --max-body-bytes (${result.maxBodyBytes})`);
  }
  if (result.clickhouseUrl !== undefined && !/^https?:\/\//.test(result.clickhouseUrl)) {
    throw invalid('--clickhouse-url', result.clickhouseUrl, 'an http:// or https:// URL');
  }
  return result;
}

/** Config for tests and embedding: defaults overridden by the given values, validated the same way. */
export function makeConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig([], {}), ...overrides };
}
