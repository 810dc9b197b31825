'use strict';
/** Big traces made by the OpenTelemetry SDK, for the trace-by-id and viewer benchmarks. */
const http = require('node:http');
const { context, trace, SpanKind } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

/** One trace of `size` spans: a root, then a fan-out tree four levels deep, over five services. */
function bigTrace(size) {
  const memory = new InMemorySpanExporter();
  const tracers = ['gateway', 'orders', 'inventory', 'pricing', 'db'].map((service) =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('bench'),
  );
  const start = Date.now() - 60_000;
  const root = tracers[0].startSpan('GET /big', { kind: SpanKind.SERVER, startTime: start });
  const parents = [trace.setSpan(context.active(), root)];
  for (let i = 1; i < size; i++) {
    const parent = parents[Math.floor((i - 1) / 8)] ?? parents[parents.length - 1];
    const t = start + (i % 1000);
    const span = tracers[i % 5].startSpan(`op ${i % 50}`, { kind: SpanKind.INTERNAL, startTime: t, attributes: { 'app.index': i, 'app.kind': `k${i % 7}` } }, parent);
    span.end(t + 1 + (i % 30));
    if (parents.length < size / 8) parents.push(trace.setSpan(context.active(), span));
  }
  root.end(start + 2000);
  const spans = memory.getFinishedSpans();
  const requests = [];
  for (let i = 0; i < spans.length; i += 1000) requests.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + 1000))));
  return { traceId: root.spanContext().traceId, requests };
}

/** Sends OTLP protobuf requests one after the other; any refusal is an error. */
async function storeRequests(port, requests) {
  for (const body of requests) {
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end(body);
    });
    if (status !== 200) throw new Error(`export refused: ${status}`);
  }
}

module.exports = { bigTrace, storeRequests };
