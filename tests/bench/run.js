'use strict';
/**
 * `npm run bench`: each benchmark in its own process (libchdb binds one data
 * directory per process), each printing one JSON line on stdout.
 * BENCH_ONLY=ingest,tail,trace,viewer picks some (scale: a day of 100M spans, which takes the longest).
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ALL = ['ingest', 'tail', 'trace', 'viewer', 'analytics', 'scale'];
const only = (process.env.BENCH_ONLY ?? ALL.join(',')).split(',');
let failed = false;
for (const name of ALL.filter((n) => only.includes(n))) {
  const result = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[bench] ${name} failed with exit code ${result.status}\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
