/**
 * Errors that Express, its router and body-parser raise about the request itself
 * (a path segment that is not valid percent-encoding, a malformed or oversized
 * body) carry a 4xx `status`. They are the client's fault: translated here into
 * the catalogue once, so no route answers them with 500 or a stack trace.
 */
import { asHindsightError, HindsightError } from '../../common/errors';

export function clientErrorOf(err: unknown): HindsightError | undefined {
  if (err instanceof HindsightError || typeof err !== 'object' || err === null) return undefined;
  const status = Number((err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode);
  if (!(status >= 400 && status < 500)) return undefined;
  if (status === 413) return new HindsightError('HS_BODY_TOO_LARGE', String((err as Error).message), { cause: err });
  // The router's message for a bad escape names only the parameter's raw text, which is safe to echo.
  const message =
    err instanceof URIError || /decode/i.test(String((err as Error).message)) ? `the path is not valid percent-encoding: ${String((err as Error).message)}` : String((err as Error).message);
  return new HindsightError('HS_BAD_PARAMETER', message, { cause: err });
}

/**
 * Any error a viewer route raises, as a catalogue error: the client's fault (above), or
 * whatever asHindsightError makes of it. ClickHouse's own errors from a query are internal:
 * parameters are validated before any query runs.
 */
export function apiErrorOf(err: unknown): HindsightError {
  return clientErrorOf(err) ?? asHindsightError(err);
}
