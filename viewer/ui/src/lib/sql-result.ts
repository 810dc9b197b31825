/**
 * Results of the SQL endpoint (ClickHouse's JSON format) for display: columns,
 * rows as text, and which chart, if any, fits them.
 */
import { unitOf } from './chart-units';

export interface SqlColumn {
  name: string;
  type: string;
}

export interface SqlResult {
  columns: SqlColumn[];
  rows: string[][];
  elapsedSeconds: number | undefined;
  rowsRead: number | undefined;
}

interface ClickHouseJson {
  meta: SqlColumn[];
  data: Record<string, unknown>[];
  statistics?: { elapsed?: number; rows_read?: number };
}

function text(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function toSqlResult(body: ClickHouseJson): SqlResult {
  return {
    columns: body.meta,
    rows: body.data.map((row) => body.meta.map((c) => text(row[c.name]))),
    elapsedSeconds: body.statistics?.elapsed,
    rowsRead: body.statistics?.rows_read,
  };
}

/** The type without Nullable()/LowCardinality() wrappers. */
function baseType(type: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return m ? baseType(m[1]!) : type;
}

export function isNumeric(type: string): boolean {
  return /^(U?Int\d+|Float\d+|Decimal)/.test(baseType(type));
}

export function isTime(type: string): boolean {
  return /^(DateTime|Date)/.test(baseType(type));
}

export type ChartSpec = { kind: 'line'; x: number; ys: number[] } | { kind: 'bar'; label: number; values: number[] } | undefined;

/**
 * A time column and numeric columns make a line chart; a label column and numeric columns
 * a bar chart (up to 50 labels, a bar per column side by side); anything else no chart. One
 * chart has one unit on its axis: durations first when there are any (p50_ms and p99_ms, not
 * the span count beside them), and the columns in that unit, up to five.
 */
export function chartFor(result: SqlResult): ChartSpec {
  const numeric = result.columns.flatMap((c, i) => (isNumeric(c.type) ? [i] : []));
  if (result.rows.length < 2 && !(result.rows.length >= 1 && numeric.length > 0)) return undefined;
  const time = result.columns.findIndex((c) => isTime(c.type));
  const units = numeric.map((i) => unitOf(result.columns[i]!));
  const unit = units.find((u) => u !== 'number') ?? 'number';
  const series = numeric.filter((_, n) => units[n] === unit).slice(0, 5);
  if (time >= 0 && series.length > 0) return { kind: 'line', x: time, ys: series.filter((i) => i !== time) };
  const label = result.columns.findIndex((c) => !isNumeric(c.type));
  if (label >= 0 && series.length > 0 && result.rows.length <= 50) return { kind: 'bar', label, values: series };
  return undefined;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;

/** A column name without case or underscores: TraceId, trace_id and traceid are one. */
const bare = (name: string): string => name.replace(/_/g, '').toLowerCase();

/**
 * Which cells link to a trace: a TraceId column's ids open their trace; a SpanId column's open
 * the span in its trace, when the row has a TraceId. Keyed by column index; a cell that is no
 * id (empty, NULL) gets no link.
 */
export function idLinks(columns: readonly SqlColumn[]): Map<number, (row: readonly string[]) => string | undefined> {
  const links = new Map<number, (row: readonly string[]) => string | undefined>();
  const trace = columns.findIndex((c) => bare(c.name) === 'traceid');
  if (trace < 0) return links;
  const traceOf = (row: readonly string[]): string | undefined => (TRACE_ID.test(row[trace] ?? '') ? row[trace]!.toLowerCase() : undefined);
  links.set(trace, (row) => {
    const id = traceOf(row);
    return id && `/trace/${id}`;
  });
  const span = columns.findIndex((c) => bare(c.name) === 'spanid');
  if (span >= 0)
    links.set(span, (row) => {
      const id = traceOf(row);
      return id && SPAN_ID.test(row[span] ?? '') ? `/trace/${id}?span=${row[span]!.toLowerCase()}` : undefined;
    });
  return links;
}

/**
 * Each column's width in CSS pixels, from its header and the longest of its first 200 cells
 * (about 7px a character of the 12px monospace), between 120 and 480: the header and every row
 * share them, so columns line up however far the table scrolls sideways.
 */
export function columnWidths(result: SqlResult): number[] {
  return result.columns.map((c, i) => {
    let chars = c.name.length + c.type.length + 1;
    for (let r = 0; r < Math.min(200, result.rows.length); r++) chars = Math.max(chars, result.rows[r]![i]!.length);
    return Math.max(120, Math.min(480, Math.ceil(chars * 7.3) + 18));
  });
}

/** Query history, newest first, without repeats, bounded. */
export function addToHistory(history: string[], query: string, max = 50): string[] {
  const q = query.trim();
  if (!q) return history;
  return [q, ...history.filter((h) => h !== q)].slice(0, max);
}
