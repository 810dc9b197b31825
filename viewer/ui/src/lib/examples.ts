/**
 * The SQL console's statements, kept as .sql files beside this module (Vite's `?raw`
 * imports them as text): the examples, which work on otel_traces as the
 * clickhouseexporter writes it, and the column listing of the Tables panel. The UI
 * may not import storage/, so these are the one place outside storage/sql/ that
 * holds .sql.
 */
import latencyByService from './examples/latency-by-service.sql?raw';
import errorRateByOperation from './examples/error-rate-by-operation.sql?raw';
import slowestTraces from './examples/slowest-traces.sql?raw';
import attributeBreakdown from './examples/attribute-breakdown.sql?raw';
import spansPerMinute from './examples/spans-per-minute.sql?raw';
import tablesPanel from './examples/tables-panel.sql?raw';

/** A file's text without the newline it ends with, as the editor should show it. */
const statement = (file: string): string => file.trimEnd();

export const EXAMPLES: { title: string; sql: string }[] = [
  { title: 'p50 / p99 latency by service', sql: statement(latencyByService) },
  { title: 'Error rate by operation', sql: statement(errorRateByOperation) },
  { title: 'Slowest traces', sql: statement(slowestTraces) },
  { title: 'Breakdown by an attribute', sql: statement(attributeBreakdown) },
  { title: 'Spans per minute', sql: statement(spansPerMinute) },
];

/** Every column of every table in Hindsight's database, for the Tables panel and completion. */
export const TABLES_PANEL_SQL = statement(tablesPanel);
