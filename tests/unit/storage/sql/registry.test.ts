/**
 * The SQL registry: it refuses to load when the files and the catalogue disagree
 * (so a broken package fails at start-up), and it renders values as parameters,
 * identifiers only from their allow-lists, and slots as their fragments.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SPAN_COLUMNS } from '../../../../storage/columns';
import { normalizedStatement, SQL_ROOT, SqlRegistry } from '../../../../storage/sql/registry';

const RANGE = { startNs: 1n, endNs: 2n };

describe('loading', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-sql-'));
    fs.cpSync(SQL_ROOT, root, { recursive: true, filter: (f) => !f.endsWith('.ts') });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const edit = (name: string, change: (text: string) => string): void => {
    const file = path.join(root, `${name}.sql`);
    fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
  };

  test('the files as shipped load', () => {
    expect(SqlRegistry.load('otel', root).database).toBe('otel');
  });

  test('a missing file fails the load', () => {
    fs.rmSync(path.join(root, 'query/services.sql'));
    expect(() => SqlRegistry.load('otel', root)).toThrow(/query\/services\.sql is missing/);
  });

  test('a file the catalogue does not name fails the load', () => {
    fs.writeFileSync(path.join(root, 'query/stray.sql'), 'SELECT 1\n');
    expect(() => SqlRegistry.load('otel', root)).toThrow(/query\/stray\.sql is not in the catalogue/);
  });

  test('a slot the catalogue does not declare fails the load', () => {
    edit('query/services', (text) => text.replace('/*include minutes*/', '/*include minutes*/ /*optional nowhere*/'));
    expect(() => SqlRegistry.load('otel', root)).toThrow(/query\/services\.sql: the slot nowhere is not declared/);
  });

  test('a statement name nobody declared is refused when rendered', () => {
    const sql = SqlRegistry.load('otel', root);
    expect(() => sql.render('query/nowhere' as 'query/services', RANGE)).toThrow(/no statement is named query\/nowhere/);
  });

  test('a placeholder the catalogue does not declare fails the load', () => {
    edit('jobs/watermark', (text) => text.replace('{name:String}', '{name:String} AND 1 = {extra:UInt32}'));
    expect(() => SqlRegistry.load('otel', root)).toThrow(/jobs\/watermark\.sql: \{extra:UInt32\} is not declared/);
  });

  test('a placeholder of another type than declared fails the load', () => {
    edit('jobs/watermark', (text) => text.replace('{name:String}', '{name:UInt64}'));
    expect(() => SqlRegistry.load('otel', root)).toThrow(/jobs\/watermark\.sql: \{name:UInt64\} is declared as String/);
  });

  test('a declared parameter the file does not use fails the load', () => {
    edit('jobs/watermark', (text) => text.replace('Name = {name:String}', "Name = ''"));
    expect(() => SqlRegistry.load('otel', root)).toThrow(/jobs\/watermark\.sql: declares \{name\} but does not use it/);
  });

  test('a database name that is not a plain identifier is refused', () => {
    expect(() => SqlRegistry.load('otel; DROP', root)).toThrow(/not a plain identifier/);
  });
});

describe('rendering', () => {
  const sql = SqlRegistry.load('otel');

  test('values stay ClickHouse parameters; the database is written in', () => {
    const { query, query_params } = sql.render('jobs/watermark', { name: "x' OR 1 = 1" });
    expect(query).toContain('FROM otel.hindsight_jobs WHERE Name = {name:String}');
    expect(query_params).toEqual({ name: "x' OR 1 = 1" });
  });

  test('64-bit integers travel as decimal strings', () => {
    expect(sql.render('query/services', { startNs: 1_700_000_000_000_000_000n, endNs: 5 }).query_params).toEqual({ startNs: '1700000000000000000', endNs: '5' });
    expect(() => sql.render('query/services', { startNs: '1e9', endNs: 5 })).toThrow(/does not fit Int64/);
  });

  test('an optional fragment is there exactly when its parameters are', () => {
    const off = sql.render('query/operations', { ...RANGE, service: 'api' });
    const on = sql.render('query/operations', { ...RANGE, service: 'api', spanKind: 'Server' });
    expect(off.query).toContain('fromUnixTimestamp64Nano({endNs:Int64})\nGROUP BY');
    expect(off.query_params).not.toHaveProperty('spanKind');
    expect(on.query).toContain('fromUnixTimestamp64Nano({endNs:Int64}) AND SpanKind = {spanKind:String}\nGROUP BY');
    expect(on.query_params).toMatchObject({ spanKind: 'Server' });
  });

  test('each item of an each slot has its parameters numbered', () => {
    const { query, query_params } = sql.render('query/span-matches', RANGE, {
      lead: 'none',
      withServices: [],
      attributes: [
        { use: 'exists', params: { attrKey: 'a' } },
        { use: 'eq', params: { attrKey: 'b', attrValue: 'c' } },
      ],
    });
    expect(query).toContain('mapContains(SpanAttributes, {attrKey0:String})');
    expect(query).toContain('SpanAttributes[{attrKey1:String}] = {attrValue1:String}');
    expect(query_params).toMatchObject({ attrKey0: 'a', attrKey1: 'b', attrValue1: 'c' });
  });

  test('a rendered statement in a Statement placeholder brings its parameters; UNION ALL joins several', () => {
    const read = (lead: 'span' | 'resource') => sql.render('query/span-matches', { ...RANGE, leadKey: 'k', leadValue: 'v' }, { lead, withServices: [], attributes: [] });
    const both = sql.unionAll([read('span'), read('resource')]);
    expect(both.query.split('\nUNION ALL\n')).toEqual([read('span').query, read('resource').query]);
    expect(both.query_params).toEqual({ ...read('span').query_params });
    const { query, query_params } = sql.render('query/search-trace-ids', { matches: both, limit: 7 });
    expect(query).toContain(`FROM (${both.query})`);
    expect(query_params).toEqual({ ...both.query_params, limit: 7 });
    expect(() => sql.unionAll([read('span'), sql.render('query/span-matches', { ...RANGE, leadKey: 'k', leadValue: 'w' }, { lead: 'span', withServices: [], attributes: [] })])).toThrow(
      /\{leadValue\} is bound to two values/,
    );
    expect(() => sql.render('query/search-trace-ids', { matches: { ...both, query_params: { ...both.query_params, limit: 1 } }, limit: 7 })).toThrow(/\{limit\} is bound to two values/);
    expect(() => sql.unionAll([])).toThrow(/no statements/);
  });

  test('a choice takes only its alternatives', () => {
    expect(() => sql.render('query/red-series', { ...RANGE, service: 'a', bucket: 10 }, { spans: 'everything' as 'requests' })).toThrow(/takes one of requests, operation/);
  });

  test('identifiers come only from their allow-list', () => {
    expect(sql.render('store/insert-rows', { table: 'otel_traces', columns: ['Timestamp', 'Events.Name'] }).query).toBe('INSERT INTO otel.otel_traces (`Timestamp`, `Events.Name`) FORMAT Native');
    expect(() => sql.render('store/insert-rows', { table: 'otel_traces; DROP TABLE x', columns: [...SPAN_COLUMNS] })).toThrow(/is not one of otel_traces, otel_traces_local/);
    expect(() => sql.render('store/insert-rows', { table: 'otel_traces', columns: ['`x`'] })).toThrow(/is not one of/);
    expect(() => sql.render('schema/create-database', { cluster: 'a b' })).toThrow(/is not a plain identifier/);
  });

  test('a literal statement has its integers written in', () => {
    expect(sql.render('sql-endpoint/kill', { pid: 12, run: 3 })).toEqual({ query: "KILL QUERY WHERE startsWith(query, '/* hindsight-sql 12.3 */') ASYNC", query_params: {} });
    expect(() => sql.render('sql-endpoint/kill', { pid: -1, run: 3 })).toThrow(/does not fit UInt32/);
  });

  test('a statement wrapper takes the checked statement as it is', () => {
    expect(sql.render('sql-endpoint/describe', { statement: normalizedStatement('SELECT {x:String}') })).toEqual({ query: 'DESCRIBE (SELECT {x:String})', query_params: {} });
  });

  test('a missing value is an error naming its placeholder', () => {
    expect(() => sql.render('jobs/watermark', {} as { name: string })).toThrow(/jobs\/watermark: \{name:String\} has no value/);
  });
});
