/** The built `hindsight` command, as users run it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const CLI = path.resolve(__dirname, '../../dist/cmd/main.js');
const run = promisify(execFile);

async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args], { timeout: 30_000 });
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`hindsight ${args.join(' ')} did not fail`);
}

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-cli-'));
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('an invalid flag stops it with a message naming the flag', async () => {
  const { code, stderr } = await fails(['serve', '--data-dir', dataDir, '--otlp-http-port', 'x']);
  expect(code).toBe(2);
  expect(stderr).toContain('--otlp-http-port="x" is invalid: expected a whole number from 0 to 65535');
});

test.each(['collector', 'viewer'])('`hindsight %s` refuses embedded storage and says why', async (role) => {
  const { code, stderr } = await fails([role, '--data-dir', dataDir]);
  expect(code).toBe(1);
  expect(stderr).toContain(`\`hindsight ${role}\` runs one half of Hindsight against a shared ClickHouse server, so it needs --clickhouse-url`);
  expect(stderr).toContain('Use `hindsight serve` for embedded storage');
});

test('an unknown command prints the usage', async () => {
  const { code, stderr } = await fails(['launch']);
  expect(code).toBe(2);
  expect(stderr).toContain('usage: hindsight <command> [options]');
});
