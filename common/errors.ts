/**
 * One error catalogue: every failure Hindsight reports to a client or an operator
 * has a stable code here, with its HTTP status and gRPC status code. Transports map
 * errors through this table only; nothing else picks a status number.
 */

/** gRPC status codes used here (from the gRPC specification). */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface CatalogueEntry {
  http: number;
  grpc: number;
  /** Whether a client should retry the same request later (OTLP: 429/502/503/504). */
  retryable: boolean;
}

export const ERRORS = {
  HS_MALFORMED_BODY: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  HS_BODY_TOO_LARGE: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: false },
  HS_UNSUPPORTED_CONTENT_TYPE: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  HS_UNSUPPORTED_ENCODING: { http: 415, grpc: GrpcStatus.UNIMPLEMENTED, retryable: false },
  HS_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, retryable: false },
  HS_BAD_PARAMETER: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  HS_UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, retryable: false },
  HS_TOO_MANY_FAILURES: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: false },
  HS_SQL_REFUSED: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  HS_SQL_FAILED: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  HS_SQL_BUSY: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  HS_METHOD_NOT_ALLOWED: { http: 405, grpc: GrpcStatus.UNIMPLEMENTED, retryable: false },
  HS_QUEUE_FULL: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  HS_STORE_UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE, retryable: true },
  HS_SHUTTING_DOWN: { http: 503, grpc: GrpcStatus.UNAVAILABLE, retryable: true },
  HS_STORE_REJECTED: { http: 500, grpc: GrpcStatus.INTERNAL, retryable: false },
  HS_REQUEST_TIMEOUT: { http: 408, grpc: GrpcStatus.DEADLINE_EXCEEDED, retryable: true },
  HS_MISDIRECTED: { http: 421, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  HS_BUSY: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  HS_STORE_FULL: { http: 503, grpc: GrpcStatus.UNAVAILABLE, retryable: true },
  HS_CONFIG_INVALID: { http: 500, grpc: GrpcStatus.INTERNAL, retryable: false },
  HS_INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL, retryable: false },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

export class HindsightError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly grpcStatus: number;
  readonly retryable: boolean;
  /** Seconds a client should wait before retrying; set for retryable errors. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    // new.target keeps subclasses' names and prototypes intact for instanceof.
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = ERRORS[code].http;
    this.grpcStatus = ERRORS[code].grpc;
    this.retryable = ERRORS[code].retryable;
    this.retryAfterSeconds = options.retryAfterSeconds ?? (this.retryable ? 1 : undefined);
  }
}

/** Anything thrown, as a HindsightError: foreign errors become HS_INTERNAL, keeping the cause. */
export function asHindsightError(err: unknown): HindsightError {
  if (err instanceof HindsightError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HindsightError('HS_INTERNAL', message, { cause: err });
}
