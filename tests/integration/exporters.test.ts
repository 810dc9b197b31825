/**
 * The real OpenTelemetry exporters (protobuf, JSON, gRPC) send SDK spans over real
 * sockets; every field read back from otel_traces equals what the SDK recorded.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { makeTraces } from '../support/spans';
import { expectedRow, STORED_SPAN_SELECT, type StoredSpan } from '../support/expected';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

interface Exporter {
  export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

function exportWith(exporter: Exporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed: ${result.code}`))));
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await stopTestServer(server);
});

const exporters: [string, () => Exporter][] = [
  ['http/protobuf', () => new ProtoExporter({ url: `${server.httpUrl}/v1/traces` })],
  ['http/protobuf gzip', () => new ProtoExporter({ url: `${server.httpUrl}/v1/traces`, compression: CompressionAlgorithm.GZIP })],
  ['http/json', () => new JsonExporter({ url: `${server.httpUrl}/v1/traces` })],
  ['http/json gzip', () => new JsonExporter({ url: `${server.httpUrl}/v1/traces`, compression: CompressionAlgorithm.GZIP })],
  ['grpc', () => new GrpcExporter({ url: server.grpcUrl })],
  ['grpc gzip', () => new GrpcExporter({ url: server.grpcUrl, compression: CompressionAlgorithm.GZIP })],
];

describe.each(exporters)('%s exporter', (_name, makeExporter) => {
  test('every field read back equals what the SDK recorded', async () => {
    const { spans } = makeTraces();
    const exporter = makeExporter();
    await exportWith(exporter, spans);
    await exporter.shutdown();

    const ids = spans.map((s) => s.spanContext().spanId);
    const stored = await queryRows<StoredSpan>(server.store.client, `SELECT ${STORED_SPAN_SELECT} FROM ${server.config.database}.otel_traces WHERE SpanId IN {ids:Array(String)} ORDER BY SpanId`, {
      ids,
    });
    const expected = spans.map(expectedRow).sort((a, b) => (a.SpanId < b.SpanId ? -1 : 1));
    expect(stored).toEqual(expected);
    // The fixture covers what the issue asks: several services, nesting, events, links, errors.
    expect(new Set(stored.map((r) => r.ServiceName))).toEqual(new Set(['frontend', 'checkout', 'payments']));
    expect(stored.some((r) => r.StatusCode === 'Error' && r.EventNames.includes('exception'))).toBe(true);
    expect(stored.some((r) => r.LinkTraceStates.includes('vendor=abc,hs=1'))).toBe(true);
  });
});

test('the trace id lookup holds one time range per trace', async () => {
  const { spans } = makeTraces();
  const exporter = new ProtoExporter({ url: `${server.httpUrl}/v1/traces` });
  await exportWith(exporter, spans.slice(0, 3));
  await exportWith(exporter, spans.slice(3));
  await exporter.shutdown();
  const traceId = spans.find((s) => s.name === 'GET /checkout')!.spanContext().traceId;
  const rows = await queryRows<{ TraceId: string; Start: string; End: string }>(
    server.store.client,
    `SELECT TraceId, min(Start) AS Start, max(End) AS End FROM ${server.config.database}.otel_traces_trace_id_ts WHERE TraceId = {id:String} GROUP BY TraceId`,
    { id: traceId },
  );
  const times = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.startTime[0]);
  expect(rows).toHaveLength(1);
  expect(Date.parse(`${rows[0]!.Start}Z`) / 1000).toBe(Math.min(...times));
  expect(Date.parse(`${rows[0]!.End}Z`) / 1000).toBe(Math.max(...times));
});
