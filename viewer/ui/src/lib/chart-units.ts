/**
 * Units of a SQL result's numbers, read from the column's name and type, and numbers written
 * for people: a chart's p99_ms axis says "6.88s", not "6.88e+3"; a count says "12.3K".
 */
import { formatDuration } from '../../../model/format';
import type { SqlColumn } from './sql-result';

/** A duration in ns, ms or s; or a plain number. */
export type ValueUnit = 'ns' | 'ms' | 's' | 'number';

const NS_PER: Record<Exclude<ValueUnit, 'number'>, number> = { ns: 1, ms: 1e6, s: 1e9 };

/**
 * duration_ms, p99_ms, latencyMs → ms; *_ns, *_nanos → ns; *_s, *_seconds → s; otel_traces'
 * own Duration column (UInt64 nanoseconds) → ns. Anything else is a plain number.
 */
export function unitOf(column: SqlColumn): ValueUnit {
  const name = column.name;
  if (/(^|_)(ms|millis|milliseconds)$|[a-z]Ms$/.test(name)) return 'ms';
  if (/(^|_)(ns|nanos|nanoseconds)$|[a-z]Ns$/.test(name) || /^Duration$/.test(name)) return 'ns';
  if (/(^|_)(s|secs|seconds)$|[a-z]Seconds$/.test(name)) return 's';
  return 'number';
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 3 });

/** A value in its unit, for an axis or a tooltip. */
export function formatValue(value: number, unit: ValueUnit): string {
  if (!Number.isFinite(value)) return '—';
  if (unit === 'number') return compact.format(value);
  return value === 0 ? '0' : formatDuration(value * NS_PER[unit]);
}

/** Round steps (1, 2 or 5 × 10ⁿ) from 0 past `max`, about `count` of them. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}
