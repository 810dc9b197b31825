/**
 * A server frozen with SIGSTOP (a debugger, a paused container, a swapped-out host)
 * and thawed again: the requests that waited are answered, every acknowledged span
 * is stored once, and the process serves on as before.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const FROZEN_MS = 10_000;

let dataDir: string;
let server: ChildServer;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-sigstop-'));
  server = await startChildServer(dataDir);
});
afterAll(async () => {
  await stopChildServer(server, dataDir);
});

async function send(service: string): Promise<{ status: number; traceId: string }> {
  const spans = makeSimpleTrace({ service, children: 3 });
  const response = await fetch(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, {
    method: 'POST',
    body: protobufRequest(spans),
    headers: { 'Content-Type': 'application/x-protobuf' },
    signal: AbortSignal.timeout(FROZEN_MS + 30_000),
  });
  return { status: response.status, traceId: spans[0]!.spanContext().traceId };
}

test(`frozen for ${FROZEN_MS / 1000} s, then thawed: waiting requests are answered and stored once`, async () => {
  const before = await Promise.all([send('before'), send('before')]);
  server.process.kill('SIGSTOP');
  const during = Promise.all([send('during'), send('during'), send('during')]);
  await new Promise((resolve) => setTimeout(resolve, FROZEN_MS));
  server.process.kill('SIGCONT');
  const thawed = await during;
  const after = await send('after');
  const health = await fetch(`http://127.0.0.1:${server.ports.ui}/healthz`);
  expect(health.status).toBe(200);

  const acknowledged = [...before, ...thawed, after].filter((r) => r.status === 200);
  expect(acknowledged).toHaveLength(6);
  for (const { traceId } of acknowledged) {
    const trace = (await (await fetch(`http://127.0.0.1:${server.ports.ui}/api/v1/traces/${traceId}`)).json()) as { spans: unknown[] };
    expect(trace.spans).toHaveLength(4);
  }
});
