/**
 * The collector's own metrics, in one prom-client Registry per process (not the
 * global one, so two servers in one test process never share counters).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Transport = 'http' | 'grpc';

export interface Metrics {
  registry: Registry;
  spansReceived: Counter<'transport'>;
  spansAccepted: Counter<'transport'>;
  spansRejected: Counter<'reason'>;
  spansRefused: Counter<'transport' | 'reason'>;
  requests: Counter<'transport' | 'status'>;
  batchSpans: Histogram;
  insertSeconds: Histogram;
  insertFailures: Counter<'retryable'>;
  storeUp: Gauge;
  duplicateRequests: Counter;
  queueSpans: Gauge;
  queueBytes: Gauge;
  backfillHoursRemaining: Gauge<'view'>;
  tailStreams: Gauge;
  tailEvents: Counter;
  tailDroppedStreams: Counter<'reason'>;
  tailBufferedBytes: Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hindsight_' });
  const registers = [registry];
  return {
    registry,
    spansReceived: new Counter({
      name: 'hindsight_spans_received_total',
      help: 'Spans in well-formed export requests, before validation',
      labelNames: ['transport'],
      registers,
    }),
    spansAccepted: new Counter({
      name: 'hindsight_spans_accepted_total',
      help: 'Spans stored and acknowledged',
      labelNames: ['transport'],
      registers,
    }),
    spansRejected: new Counter({
      name: 'hindsight_spans_rejected_total',
      help: 'Invalid spans dropped and reported through partial_success',
      labelNames: ['reason'],
      registers,
    }),
    spansRefused: new Counter({
      name: 'hindsight_spans_refused_total',
      help: 'Valid spans refused with a retryable status (queue full, store unavailable, shutting down)',
      labelNames: ['transport', 'reason'],
      registers,
    }),
    requests: new Counter({
      name: 'hindsight_export_requests_total',
      help: 'Export requests by transport and response status (HTTP status or gRPC code name)',
      labelNames: ['transport', 'status'],
      registers,
    }),
    batchSpans: new Histogram({
      name: 'hindsight_insert_batch_spans',
      help: 'Spans per insert',
      buckets: [10, 100, 1000, 5000, 10_000, 25_000, 50_000, 100_000],
      registers,
    }),
    insertSeconds: new Histogram({
      name: 'hindsight_insert_duration_seconds',
      help: 'Insert latency',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    insertFailures: new Counter({
      name: 'hindsight_insert_failures_total',
      help: 'Failed inserts, by whether the failure was retryable',
      labelNames: ['retryable'],
      registers,
    }),
    duplicateRequests: new Counter({
      name: 'hindsight_duplicate_requests_total',
      help: 'Requests acknowledged without storing them again: retries of requests already stored or being stored',
      registers,
    }),
    storeUp: new Gauge({ name: 'hindsight_store_up', help: '1 while the store takes writes, 0 while it is unreachable or refusing them', registers }),
    queueSpans: new Gauge({ name: 'hindsight_queue_spans', help: 'Spans waiting for or inside an insert', registers }),
    queueBytes: new Gauge({ name: 'hindsight_queue_bytes', help: 'Row text bytes waiting for or inside an insert', registers }),
    backfillHoursRemaining: new Gauge({
      name: 'hindsight_backfill_hours_remaining',
      help: 'Hours of spans stored before a migration that its view has still to be backfilled with (0 when done)',
      labelNames: ['view'],
      registers,
    }),
    tailStreams: new Gauge({ name: 'hindsight_tail_streams', help: 'Open live tail streams (GET /api/v1/tail)', registers }),
    tailEvents: new Counter({ name: 'hindsight_tail_events_total', help: 'Span events sent to live tail streams', registers }),
    tailDroppedStreams: new Counter({
      name: 'hindsight_tail_dropped_streams_total',
      help: 'Live tail streams the server closed: a client that stopped reading (slow), or shutdown',
      labelNames: ['reason'],
      registers,
    }),
    tailBufferedBytes: new Gauge({ name: 'hindsight_tail_buffered_bytes', help: 'Bytes written to live tail streams that their sockets have not taken yet', registers }),
  };
}
