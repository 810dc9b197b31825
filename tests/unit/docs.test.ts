/** The README documents every option and every error code the code has. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OPTIONS } from '../../common/config';
import { ERRORS } from '../../common/errors';
import { ARRIVALS_TABLE, EDGES_TABLE, JOBS_TABLE, localTable, MIGRATIONS_TABLE } from '../../storage/schema';

const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

test('the README starts with the two commands', () => {
  const firstBlock = readme.split('```')[1] ?? '';
  expect(firstBlock).toContain('npm install && npm start');
  expect(firstBlock).toContain('npm test');
});

test.each(OPTIONS.filter((o) => !o.hidden).map((o) => [o.flag, o.env]))('the configuration table has --%s and %s', (flag, env) => {
  expect(readme).toMatch(new RegExp(`\\| \`--${flag}\` \\| \`${env}\` \\|`));
});

test.each(OPTIONS.filter((o) => o.hidden).map((o) => [o.flag, o.env]))('the hidden --%s (%s) stays out of the README', (flag, env) => {
  expect(readme).not.toContain(`--${flag}`);
  expect(readme).not.toContain(env);
});

test.each(Object.keys(ERRORS))('the error table has %s', (code) => {
  expect(readme).toContain(`| \`${code}\` |`);
});

test('every runtime dependency has its line', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies)) expect(readme).toContain(`- \`${name}\`:`);
});

test('every Hindsight series the operations guide and its alert rules name is one the process exports', async () => {
  const guide = fs.readFileSync(path.join(__dirname, '../../docs/operations.md'), 'utf8');
  const { createMetrics } = await import('../../common/metrics');
  const exported = new Set((await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
  // Histograms are scraped as _bucket/_sum/_count; the guide's wildcards stand for Node's process metrics.
  const named = [...new Set([...guide.matchAll(/\bhindsight_[a-z0-9_]+\b/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')))].filter((n) => !n.endsWith('_'));
  expect(named.length).toBeGreaterThan(8);
  // The guide also names Hindsight's tables, which share the prefix.
  const tables = new Set([MIGRATIONS_TABLE, EDGES_TABLE, JOBS_TABLE, ARRIVALS_TABLE].flatMap((t) => [t, localTable(t)]));
  expect(named.filter((n) => !exported.has(n) && !tables.has(n))).toEqual([]);
  expect(named).toEqual(expect.arrayContaining(['hindsight_store_up', 'hindsight_spans_refused_total', 'hindsight_insert_duration_seconds']));
});
