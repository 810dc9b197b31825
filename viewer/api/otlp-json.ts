/**
 * Stored traces as OTLP/JSON, in two spellings:
 * - toOtlpJson: an ExportTraceServiceRequest for download and for re-sending to any OTLP
 *   receiver. Every field is written and attribute values go out as the stored strings.
 * - toTracesData: TracesData as Jaeger's API v3 answers it (the collector's pdata JSON
 *   marshaler): fields at their default left out, attribute values typed where the
 *   stored text tells the type losslessly (typed-values.ts).
 */
import { typedValue } from './typed-values';
import { SPAN_KINDS, STATUS_CODES, type Span } from './types';

/** The OTLP enum number of a stored name: its index (0, unspecified/unset, for a name not in the list). */
const otlpNumber = (names: readonly string[], name: string): number => Math.max(0, names.indexOf(name));

interface ResourceGroup {
  resource: Record<string, string>;
  scopes: { scope: Span['scope']; spans: Span[] }[];
}

/** Spans grouped as OTLP nests them: one group per distinct resource, one scope group per scope within it. */
function groupSpans(spans: Span[]): ResourceGroup[] {
  const resources = new Map<string, { resource: Record<string, string>; scopes: Map<string, { scope: Span['scope']; spans: Span[] }> }>();
  for (const span of spans) {
    const resourceKey = JSON.stringify(Object.entries(span.resource).sort());
    let entry = resources.get(resourceKey);
    if (!entry) resources.set(resourceKey, (entry = { resource: span.resource, scopes: new Map() }));
    const scopeKey = `${span.scope.name}\u0000${span.scope.version}`;
    let scope = entry.scopes.get(scopeKey);
    if (!scope) entry.scopes.set(scopeKey, (scope = { scope: span.scope, spans: [] }));
    scope.spans.push(span);
  }
  return [...resources.values()].map((r) => ({ resource: r.resource, scopes: [...r.scopes.values()] }));
}

function endNs(span: Span): string {
  return (BigInt(span.startNs) + BigInt(span.durationNs)).toString();
}

function keyValues(map: Record<string, string>): { key: string; value: { stringValue: string } }[] {
  return Object.entries(map).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

export function toOtlpJson(spans: Span[]): unknown {
  return {
    resourceSpans: groupSpans(spans).map((r) => ({
      resource: { attributes: keyValues(r.resource) },
      scopeSpans: r.scopes.map((s) => ({
        scope: { name: s.scope.name, version: s.scope.version },
        spans: s.spans.map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          traceState: span.traceState,
          name: span.name,
          kind: otlpNumber(SPAN_KINDS, span.kind),
          startTimeUnixNano: span.startNs,
          endTimeUnixNano: endNs(span),
          attributes: keyValues(span.attributes),
          events: span.events.map((e) => ({ timeUnixNano: e.timeNs, name: e.name, attributes: keyValues(e.attributes) })),
          links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: keyValues(l.attributes) })),
          status: { code: otlpNumber(STATUS_CODES, span.statusCode), message: span.statusMessage },
        })),
      })),
    })),
  };
}

/** An OTLP AnyValue in proto3 JSON: int64 as a decimal string, double as a number. */
export type OtlpAnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

function anyValue(text: string): OtlpAnyValue {
  const typed = typedValue(text);
  switch (typed.type) {
    case 'bool':
      return { boolValue: typed.value };
    case 'int64':
      return { intValue: typed.value.toString() };
    case 'float64':
      return { doubleValue: typed.value };
    default:
      return { stringValue: typed.value };
  }
}

/** A field of a compact message: present only when it differs from its default. */
const unlessEmpty = <K extends string, V>(key: K, value: V, empty: boolean): { [P in K]?: V } => (empty ? {} : ({ [key]: value } as { [P in K]: V }));

function attributes(map: Record<string, string>): { attributes?: OtlpKeyValue[] } {
  const list = Object.entries(map).map(([key, value]) => ({ key, value: anyValue(value) }));
  return unlessEmpty('attributes', list, list.length === 0);
}

function compactSpan(span: Span): Record<string, unknown> {
  const kind = otlpNumber(SPAN_KINDS, span.kind);
  const code = otlpNumber(STATUS_CODES, span.statusCode);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...unlessEmpty('traceState', span.traceState, span.traceState === ''),
    ...unlessEmpty('parentSpanId', span.parentSpanId, span.parentSpanId === ''),
    ...unlessEmpty('name', span.name, span.name === ''),
    ...unlessEmpty('kind', kind, kind === 0),
    startTimeUnixNano: span.startNs,
    endTimeUnixNano: endNs(span),
    ...attributes(span.attributes),
    ...unlessEmpty(
      'events',
      span.events.map((e) => ({ timeUnixNano: e.timeNs, ...unlessEmpty('name', e.name, e.name === ''), ...attributes(e.attributes) })),
      span.events.length === 0,
    ),
    ...unlessEmpty(
      'links',
      span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, ...unlessEmpty('traceState', l.traceState, l.traceState === ''), ...attributes(l.attributes) })),
      span.links.length === 0,
    ),
    status: { ...unlessEmpty('message', span.statusMessage, span.statusMessage === ''), ...unlessEmpty('code', code, code === 0) },
  };
}

/**
 * Several traces as one TracesData, each trace's resources one after another, as Jaeger's
 * gateway combines the traces it found.
 */
export function toTracesData(traces: Span[][]): { resourceSpans: unknown[] } {
  return {
    resourceSpans: traces.flatMap((spans) =>
      groupSpans(spans).map((r) => ({
        resource: attributes(r.resource),
        scopeSpans: r.scopes.map((s) => ({
          scope: { ...unlessEmpty('name', s.scope.name, s.scope.name === ''), ...unlessEmpty('version', s.scope.version, s.scope.version === '') },
          spans: s.spans.map(compactSpan),
        })),
      })),
    ),
  };
}
