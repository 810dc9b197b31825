/** Hindsight's errors as OTLP/gRPC statuses, shared by the call handler and the admission interceptor. */
import * as grpc from '@grpc/grpc-js';
import type { HindsightError } from '../../common/errors';
import type { Metrics } from '../../common/metrics';
import { retryInfoDetails } from '../otlp/retry-info';

const CODE_NAMES = new Map<number, string>(Object.entries(grpc.status).flatMap(([name, code]) => (typeof code === 'number' ? [[code, name] as [number, string]] : [])));

/** A failure as OTLP/gRPC returns it; retryable ones carry RetryInfo, as the specification asks. */
export function grpcStatusOf(error: HindsightError): grpc.StatusObject {
  const metadata = new grpc.Metadata();
  if (error.retryAfterSeconds !== undefined) {
    metadata.set('grpc-status-details-bin', retryInfoDetails(error.grpcStatus, error.message, error.retryAfterSeconds));
  }
  return { code: error.grpcStatus as grpc.status, details: error.message, metadata };
}

/** Counts a call's outcome under its gRPC code name, as hindsight_export_requests_total labels it. */
export function countGrpcStatus(metrics: Metrics, code: number): void {
  metrics.requests.inc({ transport: 'grpc', status: CODE_NAMES.get(code) ?? String(code) });
}
