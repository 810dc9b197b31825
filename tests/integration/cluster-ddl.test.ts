/**
 * The cluster DDL cannot run here (no Keeper, no second node), so every statement
 * is checked by ClickHouse's own parser in chDB: formatQuery must accept it and
 * give it back unchanged in meaning, and EXPLAIN AST must show it as the
 * statement it claims to be, ON CLUSTER included.
 */
import { makeConfig } from '../../common/config';
import { openStore, type Store } from '../../storage/store';
import { bootstrapStatements, MIGRATIONS, retentionStatement, retentionTtls } from '../../storage/schema';
import { SqlRegistry } from '../../storage/sql/registry';
import { testDataDir } from '../support/server';

let store: Store;
beforeAll(() => {
  store = openStore(makeConfig({ dataDir: testDataDir() }));
});
afterAll(async () => {
  await store.close();
});

const o = { sql: SqlRegistry.load('otel'), retentionDays: 7, cluster: 'hindsight' };
const STATEMENTS = [...bootstrapStatements(o), ...MIGRATIONS.flatMap((m) => m.statements(o)), ...Object.keys(retentionTtls(o)).map((table) => retentionStatement(o, table))];

async function formatted(sql: string): Promise<string> {
  const rows = await (await store.client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q: sql }, format: 'JSONEachRow' })).json<{ f: string }>();
  return rows[0]!.f;
}

test.each(STATEMENTS.map((s) => [s.split('\n')[0]!, s]))('%s', async (_first, statement) => {
  const once = await formatted(statement);
  expect(once).toContain('ON CLUSTER hindsight');
  // Formatting is a fixed point once parsed: the parser read the whole statement.
  expect(await formatted(once)).toBe(once);
  const ast = await (await store.client.query({ query: `EXPLAIN AST ${statement}`, format: 'TabSeparatedRaw' })).text();
  expect(ast.split('\n')[0]).toMatch(/^"?(CreateQuery|AlterQuery) otel /);
});

test('a broken statement is refused by the same check', async () => {
  await expect(formatted('CREATE TABLE otel.x ON CLUSTER hindsight (a UInt8) ENGINE = ReplicatedMergeTree(')).rejects.toThrow(/Syntax error/);
});
