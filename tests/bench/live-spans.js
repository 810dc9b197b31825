'use strict';
/**
 * The live part of the analytics benchmark's dependency map: fresh traces, made and
 * serialized by the OpenTelemetry SDK and sent over OTLP/HTTP to the running server, so
 * they are stored as production ingest stores them (the generated week goes into the
 * engine directly, which a server holding the data directory no longer allows).
 *
 * A fresh trace has the generated week's shape (10 spans, a tree of fan-out 3 over the
 * week's 30 services; generate-spans.js), so the live part joins parents to children
 * across services as the week does, except that its root is in a service the week does
 * not have, LIVE_SERVICE: its calls to its three children are edges that exist only in
 * these spans, which the benchmark then looks for in the maps.
 */
const http = require('node:http');
const { context, trace, SpanKind } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { SHAPES } = require('./generate-spans');
const { postOnce } = require('./client');

const LIVE_SERVICE = 'live-gateway';
const SPANS_PER_REQUEST = 1000;

function tracers(services) {
  const memory = new InMemorySpanExporter();
  const byService = new Map();
  for (const service of [LIVE_SERVICE, ...services]) {
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    byService.set(service, provider.getTracer('bench-live'));
  }
  return { memory, byService };
}

/** Trace `t` of the week's shape, its root in LIVE_SERVICE, starting at `startMs`; its spans go to the in-memory exporter. */
function oneTrace(byService, t, startMs) {
  const { spansPerTrace: S, services, operations } = SHAPES.week;
  const spans = [];
  for (let i = 0; i < S; i++) {
    const op = (t * 7 + i * 37) % operations;
    const service = i === 0 ? LIVE_SERVICE : `service-${op % services}`;
    const kind = i === 0 ? SpanKind.SERVER : i % 3 === 1 ? SpanKind.CLIENT : SpanKind.SERVER;
    const parent = i === 0 ? context.active() : trace.setSpan(context.active(), spans[Math.floor((i - 1) / 3)]);
    spans.push(byService.get(service).startSpan(`op-${op}`, { kind, startTime: startMs + i * 2, attributes: { 'http.route': `/r/${t % 40}` } }, parent));
  }
  for (let i = S - 1; i >= 0; i--) spans[i].end(startMs + i * 2 + 1 + ((t + i) % 5));
}

/**
 * Sends `spans` spans (whole traces) whose starts spread evenly over [fromMs, toMs) to the
 * OTLP/HTTP port, in requests of 1000 spans; every request must be acknowledged (200).
 * Returns the traces sent and the calls from LIVE_SERVICE they hold.
 */
async function sendLiveSpans({ port, spans, fromMs, toMs }) {
  const { spansPerTrace: S, services } = SHAPES.week;
  const traces = Math.max(1, Math.round(spans / S));
  const { memory, byService } = tracers(Array.from({ length: services }, (_, i) => `service-${i}`));
  const agent = new http.Agent({ keepAlive: true });
  const send = async (batch) => {
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(batch));
    const { status } = await postOnce(agent, port, body);
    if (status !== 200) throw new Error(`OTLP/HTTP answered ${status} to ${batch.length} live spans`);
  };
  try {
    for (let t = 0; t < traces; t++) {
      oneTrace(byService, t, fromMs + Math.floor(((toMs - fromMs) * t) / traces));
      if (memory.getFinishedSpans().length >= SPANS_PER_REQUEST) {
        await send(memory.getFinishedSpans());
        memory.reset();
      }
    }
    if (memory.getFinishedSpans().length > 0) await send(memory.getFinishedSpans());
  } finally {
    agent.destroy();
  }
  return { traces, spans: traces * S, liveServiceCalls: traces * Math.min(3, S - 1) };
}

module.exports = { LIVE_SERVICE, sendLiveSpans };
