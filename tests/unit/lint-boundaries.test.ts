/**
 * The import rules of docs/ARCHITECTURE.md, as eslint.config.mjs enforces them: each
 * wrong import below is refused where it would be written, and the right one next to
 * it passes. The files need not exist; ESLint picks the rules by the path.
 */
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.join(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of the boundary rule for `source` written at `file` (relative to the root). */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const ts = (specifier: string): string => `import { x } from '${specifier}';\n\nexport const y = x;\n`;
const svelte = (specifier: string): string => `<script lang="ts">\n  import { x } from '${specifier}';\n</script>\n\n<p>{x}</p>\n`;

describe.each([
  // [where the import is written, the wrong import, the right import beside it]
  ['collector → viewer', 'collector/ingest/new.ts', ts('../../viewer/api/types'), ts('../../storage/columns')],
  ['viewer → collector', 'viewer/api/new.ts', ts('../../collector/otlp/decode'), ts('../../common/errors')],
  ['viewer/query → collector', 'viewer/query/new.ts', ts('../../collector/jobs/edges'), ts('../../storage/schema')],
  ['collector → cmd', 'collector/receiver/new.ts', ts('../../cmd/server'), ts('../otlp/responses')],
  ['viewer → cmd', 'viewer/api/new.ts', ts('../../cmd/lockfile'), ts('./params')],
  ['common → cmd', 'common/new.ts', ts('../cmd/main'), ts('./errors')],
  ['storage → collector', 'storage/new.ts', ts('../collector/ingest/writer'), ts('../common/config')],
  ['common → storage', 'common/new.ts', ts('../storage/store'), ts('./config')],
  ['ui → viewer/api/router', 'viewer/ui/src/lib/new.ts', ts('../../../api/router'), ts('../../../api/types')],
  ['ui → viewer/query', 'viewer/ui/src/lib/new.ts', ts('../../../query/queries'), ts('../../../model/trace-tree')],
  ['ui component → viewer/api/router', 'viewer/ui/src/pages/New.svelte', svelte('../../../api/router'), svelte('../lib/api')],
  ['model → viewer/api/router', 'viewer/model/new.ts', ts('../api/router'), ts('../api/types')],
])('%s', (_name, file, wrong, right) => {
  test('the wrong import is refused', async () => {
    expect(await boundaryErrors(file, wrong)).toHaveLength(1);
  });
  test('the right one passes', async () => {
    expect(await boundaryErrors(file, right)).toEqual([]);
  });
});

test('cmd/, the composition root, may import both halves', async () => {
  expect(await boundaryErrors('cmd/new.ts', ts('../collector/ingest/writer'))).toEqual([]);
  expect(await boundaryErrors('cmd/new.ts', ts('../viewer/api/app'))).toEqual([]);
});
