#!/usr/bin/env node
/**
 * `npm test`'s first step: the system tools the tests drive (Debian's Chromium for the
 * browser tests, tmux for the TUI, and the checkers of deploy/'s files) are installed
 * when missing, so a fresh clone needs only `npm install && npm test`. As root with apt
 * it installs them (one `apt-get update` first); otherwise it stops at once with the
 * one command to run.
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');

/**
 * Command on the PATH → the Debian package that provides it. Only what no npm package
 * does: a check that an npm package can make is made with it (XML well-formedness with
 * fast-xml-parser, YAML with yaml). Chromium is Debian's, never a downloaded build;
 * tmux runs the TUI; compose's schema, `haproxy -c` and `systemd-analyze verify` are
 * each the tool's own judgement of its own file format, which nothing on npm repeats.
 */
const TOOLS = {
  chromium: 'chromium',
  tmux: 'tmux',
  'docker-compose': 'docker-compose',
  haproxy: 'haproxy',
  'systemd-analyze': 'systemd',
};

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const missing = [
  ...new Set(
    Object.entries(TOOLS)
      .filter(([command]) => !has(command))
      .map(([, pkg]) => pkg),
  ),
];
if (missing.length === 0) process.exit(0);

const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !has('apt-get')) {
  console.error(`The tests need system packages that are missing (${missing.join(', ')}). Run, as root: ${install}`);
  process.exit(1);
}
console.error(`Installing the system packages the tests need: ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env });
} catch {
  console.error(`Installing failed. Run, as root: ${install}`);
  process.exit(1);
}
