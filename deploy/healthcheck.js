#!/usr/bin/env node
// Container health check without curl: GET http://127.0.0.1:<port>/healthz with node's fetch.
// Port: HINDSIGHT_HEALTH_PORT if set; else the first of the UI port (serve, viewer) and the
// OTLP/HTTP port (collector) that answers. Exit 0 when one answers 2xx, else 1.
'use strict';
const ports = process.env.HINDSIGHT_HEALTH_PORT ? [process.env.HINDSIGHT_HEALTH_PORT] : [process.env.HINDSIGHT_UI_PORT || '16686', process.env.HINDSIGHT_OTLP_HTTP_PORT || '4318'];

(async () => {
  for (const port of ports) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
      if (res.ok) process.exit(0);
    } catch {
      // not listening on this port: try the next
    }
  }
  process.exit(1);
})();
