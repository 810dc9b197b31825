/** The README documents every option and every error code the code has. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OPTIONS } from '../../collector/config';
import { ERRORS } from '../../collector/errors';

const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

test('the README starts with the two commands', () => {
  const firstBlock = readme.split('```')[1] ?? '';
  expect(firstBlock).toContain('npm install && npm start');
  expect(firstBlock).toContain('npm test');
});

test.each(OPTIONS.map((o) => [o.flag, o.env]))('the configuration table has --%s and %s', (flag, env) => {
  expect(readme).toMatch(new RegExp(`\\| \`--${flag}\` \\| \`${env}\` \\|`));
});

test.each(Object.keys(ERRORS))('the error table has %s', (code) => {
  expect(readme).toContain(`| \`${code}\` |`);
});

test('every runtime dependency has its line', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies)) expect(readme).toContain(`- \`${name}\`:`);
});
