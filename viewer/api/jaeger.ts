/**
 * The Jaeger query API's dialect: its JSON model (what Jaeger UI and Grafana's Jaeger
 * data source read), made from Hindsight's API types, and its query parameters. Times
 * are microseconds. The routes that speak it are routes/jaeger.ts.
 */
import { SPAN_KINDS } from './types';
import type { OperationSummary, Span, SpanKind } from './types';
import { BadParameter, checkedRange, parseDurationNs, type AttributeFilter, type Query, type TimeRange, optionalString } from './params';

export interface JaegerKeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64';
  value: string | boolean | number;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: { timestamp: number; fields: JaegerKeyValue[] }[];
  processID: string;
  warnings: string[] | null;
  flags: number;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerKeyValue[] }>;
  warnings: string[] | null;
}

export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: { code: number; msg: string }[] | null;
}

export function jaegerResponse<T>(data: T, total = Array.isArray(data) ? data.length : 0): JaegerResponse<T> {
  return { data, total, limit: 0, offset: 0, errors: null };
}

function micros(ns: string): number {
  return Number(BigInt(ns) / 1000n);
}

function stringTags(map: Record<string, string>, except?: string): JaegerKeyValue[] {
  return Object.entries(map)
    .filter(([key]) => key !== except)
    .map(([key, value]) => ({ key, type: 'string' as const, value }));
}

/** Span kind and status as the tags Jaeger's own OTLP translation writes. */
function spanTags(span: Span): JaegerKeyValue[] {
  const tags = stringTags(span.attributes);
  if (span.kind !== 'Unspecified') tags.push({ key: 'span.kind', type: 'string', value: span.kind.toLowerCase() });
  if (span.scope.name) tags.push({ key: 'otel.scope.name', type: 'string', value: span.scope.name });
  if (span.scope.version) tags.push({ key: 'otel.scope.version', type: 'string', value: span.scope.version });
  if (span.statusCode !== 'Unset') tags.push({ key: 'otel.status_code', type: 'string', value: span.statusCode.toUpperCase() });
  if (span.statusMessage) tags.push({ key: 'otel.status_description', type: 'string', value: span.statusMessage });
  if (span.statusCode === 'Error') tags.push({ key: 'error', type: 'bool', value: true });
  return tags;
}

/** Jaeger names span kinds in lower case and leaves an unspecified kind empty. */
export function toJaegerOperations(operations: OperationSummary[]): { name: string; spanKind: string }[] {
  return operations.map((o) => ({ name: o.name, spanKind: o.spanKind === 'Unspecified' ? '' : o.spanKind.toLowerCase() }));
}

export function toJaegerTrace(traceId: string, spans: Span[]): JaegerTrace {
  const processes: JaegerTrace['processes'] = {};
  const processIds = new Map<string, string>();
  const processOf = (span: Span): string => {
    const key = JSON.stringify([span.service, Object.entries(span.resource).sort()]);
    let id = processIds.get(key);
    if (id === undefined) {
      id = `p${processIds.size + 1}`;
      processIds.set(key, id);
      processes[id] = { serviceName: span.service, tags: stringTags(span.resource, 'service.name') };
    }
    return id;
  };
  return {
    traceID: traceId,
    spans: spans.map((span) => ({
      traceID: span.traceId,
      spanID: span.spanId,
      operationName: span.name,
      references: [
        ...(span.parentSpanId ? [{ refType: 'CHILD_OF' as const, traceID: span.traceId, spanID: span.parentSpanId }] : []),
        ...span.links.map((l) => ({ refType: 'FOLLOWS_FROM' as const, traceID: l.traceId, spanID: l.spanId })),
      ],
      startTime: micros(span.startNs),
      duration: micros(span.durationNs),
      tags: spanTags(span),
      logs: span.events.map((e) => ({
        timestamp: micros(e.timeNs),
        fields: [{ key: 'event', type: 'string' as const, value: e.name }, ...stringTags(e.attributes)],
      })),
      processID: processOf(span),
      warnings: null,
      flags: 1,
    })),
    processes,
    warnings: null,
  };
}

/** Jaeger's start/end are Unix microseconds; lookback (e.g. 1h) applies when start is absent. */
export function jaegerRange(query: Query, now = Date.now()): TimeRange {
  const micro = (name: string): bigint | undefined => {
    const text = optionalString(query, name, 20);
    if (text === undefined) return undefined;
    if (!/^\d{1,17}$/.test(text)) throw new BadParameter(name, 'expected Unix microseconds');
    return BigInt(text) * 1000n;
  };
  const endNs = micro('end') ?? BigInt(now) * 1_000_000n;
  const lookback = optionalString(query, 'lookback', 32);
  const startNs = micro('start') ?? endNs - parseDurationNs(lookback === undefined || lookback === 'custom' ? '1h' : lookback, 'lookback');
  return checkedRange({ startNs, endNs });
}

/**
 * Jaeger's `tags`: a JSON object (what Jaeger UI and Grafana send) or logfmt
 * `k=v k2="v 2"`. Jaeger's error=true tag means an error status.
 */
export function jaegerTags(query: Query): { attributes: AttributeFilter[]; error: boolean } {
  const text = optionalString(query, 'tags', 4096);
  if (text === undefined) return { attributes: [], error: false };
  let pairs: [string, string][];
  if (text.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BadParameter('tags', 'expected a JSON object of tag values');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadParameter('tags', 'expected a JSON object of tag values');
    pairs = Object.entries(parsed).map(([k, v]) => [k, String(v)]);
  } else {
    pairs = [...text.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(([, k, v]) => [k!, v!.startsWith('"') ? (JSON.parse(v!) as string) : v!]);
    if (pairs.length === 0) throw new BadParameter('tags', 'expected key=value pairs or a JSON object');
  }
  const error = pairs.some(([k, v]) => k === 'error' && v === 'true');
  return { attributes: pairs.filter(([k]) => k !== 'error').map(([key, value]) => ({ key, op: 'eq', value })), error };
}

/** Jaeger's `spanKind` (server, client, …, any case) as a stored span kind; undefined when absent. */
export function jaegerSpanKind(query: Query): SpanKind | undefined {
  const kind = optionalString(query, 'spanKind', 32);
  if (kind === undefined) return undefined;
  const spanKind = SPAN_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (spanKind === undefined) throw new BadParameter('spanKind', `expected one of ${SPAN_KINDS.map((k) => k.toLowerCase()).join(', ')}`);
  return spanKind;
}

/** The dependency route's range: `endTs` (Unix ms, default now) and `lookback` (ms, default a day) before it. */
export function jaegerDependencyRange(query: Query, now = Date.now()): TimeRange {
  const endMs = optionalString(query, 'endTs', 16) ?? String(now);
  const lookbackMs = optionalString(query, 'lookback', 16) ?? String(86_400_000);
  if (!/^\d+$/.test(endMs)) throw new BadParameter('endTs', 'expected Unix milliseconds');
  if (!/^\d+$/.test(lookbackMs)) throw new BadParameter('lookback', 'expected milliseconds');
  return checkedRange({ startNs: (BigInt(endMs) - BigInt(lookbackMs)) * 1_000_000n, endNs: BigInt(endMs) * 1_000_000n });
}
