/**
 * npm test's first step (tests/setup/system-packages.js) where it cannot install: it
 * stops at once with one line that names the command to run. Run for real with a
 * PATH on which none of the tools are, so it finds every package missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../setup/system-packages.js');
const COMMAND = 'apt-get update && apt-get install -y chromium tmux docker-compose haproxy systemd';
const root = process.getuid?.() === 0;

let bin: string;
beforeAll(() => {
  // A PATH with a shell (the script asks `command -v` through it) and, where asked, apt-get.
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-path-'));
  fs.chmodSync(bin, 0o755);
  fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
});
afterAll(() => {
  fs.rmSync(bin, { recursive: true, force: true });
});

function run(asUser: boolean): { status: number | null; stdout: string; stderr: string } {
  // As root, setpriv drops to nobody: a run as root with apt-get on the PATH would install.
  const [command, args] = asUser && root ? ['/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, SCRIPT]] : [process.execPath, [SCRIPT]];
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000, env: { PATH: bin } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('without apt-get it names the one command to run and stops', () => {
  const r = run(false);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(`Run, as root: ${COMMAND}`)]);
});

test('not as root it names the one command to run and stops, installing nothing', () => {
  fs.symlinkSync('/usr/bin/apt-get', path.join(bin, 'apt-get'));
  const r = run(true);
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toEqual([`The tests need system packages that are missing (chromium, tmux, docker-compose, haproxy, systemd). Run, as root: ${COMMAND}`]);
});
