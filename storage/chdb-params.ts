/**
 * Query parameters on embedded chDB, set on the statement's own connection:
 * `SET param_<name> = '<text>'; <statement>`, one call, instead of chDB's bound
 * parameters.
 *
 * Why: chdb 3.4's node binding runs every bound-parameter query of the process
 * (`queryBindAsync`, which is what @clickhouse/client's `query_params` become on a
 * chDB connection) through one process-wide chain, since its C API's parameter state
 * is not isolated per connection. Every parameterized statement therefore waited for
 * the one before it, on any connection: an edge-job step of 20 s held up each trace
 * lookup, SQL check and insert queued behind it (measured after a bulk load of 20M
 * spans: a trace by id 2–9 s, `SELECT 1` on the SQL endpoint 1–5 s). A `param_`
 * setting belongs to the connection's own session, and chDB runs one call of a
 * connection at a time, statements included: 300 concurrent queries over two
 * connections each read back their own value (tests/integration/chdb-params.test.ts).
 *
 * The value goes as the text ClickHouse parses a query parameter from (the form
 * clickhouse-js sends over HTTP), inside a string literal; the engine parses it by
 * the placeholder's type, as it does a bound value. No value becomes SQL: the
 * literal escapes every backslash and quote.
 *
 * A server gets `query_params` as they are (HTTP parameters, no chain there).
 */
import { ChdbConnection } from 'chdb/connection';

type QueryParams = Parameters<ChdbConnection['query']>[0];
type ExecParams = Parameters<ChdbConnection['exec']>[0];

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A chDB connection that sends its statements' parameters as `SET param_…` in the same call. */
export class ChdbParamsConnection extends ChdbConnection {
  override query(params: QueryParams): ReturnType<ChdbConnection['query']> {
    return super.query(withParamsSet(params));
  }

  override exec(params: ExecParams): ReturnType<ChdbConnection['exec']> {
    return super.exec(withParamsSet(params));
  }

  override command(params: QueryParams): ReturnType<ChdbConnection['command']> {
    return super.command(withParamsSet(params));
  }
}

/** The statement with its parameters set before it, and none left to bind. */
export function withParamsSet<P extends { query: string; query_params?: Record<string, unknown> | undefined }>(params: P): P {
  const entries = Object.entries(params.query_params ?? {});
  if (entries.length === 0) return params;
  const settings = entries.map(([name, value]) => {
    if (!PARAM_NAME.test(name)) throw new Error(`query parameter name ${JSON.stringify(name)} is not a plain identifier`);
    return `param_${name} = ${stringLiteral(parameterText(value))}`;
  });
  return { ...params, query: `SET ${settings.join(', ')};\n${params.query}`, query_params: undefined };
}

/** The text ClickHouse reads a query parameter's value from: escaped strings, arrays as literals. */
export function parameterText(value: unknown): string {
  if (typeof value === 'string') return escaped(value);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : value === Infinity ? '+inf' : value === -Infinity ? '-inf' : String(value);
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (typeof v === 'string' ? `'${escaped(v)}'` : parameterText(v))).join(',')}]`;
  throw new Error(`unsupported query parameter value: ${typeof value}`);
}

/** ClickHouse's escaped text: what a backslash sequence stands for, read back exactly. */
function escaped(text: string): string {
  return text.replace(/[\\\t\n\r'\0]/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'", '\0': '\\0' };

/** A SQL string literal holding `text` as it is. */
function stringLiteral(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
