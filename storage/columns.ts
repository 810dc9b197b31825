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
export { SPAN_KINDS, STATUS_CODES } from './span-enums';

/**
 * A batch of span rows ready for insert: JSONCompactEachRow bytes, one line per
 * span, values in SPAN_COLUMNS order. Bytes rather than objects because building
 * and re-serializing row objects was measured to cost more than decoding itself.
 */
export interface SpanRows {
  data: Buffer;
  spans: number;
}
