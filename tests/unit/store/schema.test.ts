import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS } from '../../../collector/store/schema';

/**
 * The rendered DDL is pinned: a change to a column, codec, index or TTL shows up
 * in review as a change to schema.golden.sql, not as a silent drift from the
 * clickhouseexporter schema. Regenerate with UPDATE_GOLDEN=1.
 */
const GOLDEN = path.join(__dirname, 'schema.golden.sql');

function rendered(): string {
  return MIGRATIONS.map(
    (m) => `-- migration ${m.version}: ${m.name}\n${m.statements({ database: 'otel', retentionDays: 7 }).join(';\n\n')};\n`,
  ).join('\n');
}

test('the schema DDL matches the golden file', () => {
  if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(GOLDEN, rendered());
  expect(rendered()).toBe(fs.readFileSync(GOLDEN, 'utf8'));
});

test('migration versions are unique and increasing', () => {
  const versions = MIGRATIONS.map((m) => m.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
});

test('retention is rendered into every TTL', () => {
  const ddl = MIGRATIONS.flatMap((m) => m.statements({ database: 'db', retentionDays: 30 })).join('\n');
  expect(ddl.match(/toIntervalDay\(30\)/g)).toHaveLength(3);
  expect(ddl).toContain('ttl_only_drop_parts = 1');
});
