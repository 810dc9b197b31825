/**
 * A request to the ClickHouse HTTP port, read as ClickHouse reads one: the statement
 * from `query=` and the body (joined by a line break when both are there), the
 * credentials from X-ClickHouse-User/-Key, HTTP Basic or `user`/`password`, and every
 * other URL parameter as a setting, judged here against what the read-only port can
 * honour. What it cannot is refused by name: a setting silently dropped would answer
 * a question the client did not ask.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { clickhouseError } from './errors';
import { formatContentType } from './formats';

export interface ClickHouseRequest {
  query: string;
  /** The database the client names; undefined when it names none. */
  database: string | undefined;
  /** The format of a statement without a FORMAT clause. */
  defaultFormat: string;
  queryId: string | undefined;
  user: string;
  password: string;
  /** The limit a client lowered the execution time to, in seconds (0: not lowered). */
  maxExecutionSeconds: number;
  /** `enable_http_compression=1`: the body may be compressed as Accept-Encoding allows. */
  httpCompression: boolean;
  /** clickhouse-go's TCP protocol revision, which frames its hello (hello.ts). */
  clientProtocolVersion: number;
}

const MAX_QUERY_LENGTH = 100_000;

/** Parameters that are the interface's own, not settings. */
const INTERFACE_PARAMS = new Set(['query', 'database', 'default_format', 'query_id', 'user', 'password', 'client_protocol_version', 'quota_key']);

/**
 * Settings that change nothing a read-only port answers, or what it already does:
 * it always waits for the end of a query before answering, never sends progress
 * headers, and cancels a query whose client went away.
 */
const HARMLESS_SETTINGS = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'cancel_http_readonly_queries_on_client_close',
  'session_timeout',
  'log_comment',
  'http_wait_end_of_query',
]);

export interface RequestRules {
  /** The output settings as the readers have them: a client may send these values, which change nothing. */
  outputSettings: ReadonlyMap<string, string>;
}

export function readRequest(url: URL, headers: IncomingHttpHeaders, body: string, rules: RequestRules): ClickHouseRequest {
  const params = url.searchParams;
  const fromParam = params.get('query') ?? '';
  const query = fromParam !== '' && body !== '' ? `${fromParam}\n${body}` : fromParam + body;
  if (query.trim() === '') throw clickhouseError('BAD_ARGUMENTS', 'Empty query');
  if (query.length > MAX_QUERY_LENGTH) throw clickhouseError('BAD_ARGUMENTS', `The query is longer than ${MAX_QUERY_LENGTH} characters`);
  const defaultFormat = params.get('default_format') || 'TabSeparated';
  if (formatContentType(defaultFormat) === undefined) throw clickhouseError('UNKNOWN_FORMAT', `Unknown or unsupported format ${defaultFormat} (default_format)`);
  let maxExecutionSeconds = 0;
  let httpCompression = false;
  const refused: string[] = [];
  for (const [name, value] of params) {
    if (INTERFACE_PARAMS.has(name) || HARMLESS_SETTINGS.has(name)) continue;
    if (name === 'max_execution_time') maxExecutionSeconds = wholeSeconds(value);
    else if (name === 'enable_http_compression') httpCompression = value === '1' || value === 'true';
    // Read-only is what the port is: asking for it changes nothing, asking out of it is refused.
    else if (name === 'readonly' && (value === '1' || value === '2')) continue;
    else if (rules.outputSettings.has(name) && rules.outputSettings.get(name) === value) continue;
    else if (name.startsWith('param_')) throw clickhouseError('BAD_ARGUMENTS', `Query parameters are not supported here (${name}): write the values into the statement`);
    else refused.push(name);
  }
  if (refused.length > 0) {
    throw clickhouseError(
      'READONLY',
      `Cannot modify ${refused.map((n) => `'${n}'`).join(', ')} on this read-only port: its limits apply to every query; it accepts max_execution_time (which can only lower the limit), output_format_* settings at their current values, and the interface's own parameters`,
    );
  }
  const { user, password } = credentials(headers, params);
  return {
    query,
    database: params.get('database') || headerText(headers['x-clickhouse-database']) || undefined,
    defaultFormat,
    queryId: params.get('query_id') || headerText(headers['x-clickhouse-query-id']) || undefined,
    user,
    password,
    maxExecutionSeconds,
    httpCompression,
    clientProtocolVersion: Number(/^\d+$/.test(params.get('client_protocol_version') ?? '') ? params.get('client_protocol_version') : 0),
  };
}

function wholeSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw clickhouseError('BAD_ARGUMENTS', `max_execution_time: expected a number of seconds, not ${JSON.stringify(value)}`);
  return Math.ceil(Number(value));
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** ClickHouse's ways of naming a user, in its order: its headers, the Authorization header (Basic, or a bearer token as the password), then the URL. */
function credentials(headers: IncomingHttpHeaders, params: URLSearchParams): { user: string; password: string } {
  const user = headerText(headers['x-clickhouse-user']);
  if (user !== undefined) return { user, password: headerText(headers['x-clickhouse-key']) ?? '' };
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (bearer) return { user: params.get('user') ?? 'default', password: bearer[1]! };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { user: params.get('user') ?? 'default', password: params.get('password') ?? '' };
}
