import { clientCredentials, colorAllowed, defaultThreadPoolSize, loadConfig, makeConfig, OPTIONS } from '../../../common/config';
import { HindsightError } from '../../../common/errors';

describe('loadConfig', () => {
  test('defaults are safe: loopback only, embedded storage, standard ports', () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      clickhouseUrl: undefined,
      dataDir: './data',
      otlpHttpPort: 4318,
      otlpGrpcPort: 4317,
      uiPort: 16686,
      retentionDays: 7,
      corsOrigins: [],
      maxBodyBytes: 16 * 1024 * 1024,
    });
  });

  test('flags win over the environment, which wins over defaults', () => {
    const config = loadConfig(['--otlp-http-port', '9000'], { HINDSIGHT_OTLP_HTTP_PORT: '8000', HINDSIGHT_RETENTION_DAYS: '30' });
    expect(config.otlpHttpPort).toBe(9000);
    expect(config.retentionDays).toBe(30);
  });

  test('CORS origins are a comma separated list', () => {
    expect(loadConfig(['--cors-origins', 'http://a.test, http://b.test,'], {}).corsOrigins).toEqual(['http://a.test', 'http://b.test']);
    expect(loadConfig([], { HINDSIGHT_CORS_ORIGINS: 'http://c.test' }).corsOrigins).toEqual(['http://c.test']);
  });

  test.each([
    [['--otlp-http-port', '70000'], {}, '--otlp-http-port="70000" is invalid: expected a whole number from 0 to 65535'],
    [[], { HINDSIGHT_UI_PORT: 'eighty' }, 'HINDSIGHT_UI_PORT="eighty" is invalid'],
    [['--retention-days', '0'], {}, '--retention-days="0" is invalid: expected a whole number from 1'],
    [['--log-level', 'loud'], {}, 'expected one of fatal, error, warn, info, debug, trace, silent'],
    [['--clickhouse-database', 'otel; DROP'], {}, '--clickhouse-database="otel; DROP" is invalid'],
    [['--clickhouse-url', 'tcp://x'], {}, 'expected an http:// or https:// URL'],
  ])('rejects %j %j naming the key', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(HindsightError);
    expect(() => loadConfig(argv, env)).toThrow(message);
  });

  test('unknown flags are refused', () => {
    expect(() => loadConfig(['--no-such-flag', '1'], {})).toThrow(/no-such-flag/);
  });

  test('every option has a flag and a HINDSIGHT_ environment variable', () => {
    // --cluster is a ClickHouse cluster: its variable says so, as the ClickHouse connection's others do.
    const named: Record<string, string> = { cluster: 'HINDSIGHT_CLICKHOUSE_CLUSTER' };
    for (const option of OPTIONS) {
      if (named[option.flag]) {
        expect(option.env).toBe(named[option.flag]);
        continue;
      }
      // A repeatable flag's variable holds the list, so its name is plural.
      expect(option.env).toBe(`HINDSIGHT_${option.flag.toUpperCase().replaceAll('-', '_')}${option.multiple ? 'S' : ''}`);
    }
  });

  test('makeConfig overrides defaults', () => {
    expect(makeConfig({ uiPort: 0 }).uiPort).toBe(0);
  });

  test('choices are checked while merged, from a flag or a variable', () => {
    expect(loadConfig([], { HINDSIGHT_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig([], { HINDSIGHT_CLUSTER_INSERT: 'both' })).toThrow('HINDSIGHT_CLUSTER_INSERT="both" is invalid: expected distributed or local');
  });

  test("the one hidden option is the crash tests' kill hook, off unless set", () => {
    expect(OPTIONS.filter((o) => o.hidden).map((o) => o.flag)).toEqual(['test-kill-after-inserts']);
    expect(loadConfig([], {}).testKillAfterInserts).toBe(0);
    expect(loadConfig(['--test-kill-after-inserts', '3'], {}).testKillAfterInserts).toBe(3);
    expect(loadConfig([], { HINDSIGHT_TEST_KILL_AFTER_INSERTS: '1' }).testKillAfterInserts).toBe(1);
  });
});

describe('the environment beyond the options', () => {
  test("client commands send the viewer token and the first ingest token of the server's own variables", () => {
    expect(clientCredentials({ HINDSIGHT_UI_TOKEN: 'view', HINDSIGHT_INGEST_TOKENS: ' send , other' })).toEqual({ uiToken: 'view', ingestToken: 'send' });
    expect(clientCredentials({ HINDSIGHT_UI_TOKEN: '' })).toEqual({ uiToken: undefined, ingestToken: undefined });
  });

  test('NO_COLOR, when set and not empty, turns colours off', () => {
    expect(colorAllowed({})).toBe(true);
    expect(colorAllowed({ NO_COLOR: '' })).toBe(true);
    expect(colorAllowed({ NO_COLOR: '1' })).toBe(false);
  });

  test("the thread pool's size is set unless the operator set it", () => {
    const env: NodeJS.ProcessEnv = {};
    defaultThreadPoolSize(11, env);
    expect(env['UV_THREADPOOL_SIZE']).toBe('11');
    defaultThreadPoolSize(20, env);
    expect(env['UV_THREADPOOL_SIZE']).toBe('11');
  });
});

describe('cluster options', () => {
  const url = ['--clickhouse-url', 'http://ch:8123'];
  test('--cluster takes a name and a server; writes go through the Distributed table unless told', () => {
    expect(loadConfig([...url, '--cluster', 'hindsight'], {})).toMatchObject({ cluster: 'hindsight', clusterInsert: 'distributed' });
    expect(loadConfig(url, { HINDSIGHT_CLICKHOUSE_CLUSTER: 'c1', HINDSIGHT_CLUSTER_INSERT: 'local' })).toMatchObject({ cluster: 'c1', clusterInsert: 'local' });
  });

  test.each([
    [['--cluster', 'hindsight'], 'expected a ClickHouse server too: --clickhouse-url'],
    [[...url, '--cluster', "x' SYNC"], '--cluster="x\' SYNC" is invalid'],
    [[...url, '--cluster', 'c', '--cluster-insert', 'both'], '--cluster-insert="both" is invalid: expected distributed or local'],
  ])('rejects %j', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(message);
  });
});

describe('access control options', () => {
  test('--ingest-token repeats; the environment takes a comma separated list', () => {
    expect(loadConfig(['--ingest-token', 'a', '--ingest-token', 'b'], {}).ingestTokens).toEqual(['a', 'b']);
    expect(loadConfig([], { HINDSIGHT_INGEST_TOKENS: 'x,y' }).ingestTokens).toEqual(['x', 'y']);
  });

  test('TLS needs both the certificate and the key', () => {
    expect(() => loadConfig(['--tls-cert', 'c.pem'], {})).toThrow(/both --tls-cert and --tls-key/);
  });

  test('basic auth must be user:bcrypt-hash, and the value is never echoed', () => {
    expect(() => loadConfig(['--ui-basic-auth', 'admin:plaintext'], {})).toThrow('--ui-basic-auth="(hidden)" is invalid');
    expect(loadConfig(['--ui-basic-auth', `admin:$2b$04$${'a'.repeat(53)}`], {}).uiBasicAuth).toMatch(/^admin:/);
  });
});
