/**
 * A stored trace as an OTLP/JSON ExportTraceServiceRequest, for download and for
 * re-sending to any OTLP receiver. Attribute values go out as strings: the
 * exporter schema keeps them as text, so their original types are not stored.
 */
import { SPAN_KINDS, STATUS_CODES, type Span } from './types';

/** The OTLP enum number of a stored name: its index (0, unspecified/unset, for a name not in the list). */
const otlpNumber = (names: readonly string[], name: string): number => Math.max(0, names.indexOf(name));

function keyValues(map: Record<string, string>): { key: string; value: { stringValue: string } }[] {
  return Object.entries(map).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

function endNs(span: Span): string {
  return (BigInt(span.startNs) + BigInt(span.durationNs)).toString();
}

export function toOtlpJson(spans: Span[]): unknown {
  // One ResourceSpans per distinct resource, one ScopeSpans per scope within it.
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
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: { attributes: keyValues(r.resource) },
      scopeSpans: [...r.scopes.values()].map((s) => ({
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
