/**
 * The SQL endpoint cannot read the host's files, reach the network or read the
 * server's configuration, however the statement spells it (issue 12, item 1),
 * while the read-only statements analysts write keep working, SHOW and EXISTS
 * included (item 14). POST /api/v1/sql is the one way user SQL runs: the CLI's
 * `hindsight sql` and the viewer's console both call it.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeTraces } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-secret-'));
const SECRET_FILE = path.join(secretDir, 'secret');
const SECRET = `secret-${randomUUID()}`;
const HOSTNAME = fs.readFileSync('/etc/hostname', 'utf8').trim();

beforeAll(async () => {
  fs.writeFileSync(SECRET_FILE, `${SECRET}\n`);
  server = await startTestServer({ sqlMaxRows: 1000, sqlMaxExecutionSeconds: 10 });
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(makeTraces().spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
});
afterAll(async () => {
  await stopTestServer(server);
  fs.rmSync(secretDir, { recursive: true, force: true });
});

async function sql(query: string, format = 'json'): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format }) });
  return { status: response.status, text: await response.text() };
}

/** %S% is a file only this test knows the content of; %H% is /etc/hostname. */
const FILE_ACCESS: [string, string][] = [
  ['scalar file()', "SELECT file('%S%')"],
  ['/etc/hostname', "SELECT file('%H%')"],
  ['the process command line (tokens)', "SELECT length(file('/proc/self/cmdline'))"],
  ['the process environment', "SELECT file('/proc/self/environ')"],
  ['in a scalar subquery', "SELECT (SELECT file('%S%'))"],
  ['in WHERE', "SELECT 1 WHERE file('%S%') != ''"],
  ['in a WITH alias', "WITH file('%S%') AS f SELECT f"],
  ['in a WITH subquery', "WITH f AS (SELECT file('%S%') AS c) SELECT c FROM f"],
  ['in a lambda', "SELECT arrayMap(x -> file(x), ['%S%'])"],
  ['in arrayFilter', "SELECT arrayFilter(x -> file(x) != '', ['%S%'])"],
  ['upper case', "SELECT FILE('%S%')"],
  ['mixed case', "SELECT File('%S%')"],
  ['backquoted', "SELECT `file`('%S%')"],
  ['double-quoted', 'SELECT "file"(\'%S%\')'],
  ['a comment before the parenthesis', "SELECT file/* read */('%S%')"],
  ['line breaks and tabs', "SELECT\tfile\n(\n'%S%'\n)"],
  ['with a default', "SELECT file('%S%', 'none')"],
  ['a dotted path', "SELECT file('/etc/../etc/hostname')"],
  ['a computed path', "SELECT file(concat('%D%', '/secret'))"],
  ['a hex path', "SELECT file(unhex(hex('%S%')))"],
  ['a reversed path', "SELECT file(reverse(reverse('%S%')))"],
  ['a dollar-quoted path', 'SELECT file($$%S%$$)'],
  ['an -If combinator', "SELECT anyIf(file('%S%'), 1)"],
  ['an aggregate', "SELECT any(file('%S%'))"],
  ['groupArray over rows', "SELECT groupArray(file('%S%')) FROM numbers(1)"],
  ['arrayReduce', "SELECT arrayReduce('any', [file('%S%')])"],
  ['arrayJoin', "SELECT arrayJoin([file('%S%')])"],
  ['toString', "SELECT toString(file('%S%'))"],
  ['inside JSON', "SELECT JSONExtractString(concat('{\"a\":\"', file('%S%'), '\"}'), 'a')"],
  ['an array literal', "SELECT ['x', file('%S%')]"],
  ['a map', "SELECT map('k', file('%S%'))"],
  ['a tuple element', "SELECT tuple(file('%S%')).1"],
  ['if()', "SELECT if(1, file('%S%'), '')"],
  ['CASE', "SELECT CASE WHEN 1 THEN file('%S%') END"],
  ['CASE x WHEN', "SELECT CASE 1 WHEN 1 THEN file('%S%') END"],
  ['IN (subquery)', "SELECT count() FROM otel_traces WHERE SpanName IN (SELECT file('%S%'))"],
  ['a JOIN subquery', "SELECT count() FROM otel_traces AS t JOIN (SELECT file('%S%') AS x) AS f ON 1"],
  ['JOIN ON', "SELECT count() FROM otel_traces AS a JOIN otel_traces AS b ON a.SpanName = file('%S%')"],
  ['ORDER BY', "SELECT count() FROM otel_traces ORDER BY file('%S%')"],
  ['GROUP BY', "SELECT count() FROM otel_traces GROUP BY file('%S%')"],
  ['HAVING', "SELECT count() FROM otel_traces HAVING max(file('%S%')) != ''"],
  ['LIMIT', "SELECT number FROM numbers(1) LIMIT length(file('%S%'))"],
  ['a window', "SELECT count() OVER (PARTITION BY file('%S%')) FROM numbers(1)"],
  ['a table function argument', "SELECT number FROM numbers(length(file('%S%')))"],
  ['REPLACE', "SELECT * REPLACE (file('%S%') AS SpanName) FROM otel_traces"],
  ['APPLY by name', "SELECT * APPLY(file) FROM (SELECT '%S%' AS p)"],
  ['APPLY a lambda', "SELECT COLUMNS('p') APPLY(x -> file(x)) FROM (SELECT '%S%' AS p)"],
  ['nested subqueries', "SELECT * FROM (SELECT * FROM (SELECT file('%S%')))"],
  ['UNION', "SELECT 'a' UNION ALL SELECT file('%S%')"],
  ['INTERSECT', "SELECT 'a' INTERSECT SELECT file('%S%')"],
  ['EXCEPT', "SELECT 'a' EXCEPT SELECT file('%S%')"],
  ['EXPLAIN', "EXPLAIN SELECT file('%S%')"],
  ['EXPLAIN PIPELINE', "EXPLAIN PIPELINE SELECT file('%S%')"],
  ['EXPLAIN SYNTAX', "EXPLAIN SYNTAX SELECT file('%S%')"],
  ['EXPLAIN QUERY TREE', "EXPLAIN QUERY TREE SELECT file('%S%')"],
  ['EXPLAIN ESTIMATE', "EXPLAIN ESTIMATE SELECT file('%S%')"],
  ['EXPLAIN AST', "EXPLAIN AST SELECT file('%S%')"],
  ['EXPLAIN with options', "EXPLAIN json = 1 SELECT file('%S%')"],
  ['DESCRIBE a subquery (it evaluates constants)', "DESCRIBE (SELECT file('%S%'))"],
  ['SHOW TABLES WHERE', "SHOW TABLES WHERE file('%S%') != ''"],
  ['SHOW TABLES FROM system WHERE', "SHOW TABLES FROM system WHERE name = file('%S%')"],
  ['SHOW COLUMNS WHERE', "SHOW COLUMNS FROM otel_traces WHERE file('%S%') != ''"],
  ['a query parameter', 'SELECT file({p:String})'],
  ['the file() table function', "SELECT * FROM file('/etc/passwd', 'LineAsString')"],
  ['the file() table function as a blob', "SELECT * FROM file('%S%', 'RawBLOB')"],
  ['the FILE() table function', "SELECT * FROM FILE('%S%', 'RawBLOB')"],
  ['DESCRIBE of the file() table function', "DESCRIBE TABLE file('%S%', 'RawBLOB')"],
  ['fileCluster()', "SELECT * FROM fileCluster('default', '%S%', 'RawBLOB')"],
  ['filesystem()', "SELECT * FROM filesystem('%D%')"],
  ['url()', "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')"],
  ['s3()', "SELECT * FROM s3('http://127.0.0.1:1/b/k', 'CSV', 'a String')"],
  ['gcs()', "SELECT * FROM gcs('http://127.0.0.1:1/b/k', 'CSV', 'a String')"],
  ['hdfs()', "SELECT * FROM hdfs('hdfs://127.0.0.1:1/x', 'CSV', 'a String')"],
  ['iceberg()', "SELECT * FROM iceberg('http://127.0.0.1:1/x')"],
  ['deltaLake()', "SELECT * FROM deltaLake('http://127.0.0.1:1/x')"],
  ['sqlite()', "SELECT * FROM sqlite('%S%', 't')"],
  ['remote()', "SELECT * FROM remote('127.0.0.1', system.one)"],
  ['cluster()', "SELECT * FROM cluster('default', system.one)"],
  ['executable()', "SELECT * FROM executable('cat %S%', 'TSV', 'a String')"],
  ['mysql()', "SELECT * FROM mysql('127.0.0.1:1', 'd', 't', 'u', 'p')"],
  ['input()', "SELECT * FROM input('a String')"],
  ['format()', "SELECT * FROM format(RawBLOB, 'x')"],
  ['merge() over system', "SELECT * FROM merge('system', '^server_settings$')"],
  ['dictionary()', "SELECT * FROM dictionary('d')"],
  ['view() over file()', "SELECT * FROM view(SELECT file('%S%'))"],
  ['getServerSetting(user_files_path)', "SELECT getServerSetting('user_files_path')"],
  ['getSetting', "SELECT getSetting('max_memory_usage')"],
  ['getMacro', "SELECT getMacro('shard')"],
  ['dictGet', "SELECT dictGet('d', 'a', toUInt64(1))"],
  ['dictGetString', "SELECT dictGetString('d', 'a', toUInt64(1))"],
  ['dictHas', "SELECT dictHas('d', toUInt64(1))"],
  ['joinGet', "SELECT joinGet('t', 'a', 1)"],
  ['hostName', 'SELECT hostName()'],
  ['an alias of FQDN', 'SELECT fullHostName()'],
  ['an alias of currentUser', 'SELECT user()'],
  ['catboostEvaluate', "SELECT catboostEvaluate('%S%', 1)"],
  ['showCertificate', 'SELECT showCertificate()'],
  ['filesystemAvailable', 'SELECT filesystemAvailable()'],
  ['sleep', 'SELECT sleep(1)'],
  ['sleepEachRow', 'SELECT sleepEachRow(1) FROM numbers(1)'],
  ['introspection', 'SELECT addressToLine(toUInt64(1))'],
  ['system.server_settings', "SELECT value FROM system.server_settings WHERE name = 'user_files_path'"],
  ['system.certificates', 'SELECT * FROM system.certificates'],
  ['system.named_collections', 'SELECT * FROM system.named_collections'],
  ['system.user_directories', 'SELECT * FROM system.user_directories'],
  ['system.disks', 'SELECT path FROM system.disks'],
  ['a system table as an IN set', "SELECT 1 WHERE 'x' IN system.server_settings"],
  ['SHOW CREATE of a hidden system table', 'SHOW CREATE TABLE system.server_settings'],
  ['EXISTS of a hidden system table', 'EXISTS TABLE system.server_settings'],
];

function spelled(query: string): string {
  return query.replaceAll('%S%', SECRET_FILE).replaceAll('%D%', secretDir).replaceAll('%H%', '/etc/hostname');
}

describe('file, network and configuration access is refused, in every spelling', () => {
  const bodies: string[] = [];

  test.each(FILE_ACCESS)('%s', async (_name, query) => {
    const { status, text } = await sql(spelled(query));
    bodies.push(text);
    expect({ status, code: (JSON.parse(text) as { error?: { code: string } }).error?.code }).toEqual({ status: 400, code: 'HS_SQL_REFUSED' });
  });

  test("more than 50 of them, and no answer carries a file's content", () => {
    expect(FILE_ACCESS.length).toBeGreaterThan(50);
    expect(bodies).toHaveLength(FILE_ACCESS.length);
    for (const body of bodies) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(HOSTNAME);
    }
  });

  test('the refusal names the function and why', async () => {
    const { text } = await sql("SELECT arrayMap(x -> FILE(x), ['/etc/hostname'])");
    expect(JSON.parse(text).error.message).toContain('the function FILE() is not allowed');
    const alias = JSON.parse((await sql('SELECT user()')).text).error.message as string;
    expect(alias).toBe("the function user() (currentUser) is not allowed: reads the server's access control");
  });
});

describe('the statements analysts write still run', () => {
  test.each([
    ['window functions', 'SELECT ServiceName, row_number() OVER (PARTITION BY ServiceName ORDER BY Timestamp) AS n FROM otel_traces'],
    ['CASE', "SELECT CASE WHEN Duration > 1000 THEN 'slow' ELSE 'fast' END AS speed, count() FROM otel_traces GROUP BY speed"],
    ['CASE x WHEN', "SELECT CASE StatusCode WHEN 'Error' THEN 1 ELSE 0 END FROM otel_traces"],
    ['lambdas', 'SELECT arrayMap(x -> upper(x), mapKeys(SpanAttributes)) FROM otel_traces'],
    ['combinators', "SELECT countIf(StatusCode = 'Error'), sumArray([Duration]), uniqExact(TraceId), quantilesIf(0.5, 0.99)(Duration, Duration > 0) FROM otel_traces"],
    ['count(DISTINCT)', 'SELECT count(DISTINCT TraceId) FROM otel_traces'],
    ['time functions', 'SELECT toStartOfMinute(Timestamp) AS m, count() FROM otel_traces WHERE Timestamp > now() - INTERVAL 1 DAY GROUP BY m'],
    ['a scalar subquery', 'SELECT count() FROM otel_traces WHERE Duration >= (SELECT max(Duration) FROM otel_traces)'],
    ['IN a subquery', "SELECT count() FROM otel_traces WHERE TraceId IN (SELECT TraceId FROM otel_traces WHERE ServiceName = 'checkout')"],
    ['EXISTS', 'SELECT EXISTS (SELECT 1 FROM otel_traces)'],
    ['a JOIN', 'SELECT count() FROM otel_traces AS a JOIN otel_traces AS b ON a.ParentSpanId = b.SpanId'],
    ['a CTE', 'WITH slow AS (SELECT * FROM otel_traces WHERE Duration > 0) SELECT ServiceName, count() FROM slow GROUP BY ServiceName'],
    ['ARRAY JOIN', 'SELECT e FROM otel_traces ARRAY JOIN Events.Name AS e'],
    ["the console's completion query", "SELECT table, name, type FROM system.columns WHERE database = currentDatabase() AND table NOT LIKE '.inner%' ORDER BY table, position"],
    ['system.parts', 'SELECT table, sum(rows) FROM system.parts WHERE database = currentDatabase() GROUP BY table'],
    ['system.functions', "SELECT count() FROM system.functions WHERE name LIKE 'array%'"],
    ['SHOW TABLES', 'SHOW TABLES'],
    ['SHOW TABLES FROM system', 'SHOW TABLES FROM system'],
    ['SHOW DATABASES', 'SHOW DATABASES'],
    ['SHOW COLUMNS', 'SHOW COLUMNS FROM otel_traces'],
    ['SHOW COLUMNS of a system table', 'SHOW COLUMNS FROM system.tables'],
    ['DESCRIBE', 'DESCRIBE TABLE otel_traces'],
    ['EXPLAIN PLAN', "EXPLAIN SELECT count() FROM otel_traces WHERE ServiceName = 'x'"],
    ['version()', 'SELECT version()'],
  ])('%s', async (_name, query) => {
    const { status, text } = await sql(query);
    expect({ status, text: status === 200 ? '' : text }).toEqual({ status: 200, text: '' });
  });

  test('SHOW CREATE TABLE and EXISTS TABLE answer (they were refused as "FORMAT clauses")', async () => {
    const created = await sql('SHOW CREATE TABLE otel_traces', 'tsv');
    expect(created.status).toBe(200);
    expect(created.text).toContain(`CREATE TABLE ${server.config.database}.otel_traces`);
    expect(await sql('EXISTS TABLE otel_traces', 'csv')).toEqual({ status: 200, text: '"result"\n1\n' });
    expect(await sql(`EXISTS TABLE ${server.config.database}.nothing_here`, 'csv')).toEqual({ status: 200, text: '"result"\n0\n' });
    expect((await sql(`SHOW CREATE DATABASE ${server.config.database}`)).status).toBe(200);
  });

  test('a FORMAT or INTO OUTFILE clause on SHOW CREATE or EXISTS is still refused', async () => {
    expect(JSON.parse((await sql('SHOW CREATE TABLE otel_traces FORMAT JSON')).text).error.message).toContain('a FORMAT clause is not allowed');
    expect(JSON.parse((await sql("EXISTS TABLE otel_traces INTO OUTFILE '/tmp/x'")).text).error.message).toContain('INTO OUTFILE is not allowed');
  });
});

describe('information_schema follows the other-database rule, in both spellings', () => {
  test.each([
    ['SHOW TABLES FROM information_schema'],
    ['SHOW TABLES FROM INFORMATION_SCHEMA'],
    ['SHOW COLUMNS FROM information_schema.tables'],
    ['SHOW COLUMNS FROM TABLES FROM INFORMATION_SCHEMA'],
    ['SELECT * FROM information_schema.tables'],
    ['SELECT * FROM INFORMATION_SCHEMA.COLUMNS'],
    ['DESCRIBE TABLE information_schema.tables'],
    ['SHOW CREATE TABLE information_schema.tables'],
    ['EXISTS TABLE INFORMATION_SCHEMA.TABLES'],
    ['SHOW CREATE DATABASE information_schema'],
    ['SHOW TABLES FROM default'],
    ['SHOW COLUMNS FROM default.anything'],
  ])('%s', async (query) => {
    const { status, text } = await sql(query);
    expect(status).toBe(400);
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    expect(error.code).toBe('HS_SQL_REFUSED');
    expect(error.message).toMatch(/is not readable here/);
  });
});

/**
 * What the engine itself refuses on a connection set up as a reader is, with
 * the statement check bypassed. In a child process, because the data
 * directory's server settings are taken from the first connection a process
 * opens.
 */
describe("the engine's own walls, without the statement check", () => {
  let measured: Record<string, string>;

  beforeAll(() => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-walls-'));
    const userFiles = path.join(dataDir, 'user_files');
    fs.mkdirSync(userFiles, { mode: 0o700 });
    const script = `
      const { Session } = require('chdb');
      const [dir, userFiles, secret] = process.argv.slice(1);
      const s = new Session(dir, { connectionArgs: ['--user_files_path=' + userFiles] });
      const out = {};
      const run = async (name, sql) => {
        try { out[name] = 'ok: ' + (await s.queryAsync(sql, { format: 'TSVRaw' })).text().trim(); }
        catch (e) { out[name] = 'refused: ' + e.message.split('\\n')[0]; }
      };
      (async () => {
        for (const q of ['SET allow_introspection_functions = 0', 'SET readonly = 1']) await s.queryAsync(q);
        await run('userFilesPath', "SELECT getServerSetting('user_files_path')");
        await run('tableFile', "SELECT * FROM file('" + secret + "', 'RawBLOB')");
        await run('tableUrl', "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')");
        await run('introspection', 'SELECT addressToLine(toUInt64(1))');
        await run('scalarFile', "SELECT file('" + secret + "')");
        s.close();
        process.stdout.write(JSON.stringify(out));
      })();
    `;
    const child = spawnSync(process.execPath, ['-e', script, dataDir, userFiles, SECRET_FILE], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
    fs.rmSync(dataDir, { recursive: true, force: true });
    measured = JSON.parse(child.stdout) as Record<string, string>;
  });

  test('a private user_files_path can be given, process-wide, with the first connection', () => {
    expect(measured['userFilesPath']).toMatch(/^ok: .*hindsight-walls-.*\/user_files$/);
  });

  test('readonly refuses every table function that reads a source, file() included', () => {
    expect(measured['tableFile']).toMatch(/^refused: .*readonly/i);
    expect(measured['tableUrl']).toMatch(/^refused: .*readonly/i);
  });

  test('introspection is off on the readers', () => {
    expect(measured['introspection']).toMatch(/^refused: /);
  });

  /**
   * chDB runs as clickhouse-local, and ClickHouse checks file()'s path against
   * user_files_path only when the application is not local: a private, empty
   * user_files_path is no wall in chDB. The statement check is the only one for
   * the scalar file(). When this starts failing, chDB has begun to honour
   * user_files_path, and the readers should get one.
   */
  test('the scalar file() still reads outside user_files_path in chDB, so the check must refuse it', () => {
    expect(measured['scalarFile']).toBe(`ok: ${SECRET}`);
  });
});
