/**
 * A simulated shop, made with the OpenTelemetry SDK: the test fixture for anomaly quality.
 * Eight services over two hours, seeded: product views (frontend → catalog → Postgres, half of
 * them with a user profile), checkouts (frontend → checkout → inventory → Postgres, payment →
 * the Stripe API, an order published to Kafka and consumed by fulfillment), each duration
 * lognormal around its operation's median (natural jitter), and one nightly batch trace of
 * 5,000 inventory queries. Three faults, all in the last hour:
 * - burst: catalog `GET /products/{id}` 20× slower for 60 s (a window regression);
 * - outliers: five checkouts of about 9 s, caused by a slow Stripe call (`stripe.charge`);
 * - consumer: fulfillment `orders process` 6× slower for 4 minutes.
 * Timestamps are explicit, so two hours of traffic are made in seconds.
 * With `declines`, that share of the steady checkouts has its card declined by Stripe: the error
 * (with its exception) runs up from `stripe.charge` to the frontend's root and nothing is
 * published. Declines draw from a generator of their own, so a seed's other traffic is the same
 * with or without them.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { mulberry32 } from './mutate';

export interface Fault {
  name: 'burst' | 'outliers' | 'consumer';
  kind: 'window' | 'span';
  service: string;
  operation: string;
}

export const FAULTS: readonly Fault[] = [
  { name: 'burst', kind: 'window', service: 'catalog', operation: 'GET /products/{id}' },
  { name: 'outliers', kind: 'span', service: 'payment', operation: 'stripe.charge' },
  { name: 'consumer', kind: 'window', service: 'fulfillment', operation: 'orders process' },
];

export interface Shop {
  spans: ReadableSpan[];
  /** The last hour, Unix ms: where the faults are. */
  start: number;
  end: number;
  /** A checkout with none of the faults in it, for the waterfall's outlier marks. */
  steadyCheckout: string;
  /** The trace ids of the slow checkouts, and of the batch trace. */
  slowCheckouts: string[];
  /** The checkouts whose card was declined (with `declines`). */
  declinedCheckouts: string[];
  batchTrace: string;
}

const SERVICES = ['frontend', 'catalog', 'users', 'checkout', 'inventory', 'payment', 'orders-kafka', 'fulfillment'] as const;
type Service = (typeof SERVICES)[number];

/** Product views and checkouts per second. */
const VIEWS_PER_SECOND = 2;
const CHECKOUTS_PER_SECOND = 0.4;
const HISTORY_MS = 2 * 3_600_000;

export interface ShopOptions {
  /** The share of steady checkouts whose card is declined (errors); none by default. */
  declines?: number;
}

export function makeShop(seed: number, endMs: number, options: ShopOptions = {}): Shop {
  const random = mulberry32(seed);
  const declineRandom = mulberry32(seed ^ 0x5eed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const ms = (median: number, sigma: number): number => median * Math.exp(sigma * normal());
  const hex = (bytes: number): string =>
    Array.from({ length: bytes }, () =>
      Math.floor(random() * 256)
        .toString(16)
        .padStart(2, '0'),
    ).join('');
  const ids: IdGenerator = { generateTraceId: () => hex(16), generateSpanId: () => hex(8) };
  const memory = new InMemorySpanExporter();
  const tracers = new Map(
    SERVICES.map((s) => [
      s,
      new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': s }), idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('shop'),
    ]),
  );

  const start = endMs - 3_600_000;
  const at = (fraction: number): number => start + Math.floor(fraction * 3_600_000);
  const burst = { from: at(0.2 + random() * 0.5), ms: 60_000 };
  const consumer = { from: at(0.2 + random() * 0.5), ms: 4 * 60_000 };
  const outlierTimes = Array.from({ length: 5 }, () => at(0.05 + random() * 0.9));
  const inside = (t: number, w: { from: number; ms: number }): boolean => t >= w.from && t < w.from + w.ms;

  /** A span from `t` lasting `duration` ms, under `parent`; `body` makes its children from its start and returns when they end. */
  const span = (service: Service, name: string, kind: SpanKind, t: number, parent: Span | undefined, attributes: Attributes, body: (t: number, self: Span) => number): { end: number; span: Span } => {
    const ctx = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
    const s = tracers.get(service)!.startSpan(name, { kind, startTime: t, attributes }, ctx);
    const end = body(t, s);
    s.end(end);
    return { end, span: s };
  };
  const leaf = (service: Service, name: string, kind: SpanKind, t: number, parent: Span, duration: number, attributes: Attributes = {}): number =>
    span(service, name, kind, t, parent, attributes, () => t + duration).end;
  /** An HTTP call: the caller's client span around the callee's server span. */
  const call = (from: Service, to: Service, method: string, route: string, t: number, parent: Span, serverBody: (t: number, self: Span) => number): number =>
    span(from, method, SpanKind.CLIENT, t, parent, { 'http.request.method': method, 'server.address': to }, (t0, client) => {
      const served = span(to, `${method} ${route}`, SpanKind.SERVER, t0 + 0.3, client, { 'http.request.method': method, 'http.route': route }, serverBody).end;
      return served + 0.3;
    }).end;
  /** A server span that answers 402 because the card was declined. */
  const failed = (s: Span, message: string): void => {
    s.setAttribute('http.response.status_code', 402);
    s.setStatus({ code: SpanStatusCode.ERROR, message });
  };
  const sql = (service: Service, statement: string, t: number, parent: Span, duration: number): number =>
    leaf(service, statement, SpanKind.CLIENT, t, parent, duration, { 'db.system': 'postgresql', 'db.statement': `${statement} WHERE id = $1` });

  const productView = (t: number): void => {
    span('frontend', 'GET /products/{id}', SpanKind.SERVER, t, undefined, { 'http.route': '/products/{id}' }, (t0, root) => {
      let now = t0 + ms(2, 0.3);
      now = call('frontend', 'catalog', 'GET', '/products/{id}', now, root, (t1, server) => {
        const queried = sql('catalog', 'SELECT products', t1 + ms(1, 0.3), server, ms(3, 0.4));
        return queried + ms(12, 0.3) * (inside(t1, burst) ? 20 : 1);
      });
      if (random() < 0.5) now = call('frontend', 'users', 'GET', '/profile', now, root, (t1) => t1 + ms(10, 0.25));
      return now + ms(3, 0.3);
    });
  };

  let steadyCheckout = '';
  const slowCheckouts: string[] = [];
  const declinedCheckouts: string[] = [];
  const checkout = (t: number, slow: boolean): string => {
    let traceId = '';
    const declined = !slow && options.declines !== undefined && declineRandom() < options.declines;
    span('frontend', 'POST /checkout', SpanKind.SERVER, t, undefined, { 'http.route': '/checkout' }, (t0, root) => {
      traceId = root.spanContext().traceId;
      const served = call('frontend', 'checkout', 'POST', '/checkout', t0 + ms(3, 0.3), root, (t1, server) => {
        let now = call('checkout', 'inventory', 'GET', '/stock', t1 + ms(2, 0.3), server, (t2, stock) => sql('inventory', 'SELECT inventory.stock', t2 + ms(1, 0.3), stock, ms(4, 0.3)) + ms(2, 0.3));
        now = call('checkout', 'payment', 'POST', '/charge', now + ms(1, 0.3), server, (t2, charge) => {
          const stripe = slow ? ms(8_700, 0.05) : ms(200, 0.3);
          const attributes = { 'http.request.method': 'POST', 'server.address': 'api.stripe.com' };
          if (!declined) return leaf('payment', 'stripe.charge', SpanKind.CLIENT, t2 + ms(3, 0.3), charge, stripe, attributes) + ms(2, 0.3);
          const charged = span('payment', 'stripe.charge', SpanKind.CLIENT, t2 + ms(3, 0.3), charge, { ...attributes, 'http.response.status_code': 402 }, (t3, client) => {
            const end = t3 + stripe;
            const failure = new Error('Your card was declined.');
            failure.name = 'CardError';
            failure.stack = [
              'CardError: Your card was declined.',
              '    at StripeClient.charge (/srv/payment/src/stripe.js:88:13)',
              '    at async chargeOrder (/srv/payment/src/routes/charge.js:41:20)',
            ].join('\n');
            client.recordException(failure, end);
            client.setStatus({ code: SpanStatusCode.ERROR, message: 'card_declined' });
            return end;
          }).end;
          failed(charge, 'card_declined');
          return charged + ms(2, 0.3);
        });
        if (declined) {
          failed(server, 'payment declined');
          return now + ms(2, 0.3);
        }
        const published = span(
          'checkout',
          'orders publish',
          SpanKind.PRODUCER,
          now + ms(1, 0.3),
          server,
          { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' },
          (t2) => t2 + ms(2, 0.3),
        );
        const consumedAt = published.end + ms(20, 0.5);
        span('fulfillment', 'orders process', SpanKind.CONSUMER, consumedAt, published.span, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }, (t2, process) => {
          const inserted = sql('fulfillment', 'INSERT shipments', t2 + ms(2, 0.3), process, ms(5, 0.3));
          return inserted + ms(25, 0.3) * (inside(t2, consumer) ? 6 : 1);
        });
        return published.end + ms(4, 0.3);
      });
      if (declined) {
        failed(root, 'payment declined');
        declinedCheckouts.push(traceId);
      }
      return served + ms(2, 0.3);
    });
    return traceId;
  };

  const batch = (t: number): string => {
    let traceId = '';
    span('inventory', 'reindex', SpanKind.INTERNAL, t, undefined, {}, (t0, root) => {
      traceId = root.spanContext().traceId;
      let now = t0;
      for (let i = 0; i < 5000; i++) now = sql('inventory', 'SELECT inventory.stock', now + 0.05, root, ms(0.3, 0.2));
      return now + 1;
    });
    return traceId;
  };

  const first = endMs - HISTORY_MS;
  // Poisson arrivals: exponential gaps at each rate.
  for (let t = first; t < endMs - 20_000; t += (-Math.log(1 - random()) / VIEWS_PER_SECOND) * 1000) productView(t);
  for (let t = first; t < endMs - 20_000; t += (-Math.log(1 - random()) / CHECKOUTS_PER_SECOND) * 1000) {
    const id = checkout(t, false);
    if (steadyCheckout === '' && t > start + 600_000 && declinedCheckouts.at(-1) !== id) steadyCheckout = id;
  }
  for (const t of outlierTimes) slowCheckouts.push(checkout(t, true));
  const batchTrace = batch(at(0.1 + random() * 0.2));
  return { spans: memory.getFinishedSpans(), start, end: endMs, steadyCheckout, slowCheckouts, declinedCheckouts, batchTrace };
}
