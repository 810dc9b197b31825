/**
 * Spans made by the real OpenTelemetry SDK, and the OTLP request bytes its own
 * serializers produce from them: the fixtures every collector test starts from.
 */
import { randomBytes } from 'node:crypto';
import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Link } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/** Attributes of every type a span attribute can have. */
export const SPAN_ATTRIBUTES: Attributes = {
  str: 'hello',
  int: 42,
  negative: -7,
  double: 3.25,
  bool: true,
  'str.array': ['a', 'b'],
  'int.array': [1, 2, 3],
  'double.array': [1.5, 2.5],
  'bool.array': [true, false],
  hostile: '<img src=x onerror=alert(1)>"\'\\\n\t\u0000 \u{1F600}',
};

/** Resource attributes may also hold bytes and maps (kvlist), completing the AnyValue types. */
export function resourceAttributes(service: string): Record<string, unknown> {
  return {
    'service.name': service,
    'service.version': '1.2.3',
    'host.bytes': new Uint8Array([0, 1, 2, 250, 255]),
    'host.map': { zone: 'eu-1', cores: 2, nested: { list: [1, 'two', false] } },
  };
}

export interface SdkTraces {
  spans: ReadableSpan[];
}

/**
 * A trace across three services: frontend (server) → checkout (client → server) →
 * payments, with events, a link to an earlier trace, an error status and a consumer.
 */
export function makeTraces(): SdkTraces {
  const spans: ReadableSpan[] = [];
  const tracers = Object.fromEntries(
    ['frontend', 'checkout', 'payments'].map((service) => {
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes(resourceAttributes(service) as Attributes),
        spanProcessors: [new SimpleSpanProcessor(memory)],
      });
      return [service, { tracer: provider.getTracer(`${service}-scope`, '0.9.1'), memory }];
    }),
  ) as Record<string, { tracer: ReturnType<BasicTracerProvider['getTracer']>; memory: InMemorySpanExporter }>;
  const t = (s: string): ReturnType<BasicTracerProvider['getTracer']> => tracers[s]!.tracer;

  // A job continued from a remote caller that sent a W3C tracestate.
  const remote = trace.setSpanContext(context.active(), {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('vendor=abc,hs=1'),
  });
  const earlier = t('frontend').startSpan('earlier job', { kind: SpanKind.INTERNAL }, remote);
  earlier.end();
  const link: Link = { context: earlier.spanContext(), attributes: { 'link.reason': 'retry-of', 'link.n': 2 } };

  const root = t('frontend').startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: SPAN_ATTRIBUTES, links: [link] });
  root.addEvent('request.received', { bytes: 512, ok: true });
  const rootContext = trace.setSpan(context.active(), root);
  const call = t('frontend').startSpan('POST checkout', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'checkout' } }, rootContext);
  const callContext = trace.setSpan(context.active(), call);
  const server = t('checkout').startSpan('POST /api/checkout', { kind: SpanKind.SERVER }, callContext);
  const serverContext = trace.setSpan(context.active(), server);
  const pay = t('payments').startSpan('charge card', { kind: SpanKind.PRODUCER }, serverContext);
  pay.recordException(new Error('card declined'));
  pay.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  pay.end();
  const consume = t('payments').startSpan('process charge', { kind: SpanKind.CONSUMER }, trace.setSpan(context.active(), pay));
  consume.end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
  call.end();
  root.addEvent('response.sent');
  root.end();

  for (const { memory } of Object.values(tracers)) spans.push(...memory.getFinishedSpans());
  return { spans };
}

export function protobufRequest(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function jsonRequest(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
}

export interface SimpleTraceOptions {
  service?: string;
  name?: string;
  /** Start, Unix milliseconds. */
  startMs?: number;
  durationMs?: number;
  error?: boolean;
  attributes?: Attributes;
  resource?: Record<string, unknown>;
  /** Child spans under the root, in a second service. */
  children?: number;
  childService?: string;
  /** The children's names, one child each (instead of `children` named query 0, query 1, …). */
  childNames?: string[];
}

/** One trace with exact times: a root span and `children` client spans, for query tests. */
export function makeSimpleTrace(o: SimpleTraceOptions = {}): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const service = o.service ?? 'shop';
  const provider = (name: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': name, ...(o.resource ?? {}) } as Attributes),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    }).getTracer('query-tests', '1.0');
  const start = o.startMs ?? Date.now() - 60_000;
  const duration = o.durationMs ?? 100;
  const root = provider(service).startSpan(o.name ?? 'GET /', { kind: SpanKind.SERVER, startTime: start, attributes: o.attributes ?? {} });
  const childTracer = provider(o.childService ?? `${service}-db`);
  const names = o.childNames ?? Array.from({ length: o.children ?? 0 }, (_, i) => `query ${i}`);
  for (const [i, name] of names.entries()) {
    const child = childTracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: start + 1 }, trace.setSpan(context.active(), root));
    if (o.error && i === 0) child.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    child.end(start + 2);
  }
  if (o.error) root.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  root.end(start + duration);
  return memory.getFinishedSpans();
}

/** The eight services of the shop the first-hour tests browse, in call order. */
export const SHOP_SERVICES = ['frontend', 'api-gateway', 'checkout', 'cart', 'inventory', 'payments', 'order-worker', 'catalog'] as const;

export interface ShopTraceOptions {
  /** Start, Unix milliseconds. */
  startMs?: number;
  /** The root's duration; the calls below it share it. */
  durationMs?: number;
  /** Whether "charge card" (payments) fails with an exception and its stack trace. */
  error?: boolean;
}

/**
 * One request through the eight services, each calling the next: frontend → api-gateway →
 * … → catalog, eight levels deep, with a successful "payments validate card" span (and,
 * with `error`, a failing "charge card" beside it that records an exception).
 */
export function makeShopTrace(o: ShopTraceOptions = {}): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = (service: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('shop', '1.0');
  const start = o.startMs ?? Date.now() - 60_000;
  const duration = o.durationMs ?? 800;
  const names: Record<(typeof SHOP_SERVICES)[number], string> = {
    frontend: 'GET /checkout',
    'api-gateway': 'POST /api/checkout',
    checkout: 'checkout.place_order',
    cart: 'cart.get_items',
    inventory: 'inventory.reserve_items',
    payments: 'payments validate card',
    'order-worker': 'process order',
    catalog: 'catalog.lookup_product',
  };
  const open: { end: (t: number) => void }[] = [];
  let parent = context.active();
  SHOP_SERVICES.forEach((service, depth) => {
    const span = tracer(service).startSpan(
      names[service],
      {
        kind: depth === 0 ? SpanKind.SERVER : SpanKind.INTERNAL,
        startTime: start + depth * 10,
        attributes: service === 'payments' ? { 'app.payment.amount_usd': 129.95, 'app.payment.card_network': 'visa' } : {},
      },
      parent,
    );
    if (service === 'payments' && o.error) {
      const charge = tracer('payments').startSpan('charge card', { kind: SpanKind.CLIENT, startTime: start + depth * 10 + 1 }, trace.setSpan(parent, span));
      const failure = new Error('card declined by issuer');
      failure.stack = [
        'Error: card declined by issuer',
        '    at PaymentGatewayClient.chargeCardWithRetriesAndIdempotencyKey (/srv/payments/node_modules/@shop/payment-gateway-client/dist/lib/client/charge-card-with-retries.js:214:23)',
        '    at async PaymentsService.validateAndChargeCustomerCardForOrder (/srv/payments/dist/services/payments-service.js:88:17)',
        '    at async Router.handle (/srv/payments/node_modules/express/lib/router/index.js:284:9)',
      ].join('\n');
      charge.recordException(failure, start + depth * 10 + 4);
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined by issuer' });
      charge.end(start + depth * 10 + 5);
    }
    open.push(span);
    parent = trace.setSpan(parent, span);
  });
  open.reverse().forEach((span, i) => span.end(start + duration - (open.length - 1 - i) * 10));
  return memory.getFinishedSpans();
}

/** One span of a shaped trace: times in ms from the trace's start; `parent` is the index of an earlier span. */
export interface ShapedSpan {
  service: string;
  name: string;
  parent?: number;
  startMs: number;
  durationMs: number;
  error?: boolean;
}

/** One trace of exactly this shape, made by the SDK (one provider per service), starting at `startMs` (Unix ms). */
export function makeShapedTrace(shape: ShapedSpan[], startMs = Date.now() - 60_000): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracers = new Map<string, ReturnType<BasicTracerProvider['getTracer']>>();
  const tracer = (service: string): ReturnType<BasicTracerProvider['getTracer']> => {
    let t = tracers.get(service);
    if (!t) {
      t = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('shaped', '1.0');
      tracers.set(service, t);
    }
    return t;
  };
  const made: ReturnType<ReturnType<BasicTracerProvider['getTracer']>['startSpan']>[] = [];
  for (const s of shape) {
    const parent = s.parent === undefined ? context.active() : trace.setSpan(context.active(), made[s.parent]!);
    const span = tracer(s.service).startSpan(s.name, { kind: s.parent === undefined ? SpanKind.SERVER : SpanKind.INTERNAL, startTime: startMs + s.startMs }, parent);
    if (s.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    made.push(span);
  }
  shape.forEach((s, i) => made[i]!.end(startMs + s.startMs + s.durationMs));
  return memory.getFinishedSpans();
}
