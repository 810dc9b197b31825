/**
 * Results of the SQL endpoint (ClickHouse's JSON format) for display: columns,
 * rows as text, and which chart, if any, fits them.
 */

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

export type ChartSpec = { kind: 'line'; x: number; ys: number[] } | { kind: 'bar'; label: number; value: number } | undefined;

/**
 * A time column and numeric columns make a line chart; a label column and a
 * numeric column a bar chart (up to 50 bars); anything else no chart.
 */
export function chartFor(result: SqlResult): ChartSpec {
  const numeric = result.columns.flatMap((c, i) => (isNumeric(c.type) ? [i] : []));
  if (result.rows.length < 2 && !(result.rows.length >= 1 && numeric.length > 0)) return undefined;
  const time = result.columns.findIndex((c) => isTime(c.type));
  if (time >= 0 && numeric.length > 0) return { kind: 'line', x: time, ys: numeric.filter((i) => i !== time).slice(0, 5) };
  const label = result.columns.findIndex((c) => !isNumeric(c.type));
  if (label >= 0 && numeric.length > 0 && result.rows.length <= 50) return { kind: 'bar', label, value: numeric[0]! };
  return undefined;
}

/** Query history, newest first, without repeats, bounded. */
export function addToHistory(history: string[], query: string, max = 50): string[] {
  const q = query.trim();
  if (!q) return history;
  return [q, ...history.filter((h) => h !== q)].slice(0, max);
}
