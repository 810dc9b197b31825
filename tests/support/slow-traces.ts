/**
 * Traces with a known cause of slowness, made by the real OpenTelemetry SDK from a seed, for
 * "why are these slow?": the same seed gives the same traces (ids come from the seed too).
 *
 * Every trace is `service` GET /checkout (server) calling cart get, inventory check and
 * payments charge, with attributes that vary at random (region, http.method, app.user.tier,
 * app.cache.hit, host.name on the resource) and lognormal durations. One cause then makes some
 * of them slow:
 * - `region`: traces with region = eu-west spend 300 ms more in the root span itself;
 * - `span`: one trace in ten also calls recommendations fetch, which takes 400 ms.
 */
import { context, trace, SpanKind, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

export type SlowCause = 'region' | 'span';

export interface SlowTraceOptions {
  seed: number;
  traces: number;
  cause: SlowCause;
  /** The root span's service. */
  service: string;
  /** The first trace's start, Unix ms; the others follow a second apart. */
  startMs: number;
}

export const REGIONS = ['us-east', 'us-west', 'eu-west', 'ap-south', 'sa-east', 'eu-north', 'us-central', 'ap-east', 'af-south', 'me-central'];

/** mulberry32: a small seeded generator, so that a failing case can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Span and trace ids from the same generator. */
class SeededIds implements IdGenerator {
  constructor(private readonly random: () => number) {}
  private hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++)
      out += Math.floor(this.random() * 256)
        .toString(16)
        .padStart(2, '0');
    return out;
  }
  generateTraceId(): string {
    return this.hex(16);
  }
  generateSpanId(): string {
    return this.hex(8);
  }
}

export function makeSlowTraces(o: SlowTraceOptions): ReadableSpan[] {
  const random = seeded(o.seed);
  const lognormal = (medianMs: number, sigma = 0.25): number => {
    const u = Math.max(random(), 1e-9);
    const v = random();
    return medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const memory = new InMemorySpanExporter();
  const ids = new SeededIds(random);
  const tracers = new Map<string, Tracer>();
  const tracer = (service: string, host: string): Tracer => {
    const key = `${service}/${host}`;
    let t = tracers.get(key);
    if (t === undefined) {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'host.name': host } as Attributes),
        idGenerator: ids,
        spanProcessors: [new SimpleSpanProcessor(memory)],
      });
      t = provider.getTracer('slow-traces', '1.0');
      tracers.set(key, t);
    }
    return t;
  };

  for (let n = 0; n < o.traces; n++) {
    const start = o.startMs + n * 1000;
    const region = pick(REGIONS);
    const host = `host-${Math.floor(random() * 4)}`;
    const attributes: Attributes = { region, 'http.method': pick(['GET', 'POST']), 'app.user.tier': pick(['free', 'pro', 'team']), 'app.cache.hit': random() < 0.7 };
    const root = tracer(o.service, host).startSpan('GET /checkout', { kind: SpanKind.SERVER, startTime: start, attributes });
    const under = trace.setSpan(context.active(), root);
    let at = start + lognormal(5);
    const call = (service: string, name: string, ms: number, parent: Context): number => {
      const span = tracer(service, `${service}-${Math.floor(random() * 2)}`).startSpan(name, { kind: SpanKind.CLIENT, startTime: at }, parent);
      const end = at + ms;
      span.end(end);
      return end;
    };
    at = call('cart', 'cart get', lognormal(20), under);
    at = call('inventory', 'inventory check', lognormal(30), under);
    if (o.cause === 'span' && random() < 0.1) at = call('recommendations', 'recommendations fetch', lognormal(400, 0.1), under);
    at = call('payments', 'payments charge', lognormal(40), under);
    const own = lognormal(10) + (o.cause === 'region' && region === 'eu-west' ? 300 : 0);
    root.end(at + own);
  }
  return memory.getFinishedSpans();
}
