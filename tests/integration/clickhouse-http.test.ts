/**
 * The ClickHouse HTTP port (issue 15): clients nobody here wrote read embedded
 * Hindsight through it. clickhouse-js connects, pings and reads JSON and RowBinary;
 * every OpenTelemetry query Grafana's ClickHouse data source sends answers the rows
 * of the spans sent here; clickhouse-go's HTTP requests (conn_http.go, read at
 * ClickHouse/clickhouse-go 0c09672d) are replayed byte for byte and answered in the
 * Native framing it decodes. And it is no way around the SQL endpoint: what that
 * refuses is refused here, limits cannot be lifted, a wrong password gets 516.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSimpleTrace } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';
import { GRAFANA_OTEL_QUERIES } from './fixtures/grafana-otel-queries';

let server: TestServer;
let client: ClickHouseClient;
/**
 * The readers write 64-bit integers in JSON as numbers (the embedded engine's
 * output_format_json_quote_64bit_integers is 0), which clickhouse-js reads either way.
 */
/** Both traces start within this hour; Grafana's time range spans it. */
const BASE_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000 + 60_000;
const cart = makeSimpleTrace({ service: 'shop', name: 'GET /cart', startMs: BASE_MS, durationMs: 100, children: 2, childService: 'shop-db' });
const pay = makeSimpleTrace({ service: 'shop', name: 'GET /pay', startMs: BASE_MS + 1000, durationMs: 300, error: true, children: 1, childService: 'shop-db' });
const traceId = (spans: ReadableSpan[]): string => spans[0]!.spanContext().traceId;

async function send(spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
}

beforeAll(async () => {
  server = await startTestServer({ sqlMaxRows: 1000, sqlMaxExecutionSeconds: 10 });
  await send([...cart, ...pay]);
  client = createClient({ url: server.clickhouseUrl, database: server.config.database });
  // The writer's batch lands shortly after the export is acknowledged.
  for (;;) {
    const rows = await (await client.query({ query: 'SELECT count() AS n FROM otel_traces', format: 'JSONEachRow' })).json<{ n: number }>();
    if (rows[0]?.n === 5) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  await client?.close();
  await stopTestServer(server);
});

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; text: string; bytes: Buffer; headers: Headers }> {
  const response = await fetch(`${server.clickhouseUrl}${path}`, init);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, text: bytes.toString('utf8'), bytes, headers: response.headers };
}

describe('the interface clients use', () => {
  test('GET / and /ping answer "Ok."; clickhouse-js pings', async () => {
    for (const path of ['/', '/ping']) {
      const r = await raw(path);
      expect([r.status, r.text]).toEqual([200, 'Ok.\n']);
    }
    expect(await client.ping()).toEqual({ success: true });
  });

  test('clickhouse-js reads JSON, with the response headers ClickHouse sends', async () => {
    const result = await client.query({ query: 'SELECT ServiceName, count() AS spans FROM otel_traces GROUP BY ServiceName ORDER BY ServiceName', format: 'JSON', query_id: 'q-json-1' });
    expect(result.query_id).toBe('q-json-1');
    expect(result.response_headers['x-clickhouse-format']).toBe('JSON');
    const summary = JSON.parse(String(result.response_headers['x-clickhouse-summary'])) as Record<string, string>;
    expect(Number(summary.read_rows)).toBeGreaterThan(0);
    const body = await result.json<{ ServiceName: string; spans: number }>();
    expect(body.meta).toEqual([
      { name: 'ServiceName', type: 'LowCardinality(String)' },
      { name: 'spans', type: 'UInt64' },
    ]);
    expect(body.data).toEqual([
      { ServiceName: 'shop', spans: 2 },
      { ServiceName: 'shop-db', spans: 3 },
    ]);
  });

  test('clickhouse-js reads JSONCompactEachRowWithNamesAndTypes and a RowBinaryWithNamesAndTypes stream', async () => {
    const compact = await client.query({ query: "SELECT SpanName, Duration FROM otel_traces WHERE ServiceName = 'shop' ORDER BY Timestamp", format: 'JSONCompactEachRowWithNamesAndTypes' });
    expect(await compact.json()).toEqual([
      ['SpanName', 'Duration'],
      ['LowCardinality(String)', 'UInt64'],
      ['GET /cart', 100000000],
      ['GET /pay', 300000000],
    ]);
    // clickhouse-js 1.23 parses no RowBinary itself: exec() hands over the bytes the port sent.
    const { stream } = await client.exec({ query: "SELECT toUInt32(7) AS n, 'shop' AS s FORMAT RowBinaryWithNamesAndTypes" });
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    const text = (s: string): number[] => [s.length, ...Buffer.from(s)];
    expect([...Buffer.concat(parts)]).toEqual([2, ...text('n'), ...text('s'), ...text('UInt32'), ...text('String'), 7, 0, 0, 0, ...text('shop')]);
  });

  test("GET ?query=, FORMAT in the statement, SHOW CREATE TABLE, system tables of Hindsight's database", async () => {
    const created = await raw(`/?database=${server.config.database}&query=${encodeURIComponent('SHOW CREATE TABLE otel_traces FORMAT TabSeparatedRaw')}`);
    expect(created.status).toBe(200);
    expect(created.headers.get('x-clickhouse-format')).toBe('TabSeparatedRaw');
    expect(created.text).toContain(`CREATE TABLE ${server.config.database}.otel_traces`);
    const tables = await client.query({ query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'otel_traces'", format: 'JSONEachRow' });
    expect(await tables.json()).toEqual([{ name: 'otel_traces' }]);
    const version = await client.query({ query: 'SELECT version() AS v SETTINGS max_execution_time = 5', format: 'JSONEachRow' });
    expect((await version.json<{ v: string }>())[0]!.v).toMatch(/^\d+\.\d+/);
  });

  test("errors come in ClickHouse's text, with its code and its status", async () => {
    const r = await raw('/', { method: 'POST', body: 'SELECT * FROM no_such_table' });
    expect(r.status).toBe(404);
    expect(r.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(r.text).toMatch(/^Code: 60\. DB::Exception: .*no_such_table.*\. \(UNKNOWN_TABLE\) \(version \d[\d.]*\)\n$/);
    await expect(client.query({ query: 'SELEC 1' })).rejects.toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
  });
});

describe("Grafana's ClickHouse data source, OpenTelemetry traces", () => {
  const fill = (sql: string): string => {
    const from = Math.floor(BASE_MS / 1000) - 60;
    const to = from + 3600;
    return sql
      .replaceAll('{fromMs}', String(from * 1000))
      .replaceAll('{toMs}', String(to * 1000))
      .replaceAll('{from}', String(from))
      .replaceAll('{to}', String(to))
      .replaceAll('{traceId}', traceId(cart))
      .replaceAll('"otel".', `"${server.config.database}".`);
  };
  const rows = async (name: keyof typeof GRAFANA_OTEL_QUERIES): Promise<Record<string, unknown>[]> =>
    (await client.query({ query: fill(GRAFANA_OTEL_QUERIES[name]), format: 'JSONEachRow' })).json<Record<string, unknown>>();

  test('trace search: the root spans, latest first', async () => {
    expect(await rows('traceSearch')).toEqual([
      { traceID: traceId(pay), serviceName: 'shop', operationName: 'GET /pay', startTime: expect.any(String), duration: 300 },
      { traceID: traceId(cart), serviceName: 'shop', operationName: 'GET /cart', startTime: expect.any(String), duration: 100 },
    ]);
  });

  test('trace by id, bounded by the otel_traces_trace_id_ts table', async () => {
    const spans = await rows('traceById');
    expect(spans.map((s) => [s.serviceName, s.operationName, s.duration, s.statusCode]).sort()).toEqual([
      ['shop', 'GET /cart', 100, 0],
      ['shop-db', 'query 0', 1, 0],
      ['shop-db', 'query 1', 1, 0],
    ]);
    expect(new Set(spans.map((s) => s.traceID))).toEqual(new Set([traceId(cart)]));
    expect(spans.find((s) => s.operationName === 'GET /cart')!.serviceTags).toContainEqual({ key: 'service.name', value: 'shop' });
  });

  test('service map: nodes and edges', async () => {
    expect(await rows('serviceMapNodes')).toEqual([
      { id: 'shop-db', title: 'shop-db', mainstat: '3 spans', secondarystat: '1 ms avg', arc__success: 2 / 3, arc__errors: 1 / 3 },
      { id: 'shop', title: 'shop', mainstat: '2 spans', secondarystat: '200 ms avg', arc__success: 0.5, arc__errors: 0.5 },
    ]);
    expect(await rows('serviceMapEdges')).toEqual([{ id: 'shop-shop-db', source: 'shop', target: 'shop-db', mainstat: '3 calls' }]);
  });

  test('top operations and p99', async () => {
    expect(await rows('topOperations')).toEqual([
      {
        Operation: expect.stringMatching(/^GET \/(cart|pay)$/),
        Count: 1,
        Errors: expect.any(Number),
        'Error %': expect.any(Number),
        P50: expect.any(Number),
        P99: expect.any(Number),
        'Top Error': expect.any(String),
      },
      {
        Operation: expect.stringMatching(/^GET \/(cart|pay)$/),
        Count: 1,
        Errors: expect.any(Number),
        'Error %': expect.any(Number),
        P50: expect.any(Number),
        P99: expect.any(Number),
        'Top Error': expect.any(String),
      },
    ]);
    const byName = Object.fromEntries((await rows('topOperations')).map((r) => [r.Operation, r]));
    expect(byName['GET /pay']).toMatchObject({ Errors: 1, 'Error %': 100, P99: 300_000_000, 'Top Error': 'failed' });
    expect(byName['GET /cart']).toMatchObject({ Errors: 0, 'Error %': 0, P99: 100_000_000, 'Top Error': '' });
    const p99 = await rows('p99');
    expect(p99).toHaveLength(1);
    expect(p99[0]!.p99_ms).toBeCloseTo(298, 0);
  });

  test("the explorer's trace search results", async () => {
    const found = await rows('traceSearchResults');
    expect(found.map((t) => [t.TraceId, t.Spans, t.Status])).toEqual([
      [traceId(pay), 2, 'Error'],
      [traceId(cart), 3, ''],
    ]);
  });
});

/**
 * clickhouse-go over HTTP (conn_http.go): every request is a POST to the base URL, whose
 * parameters url.Values.Encode() sorts: client_protocol_version (proto.DBMS_TCP_PROTOCOL_VERSION,
 * 54460), database, default_format=Native, then the Options' settings. The user and
 * password go in the URL's userinfo, which Go's client sends as HTTP Basic. Grafana's
 * plugin asks for gzip on HTTP (pkg/plugin/driver.go), so each query carries
 * Accept-Encoding: gzip. The statement is the body.
 */
describe('clickhouse-go', () => {
  const goRequest = (body: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> =>
    raw(`/?client_protocol_version=54460&database=${server.config.database}&default_format=Native`, {
      method: 'POST',
      headers: {
        'User-Agent': 'clickhouse-go/2.40.0 (lv:go/1.24.0; os:linux) grafana-datasource/4.10.0',
        Authorization: `Basic ${Buffer.from('default:').toString('base64')}`,
        'Accept-Encoding': 'gzip',
      },
      body,
    });
  const str = (s: string): number[] => [s.length, ...Buffer.from(s)];

  test('its hello is answered in the framing of the revision it announced, reporting revision 0', async () => {
    const hello = await goRequest('SELECT displayName(), version(), revision(), timezone()');
    expect(hello.status).toBe(200);
    const version = (await (await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{ v: string }>())[0]!.v;
    // lib/proto/block.go Decode at revision 54460: BlockInfo, counts, then per column name, type, custom flag, data.
    expect([...hello.bytes]).toEqual([
      ...[1, 0, 2, 0xff, 0xff, 0xff, 0xff, 0],
      4,
      1,
      ...str('displayName()'),
      ...str('String'),
      0,
      ...str('hindsight'),
      ...str('version()'),
      ...str('String'),
      0,
      ...str(version),
      ...str('revision()'),
      ...str('UInt32'),
      0,
      0,
      0,
      0,
      0,
      ...str('timezone()'),
      ...str('String'),
      0,
      ...str(hello.headers.get('x-clickhouse-timezone')!),
    ]);
  });

  test("its ping and Grafana's health check come back as Native for revision 0", async () => {
    const ping = await goRequest('SELECT 1');
    expect(ping.headers.get('content-type')).toBe('application/octet-stream');
    expect([...ping.bytes]).toEqual([1, 1, ...str('1'), ...str('UInt8'), 1]);
    const version = await goRequest('SELECT version()');
    expect([...version.bytes.subarray(0, 2 + 1 + 'version()'.length + 1 + 'String'.length)]).toEqual([1, 1, ...str('version()'), ...str('String')]);
  });
});

describe('hostile requests', () => {
  const refusedBySqlEndpoint = [
    "INSERT INTO otel_traces (TraceId) VALUES ('x')",
    'CREATE TABLE evil (x UInt8) ENGINE = Memory',
    'DROP TABLE otel_traces',
    'ALTER TABLE otel_traces DELETE WHERE 1',
    'SET max_result_rows = 0',
    'SYSTEM FLUSH LOGS',
    'KILL QUERY WHERE 1',
    "SELECT file('/etc/hostname')",
    "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')",
    'SELECT * FROM system.server_settings',
    "SELECT 1 INTO OUTFILE '/tmp/x'",
    'SELECT 1; SELECT 2',
    'SELECT {p:UInt8}',
    'SELECT displayName()',
    'SELECT 1 SETTINGS max_result_rows = 0',
  ];
  test.each(refusedBySqlEndpoint)('refused by both: %s', async (statement) => {
    const endpoint = await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: statement }) });
    expect(endpoint.status).toBe(400);
    const r = await raw('/', { method: 'POST', body: statement });
    expect(r.status).not.toBe(200);
    expect(r.headers.get('x-clickhouse-exception-code')).toMatch(/^\d+$/);
    expect(r.text).toMatch(/^Code: \d+\. DB::Exception: /);
  });

  test.each([
    ['max_result_rows=0', 'max_result_rows'],
    ['max_memory_usage=0', 'max_memory_usage'],
    ['result_overflow_mode=break', 'result_overflow_mode'],
    ['readonly=0', 'readonly'],
    ['allow_introspection_functions=1', 'allow_introspection_functions'],
    ['max_result_rows=0&max_rows_to_read=0', "'max_result_rows', 'max_rows_to_read'"],
    ['output_format_json_quote_64bit_integers=1', 'output_format_json_quote_64bit_integers'],
  ])('a setting that would change what the port enforces is refused by name: %s', async (params, named) => {
    const r = await raw(`/?${params}`, { method: 'POST', body: 'SELECT 1' });
    expect([r.status, r.headers.get('x-clickhouse-exception-code')]).toEqual([500, '164']);
    expect(r.text).toContain(named);
  });

  test('harmless settings pass: a lowered max_execution_time, an output setting at its value, readonly=1', async () => {
    const r = await raw('/?max_execution_time=3&output_format_json_quote_64bit_integers=0&readonly=1&wait_end_of_query=1&default_format=JSONEachRow', {
      method: 'POST',
      body: 'SELECT toUInt64(1) AS n',
    });
    expect([r.status, r.text]).toEqual([200, '{"n":1}\n']);
  });

  test('another database is not served', async () => {
    const r = await raw('/?database=system', { method: 'POST', body: 'SELECT 1' });
    expect([r.status, r.headers.get('x-clickhouse-exception-code')]).toEqual([404, '81']);
  });
});

describe('with --ui-token', () => {
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({ uiToken: 'grafana-secret' });
  });
  afterAll(async () => stopTestServer(guarded));

  test('a wrong or missing password gets 516 AUTHENTICATION_FAILED, as ClickHouse answers', async () => {
    const attempts: Record<string, string>[] = [{}, { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': 'wrong' }, { Authorization: `Basic ${Buffer.from('default:wrong').toString('base64')}` }];
    for (const headers of attempts) {
      const response = await fetch(`${guarded.clickhouseUrl}/?query=SELECT%201`, { headers });
      expect([response.status, response.headers.get('x-clickhouse-exception-code')]).toEqual([403, '516']);
      expect(await response.text()).toMatch(/^Code: 516\. DB::Exception: default: Authentication failed: .*\(AUTHENTICATION_FAILED\)/);
    }
    const wrong = createClient({ url: guarded.clickhouseUrl, password: 'nope' });
    await expect(wrong.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' });
    await wrong.close();
  });

  test('the token is the password, for any user name; /ping needs none', async () => {
    const grafana = createClient({ url: guarded.clickhouseUrl, username: 'grafana', password: 'grafana-secret', database: guarded.config.database });
    expect(await (await grafana.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json()).toEqual([{ one: 1 }]);
    await grafana.close();
    expect((await fetch(`${guarded.clickhouseUrl}/ping`)).status).toBe(200);
  });
});
