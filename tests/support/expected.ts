/**
 * The row the OpenTelemetry Collector's clickhouseexporter would store for an SDK
 * span, written from the SDK's ReadableSpan independently of Hindsight's
 * normalizer: the oracle integration tests compare stored rows with.
 */
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface StoredSpan {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  EventTimes: string[];
  EventNames: string[];
  EventAttributes: Record<string, string>[];
  LinkTraceIds: string[];
  LinkSpanIds: string[];
  LinkTraceStates: string[];
  LinkAttributes: Record<string, string>[];
}

/** Reads rows back in the shape of StoredSpan (times as nanosecond strings). */
export const STORED_SPAN_SELECT = `
  toString(toUnixTimestamp64Nano(Timestamp)) AS Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName,
  SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, toString(Duration) AS Duration,
  StatusCode, StatusMessage,
  arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS EventTimes, Events.Name AS EventNames,
  Events.Attributes AS EventAttributes, Links.TraceId AS LinkTraceIds, Links.SpanId AS LinkSpanIds,
  Links.TraceState AS LinkTraceStates, Links.Attributes AS LinkAttributes`;

const KINDS: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'Internal',
  [SpanKind.SERVER]: 'Server',
  [SpanKind.CLIENT]: 'Client',
  [SpanKind.PRODUCER]: 'Producer',
  [SpanKind.CONSUMER]: 'Consumer',
};
const STATUSES: Record<SpanStatusCode, string> = {
  [SpanStatusCode.UNSET]: 'Unset',
  [SpanStatusCode.OK]: 'Ok',
  [SpanStatusCode.ERROR]: 'Error',
};

function ns(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

/** pcommon Value.AsString: JSON for arrays and maps (keys sorted), base64 for bytes. */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return jsonValue(v);
}

function jsonValue(v: unknown): string {
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(jsonValue).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonValue(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function attributes(attrs: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('base64') : valueText(v)]));
}

export function expectedRow(span: ReadableSpan): StoredSpan {
  const resource = span.resource.attributes as Record<string, unknown>;
  return {
    Timestamp: ns(span.startTime).toString(),
    TraceId: span.spanContext().traceId,
    SpanId: span.spanContext().spanId,
    ParentSpanId: span.parentSpanContext?.spanId ?? '',
    TraceState: span.spanContext().traceState?.serialize() ?? '',
    SpanName: span.name,
    SpanKind: KINDS[span.kind],
    ServiceName: typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service',
    ResourceAttributes: attributes(resource),
    ScopeName: span.instrumentationScope.name,
    ScopeVersion: span.instrumentationScope.version ?? '',
    SpanAttributes: attributes(span.attributes),
    Duration: (ns(span.endTime) - ns(span.startTime)).toString(),
    StatusCode: STATUSES[span.status.code],
    StatusMessage: span.status.message ?? '',
    EventTimes: span.events.map((e) => ns(e.time).toString()),
    EventNames: span.events.map((e) => e.name),
    EventAttributes: span.events.map((e) => attributes(e.attributes)),
    LinkTraceIds: span.links.map((l) => l.context.traceId),
    LinkSpanIds: span.links.map((l) => l.context.spanId),
    LinkTraceStates: span.links.map((l) => l.context.traceState?.serialize() ?? ''),
    LinkAttributes: span.links.map((l) => attributes(l.attributes)),
  };
}
