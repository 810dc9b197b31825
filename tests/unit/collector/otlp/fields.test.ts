/**
 * Every field number the protobuf walk reads is the one proto/ gives the field of
 * that name (FIELD_NAME in fields.ts is field_name in the .proto file).
 */
import * as F from '../../../../collector/otlp/fields';
import { otlpTypes } from '../../../../collector/otlp/proto';

const MESSAGES: Record<keyof typeof F, string> = {
  ExportTraceServiceRequest: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  ResourceSpans: 'opentelemetry.proto.trace.v1.ResourceSpans',
  Resource: 'opentelemetry.proto.resource.v1.Resource',
  ScopeSpans: 'opentelemetry.proto.trace.v1.ScopeSpans',
  InstrumentationScope: 'opentelemetry.proto.common.v1.InstrumentationScope',
  Span: 'opentelemetry.proto.trace.v1.Span',
  SpanEvent: 'opentelemetry.proto.trace.v1.Span.Event',
  SpanLink: 'opentelemetry.proto.trace.v1.Span.Link',
  Status: 'opentelemetry.proto.trace.v1.Status',
  KeyValue: 'opentelemetry.proto.common.v1.KeyValue',
  AnyValue: 'opentelemetry.proto.common.v1.AnyValue',
  ArrayValue: 'opentelemetry.proto.common.v1.ArrayValue',
  KeyValueList: 'opentelemetry.proto.common.v1.KeyValueList',
};

/** TRACE_ID → traceId, as protobufjs names the field trace_id. */
const camel = (constant: string): string => constant.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

test.each(Object.entries(MESSAGES))('%s', (name, fullName) => {
  const type = otlpTypes().root.lookupType(fullName);
  for (const [constant, id] of Object.entries(F[name as keyof typeof F])) {
    expect([constant, type.fields[camel(constant)]?.id]).toEqual([constant, id]);
  }
});
