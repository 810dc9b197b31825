/**
 * Query parameters of the query API, validated once into typed values. Every
 * error names its parameter; every time range is bounded.
 */
import { HindsightError } from '../../common/errors';
import { durationNs } from '../model/format';

export class BadParameter extends HindsightError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super('HS_BAD_PARAMETER', `${parameter}: ${message}`);
  }
}

export type Query = Record<string, unknown>;

/** Nanoseconds since the Unix epoch, as bigint. */
export interface TimeRange {
  startNs: bigint;
  endNs: bigint;
}

const NS_PER_MS = 1_000_000n;

/** The longest range a query may cover. */
export const MAX_RANGE_DAYS = 31;
const MAX_RANGE_NS = BigInt(MAX_RANGE_DAYS) * 86_400_000_000_000n;

/** A single string parameter; arrays (repeated parameters) are refused. */
export function optionalString(query: Query, name: string, maxLength = 1024): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new BadParameter(name, 'expected a single value');
  if (value.length > maxLength) throw new BadParameter(name, `longer than ${maxLength} characters`);
  return value;
}

/** A repeatable string parameter. */
export function stringList(query: Query, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v): v is string => typeof v === 'string')) throw new BadParameter(name, 'expected text values');
  if (list.length > 20) throw new BadParameter(name, 'at most 20 values');
  return list.filter((v) => v !== '');
}

/** A Go-style duration ("250us", "1.5s", "1m30s") in nanoseconds. */
export function parseDurationNs(text: string, name: string): bigint {
  const ns = durationNs(text);
  if (ns === undefined) throw new BadParameter(name, `"${text}" is not a duration such as 250us, 100ms, 1.5s or 2m`);
  return BigInt(Math.round(ns));
}

export function optionalDurationNs(query: Query, name: string): bigint | undefined {
  const text = optionalString(query, name, 32);
  return text === undefined ? undefined : parseDurationNs(text, name);
}

/**
 * A duration threshold: nanoseconds as digits ("268000000") or a duration ("268ms"), more
 * than 0 (every trace lasts at least 0, so 0 would split nothing).
 */
export function optionalThresholdNs(query: Query, name: string): bigint | undefined {
  const text = optionalString(query, name, 32);
  if (text === undefined) return undefined;
  const ns = /^\d{1,19}$/.test(text) ? BigInt(text) : parseDurationNs(text, name);
  if (ns <= 0n || ns >= 2n ** 63n) throw new BadParameter(name, `"${text}" is not a threshold: expected nanoseconds above 0 or a duration such as 268ms`);
  return ns;
}

export function limitParam(query: Query, name: string, fallback: number, max: number): number {
  const text = optionalString(query, name, 16);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new BadParameter(name, `expected a whole number from 1 to ${max}`);
  return Number(text);
}

export function oneOf<T extends string>(query: Query, name: string, allowed: readonly T[], fallback: T | undefined): T | undefined {
  const text = optionalString(query, name, 64);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new BadParameter(name, `expected one of ${allowed.join(', ')}`);
  return text as T;
}

/** Unix milliseconds (digits) or an RFC 3339 / ISO 8601 date-time, to nanoseconds. */
function instantNs(text: string, name: string): bigint {
  if (/^\d{1,16}$/.test(text)) return BigInt(text) * NS_PER_MS;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(ms)) throw new BadParameter(name, `"${text}" is neither Unix milliseconds nor an RFC 3339 time`);
  return BigInt(ms) * NS_PER_MS;
}

/**
 * start/end (Unix ms or RFC 3339) or a lookback from now (default 1h). The range
 * must be ordered and at most MAX_RANGE_DAYS long, so no query scans everything.
 */
export function timeRange(query: Query, now = Date.now(), defaultLookback = '1h'): TimeRange {
  const start = optionalString(query, 'start', 64);
  const end = optionalString(query, 'end', 64);
  const endNs = end === undefined ? BigInt(now) * NS_PER_MS : instantNs(end, 'end');
  const startNs = start !== undefined ? instantNs(start, 'start') : endNs - parseDurationNs(optionalString(query, 'lookback', 32) ?? defaultLookback, 'lookback');
  return checkedRange({ startNs, endNs });
}

export function checkedRange(range: TimeRange): TimeRange {
  if (range.startNs >= range.endNs) throw new BadParameter('start', 'must be before end');
  if (range.endNs - range.startNs > MAX_RANGE_NS) throw new BadParameter('start', `the range may span at most ${MAX_RANGE_DAYS} days`);
  return range;
}

/**
 * How an attribute filter compares: equality, inequality, substring, presence, as numbers
 * (gt, ge, lt, le), or `tag`, Jaeger's: equal in the span's, its resource's or one of its
 * events' attributes. Only the Jaeger dialects make `tag`.
 */
export type AttributeOp = 'eq' | 'ne' | 'contains' | 'exists' | 'gt' | 'ge' | 'lt' | 'le' | 'tag';

/** The ops that compare as numbers; their value is a finite decimal number. */
export const NUMERIC_OPS: readonly AttributeOp[] = ['gt', 'ge', 'lt', 'le'];

export interface AttributeFilter {
  key: string;
  op: AttributeOp;
  value: string;
}

const OPS: Record<string, AttributeOp> = { '': 'exists', '=': 'eq', '!=': 'ne', '~=': 'contains', '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' };
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * `key=value`, `key!=value`, `key~=substring`, `key` (exists), or `key>N`, `key>=N`,
 * `key<N`, `key<=N` (compared as numbers). A filter this cannot read is a 400 that
 * quotes it: never a filter that silently matches nothing.
 */
export function attributeFilter(text: string, name = 'attr'): AttributeFilter {
  const match = /^([^=!~<>]+?)(!=|~=|>=|<=|=|>|<)(.*)$/s.exec(text);
  const [key, op, value] = match ? [match[1]!, match[2]!, match[3]!] : [text, '', ''];
  if (key.trim() === '' || /[=<>]/.test(key) || key.length > 256) {
    throw new BadParameter(name, `"${text}" is not a filter: expected key, key=value, key!=value, key~=text, or key>N, key>=N, key<N, key<=N, with a key of 1 to 256 characters`);
  }
  const filter: AttributeFilter = { key: key.trim(), op: OPS[op]!, value };
  if (NUMERIC_OPS.includes(filter.op) && !(NUMBER.test(value.trim()) && Number.isFinite(Number(value)))) {
    throw new BadParameter(name, `"${text}" compares as a number, but "${value}" is not a number`);
  }
  return filter;
}

/** The values `status` and `sort` accept, as the routes pass them to oneOf(); defined with the API types. */
export { STATUS_FILTERS as STATUSES, TRACE_SORTS } from './types';

/** A trace id: 32 hex digits (Jaeger also sends shorter ids left-padded with zeros). */
export function traceIdParam(text: string, name = 'traceId'): string {
  if (!/^[0-9a-fA-F]{1,32}$/.test(text)) throw new BadParameter(name, 'expected a trace id of up to 32 hex digits');
  return text.toLowerCase().padStart(32, '0');
}
