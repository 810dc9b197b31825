/**
 * The live tail where this process does not write every span itself: the `viewer`
 * role, or any process on a ClickHouse server that several collectors write to. While
 * someone tails, it asks the store every `intervalMs` for the spans that started in the
 * next window of time, `lagMs` behind now, so that spans exported and stored a little
 * after they started are in the store by the time their window is read. Windows follow
 * each other without gap or overlap, so a span is sent at most once and counted once.
 *
 * The price, documented in the README: a span is sent lagMs to lagMs + intervalMs after
 * it started, and one stored more than lagMs after it started (a long span, an exporter
 * that batches for longer, a collector that was down) is never sent by the tail,
 * though search finds it. otel_traces has no column saying when a row was stored
 * that the poll could read instead.
 */
import type { Logger } from '../../common/log';
import type { TailSpan } from '../api/types';
import type { Queries, TailSpanRow } from '../query/queries';
import { matchedAttributes } from './filter';
import { spanKind, statusCode, type TailHub, type TailSubscriber } from './hub';

export interface TailPollerOptions {
  intervalMs: number;
  lagMs: number;
}

/** A window longer than this (the poll fell behind, or the clock jumped) is cut to it: old spans are not sent all at once. */
const MAX_WINDOW_MS = 60_000;
/** Rows one poll reads for one stream, at most. */
const MAX_ROWS = 1000;
const NS_PER_MS = 1_000_000n;

export class TailPoller {
  private timer: NodeJS.Timeout | undefined;
  /** Where the next window starts; undefined while nobody tails. */
  private from: bigint | undefined;
  private running = false;

  constructor(
    private readonly hub: TailHub,
    private readonly queries: Queries,
    private readonly options: TailPollerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    const subscribers = this.hub.active();
    if (subscribers.length === 0) {
      this.from = undefined;
      return;
    }
    if (this.running) return;
    const to = BigInt(Date.now() - this.options.lagMs) * NS_PER_MS;
    const earliest = to - BigInt(MAX_WINDOW_MS) * NS_PER_MS;
    const from = this.from === undefined ? to - BigInt(this.options.intervalMs) * NS_PER_MS : this.from < earliest ? earliest : this.from;
    if (from >= to) return;
    this.from = to;
    this.running = true;
    try {
      await Promise.all(subscribers.map((s) => this.pollFor(s, from, to)));
    } finally {
      this.running = false;
    }
  }

  private async pollFor(subscriber: TailSubscriber, fromNs: bigint, toNs: bigint): Promise<void> {
    const seconds = Number(toNs - fromNs) / 1e9;
    const limit = Math.max(1, Math.min(MAX_ROWS, Math.ceil(subscriber.sampler.maxRate * seconds)));
    let rows: TailSpanRow[];
    try {
      rows = await this.queries.tailSpans({ ...subscriber.filter, fromNs, toNs, limit });
    } catch (err) {
      // The store is down or slow: this window is lost to the tail (search still has it), the next poll tries again.
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'live tail poll failed');
      return;
    }
    if (rows.length === 0) return;
    rows.sort((a, b) => (BigInt(a.startNs) < BigInt(b.startNs) ? -1 : 1));
    const total = Math.max(rows.length, Number(rows[0]!.matched));
    subscriber.offer({ count: rows.length, total, summarize: (j) => summarize(rows[j]!, subscriber) });
  }
}

function summarize(row: TailSpanRow, subscriber: TailSubscriber): TailSpan {
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    service: row.service,
    name: row.name,
    kind: spanKind(row.kind),
    startNs: row.startNs,
    durationNs: row.durationNs,
    statusCode: statusCode(row.statusCode),
    attributes: matchedAttributes(subscriber.filter, (scope, key) => (scope === 'span' ? row.spanAttributes[key] : row.resourceAttributes[key])),
    represents: 1,
  };
}
