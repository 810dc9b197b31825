/**
 * Jaeger's API v3 dialect, as its HTTP gateway speaks it (jaeger's
 * cmd/jaeger/internal/extension/jaegerquery/internal/apiv3: http_gateway.go and
 * query_parser.go): query parameters by their proto3 JSON names or the older snake_case
 * ones, times as RFC 3339 with nanoseconds, durations as Go writes them ("1ms", "1m30s"),
 * answers as proto3 JSON (OTLP TracesData under `result`), errors as GRPCGatewayError.
 * The routes that speak it are routes/jaeger-v3.ts.
 */
import { HindsightError } from '../../common/errors';
import type { TraceFilters } from '../query/queries';
import { boundedRange, tagFilters } from './jaeger';
import { BadParameter, traceIdParam, type Query, type TimeRange } from './params';
import { SPAN_KINDS, type OperationSummary, type SpanKind, type TraceSummary } from './types';

/** Jaeger's default search depth, when query.search_depth is not given. */
export const V3_DEFAULT_SEARCH_DEPTH = 100;
export const V3_MAX_SEARCH_DEPTH = 1500;

/** The gateway's error body: `{"error":{"httpCode":…,"message":…}}`. */
export interface V3Error {
  error: { httpCode: number; message: string };
}

/** A parameter by its canonical name or its deprecated alias, as the gateway's getQueryParam: the first non-empty, and which name it came by. */
export function v3Param(query: Query, canonical: string, deprecated: string): [string | undefined, string] {
  for (const name of [canonical, deprecated]) {
    const raw = query[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value !== '') return [value, name];
  }
  return [undefined, deprecated];
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d\d):(\d\d))$/;

/**
 * Go's time.Parse(time.RFC3339Nano) to Unix nanoseconds. An offset's "+" that came through
 * unencoded (Grafana appends its times to the query string as they are) reads as a space,
 * and is taken for the "+" it was.
 */
export function rfc3339Ns(text: string, name: string): bigint {
  const m = RFC3339.exec(text.replace(/ (\d\d:\d\d)$/, '+$1'));
  if (!m) throw new BadParameter(name, `"${text}" is not an RFC 3339 time such as 2026-01-02T15:04:05.999999999Z`);
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const date = new Date(ms);
  if (Number.isNaN(ms) || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new BadParameter(name, `"${text}" is not a valid time`);
  }
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + BigInt((frac ?? '').padEnd(9, '0'));
}

const GO_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const GO_DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Go's time.ParseDuration, not negative, in nanoseconds. */
export function goDurationNs(text: string, name: string): bigint {
  if (text === '0') return 0n;
  if (!GO_DURATION.test(text)) throw new BadParameter(name, `"${text}" is not a duration such as 300us, 1.5s or 1m30s`);
  let ns = 0;
  for (const [, amount, unit] of text.matchAll(GO_DURATION_PART)) ns += Number(amount) * GO_UNITS[unit!]!;
  return BigInt(Math.round(ns));
}

/** Go's strconv.ParseBool. */
export function goBool(text: string, name: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new BadParameter(name, `"${text}" is not a boolean`);
}

/** query.attributes: a JSON object of string values, Jaeger's tags. */
function v3Attributes(query: Query): [string, string][] {
  const [text, name] = v3Param(query, 'query.attributes', 'query.attributes');
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadParameter(name, 'expected a JSON object of string values');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadParameter(name, 'expected a JSON object of string values');
  return Object.entries(parsed).map(([key, value]): [string, string] => {
    if (typeof value !== 'string') throw new BadParameter(name, `the value of "${key}" is not a string`);
    return [key, value];
  });
}

/**
 * FindTraces' and FindTraceSummaries' parameters as a search: the range is required; the
 * search depth is the number of traces (default 100). raw_traces is read and checked;
 * Hindsight never adjusts traces, so every answer is raw.
 */
export function v3TraceFilters(query: Query, maxDays: number): TraceFilters {
  const [minText, minName] = v3Param(query, 'query.startTimeMin', 'query.start_time_min');
  const [maxText, maxName] = v3Param(query, 'query.startTimeMax', 'query.start_time_max');
  if (minText === undefined || maxText === undefined) throw new HindsightError('HS_BAD_PARAMETER', 'query.startTimeMin and query.startTimeMax are required');
  const range: TimeRange = { startNs: rfc3339Ns(minText, minName), endNs: rfc3339Ns(maxText, maxName) };
  if (range.startNs >= range.endNs) throw new HindsightError('HS_BAD_PARAMETER', 'query.startTimeMin must be before query.startTimeMax');
  let [depthText, depthName] = v3Param(query, 'query.searchDepth', 'query.search_depth');
  if (depthText === undefined) [depthText, depthName] = v3Param(query, 'query.num_traces', 'query.num_traces');
  if (depthText !== undefined && (!/^\d+$/.test(depthText) || Number(depthText) < 1 || Number(depthText) > V3_MAX_SEARCH_DEPTH)) {
    throw new BadParameter(depthName, `expected a whole number from 1 to ${V3_MAX_SEARCH_DEPTH}`);
  }
  const duration = (canonical: string, deprecated: string): bigint | undefined => {
    const [text, name] = v3Param(query, canonical, deprecated);
    return text === undefined ? undefined : goDurationNs(text, name);
  };
  const minDurationNs = duration('query.durationMin', 'query.duration_min');
  const maxDurationNs = duration('query.durationMax', 'query.duration_max');
  const [raw, rawName] = v3Param(query, 'query.rawTraces', 'query.raw_traces');
  if (raw !== undefined) goBool(raw, rawName);
  if (v3Param(query, 'query.filter', 'query.filter')[0] !== undefined) throw new BadParameter('query.filter', 'filter expressions are not supported; use query.attributes');
  return {
    range: boundedRange(range, maxDays),
    service: v3Param(query, 'query.serviceName', 'query.service_name')[0],
    operation: v3Param(query, 'query.operationName', 'query.operation_name')[0],
    ...tagFilters(v3Attributes(query), 'query.attributes'),
    minDurationNs: minDurationNs === 0n ? undefined : minDurationNs,
    maxDurationNs: maxDurationNs === 0n ? undefined : maxDurationNs,
    limit: depthText === undefined ? V3_DEFAULT_SEARCH_DEPTH : Number(depthText),
    sort: 'newest',
  };
}

/**
 * GetTrace's id: hex (up to 32 digits) or the 16 bytes in base64 (standard or URL-safe,
 * with or without padding), as the gateway's TraceIDFromString reads it.
 */
export function v3TraceId(text: string): string {
  if (/^[0-9a-fA-F]{1,32}$/.test(text)) return traceIdParam(text, 'trace_id');
  if (text.length <= 24 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 16) return bytes.toString('hex');
  }
  throw new BadParameter('trace_id', `"${text}" is not a trace id: expected up to 32 hex digits or 16 bytes in base64`);
}

/** GetTrace's optional start_time and end_time bounds. */
export function v3TraceRange(query: Query): Partial<TimeRange> {
  const [start, startName] = v3Param(query, 'startTime', 'start_time');
  const [end, endName] = v3Param(query, 'endTime', 'end_time');
  const [raw, rawName] = v3Param(query, 'rawTraces', 'raw_traces');
  if (raw !== undefined) goBool(raw, rawName);
  return { ...(start === undefined ? {} : { startNs: rfc3339Ns(start, startName) }), ...(end === undefined ? {} : { endNs: rfc3339Ns(end, endName) }) };
}

/** GetOperations' span_kind: empty for every kind. */
export function v3SpanKind(query: Query): SpanKind | undefined {
  const [text, name] = v3Param(query, 'spanKind', 'span_kind');
  if (text === undefined) return undefined;
  const kind = SPAN_KINDS.find((k) => k.toLowerCase() === text.toLowerCase());
  if (kind === undefined) throw new BadParameter(name, `expected one of ${SPAN_KINDS.map((k) => k.toLowerCase()).join(', ')}`);
  return kind;
}

/** Operations as the gateway lists them: kinds in lower case, an unspecified kind as "internal" (so one entry per name and kind). */
export function toV3Operations(operations: OperationSummary[]): { name: string; spanKind: string }[] {
  const seen = new Set<string>();
  const list: { name: string; spanKind: string }[] = [];
  for (const o of operations) {
    const spanKind = o.spanKind === 'Unspecified' ? 'internal' : o.spanKind.toLowerCase();
    const key = JSON.stringify([o.name, spanKind]);
    if (seen.has(key)) continue;
    seen.add(key);
    list.push({ name: o.name, spanKind });
  }
  return list;
}

/**
 * A trace summary as FindTraceSummaries answers it (proto3 JSON: uint64 times as decimal
 * strings, zero counts left out). Hindsight's summaries do not count errors per service
 * or orphan spans, so those fields are absent.
 */
export function toV3Summary(t: TraceSummary): Record<string, unknown> {
  const nonZero = (key: string, n: number): Record<string, number> => (n === 0 ? {} : { [key]: n });
  return {
    traceId: t.traceId,
    ...(t.rootService === '' ? {} : { rootServiceName: t.rootService }),
    ...(t.rootOperation === '' ? {} : { rootOperationName: t.rootOperation }),
    minStartTimeUnixNano: t.startNs,
    maxEndTimeUnixNano: (BigInt(t.startNs) + BigInt(t.durationNs)).toString(),
    ...nonZero('spanCount', t.spanCount),
    ...nonZero('errorSpanCount', t.errorCount),
    services: t.services.map((s) => ({ name: s.name, ...nonZero('spanCount', s.spanCount) })),
  };
}
