/**
 * The one client of the query API: typed results, typed errors, and cancellation
 * (a newer request of the same kind aborts the older one). A read that cannot reach
 * the server waits for it and runs again when it answers (connection.svelte.ts), so a
 * page open through a restart fills in by itself.
 */
import type {
  ServerInfoResponse,
  ApiError,
  AttributeKeysResponse,
  CompareResponse,
  DependenciesResponse,
  ExplainResponse,
  OperationsResponse,
  RedResponse,
  ServicesResponse,
  TraceResponse,
  TraceSearchResponse,
  OutliersResponse,
  AnomaliesResponse,
} from '../../../api/types';
import { ApiRequestError } from '../../../model/api-error';
import { EventStreamParser, tailEventOf, type TailEvent } from '../../../model/event-stream';
import { connection, fetchWhenReachable } from './connection.svelte';
import { credentialHeaders, unauthorized } from './credential';
import { isNetworkFailure } from './retry';

export { ApiRequestError };

const inFlight = new Map<string, AbortController>();

async function get<T>(kind: string, path: string): Promise<T> {
  inFlight.get(kind)?.abort();
  const controller = new AbortController();
  inFlight.set(kind, controller);
  try {
    const response = await fetchWhenReachable(path, { signal: controller.signal, headers: { Accept: 'application/json', ...credentialHeaders() } });
    if (response.status === 401) unauthorized();
    if (!response.ok) {
      const error = ((await response.json().catch(() => undefined)) as ApiError | undefined)?.error;
      throw new ApiRequestError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `${response.status} ${response.statusText}`, error?.parameter);
    }
    // An abort while reading the body rejects here, as it does for fetch itself.
    return (await response.json()) as T;
  } finally {
    if (inFlight.get(kind) === controller) inFlight.delete(kind);
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** A failed SQL query: the endpoint's message and ClickHouse's code. */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly clickhouseCode: string | undefined,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/**
 * POST /api/v1/sql; the response body as text (JSON, CSV or TSV). A query someone ran is
 * not run again by itself when the server was unreachable: it fails, saying so, unless
 * `waitForServer` (the page's own queries, such as the tables panel).
 */
export async function runSql(query: string, format: 'json' | 'csv' | 'tsv', signal?: AbortSignal, waitForServer = false): Promise<string> {
  const init: RequestInit = { method: 'POST', headers: { 'Content-Type': 'application/json', ...credentialHeaders() }, body: JSON.stringify({ query, format }), signal };
  let response: Response;
  try {
    response = waitForServer ? await fetchWhenReachable('/api/v1/sql', init) : await fetch('/api/v1/sql', init);
  } catch (err) {
    if (!isNetworkFailure(err)) throw err;
    void connection.lost().catch(() => undefined);
    throw new SqlError('Hindsight is not reachable, so the query did not run. Run it again once it is back.', undefined);
  }
  if (response.status === 401) unauthorized();
  const text = await response.text();
  if (!response.ok) {
    let error: { message?: string; clickhouseCode?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: { message?: string; clickhouseCode?: string } }).error;
    } catch {
      error = undefined;
    }
    throw new SqlError(error?.message ?? `${response.status} ${response.statusText}`, error?.clickhouseCode);
  }
  return text;
}

/**
 * GET /api/v1/tail, read with fetch rather than EventSource, which cannot send the
 * credential header. Calls `onEvent` for each event; resolves when the server ends the
 * stream, rejects when it cannot be opened (an ApiRequestError naming the refused
 * parameter) or breaks, or when `signal` aborts it.
 */
export async function openTail(params: URLSearchParams, onEvent: (event: TailEvent) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(`/api/v1/tail?${params}`, { signal, headers: { Accept: 'text/event-stream', ...credentialHeaders() } });
  if (response.status === 401) unauthorized();
  if (!response.ok) {
    const error = ((await response.json().catch(() => undefined)) as ApiError | undefined)?.error;
    throw new ApiRequestError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `${response.status} ${response.statusText}`, error?.parameter);
  }
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

export const api = {
  /** The OTLP ports this process receives on, as bound (null for a viewer-only process). */
  server: (): Promise<ServerInfoResponse> => get('server', '/api/v1/server'),
  services: (lookback = '1h'): Promise<ServicesResponse> => get('services', `/api/v1/services?lookback=${encodeURIComponent(lookback)}`),
  /** The services of the last week, for handing out their colours (a kind of its own: a page's services request does not abort it). */
  knownServices: (): Promise<ServicesResponse> => get('knownServices', '/api/v1/services?lookback=7d'),
  operations: (service: string, lookback = '1h'): Promise<OperationsResponse> =>
    get('operations', `/api/v1/services/${encodeURIComponent(service)}/operations?lookback=${encodeURIComponent(lookback)}`),
  attributeKeys: (service: string): Promise<AttributeKeysResponse> => get('attributeKeys', `/api/v1/attributes/keys?lookback=6h${service ? `&service=${encodeURIComponent(service)}` : ''}`),
  search: (params: URLSearchParams): Promise<TraceSearchResponse> => get('search', `/api/v1/traces?${params}`),
  dependencies: (lookback: string): Promise<DependenciesResponse> => get('dependencies', `/api/v1/dependencies?lookback=${encodeURIComponent(lookback)}`),
  red: (service: string, lookback: string, operation: string): Promise<RedResponse> =>
    get('red', `/api/v1/services/${encodeURIComponent(service)}/metrics?lookback=${encodeURIComponent(lookback)}${operation ? `&operation=${encodeURIComponent(operation)}` : ''}`),
  trace: (traceId: string): Promise<TraceResponse> => get(`trace`, `/api/v1/traces/${encodeURIComponent(traceId)}`),
  outliers: (traceId: string): Promise<OutliersResponse> => get('outliers', `/api/v1/traces/${encodeURIComponent(traceId)}/outliers`),
  compare: (a: string, b: string): Promise<CompareResponse> => get('compare', `/api/v1/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`),
  explain: (params: URLSearchParams): Promise<ExplainResponse> => get('explain', `/api/v1/explain?${params}`),
  anomalies: (lookback: string): Promise<AnomaliesResponse> => get('anomalies', `/api/v1/anomalies?lookback=${encodeURIComponent(lookback)}`),
  /**
   * Whether a trace exists (for links). HEAD: the answer is in the status, and a
   * linked trace of 50,000 spans is not downloaded and parsed to learn it.
   */
  traceExists: async (traceId: string, signal?: AbortSignal): Promise<boolean> => {
    const response = await fetch(`/api/v1/traces/${encodeURIComponent(traceId)}`, { method: 'HEAD', signal, headers: credentialHeaders() });
    if (response.ok) return true;
    if (response.status === 404) return false;
    throw new ApiRequestError(response.status, 'HTTP_ERROR', `${response.status} ${response.statusText}`);
  },
};
