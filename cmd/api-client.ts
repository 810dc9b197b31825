/**
 * The query API's client for the command line and the TUI: one method per route
 * they read, answering the API's own types, with the viewer credential on every
 * request and one error, ApiRequestError, carrying what the server said. (The
 * browser has its own client, viewer/ui/src/lib/api.ts: it signs in and cancels
 * superseded requests, which a terminal does not need.)
 */
import type { JaegerResponse, JaegerTrace } from '../viewer/api/jaeger';
import type { CompareResponse, ServicesResponse, StatusFilter, TraceResponse, TraceSearchResponse, TraceSort } from '../viewer/api/types';
import { ApiRequestError } from '../viewer/model/api-error';
import { EventStreamParser, tailEventOf, type TailEvent } from '../viewer/model/event-stream';

export { ApiRequestError };

/**
 * GET /api/v1/traces's parameters. Text stays text, as typed on a command line: the
 * server validates every value (viewer/api/params.ts) and a 400 names the bad one.
 */
export interface TraceSearchQuery {
  service?: string;
  operation?: string;
  /** `key=value`, `key!=value`, `key~=part` or `key`; each must hold. */
  attr?: string[];
  /** Durations such as 250us, 100ms, 1.5s. */
  minDuration?: string;
  maxDuration?: string;
  status?: StatusFilter;
  sort?: TraceSort;
  limit?: string;
  /** A duration back from now (the server's default is 1h); or start and end. */
  lookback?: string;
  /** Unix milliseconds or RFC 3339. */
  start?: string;
  end?: string;
}

/** GET /api/v1/tail's parameters: the search filters (as text, checked by the server) and the most events a second. */
export interface TailQuery {
  service?: string;
  operation?: string;
  attr?: string[];
  minDuration?: string;
  status?: StatusFilter;
  maxRate?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** The SQL endpoint's output formats that the command line asks for. */
export type SqlFormat = 'json' | 'csv' | 'tsv';

/** The error bodies the API sends: native and SQL routes `{ error }`, Jaeger routes `{ errors: [...] }`. */
interface ErrorBody {
  error?: { code?: string; message?: string; parameter?: string; clickhouseCode?: string };
  errors?: { msg?: string }[] | null;
}

export class ApiClient {
  private readonly baseUrl: string;

  /** `baseUrl` is the viewer's (http://host:16686); `headers` carry its credential. */
  constructor(
    baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  /** GET /api/v1/services: span and error counts per service. */
  services(query: { lookback?: string } = {}, options: RequestOptions = {}): Promise<ServicesResponse> {
    return this.getJson(`/api/v1/services?${queryString(query)}`, options);
  }

  /** GET /api/v1/traces: traces with a span meeting every filter. */
  searchTraces(query: TraceSearchQuery, options: RequestOptions = {}): Promise<TraceSearchResponse> {
    return this.getJson(`/api/v1/traces?${queryString(query)}`, options);
  }

  /** GET /api/v1/traces/{traceId}: every span of a trace. */
  trace(traceId: string, options: RequestOptions = {}): Promise<TraceResponse> {
    return this.getJson(`/api/v1/traces/${encodeURIComponent(traceId)}`, options);
  }

  /** GET /api/v1/compare: two traces merged by call path, with what was added, removed or changed. */
  compare(a: string, b: string, options: RequestOptions = {}): Promise<CompareResponse> {
    return this.getJson(`/api/v1/compare?${queryString({ a, b })}`, options);
  }

  /** GET /api/v1/traces/{traceId}/otlp: the trace as an OTLP/JSON ExportTraceServiceRequest. */
  otlpTrace(traceId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.getJson(`/api/v1/traces/${encodeURIComponent(traceId)}/otlp`, options);
  }

  /** GET /api/traces/{traceId}: the trace in the Jaeger query API's JSON. */
  jaegerTrace(traceId: string, options: RequestOptions = {}): Promise<JaegerResponse<JaegerTrace[]>> {
    return this.getJson(`/api/traces/${encodeURIComponent(traceId)}`, options);
  }

  /** POST /api/v1/sql: a read-only query's result, as the text of the format asked for. */
  async sql(query: string, format: SqlFormat, options: RequestOptions = {}): Promise<string> {
    const response = await this.send('/api/v1/sql', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format }), signal: options.signal });
    return response.text();
  }

  /**
   * GET /api/v1/tail: each event of the live tail as it comes. Resolves when the server
   * ends the stream, rejects when it cannot be opened (an ApiRequestError) or breaks;
   * aborting `signal` stops it (rejecting with the abort).
   */
  async tail(query: TailQuery, onEvent: (event: TailEvent) => void, options: RequestOptions = {}): Promise<void> {
    const response = await this.send(`/api/v1/tail?${queryString(query)}`, { headers: { Accept: 'text/event-stream' }, signal: options.signal });
    if (response.body === null) return;
    const reader = response.body.getReader();
    const parser = new EventStreamParser();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) onEvent(tailEventOf(event));
    }
  }

  private async getJson<T>(path: string, options: RequestOptions): Promise<T> {
    const response = await this.send(path, { headers: { Accept: 'application/json' }, signal: options.signal });
    return (await response.json()) as T;
  }

  /** A response with a 2xx status; any other becomes an ApiRequestError. */
  private async send(path: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers: { ...init.headers, ...this.headers } });
    if (!response.ok) throw await requestError(response);
    return response;
  }
}

async function requestError(response: Response): Promise<ApiRequestError> {
  const text = await response.text();
  let body: ErrorBody | undefined;
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    // A proxy's HTML page, or nothing: the status line says what there is to say.
    body = undefined;
  }
  const error = body?.error;
  const message = error?.message ?? body?.errors?.[0]?.msg ?? `${response.status} ${response.statusText}`;
  return new ApiRequestError(response.status, error?.code ?? 'HTTP_ERROR', message, error?.parameter, error?.clickhouseCode);
}

/** Set values only; arrays as repeated parameters. */
function queryString(query: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query) as [string, string | string[] | undefined][]) {
    if (Array.isArray(value)) for (const v of value) params.append(name, v);
    else if (value !== undefined && value !== '') params.set(name, value);
  }
  return params;
}
