'use strict';
/** `hindsight serve` (the built CLI) as a child process on free ports, for benchmarks. */
const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '../..');

/** `nodeArgs` go to Node itself (BENCH_NODE_ARGS, e.g. --cpu-prof), `extraArgs` to `hindsight serve`. */
function startServer(dataDir, extraArgs, nodeArgs = []) {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.resolve(ROOT, process.env.BENCH_DIST ?? 'dist', 'cmd/main.js'),
      'serve',
      '--data-dir',
      dataDir,
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
      '--ui-port',
      '0',
      '--clickhouse-http-port',
      '0',
      ...extraArgs,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs = [];
  child.stderr.on('data', (b) => logs.push(b.toString()));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      const entry = JSON.parse(line);
      if (entry.msg === 'hindsight started') resolve({ child, ports: entry.ports, logs, exited });
    });
    exited.then(({ code }) => reject(new Error(`server exited ${code}: ${logs.join('\n')}`)));
  });
}

module.exports = { startServer, ROOT };
