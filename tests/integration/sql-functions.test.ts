/**
 * The SQL endpoint's function policy against the engine's own catalogue: every
 * function chDB knows has a deliberate verdict, every name the policy lists is
 * one the engine knows, and the verdicts are pinned in
 * sql-functions.golden.tsv, so an engine upgrade that adds or moves a function
 * shows up as a diff to decide on. Regenerate with UPDATE_GOLDEN=1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { embeddedConnection } from '../../storage/store';
import { SqlRegistry } from '../../storage/sql/registry';
import { engineCatalogue } from '../../viewer/api/sql/guard';
import { ALLOWED_CATEGORIES, ALLOWED_OTHER, ALLOWED_TABLE_FUNCTIONS, DENIED, DENIED_CATEGORIES, FunctionPolicy, type EngineFunction } from '../../viewer/api/sql/functions';
import { testDataDir } from '../support/server';

const GOLDEN = path.join(__dirname, 'sql-functions.golden.tsv');

let client: ClickHouseClient;
let functions: EngineFunction[];
let policy: FunctionPolicy;
let tableFunctions: string[];

beforeAll(async () => {
  client = embeddedConnection(testDataDir()).client;
  const catalogue = await engineCatalogue(client, SqlRegistry.load('otel'));
  functions = catalogue.functions;
  policy = new FunctionPolicy(catalogue.functions, catalogue.combinators);
  const rows = await (await client.query({ query: 'SELECT name FROM system.table_functions ORDER BY name', format: 'JSONEachRow' })).json<{ name: string }>();
  tableFunctions = rows.map((r) => r.name);
});
afterAll(async () => {
  await client.close();
});

function rendered(): string {
  const lines = [...functions]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((fn) => {
      const verdict = policy.verdict(fn.name);
      const what = fn.aliasTo === '' ? fn.category : `alias of ${fn.aliasTo}`;
      return `${verdict.allowed ? 'allow' : 'deny'}\t${fn.name}\t${what}`;
    });
  const tables = tableFunctions.map((name) => `${ALLOWED_TABLE_FUNCTIONS.has(name) ? 'allow' : 'deny'}\t${name}\ttable function`);
  return `${[...lines, ...tables].join('\n')}\n`;
}

test('the verdict on every function the engine knows matches the golden file', () => {
  if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(GOLDEN, rendered());
  expect(rendered()).toBe(fs.readFileSync(GOLDEN, 'utf8'));
});

test('every function is decided by its category or by name', () => {
  const undecided = functions
    .filter((fn) => fn.aliasTo === '')
    .filter((fn) => !ALLOWED_CATEGORIES.has(fn.category) && !DENIED_CATEGORIES.has(fn.category) && !ALLOWED_OTHER.has(fn.name) && !DENIED.has(fn.name))
    .map((fn) => `${fn.name} (${fn.category || 'no category'})`);
  expect(undecided).toEqual([]);
});

test('every name the policy lists is one the engine knows', () => {
  const known = new Set(functions.map((fn) => fn.name));
  const categories = new Set(functions.map((fn) => fn.category));
  expect([...DENIED.keys(), ...ALLOWED_OTHER].filter((name) => !known.has(name))).toEqual([]);
  expect([...ALLOWED_CATEGORIES, ...DENIED_CATEGORIES.keys()].filter((category) => !categories.has(category))).toEqual([]);
  expect([...ALLOWED_TABLE_FUNCTIONS].filter((name) => !tableFunctions.includes(name))).toEqual([]);
});

test('no name is both allowed and denied', () => {
  expect([...ALLOWED_OTHER].filter((name) => DENIED.has(name))).toEqual([]);
});

test('the functions the issue names are all refused, in every table and scalar form the engine has', () => {
  const scalar = [
    'file',
    'getSetting',
    'getServerSetting',
    'getMergeTreeSetting',
    'getMacro',
    'filesystemAvailable',
    'catboostEvaluate',
    'sleep',
    'sleepEachRow',
    'globalVariable',
    'joinGet',
    'dictGet',
    'dictHas',
    'dictGetString',
  ];
  expect(scalar.filter((name) => policy.verdict(name).allowed)).toEqual([]);
  const reachingOut =
    /^(file|url|s3|gcs|hdfs|azureBlobStorage|remote|cluster|mysql|postgresql|mongodb|redis|sqlite|jdbc|odbc|executable|input|dictionary|iceberg|deltaLake|hudi|arrowFlight|ytsaurus|merge)/i;
  const named = tableFunctions.filter((name) => reachingOut.test(name));
  expect(named.length).toBeGreaterThan(30);
  expect(named.filter((name) => ALLOWED_TABLE_FUNCTIONS.has(name))).toEqual([]);
});

describe('a spelling reaches the verdict of the function it means', () => {
  test.each([
    ['count', true, 'count'],
    ['COUNT', true, 'count'],
    ['anyIf', true, 'any'],
    ['sumArrayIf', true, 'sum'],
    ['uniqMergeState', true, 'uniq'],
    ['countDistinct', true, 'count'],
    ['DATABASE', true, 'currentDatabase'],
    ['lambda', true, 'lambda'],
    ['file', false, 'file'],
    ['FILE', false, 'FILE'],
    ['fileIf', false, 'fileIf'],
    ['user', false, 'currentUser'],
    ['hostname', false, 'hostName'],
    ['fullHostName', false, 'FQDN'],
    ['dictGetOrDefault', false, 'dictGetOrDefault'],
    ['addressToLine', false, 'addressToLine'],
    ['aiGenerate', false, 'aiGenerate'],
    ['no_such_function', false, 'no_such_function'],
  ])('%s', (written, allowed, canonical) => {
    expect(policy.verdict(written)).toMatchObject({ allowed, canonical });
  });
});
