/**
 * The columns of a span row, in the order the normalizer writes them and the
 * writer's INSERT names them. Names and meanings are the OpenTelemetry
 * Collector clickhouseexporter's; Nested columns are flattened (Events.Name ...).
 */
export const SPAN_COLUMNS = [
  'Timestamp',
  'TraceId',
  'SpanId',
  'ParentSpanId',
  'TraceState',
  'SpanName',
  'SpanKind',
  'ServiceName',
  'ResourceAttributes',
  'ScopeName',
  'ScopeVersion',
  'SpanAttributes',
  'Duration',
  'StatusCode',
  'StatusMessage',
  'Events.Timestamp',
  'Events.Name',
  'Events.Attributes',
  'Links.TraceId',
  'Links.SpanId',
  'Links.TraceState',
  'Links.Attributes',
] as const;

/** SpanKind and StatusCode as stored, indexed by their OTLP enum numbers. */
import type { DayBlock } from './span-block';

export { SPAN_KINDS, STATUS_CODES } from './span-enums';

/**
 * One request's spans ready for insert: Native blocks of otel_traces
 * (storage/span-block.ts), one per UTC day the spans start on, back to back in
 * `data`. Bytes rather than objects because building and re-serializing row
 * objects was measured to cost more than decoding itself, and Native because the
 * engine reads it without parsing.
 */
export interface SpanRows {
  data: Buffer;
  /** Where each day's block lies in `data`, days ascending. */
  days: DayBlock[];
  spans: number;
  /** One of these spans, to look them up by once stored; undefined without spans. */
  probe: SpanProbe | undefined;
}

/**
 * One stored span of a request: enough to find out after a crash whether the
 * request's insert landed (Timestamp in nanoseconds, TraceId, SpanId). The decoders
 * take the span that starts last: when the writer cuts a request by day, that span
 * is in the last insert, the one that completes the request.
 */
export type SpanProbe = [timestampNs: string, traceId: string, spanId: string];
