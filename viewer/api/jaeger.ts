/**
 * The Jaeger query API's dialect: its JSON model (what Jaeger UI and Grafana's Jaeger
 * data source read), made from Hindsight's API types, and its query parameters. Times
 * are microseconds. The routes that speak it are routes/jaeger.ts.
 */
import { SPAN_KINDS } from './types';
import type { OperationSummary, Span, SpanKind, StatusFilter } from './types';
import { BadParameter, parseDurationNs, stringList, traceIdParam, type AttributeFilter, type Query, type TimeRange, optionalString } from './params';
import { typedValue } from './typed-values';

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
  errors: JaegerError[] | null;
}

/** Jaeger's structuredError: a trace asked for by id and not found has a msg and its traceID, no code. */
export interface JaegerError {
  code?: number;
  msg: string;
  traceID?: string;
}

export function jaegerResponse<T>(data: T, total = Array.isArray(data) ? data.length : 0, errors: JaegerError[] | null = null): JaegerResponse<T> {
  return { data, total, limit: 0, offset: 0, errors };
}

function micros(ns: string): number {
  return Number(BigInt(ns) / 1000n);
}

/**
 * A stored attribute as a Jaeger tag of the type it was sent with, where the stored text
 * tells it losslessly (typed-values.ts). Jaeger's JSON holds int64 as a number, so an
 * integer past 2^53 stays a string rather than come back changed.
 */
function jaegerTag(key: string, text: string): JaegerKeyValue {
  const typed = typedValue(text);
  switch (typed.type) {
    case 'bool':
      return { key, type: 'bool', value: typed.value };
    case 'float64':
      return { key, type: 'float64', value: typed.value };
    case 'int64': {
      const n = Number(typed.value);
      return Number.isSafeInteger(n) ? { key, type: 'int64', value: n } : { key, type: 'string', value: text };
    }
    default:
      return { key, type: 'string', value: text };
  }
}

function typedTags(map: Record<string, string>, except?: string): JaegerKeyValue[] {
  return Object.entries(map)
    .filter(([key]) => key !== except)
    .map(([key, value]) => jaegerTag(key, value));
}

/** Span kind and status as the tags Jaeger's own OTLP translation writes. */
function spanTags(span: Span): JaegerKeyValue[] {
  const tags = typedTags(span.attributes);
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
      processes[id] = { serviceName: span.service, tags: typedTags(span.resource, 'service.name') };
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
        fields: [{ key: 'event', type: 'string' as const, value: e.name }, ...typedTags(e.attributes)],
      })),
      processID: processOf(span),
      warnings: null,
      flags: 1,
    })),
    processes,
    warnings: null,
  };
}

/**
 * A Jaeger range of any length, bounded by retention: Jaeger itself takes any range, so a
 * longer one is cut to the `maxDays` before its end, which no stored span is older than.
 */
export function boundedRange(range: TimeRange, maxDays: number): TimeRange {
  if (range.startNs >= range.endNs) throw new BadParameter('start', 'must be before end');
  const earliest = range.endNs - BigInt(maxDays) * 86_400_000_000_000n;
  return range.startNs < earliest ? { startNs: earliest, endNs: range.endNs } : range;
}

/** Jaeger's start/end are Unix microseconds; lookback (e.g. 1h) applies when start is absent. */
export function jaegerRange(query: Query, maxDays: number, now = Date.now()): TimeRange {
  const micro = (name: string): bigint | undefined => {
    const text = optionalString(query, name, 20);
    if (text === undefined) return undefined;
    if (!/^\d{1,17}$/.test(text)) throw new BadParameter(name, 'expected Unix microseconds');
    return BigInt(text) * 1000n;
  };
  const endNs = micro('end') ?? BigInt(now) * 1_000_000n;
  const lookback = optionalString(query, 'lookback', 32);
  const startNs = micro('start') ?? endNs - parseDurationNs(lookback === undefined || lookback === 'custom' ? '1h' : lookback, 'lookback');
  return boundedRange({ startNs, endNs }, maxDays);
}

/**
 * What Jaeger's tags ask of a span: attribute values (of the span, its resource or an
 * event), and the tags Jaeger shows for span fields: span.kind, error, otel.status_code,
 * otel.scope.name. All must hold on one span, as in Jaeger's stores.
 */
export interface TagFilters {
  attributes: AttributeFilter[];
  status?: StatusFilter;
  statusNot?: StatusFilter;
  spanKind?: SpanKind;
  scopeName?: string;
}

const STATUS_TAGS: Record<string, StatusFilter> = { OK: 'ok', ERROR: 'error', UNSET: 'unset' };

/** Tag pairs (key, value) as filters; `parameter` names the request parameter in errors. */
export function tagFilters(pairs: [string, string][], parameter: string): TagFilters {
  const filters: TagFilters = { attributes: [] };
  const setStatus = (field: 'status' | 'statusNot', value: StatusFilter, tag: string): void => {
    const other = filters[field];
    if (other !== undefined && other !== value) throw new BadParameter(parameter, `${tag} contradicts another status tag`);
    filters[field] = value;
  };
  for (const [key, value] of pairs) {
    if (key === 'error' && (value === 'true' || value === 'false')) {
      setStatus(value === 'true' ? 'status' : 'statusNot', 'error', `error=${value}`);
    } else if (key === 'otel.status_code' && STATUS_TAGS[value.toUpperCase()] !== undefined) {
      setStatus('status', STATUS_TAGS[value.toUpperCase()]!, `otel.status_code=${value}`);
    } else if (key === 'span.kind') {
      const kind = SPAN_KINDS.find((k) => k.toLowerCase() === value.toLowerCase());
      if (kind === undefined) throw new BadParameter(parameter, `span.kind: expected one of ${SPAN_KINDS.map((k) => k.toLowerCase()).join(', ')}`);
      if (filters.spanKind !== undefined && filters.spanKind !== kind) throw new BadParameter(parameter, `span.kind=${value} contradicts another span.kind`);
      filters.spanKind = kind;
    } else if (key === 'otel.scope.name') {
      filters.scopeName = value;
    } else {
      filters.attributes.push({ key, op: 'tag', value });
    }
  }
  return filters;
}

/**
 * Jaeger's `tags`: a JSON object (what Jaeger UI and Grafana send) or logfmt
 * `k=v k2="v 2"`; and its repeatable `tag=key:value`.
 */
export function jaegerTags(query: Query): TagFilters {
  const pairs: [string, string][] = [];
  for (const tag of stringList(query, 'tag')) {
    const colon = tag.indexOf(':');
    if (colon < 1) throw new BadParameter('tag', `expected key:value, received: ${tag}`);
    pairs.push([tag.slice(0, colon), tag.slice(colon + 1)]);
  }
  const text = optionalString(query, 'tags', 4096);
  if (text === undefined) return tagFilters(pairs, 'tags');
  if (text.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BadParameter('tags', 'expected a JSON object of tag values');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadParameter('tags', 'expected a JSON object of tag values');
    pairs.push(...Object.entries(parsed).map(([k, v]): [string, string] => [k, String(v)]));
  } else {
    const logfmt = [...text.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(([, k, v]): [string, string] => [k!, v!.startsWith('"') ? (JSON.parse(v!) as string) : v!]);
    if (logfmt.length === 0) throw new BadParameter('tags', 'expected key=value pairs or a JSON object');
    pairs.push(...logfmt);
  }
  return tagFilters(pairs, 'tags');
}

/** `traceID=a&traceID=b`: the traces Jaeger UI's compare and id lookup ask for. */
export function jaegerTraceIds(query: Query): string[] {
  return [...new Set(stringList(query, 'traceID').map((id) => traceIdParam(id, 'traceID')))];
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
export function jaegerDependencyRange(query: Query, maxDays: number, now = Date.now()): TimeRange {
  const endMs = optionalString(query, 'endTs', 16) ?? String(now);
  const lookbackMs = optionalString(query, 'lookback', 16) ?? String(86_400_000);
  if (!/^\d+$/.test(endMs)) throw new BadParameter('endTs', 'expected Unix milliseconds');
  if (!/^\d+$/.test(lookbackMs)) throw new BadParameter('lookback', 'expected milliseconds');
  return boundedRange({ startNs: (BigInt(endMs) - BigInt(lookbackMs)) * 1_000_000n, endNs: BigInt(endMs) * 1_000_000n }, maxDays);
}
