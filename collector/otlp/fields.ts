/**
 * The OTLP field numbers the protobuf walk reads, per message, named after the
 * fields of proto/ (opentelemetry/proto/{collector/trace,trace,resource,common}/v1).
 * Each number is written here and nowhere else; the walk's field maps
 * (transcode.ts, transcode-attributes.ts) say what is read from each, except
 * KeyValue's, read by hand once per attribute (readKeyValue).
 */

export const ExportTraceServiceRequest = { RESOURCE_SPANS: 1 } as const;

export const ResourceSpans = { RESOURCE: 1, SCOPE_SPANS: 2 } as const;

export const Resource = { ATTRIBUTES: 1 } as const;

export const ScopeSpans = { SCOPE: 1, SPANS: 2 } as const;

export const InstrumentationScope = { NAME: 1, VERSION: 2 } as const;

export const Span = {
  TRACE_ID: 1,
  SPAN_ID: 2,
  TRACE_STATE: 3,
  PARENT_SPAN_ID: 4,
  NAME: 5,
  KIND: 6,
  START_TIME_UNIX_NANO: 7,
  END_TIME_UNIX_NANO: 8,
  ATTRIBUTES: 9,
  EVENTS: 11,
  LINKS: 13,
  STATUS: 15,
} as const;

/** Span.Event */
export const SpanEvent = { TIME_UNIX_NANO: 1, NAME: 2, ATTRIBUTES: 3 } as const;

/** Span.Link */
export const SpanLink = { TRACE_ID: 1, SPAN_ID: 2, TRACE_STATE: 3, ATTRIBUTES: 4 } as const;

export const Status = { MESSAGE: 2, CODE: 3 } as const;

export const KeyValue = { KEY: 1, VALUE: 2 } as const;

/** The members of AnyValue's oneof `value`. */
export const AnyValue = {
  STRING_VALUE: 1,
  BOOL_VALUE: 2,
  INT_VALUE: 3,
  DOUBLE_VALUE: 4,
  ARRAY_VALUE: 5,
  KVLIST_VALUE: 6,
  BYTES_VALUE: 7,
} as const;

export const ArrayValue = { VALUES: 1 } as const;

export const KeyValueList = { VALUES: 1 } as const;
