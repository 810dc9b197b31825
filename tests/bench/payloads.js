'use strict';
/**
 * Realistic OTLP protobuf requests, made and serialized by the OpenTelemetry SDK
 * itself: traces through a few services, about 10 attributes per span, 1000 spans
 * per request.
 */
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

const ROUTES = ['/api/cart', '/api/checkout', '/api/products', '/api/products/{id}', '/api/users/{id}', '/healthz'];
const SERVICES = ['frontend', 'checkout', 'payments', 'inventory'];

function tracers() {
  const memory = new InMemorySpanExporter();
  const byService = {};
  for (const [i, service] of SERVICES.entries()) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': service,
        'service.version': '2.4.1',
        'service.instance.id': `${service}-7d9f8c-${i}`,
        'host.name': `node-${i}`,
        'deployment.environment.name': 'production',
        'telemetry.sdk.language': 'nodejs',
      }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    byService[service] = provider.getTracer(`@acme/${service}`, '2.4.1');
  }
  return { memory, byService };
}

function httpAttributes(route, status, n) {
  return {
    'http.request.method': n % 5 === 0 ? 'POST' : 'GET',
    'http.route': route,
    'url.path': route.replace('{id}', String(1000 + (n % 500))),
    'url.scheme': 'https',
    'http.response.status_code': status,
    'server.address': 'shop.example.com',
    'server.port': 443,
    'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0',
    'client.address': `10.0.${n % 16}.${n % 250}`,
    'app.user.id': String(100000 + ((n * 7919) % 50000)),
  };
}

/** One trace of 5 to 15 spans across the services; time advances with n. */
function oneTrace(t, n, baseMs) {
  const route = ROUTES[n % ROUTES.length];
  const failed = n % 50 === 0;
  const start = baseMs + n;
  const root = t.frontend.startSpan(`GET ${route}`, { kind: SpanKind.SERVER, startTime: start, attributes: httpAttributes(route, failed ? 500 : 200, n) });
  const rootCtx = trace.setSpan(context.active(), root);
  const children = 4 + (n % 11);
  let at = start + 1;
  for (let c = 0; c < children; c++) {
    const service = SERVICES[1 + (c % 3)];
    if (c % 3 === 2) {
      const db = t[service].startSpan(
        'SELECT shop.orders',
        {
          kind: SpanKind.CLIENT,
          startTime: at,
          attributes: {
            'db.system.name': 'postgresql',
            'db.namespace': 'shop',
            'db.operation.name': 'SELECT',
            'db.query.text': 'SELECT id, total FROM orders WHERE user_id = $1 LIMIT 20',
            'server.address': 'pg-primary',
            'server.port': 5432,
            'db.response.returned_rows': n % 20,
            'network.peer.address': '10.1.0.5',
            'db.client.connection.pool.name': 'main',
            'app.cache.hit': n % 3 === 0,
          },
        },
        rootCtx,
      );
      db.end(at + 2 + (n % 7));
    } else {
      const span = t[service].startSpan(
        `${service} ${c % 2 ? 'process' : 'handle'}`,
        {
          kind: c % 2 ? SpanKind.INTERNAL : SpanKind.SERVER,
          startTime: at,
          attributes: { ...httpAttributes(route, 200, n + c), 'app.queue.depth': (n + c) % 64, 'app.ratio': ((n * 31 + c) % 100) / 100 },
        },
        rootCtx,
      );
      if (c === 0) span.addEvent('cache.miss', { 'cache.key': `user:${n % 5000}` }, at + 1);
      if (failed && c === 1) {
        span.recordException(new Error('upstream timed out'), at + 3);
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timed out' });
      }
      span.end(at + 5 + (n % 13));
    }
    at += 2;
  }
  if (failed) root.setStatus({ code: SpanStatusCode.ERROR });
  root.end(at + 3);
  return children + 1;
}

/** `count` requests of exactly `spansPerRequest` spans each, as protobuf bytes. */
function makeRequests(count, spansPerRequest = 1000) {
  const t = tracers();
  const baseMs = Date.now() - 60_000;
  const requests = [];
  let n = 0;
  let pending = [];
  while (requests.length < count) {
    oneTrace(t.byService, n++, baseMs);
    pending.push(...t.memory.getFinishedSpans());
    t.memory.reset();
    while (pending.length >= spansPerRequest && requests.length < count) {
      requests.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(pending.slice(0, spansPerRequest))));
      pending = pending.slice(spansPerRequest);
    }
  }
  return requests;
}

/**
 * A source of distinct requests made from a few serialized ones: the n-th variant
 * of a request has every trace id changed (its first 4 bytes XOR n), so the spans
 * are new to the collector, which stores a request it has already stored only once,
 * as exporters' retries require. Trace ids are found as the SDK writes a Span or a
 * Link: field 1 (16 bytes) followed by field 2 (8 bytes).
 */
function distinctRequests(payloads) {
  const offsets = payloads.map((p) => {
    const found = [];
    for (let i = 0; i + 28 <= p.length; i++) {
      if (p[i] === 0x0a && p[i + 1] === 0x10 && p[i + 18] === 0x12 && p[i + 19] === 0x08) found.push(i + 2);
    }
    return found;
  });
  let next = 0;
  return () => {
    const index = next % payloads.length;
    const n = Math.floor(next / payloads.length);
    next++;
    const body = Buffer.from(payloads[index]);
    if (n > 0) for (const at of offsets[index]) body.writeUInt32BE((body.readUInt32BE(at) ^ n) >>> 0, at);
    return body;
  };
}

module.exports = { makeRequests, distinctRequests };
