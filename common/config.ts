/**
 * Hindsight's configuration: one table of options (flag, environment variable,
 * default, parsing), from which the Config type and --help derive, and against
 * which tests/unit/docs.test.ts checks the README's table. Flags win over the
 * environment, which wins over the defaults.
 *
 * This is the only module that reads process.env: besides the options, it answers
 * for the few variables the command line honours (NO_COLOR, the client commands'
 * tokens, libuv's UV_THREADPOOL_SIZE).
 */
import { parseArgs } from 'node:util';
import { HindsightError } from './errors';

/** One option: where it is read from, its default, and how its text becomes its value. */
interface Option<T> {
  flag: string;
  env: string;
  default: T;
  /** Throws HS_CONFIG_INVALID naming `name` (the flag or the variable the text came from). */
  parse(raw: string, name: string): T;
  /** The flag may be given several times; its values add up (the env var is comma separated). */
  multiple?: boolean;
  /** Left out of --help and the README's table: a hook for Hindsight's own tests. */
  hidden?: boolean;
}

interface Names {
  flag: string;
  env: string;
  hidden?: boolean;
}

const MiB = 1024 * 1024;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(name: string, value: string, allowed: string): HindsightError {
  return new HindsightError('HS_CONFIG_INVALID', `${name}=${JSON.stringify(value)} is invalid: expected ${allowed}`);
}

function wholeNumber(raw: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw invalid(name, raw, `a whole number from ${min} to ${max}`);
  return Number(raw);
}

const text = (names: Names & { default: string }): Option<string> => ({ ...names, parse: (raw) => raw });
/** Text whose absence means something (embedded storage, no TLS, no token). */
const optionalText = (names: Names): Option<string | undefined> => ({ ...names, default: undefined, parse: (raw) => raw });
const int = (names: Names & { default: number; min: number }): Option<number> => ({ ...names, parse: (raw, name) => wholeNumber(raw, name, names.min, Number.MAX_SAFE_INTEGER) });
const port = (names: Names & { default: number }): Option<number> => ({ ...names, parse: (raw, name) => wholeNumber(raw, name, 0, 65535) });
const list = (names: Names & { multiple?: boolean }): Option<string[]> => ({
  ...names,
  default: [],
  parse: (raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
});

function choice<const C extends string>(names: Names & { choices: readonly C[]; default: NoInfer<C> }): Option<C> {
  const { choices } = names;
  const allowed = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
  return {
    ...names,
    parse: (raw, name) => {
      const chosen = choices.find((c) => c === raw);
      if (chosen === undefined) throw invalid(name, raw, allowed);
      return chosen;
    },
  };
}

/** Every option once: its doc, flag, env var and default stay together so docs and code cannot drift. */
const TABLE = {
  /** Embedded chDB data directory. */
  dataDir: text({ flag: 'data-dir', env: 'HINDSIGHT_DATA_DIR', default: './data' }),
  /** ClickHouse server URL; unset means embedded chDB. */
  clickhouseUrl: optionalText({ flag: 'clickhouse-url', env: 'HINDSIGHT_CLICKHOUSE_URL' }),
  clickhouseUser: text({ flag: 'clickhouse-user', env: 'HINDSIGHT_CLICKHOUSE_USER', default: 'default' }),
  clickhousePassword: text({ flag: 'clickhouse-password', env: 'HINDSIGHT_CLICKHOUSE_PASSWORD', default: '' }),
  /** ClickHouse cluster to create the schema ON CLUSTER (needs clickhouseUrl). */
  cluster: optionalText({ flag: 'cluster', env: 'HINDSIGHT_CLICKHOUSE_CLUSTER' }),
  /** On a cluster, write spans through the Distributed table or straight to the connected node's local shard. */
  clusterInsert: choice({ flag: 'cluster-insert', env: 'HINDSIGHT_CLUSTER_INSERT', choices: ['distributed', 'local'], default: 'distributed' }),
  /** Database holding otel_traces; the clickhouseexporter's default name. */
  database: text({ flag: 'clickhouse-database', env: 'HINDSIGHT_CLICKHOUSE_DATABASE', default: 'otel' }),
  /** Address every port listens on. */
  host: text({ flag: 'host', env: 'HINDSIGHT_HOST', default: '127.0.0.1' }),
  /** 0 picks a free port (as for the other ports). */
  otlpHttpPort: port({ flag: 'otlp-http-port', env: 'HINDSIGHT_OTLP_HTTP_PORT', default: 4318 }),
  otlpGrpcPort: port({ flag: 'otlp-grpc-port', env: 'HINDSIGHT_OTLP_GRPC_PORT', default: 4317 }),
  uiPort: port({ flag: 'ui-port', env: 'HINDSIGHT_UI_PORT', default: 16686 }),
  /** ClickHouse's HTTP interface, read-only, over embedded storage (for Grafana); not opened with clickhouseUrl. */
  clickhouseHttpPort: port({ flag: 'clickhouse-http-port', env: 'HINDSIGHT_CLICKHOUSE_HTTP_PORT', default: 8123 }),
  /** Days spans are kept (table TTL). */
  retentionDays: int({ flag: 'retention-days', env: 'HINDSIGHT_RETENTION_DAYS', default: 7, min: 1 }),
  /** Origins allowed to POST OTLP/JSON from a browser; empty = no CORS. */
  corsOrigins: list({ flag: 'cors-origins', env: 'HINDSIGHT_CORS_ORIGINS' }),
  /** Largest request body accepted, after decompression. */
  maxBodyBytes: int({ flag: 'max-body-bytes', env: 'HINDSIGHT_MAX_BODY_BYTES', default: 16 * MiB, min: 1024 }),
  /** An HTTP request's headers must arrive within this time. */
  httpHeaderTimeoutMs: int({ flag: 'http-header-timeout-ms', env: 'HINDSIGHT_HTTP_HEADER_TIMEOUT_MS', default: 10_000, min: 100 }),
  /** A whole HTTP request, body included, must arrive within this time. */
  httpRequestTimeoutMs: int({ flag: 'http-request-timeout-ms', env: 'HINDSIGHT_HTTP_REQUEST_TIMEOUT_MS', default: 60_000, min: 100 }),
  /** An idle kept-alive HTTP connection is closed after this time. */
  httpKeepAliveTimeoutMs: int({ flag: 'http-keep-alive-timeout-ms', env: 'HINDSIGHT_HTTP_KEEP_ALIVE_TIMEOUT_MS', default: 65_000, min: 100 }),
  /** A batch is inserted once it holds this many spans... */
  batchMaxSpans: int({ flag: 'batch-max-spans', env: 'HINDSIGHT_BATCH_MAX_SPANS', default: 50_000, min: 1 }),
  /** ...or once its oldest span has waited this long. */
  batchMaxAgeMs: int({ flag: 'batch-max-age-ms', env: 'HINDSIGHT_BATCH_MAX_AGE_MS', default: 500, min: 0 }),
  /** Spans waiting for or inside an insert, beyond which requests are refused. */
  queueMaxSpans: int({ flag: 'queue-max-spans', env: 'HINDSIGHT_QUEUE_MAX_SPANS', default: 200_000, min: 1 }),
  /** The same bound in bytes of row text. */
  queueMaxBytes: int({ flag: 'queue-max-bytes', env: 'HINDSIGHT_QUEUE_MAX_BYTES', default: 256 * MiB, min: 1024 }),
  /** Inserts running at once. */
  insertConcurrency: int({ flag: 'insert-concurrency', env: 'HINDSIGHT_INSERT_CONCURRENCY', default: 2, min: 1 }),
  /** pino level. */
  logLevel: choice({ flag: 'log-level', env: 'HINDSIGHT_LOG_LEVEL', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
  /** Bearer tokens an OTLP client must present; empty = no check. */
  ingestTokens: list({ flag: 'ingest-token', env: 'HINDSIGHT_INGEST_TOKENS', multiple: true }),
  /** Bearer token for the viewer and its APIs; unset = no check. */
  uiToken: optionalText({ flag: 'ui-token', env: 'HINDSIGHT_UI_TOKEN' }),
  /** `user:bcrypt-hash` for HTTP Basic on the viewer and its APIs. */
  uiBasicAuth: optionalText({ flag: 'ui-basic-auth', env: 'HINDSIGHT_UI_BASIC_AUTH' }),
  /** PEM certificate and key: every port serves TLS. */
  tlsCert: optionalText({ flag: 'tls-cert', env: 'HINDSIGHT_TLS_CERT' }),
  tlsKey: optionalText({ flag: 'tls-key', env: 'HINDSIGHT_TLS_KEY' }),
  /** How often the dependency edge job runs; 0 turns it off (another process runs it). */
  dependencyIntervalMs: int({ flag: 'dependency-interval-ms', env: 'HINDSIGHT_DEPENDENCY_INTERVAL_MS', default: 15_000, min: 0 }),
  /** How long after arriving late spans are folded into the edges: longer than the slowest insert takes. */
  dependencyLateSettleSeconds: int({ flag: 'dependency-late-settle-seconds', env: 'HINDSIGHT_DEPENDENCY_LATE_SETTLE_SECONDS', default: 30, min: 1 }),
  /** An anomaly baseline younger than this (seconds from its first span) still finds outliers, but says it is young and gives at most warnings. */
  anomalyMinBaselineSeconds: int({ flag: 'anomaly-min-baseline-seconds', env: 'HINDSIGHT_ANOMALY_MIN_BASELINE_SECONDS', default: 3600, min: 0 }),
  /** Most rows an analytics SQL query may return. */
  sqlMaxRows: int({ flag: 'sql-max-rows', env: 'HINDSIGHT_SQL_MAX_ROWS', default: 100_000, min: 1 }),
  /** Longest an analytics SQL query may run, in seconds. */
  sqlMaxExecutionSeconds: int({ flag: 'sql-max-execution-seconds', env: 'HINDSIGHT_SQL_MAX_EXECUTION_SECONDS', default: 30, min: 1 }),
  /** Most memory an analytics SQL query may use, in bytes. */
  sqlMaxMemoryBytes: int({ flag: 'sql-max-memory-bytes', env: 'HINDSIGHT_SQL_MAX_MEMORY_BYTES', default: 1024 * MiB, min: 16 * MiB }),
  /** Analytics SQL queries running at once; later ones wait for a free reader. */
  sqlMaxConcurrent: int({ flag: 'sql-max-concurrent', env: 'HINDSIGHT_SQL_MAX_CONCURRENT', default: 4, min: 1 }),
  /**
   * Host names (besides localhost, the loopback addresses and --host) that clients may
   * put in the Host header; any other gets 421, which stops DNS rebinding.
   */
  publicHosts: list({ flag: 'public-host', env: 'HINDSIGHT_PUBLIC_HOSTS', multiple: true }),
  /** Open connections per port, beyond which new ones are closed at once; 0 = derived from the open-file limit. */
  maxConnections: int({ flag: 'max-connections', env: 'HINDSIGHT_MAX_CONNECTIONS', default: 0, min: 0 }),
  /** Concurrent gRPC calls (HTTP/2 streams) per connection. */
  grpcMaxStreams: int({ flag: 'grpc-max-streams', env: 'HINDSIGHT_GRPC_MAX_STREAMS', default: 16, min: 1 }),
  /** Request-body bytes being received at once, over both OTLP transports; past it new requests get 429. */
  maxInflightBytes: int({ flag: 'max-inflight-bytes', env: 'HINDSIGHT_MAX_INFLIGHT_BYTES', default: 128 * MiB, min: 1024 }),
  /** Spans starting later than now + this are rejected (partial success). */
  maxFutureSeconds: int({ flag: 'max-future-seconds', env: 'HINDSIGHT_MAX_FUTURE_SECONDS', default: 86_400, min: 0 }),
  /** Attributes kept per span, resource, event or link (the SDKs' default); the excess is dropped and counted. */
  maxAttributes: int({ flag: 'max-attributes', env: 'HINDSIGHT_MAX_ATTRIBUTES', default: 128, min: 1 }),
  /**
   * Where the live tail (GET /api/v1/tail) gets spans: `writer`, this process's own inserts, as
   * they succeed; `poll`, the store, every second, for spans that started --tail-poll-lag-ms ago
   * (what several collectors on one ClickHouse server need). `auto`: writer on embedded storage,
   * poll with --clickhouse-url or in the viewer role.
   */
  tailSource: choice({ flag: 'tail-source', env: 'HINDSIGHT_TAIL_SOURCE', choices: ['auto', 'writer', 'poll'], default: 'auto' }),
  /** How far behind now the polled tail reads: a span stored later than this after it started is not tailed. */
  tailPollLagMs: int({ flag: 'tail-poll-lag-ms', env: 'HINDSIGHT_TAIL_POLL_LAG_MS', default: 10_000, min: 0 }),
  /**
   * The crash tests' hook: the process kills itself with SIGKILL right after its n-th
   * insert is stored, before acknowledging it (cmd/kill-hook.ts); 0 = never.
   */
  testKillAfterInserts: int({ flag: 'test-kill-after-inserts', env: 'HINDSIGHT_TEST_KILL_AFTER_INSERTS', default: 0, min: 0, hidden: true }),
};

type ValueOf<O> = O extends Option<infer T> ? T : never;

/** The whole of Hindsight's configuration, validated once at start-up: one value per option (documented in TABLE). */
export type Config = { -readonly [K in keyof typeof TABLE]: ValueOf<(typeof TABLE)[K]> };

/** The table seen key by key: each key's option yields that key's type, which is what lets loadConfig go without a cast. */
const SPECS: { readonly [K in keyof Config]: Option<Config[K]> } = TABLE;
const KEYS = Object.keys(TABLE).filter((key): key is keyof Config => key in TABLE);

export interface OptionInfo {
  key: keyof Config;
  flag: string;
  env: string;
  default: unknown;
  multiple?: boolean;
  hidden?: boolean;
}

/** The options in table order, for --help and the docs test. */
export const OPTIONS: readonly OptionInfo[] = KEYS.map((key) => ({ key, ...SPECS[key] }));

/** An option's variable, unset when absent or empty. */
function envText(option: Option<unknown>, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[option.env];
  return value === '' ? undefined : value;
}

/** An option's value from its variable alone; undefined when that is unset. */
function fromEnv<T>(option: Option<T>, env: NodeJS.ProcessEnv): T | undefined {
  const raw = envText(option, env);
  return raw === undefined ? undefined : option.parse(raw, option.env);
}

/** A parsed flag's text: a repeatable flag's values joined as its env var would carry them. */
function flagText(given: unknown): string | undefined {
  if (typeof given === 'string') return given;
  return Array.isArray(given) ? given.join(',') : undefined;
}

function readOption<T>(option: Option<T>, given: unknown, env: NodeJS.ProcessEnv): T {
  const flagValue = flagText(given);
  if (flagValue !== undefined) return option.parse(flagValue, `--${option.flag}`);
  const envValue = envText(option, env);
  return envValue === undefined ? option.default : option.parse(envValue, option.env);
}

/** True once every option has its value; each has a default, so reading them all always gets there. */
function isComplete(values: Partial<Config>): values is Config {
  return KEYS.every((key) => key in values);
}

/**
 * Merges flags, environment and defaults (flags win) into one validated Config.
 * Only this module reads the environment: everything else takes a Config.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const flags = parseArgs({
    args: [...argv],
    options: Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: 'string' as const, multiple: o.multiple === true }])),
    strict: true,
    allowPositionals: false,
  }).values;
  const values: Partial<Config> = {};
  const read = <K extends keyof Config>(key: K): void => {
    values[key] = readOption(SPECS[key], flags[SPECS[key].flag], env);
  };
  for (const key of KEYS) read(key);
  if (!isComplete(values)) throw new Error('an option was left unread');
  checkTogether(values);
  return values;
}

/** What no single option can say alone, or says about its text beyond its kind. */
function checkTogether(config: Config): void {
  if (!IDENTIFIER.test(config.database)) {
    throw invalid('--clickhouse-database', config.database, 'letters, digits and _ (not starting with a digit)');
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw invalid(config.tlsCert === undefined ? '--tls-cert' : '--tls-key', '', 'both --tls-cert and --tls-key, or neither');
  }
  if (config.uiBasicAuth !== undefined && !/^[^:]+:\$2[aby]\$\d\d\$.{53}$/.test(config.uiBasicAuth)) {
    throw invalid('--ui-basic-auth', '(hidden)', 'user:bcrypt-hash, e.g. made with `npx bcryptjs`');
  }
  if (config.cluster !== undefined && !IDENTIFIER.test(config.cluster)) {
    throw invalid('--cluster', config.cluster, 'a cluster name of letters, digits and _ (not starting with a digit)');
  }
  if (config.cluster !== undefined && config.clickhouseUrl === undefined) {
    throw invalid('--cluster', config.cluster, 'a ClickHouse server too: --clickhouse-url (embedded chDB is one node)');
  }
  if (config.maxInflightBytes < config.maxBodyBytes) {
    // Otherwise a body larger than the whole budget would get a retryable 429 for ever.
    throw invalid('--max-inflight-bytes', String(config.maxInflightBytes), `at least --max-body-bytes (${config.maxBodyBytes})`);
  }
  if (config.clickhouseUrl !== undefined && !/^https?:\/\//.test(config.clickhouseUrl)) {
    throw invalid('--clickhouse-url', config.clickhouseUrl, 'an http:// or https:// URL');
  }
}

/** Config for tests and embedding: defaults overridden by the given values, validated the same way. */
export function makeConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig([], {}), ...overrides };
}

/**
 * The credentials a client command sends, from the variables the server reads its own
 * from: the viewer token, and the first ingest token.
 */
export function clientCredentials(env: NodeJS.ProcessEnv = process.env): { uiToken: string | undefined; ingestToken: string | undefined } {
  return { uiToken: fromEnv(SPECS.uiToken, env), ingestToken: fromEnv(SPECS.ingestTokens, env)?.[0] };
}

/** NO_COLOR (https://no-color.org): set and not empty turns terminal colours off. */
export function colorAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env['NO_COLOR'];
}

/**
 * Sizes libuv's thread pool unless the operator did (their UV_THREADPOOL_SIZE wins).
 * libuv reads it once, when its pool first takes work: call this before anything does.
 */
export function defaultThreadPoolSize(size: number, env: NodeJS.ProcessEnv = process.env): void {
  env['UV_THREADPOOL_SIZE'] ??= String(size);
}
