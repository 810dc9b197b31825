/**
 * An acknowledged span is never lost: not across kill -9, and not across SIGTERM
 * with requests still in flight.
 */
import { makeTraces, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { childSlotPerTest, queryDataDir, startChildServer, type ChildServer } from '../support/child';

const slot = childSlotPerTest('hindsight-durability-');

function countSpans(spanIds: string[]): number {
  const list = spanIds.map((id) => `'${id}'`).join(',');
  const rows = queryDataDir(slot.dataDir, `SELECT count() AS n FROM otel.otel_traces WHERE SpanId IN (${list})`) as { n: string }[];
  return Number(rows[0]!.n);
}

async function sendBatch(server: ChildServer): Promise<string[]> {
  const { spans } = makeTraces();
  const response = await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' });
  expect(response.status).toBe(200);
  return spans.map((s) => s.spanContext().spanId);
}

test('every acknowledged batch survives kill -9 and a restart on the same data dir', async () => {
  slot.running = await startChildServer(slot.dataDir);
  const acknowledged: string[] = [];
  for (let i = 0; i < 20; i++) acknowledged.push(...(await sendBatch(slot.running)));
  slot.running.process.kill('SIGKILL');
  expect((await slot.running.exited).signal).toBe('SIGKILL');

  slot.running = await startChildServer(slot.dataDir);
  const more = await sendBatch(slot.running);
  slot.running.process.kill('SIGTERM');
  expect((await slot.running.exited).code).toBe(0);
  expect(countSpans(acknowledged)).toBe(acknowledged.length);
  expect(countSpans(more)).toBe(more.length);
});

test('SIGTERM drains requests in flight, stores them and exits 0', async () => {
  // A long batch age keeps requests waiting in the queue when the signal arrives.
  slot.running = await startChildServer(slot.dataDir, ['--batch-max-age-ms', '3000']);
  const server = slot.running;
  const inFlight = Array.from({ length: 10 }, () => sendBatch(server));
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.process.kill('SIGTERM');
  const acknowledged = (await Promise.all(inFlight)).flat();
  expect((await server.exited).code).toBe(0);
  expect(server.logs.some((l) => l.includes('"msg":"hindsight stopped"'))).toBe(true);
  expect(countSpans(acknowledged)).toBe(acknowledged.length);
});
