/** Storage rows to API types: the one place ids, times and shapes are converted for readers. */
import type { SpanRow, TraceSummaryRow } from './queries';
import type { OperationSummary, ServiceSummary, Span, SpanKind, TraceSummary } from '../api/types';

export function toSpan(row: SpanRow): Span {
  return {
    traceId: row.TraceId,
    spanId: row.SpanId,
    parentSpanId: row.ParentSpanId,
    traceState: row.TraceState,
    name: row.SpanName,
    kind: row.SpanKind,
    service: row.ServiceName,
    startNs: row.startNs,
    durationNs: row.durationNs,
    statusCode: row.StatusCode,
    statusMessage: row.StatusMessage,
    attributes: row.SpanAttributes,
    resource: row.ResourceAttributes,
    scope: { name: row.ScopeName, version: row.ScopeVersion },
    events: row.eventNames.map((name, i) => ({ timeNs: row.eventTimesNs[i] ?? '0', name, attributes: row.eventAttributes[i] ?? {} })),
    links: row.linkTraceIds.map((traceId, i) => ({
      traceId,
      spanId: row.linkSpanIds[i] ?? '',
      traceState: row.linkTraceStates[i] ?? '',
      attributes: row.linkAttributes[i] ?? {},
    })),
  };
}

export function toTraceSummary(row: TraceSummaryRow): TraceSummary {
  return {
    traceId: row.TraceId,
    rootService: row.rootService,
    rootOperation: row.rootOperation,
    startNs: row.startNs,
    durationNs: row.durationNs,
    spanCount: Number(row.spanCount),
    errorCount: Number(row.errorCount),
    services: Object.entries(row.services)
      .map(([name, count]) => ({ name, spanCount: Number(count) }))
      .sort((a, b) => b.spanCount - a.spanCount || a.name.localeCompare(b.name)),
  };
}

/** 64-bit counts come back as numbers from chDB and as strings from a server: Number() reads both. */
export function toServiceSummary(row: { name: string; spanCount: string; errorCount: string }): ServiceSummary {
  const spanCount = Number(row.spanCount);
  const errorCount = Number(row.errorCount);
  return { name: row.name, spanCount, errorCount, errorRate: spanCount === 0 ? 0 : errorCount / spanCount };
}

export function toOperationSummary(row: { name: string; spanKind: SpanKind; spanCount: string }): OperationSummary {
  return { name: row.name, spanKind: row.spanKind, spanCount: Number(row.spanCount) };
}
