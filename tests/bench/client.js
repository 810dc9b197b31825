'use strict';
/** What the load-generating benchmarks share: one OTLP/HTTP post, and a process's memory. */
const fs = require('node:fs');
const http = require('node:http');

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM); 0 once the process is gone. */
function procStatus(pid, field) {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function postOnce(agent, port, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The p-quantile (0..1) of ascending values, by nearest rank; undefined when there are none. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

module.exports = { postOnce, procStatus, percentile };
