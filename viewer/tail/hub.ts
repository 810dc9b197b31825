/**
 * The live tail's subscribers, and what they are sent. Spans come either from this
 * process's writer (publish(), called once the insert that acknowledged a request has
 * succeeded: never a span that is not stored) or from polls of the store
 * (poller.ts, offer()), where other processes write too.
 *
 * publish() is on the ingest path, so it only queues a reference to the request's
 * bytes when someone tails, and nothing at all otherwise; the blocks are read on the
 * next turn of the event loop, once for every subscriber, and each subscriber's
 * filter is judged on the bytes (filter.ts), with strings made only for the spans
 * that are sent (sampler.ts).
 */
import { HindsightError } from '../../common/errors';
import type { SpanRows } from '../../storage/columns';
import { readSpanBlocks, type SpanBlockView } from '../../storage/span-block-reader';
import { SPAN_KINDS, STATUS_CODES, type SpanKind, type StatusCode, type TailHello, type TailSource, type TailSpan } from '../api/types';
import { BlockFilter, type TailFilter } from './filter';
import { TailSampler, type Offer } from './sampler';

/** Where a subscriber's events go: its HTTP response (routes/tail.ts). */
export interface TailSink {
  send(events: TailSpan[]): void;
  /** The hub is closing: end the stream. */
  end(): void;
}

export interface TailHubOptions {
  source: TailSource;
  /** For the hello event: how late a stored span may be sent (the poll's lag and interval; 0 for the writer). */
  delayMs: number;
  /** Streams open at once; the next is refused with HS_BUSY. */
  maxSubscribers: number;
  /** How often buckets refill and held spans go out. @default 250 */
  tickMs?: number;
}

/** One open stream: its filter, its pace, its sink. */
export class TailSubscriber {
  readonly blockFilter: BlockFilter;
  readonly sampler: TailSampler;

  constructor(
    readonly filter: TailFilter,
    maxRate: number,
    readonly sink: TailSink,
  ) {
    this.blockFilter = new BlockFilter(filter);
    this.sampler = new TailSampler(maxRate);
  }

  offer(offer: Offer): void {
    const events = this.sampler.offer(offer);
    if (events.length > 0) this.sink.send(events);
  }
}

/** Requests waiting to be read for subscribers; past it the oldest are left out (the event loop is far behind). */
const MAX_QUEUED_REQUESTS = 256;

export class TailHub {
  private readonly subscribers = new Set<TailSubscriber>();
  private queue: SpanRows[] = [];
  private scheduled = false;
  private closed = false;
  private ticker: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private readonly tickMs: number;

  constructor(private readonly options: TailHubOptions) {
    this.tickMs = options.tickMs ?? 250;
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Every open stream, for the poller. */
  active(): readonly TailSubscriber[] {
    return [...this.subscribers];
  }

  hello(maxRate: number): TailHello {
    return { source: this.options.source, delayMs: this.options.delayMs, maxRate };
  }

  /** Opens a stream; HS_BUSY when as many are open as allowed, HS_SHUTTING_DOWN once closed. */
  subscribe(filter: TailFilter, maxRate: number, sink: TailSink): TailSubscriber {
    if (this.closed) throw new HindsightError('HS_SHUTTING_DOWN', 'Hindsight is shutting down');
    if (this.subscribers.size >= this.options.maxSubscribers) {
      throw new HindsightError('HS_BUSY', `${this.options.maxSubscribers} live tail streams are open, the most this server keeps; close one or retry later`);
    }
    const subscriber = new TailSubscriber(filter, maxRate, sink);
    this.subscribers.add(subscriber);
    if (this.ticker === undefined) {
      this.lastTick = performance.now();
      this.ticker = setInterval(() => this.tick(), this.tickMs);
      this.ticker.unref();
    }
    return subscriber;
  }

  unsubscribe(subscriber: TailSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      this.queue = [];
    }
  }

  /** A request's rows, stored: called by the writer once the insert completing it succeeded. */
  publish(rows: SpanRows): void {
    if (this.subscribers.size === 0) return;
    this.queue.push(rows);
    if (this.queue.length > MAX_QUEUED_REQUESTS) this.queue.shift();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Ends every stream; later subscribe() calls are refused. */
  close(): void {
    this.closed = true;
    for (const subscriber of [...this.subscribers]) {
      this.unsubscribe(subscriber);
      subscriber.sink.end();
    }
  }

  private drain(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (const rows of queue) {
      for (const view of readSpanBlocks(rows)) this.offerBlock(view);
    }
  }

  private offerBlock(view: SpanBlockView): void {
    const matched = new Int32Array(view.rows);
    for (const subscriber of this.subscribers) {
      const filter = subscriber.blockFilter;
      let count = 0;
      for (let i = 0; i < view.rows; i++) if (filter.matches(view, i)) matched[count++] = i;
      if (count === 0) continue;
      // A copy: the next subscriber writes over `matched`, and the sampler may hold a pick for a later tick.
      const picks = matched.slice(0, count);
      subscriber.offer({ count, total: count, summarize: (j) => summarize(view, picks[j]!, filter) });
    }
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    for (const subscriber of this.subscribers) {
      const event = subscriber.sampler.tick(elapsed);
      if (event !== undefined) subscriber.sink.send([event]);
    }
  }
}

export function spanKind(text: string): SpanKind {
  return (SPAN_KINDS as readonly string[]).includes(text) ? (text as SpanKind) : 'Unspecified';
}

export function statusCode(text: string): StatusCode {
  return (STATUS_CODES as readonly string[]).includes(text) ? (text as StatusCode) : 'Unset';
}

function summarize(view: SpanBlockView, i: number, filter: BlockFilter): TailSpan {
  return {
    traceId: view.traceId(i),
    spanId: view.spanId(i),
    service: view.service(i),
    name: view.name(i),
    kind: spanKind(view.kind(i)),
    startNs: String(view.startNs(i)),
    durationNs: String(view.durationNs(i)),
    statusCode: statusCode(view.statusCode(i)),
    attributes: filter.matchedAttributes(view, i),
    represents: 1,
  };
}
