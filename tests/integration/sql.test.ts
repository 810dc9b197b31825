/**
 * The analytics SQL endpoint: read-only in two layers, limited, streamed. Every
 * hostile statement below is refused by name and leaves the data unchanged.
 */
import * as fs from 'node:fs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeTraces } from '../support/spans';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
let db: string;
const MiB = 1024 * 1024;

beforeAll(async () => {
  server = await startTestServer({ sqlMaxRows: 1000, sqlMaxExecutionSeconds: 1, sqlMaxMemoryBytes: 64 * MiB });
  db = server.config.database;
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(makeTraces().spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
});
afterAll(async () => {
  await stopTestServer(server);
});

async function sql(query: string, format?: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format }) });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('read-only statements run', () => {
  test('SELECT returns rows with column names and types', async () => {
    const { status, text } = await sql(`SELECT ServiceName, count() AS spans FROM otel_traces GROUP BY ServiceName ORDER BY ServiceName`);
    expect(status).toBe(200);
    const body = JSON.parse(text) as { meta: { name: string; type: string }[]; data: { ServiceName: string; spans: string }[]; rows: number };
    expect(body.meta).toEqual([
      { name: 'ServiceName', type: 'LowCardinality(String)' },
      { name: 'spans', type: 'UInt64' },
    ]);
    expect(body.data.map((r) => r.ServiceName)).toEqual(['checkout', 'frontend', 'payments']);
    expect(body.rows).toBe(3);
  });

  test.each([
    ['WITH', 'WITH s AS (SELECT ServiceName FROM otel_traces) SELECT count() FROM s'],
    ['SHOW TABLES', 'SHOW TABLES'],
    ['DESCRIBE', 'DESCRIBE TABLE otel_traces'],
    ['EXPLAIN', 'EXPLAIN SELECT count() FROM otel_traces'],
    ['system tables', 'SELECT name FROM system.tables WHERE database = currentDatabase()'],
    ['qualified names', 'SELECT count() FROM %DB%.otel_traces'],
    ['numbers()', 'SELECT sum(number) FROM numbers(10)'],
    ['a comment', '/* how many */ SELECT count() FROM otel_traces -- spans'],
    ['a semicolon at the end', 'SELECT 1;'],
  ])('%s', async (_name, query) => {
    const { status, text } = await sql(query.replace('%DB%', db));
    expect({ status, text: status === 200 ? '' : text }).toEqual({ status: 200, text: '' });
  });

  test('CSV and TSV come with names and as downloads', async () => {
    const csv = await sql('SELECT number AS n, toString(number * 2) AS s FROM numbers(3)', 'csv');
    expect(csv.type).toContain('text/csv');
    expect(csv.text).toBe('"n","s"\n0,"0"\n1,"2"\n2,"4"\n');
    const tsv = await sql('SELECT number AS n FROM numbers(2)', 'tsv');
    expect(tsv.type).toContain('text/tab-separated-values');
    expect(tsv.text).toBe('n\n0\n1\n');
  });
});

describe("limits and failures are a 400 with ClickHouse's code", () => {
  test.each([
    ['too many rows', 'SELECT number FROM numbers(5000)', '396'],
    ['too long', 'SELECT count() FROM numbers(100000000000)', '159'],
    ['too much memory', 'SELECT groupArray(toString(number)) FROM numbers(100000000)', '241'],
    ['an unknown column', 'SELECT nope FROM otel_traces', '47'],
    ['a syntax error', 'SELEC 1', '62'],
  ])('%s', async (_name, query, code) => {
    const { status, text } = await sql(query);
    expect(status).toBe(400);
    const { error } = JSON.parse(text) as { error: { code: string; message: string; clickhouseCode?: string } };
    expect(error.clickhouseCode).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });

  test('a malformed request body names what is wrong', async () => {
    expect(JSON.parse((await sql('')).text).error.message).toBe('query: expected the SQL text');
    expect(JSON.parse((await sql('SELECT 1', 'xml')).text).error.message).toBe('format: expected one of json, csv, tsv');
  });
});

const OUTFILE = `/tmp/hindsight-sql-test-${process.pid}`;

/** Hostile statements, each by name: all must be refused, none may change anything. */
const HOSTILE: [string, string][] = [
  ['DROP TABLE', 'DROP TABLE otel_traces'],
  ['DROP DATABASE', 'DROP DATABASE %DB%'],
  ['TRUNCATE', 'TRUNCATE TABLE otel_traces'],
  ['ALTER DELETE', 'ALTER TABLE otel_traces DELETE WHERE 1'],
  ['ALTER MODIFY TTL', 'ALTER TABLE otel_traces MODIFY TTL toDateTime(Timestamp)'],
  ['INSERT VALUES', "INSERT INTO otel_traces (SpanName) VALUES ('x')"],
  ['INSERT SELECT', 'INSERT INTO otel_traces SELECT * FROM otel_traces'],
  ['CREATE TABLE', 'CREATE TABLE x (a UInt8) ENGINE = Memory'],
  ['CREATE TABLE with the File engine', "CREATE TABLE x (a String) ENGINE = File(CSV, '/etc/passwd')"],
  ['CREATE TABLE AS url()', "CREATE TABLE x AS url('http://127.0.0.1:1/', 'CSV', 'a String')"],
  ['RENAME', 'RENAME TABLE otel_traces TO gone'],
  ['OPTIMIZE', 'OPTIMIZE TABLE otel_traces FINAL'],
  ['ATTACH', 'ATTACH TABLE x'],
  ['DETACH', 'DETACH TABLE otel_traces'],
  ['SET readonly', 'SET readonly = 0'],
  ['SET a limit', 'SET max_result_rows = 0'],
  ['SETTINGS readonly', 'SELECT 1 SETTINGS readonly = 0'],
  ['SETTINGS to loosen a limit', 'SELECT count() FROM numbers(10) SETTINGS max_execution_time = 100000'],
  ['SYSTEM', 'SYSTEM STOP MERGES'],
  ['SYSTEM SHUTDOWN', 'SYSTEM SHUTDOWN'],
  ['KILL', 'KILL QUERY WHERE 1'],
  ['GRANT', 'GRANT ALL ON *.* TO default'],
  ['CREATE USER', 'CREATE USER intruder'],
  ['file()', "SELECT * FROM file('/etc/passwd', 'LineAsString')"],
  ['url()', "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')"],
  ['s3()', "SELECT * FROM s3('http://127.0.0.1:1/b/k.csv', 'CSV', 'a String')"],
  ['hdfs()', "SELECT * FROM hdfs('hdfs://127.0.0.1:1/x', 'CSV', 'a String')"],
  ['remote()', "SELECT * FROM remote('127.0.0.1', system.one)"],
  ['remoteSecure()', "SELECT * FROM remoteSecure('127.0.0.1', system.one)"],
  ['mysql()', "SELECT * FROM mysql('127.0.0.1:1', 'd', 't', 'u', 'p')"],
  ['postgresql()', "SELECT * FROM postgresql('127.0.0.1:1', 'd', 't', 'u', 'p')"],
  ['jdbc()', "SELECT * FROM jdbc('jdbc:x', 't')"],
  ['odbc()', "SELECT * FROM odbc('DSN=x', 't')"],
  ['executable()', "SELECT * FROM executable('id', 'TSV', 'a String')"],
  ['input()', "SELECT * FROM input('a String')"],
  ['azureBlobStorage()', "SELECT * FROM azureBlobStorage('http://127.0.0.1:1', 'c', 'b', 'CSV')"],
  ['cluster()', "SELECT * FROM cluster('default', system.one)"],
  ['dictionary()', "SELECT * FROM dictionary('d')"],
  ['merge()', "SELECT * FROM merge('%DB%', '.*')"],
  ['INTO OUTFILE', `SELECT 1 INTO OUTFILE '${OUTFILE}'`],
  ['a FORMAT clause', 'SELECT 1 FORMAT Native'],
  ['two statements', 'SELECT 1; DROP TABLE otel_traces'],
  ['a statement after a comment', 'SELECT 1 /* harmless */; DROP TABLE otel_traces'],
  ['a statement after a line comment', 'SELECT 1 -- done\n; DROP TABLE otel_traces'],
  ['a table function in a subquery', "SELECT count() FROM otel_traces WHERE SpanName IN (SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String'))"],
  ['a table function in a JOIN', "SELECT * FROM otel_traces AS t JOIN file('/etc/passwd', 'LineAsString') AS f ON 1"],
  ['a table function in a UNION', "SELECT 'x' UNION ALL SELECT * FROM file('/etc/passwd', 'LineAsString')"],
  ['a table function in a CTE', "WITH f AS (SELECT * FROM file('/etc/passwd', 'LineAsString')) SELECT * FROM f"],
  ['DESCRIBE of a table function', "DESCRIBE TABLE file('/etc/passwd', 'LineAsString')"],
  ['EXPLAIN of a table function', "EXPLAIN SELECT * FROM executable('id', 'TSV', 'a String')"],
  ['another database', 'SELECT * FROM default.anything'],
];

describe('hostile statements are refused', () => {
  let before: { n: string }[];
  let tables: { name: string }[];
  beforeAll(async () => {
    before = await queryRows(server.store.client, `SELECT count() AS n FROM ${db}.otel_traces`);
    tables = await queryRows(server.store.client, 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name', { db });
  });

  test.each(HOSTILE)('%s', async (_name, query) => {
    const { status, text } = await sql(query.replaceAll('%DB%', db));
    expect(status).toBe(400);
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    expect(['HS_SQL_REFUSED', 'HS_SQL_FAILED']).toContain(error.code);
    expect(error.message).not.toBe('');
  });

  test('they are at least 30, and they changed nothing', async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    expect(await queryRows(server.store.client, `SELECT count() AS n FROM ${db}.otel_traces`)).toEqual(before);
    expect(await queryRows(server.store.client, 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name', { db })).toEqual(tables);
    expect(fs.existsSync(OUTFILE)).toBe(false);
  });

  test('the statement check names what it refused', async () => {
    expect(JSON.parse((await sql("SELECT * FROM file('/etc/passwd')")).text).error.message).toContain('the table function file() is not allowed');
    expect(JSON.parse((await sql('DROP TABLE otel_traces')).text).error.message).toContain('only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements may run here');
    expect(JSON.parse((await sql('SELECT 1; SELECT 2')).text).error.message).toContain('Multi-statements are not allowed');
  });

  test('sent again, a statement gets the same verdict: a passed one runs again, a refused one is refused again', async () => {
    const passed = "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'checkout'";
    const refused = "SELECT * FROM file('/etc/passwd')";
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await sql(passed), await sql(refused));
    expect(answers.map((a) => a.status)).toEqual([200, 400, 200, 400, 200, 400]);
    expect(new Set(answers.filter((a) => a.status === 200).map((a) => JSON.stringify(JSON.parse(a.text).data))).size).toBe(1);
    expect(answers.filter((a) => a.status === 400).every((a) => (JSON.parse(a.text) as { error: { message: string } }).error.message.includes('file() is not allowed'))).toBe(true);
  });

  test('the writer keeps inserting after all of it', async () => {
    const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
    await new Promise<void>((resolve, reject) => exporter.export(makeTraces().spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
    await exporter.shutdown();
    const after = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${db}.otel_traces`);
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 6);
  });
});
