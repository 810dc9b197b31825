/**
 * What an export is answered with, in the request's encoding: the
 * ExportTraceServiceResponse (with partial_success when spans were rejected or
 * attributes dropped) and the google.rpc.Status body of a failure.
 */
import type { Encoding } from './decode';
import { otlpTypes } from './proto';
import { REASON_TEXT, REJECT_REASONS, type NormalizedRequest } from './span-rules';

/** What an OTLP response carries besides success itself. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/**
 * The partial_success error message: what was rejected, why, and where the first
 * one was; then the attributes dropped by the cap. Dropped attributes do not make a
 * span rejected (rejected_spans counts spans not stored), so on their own they are
 * the warning the specification allows with rejected_spans = 0.
 */
export function partialSuccessMessage(result: Pick<NormalizedRequest<unknown>, 'rejections' | 'droppedAttributes'>, maxAttributes: number): string {
  const parts = REJECT_REASONS.flatMap((reason) => {
    const r = result.rejections[reason];
    return r ? [`${r.count} rejected: ${REASON_TEXT[reason]} (first at ${r.first})`] : [];
  });
  const dropped = result.droppedAttributes;
  if (dropped) parts.push(`${dropped.count} attributes dropped: more than ${maxAttributes} in one list, the first ${maxAttributes} kept (first at ${dropped.first})`);
  return parts.join('; ');
}

/**
 * An ExportTraceServiceResponse. partial_success is left out when there is
 * nothing to say; with rejectedSpans = 0 and a message it is a warning, which the
 * specification allows on a fully accepted export (attributes dropped by the cap).
 */
export function encodeResponse(partial: PartialSuccess | undefined, encoding: Encoding): Buffer {
  const said = partial !== undefined && (partial.rejectedSpans > 0 || partial.errorMessage !== '');
  const body = said ? { partialSuccess: partial } : {};
  if (encoding === 'json') {
    const json = said ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
    return Buffer.from(JSON.stringify(json));
  }
  const type = otlpTypes().ExportTraceServiceResponse;
  return Buffer.from(type.encode(type.fromObject(body)).finish());
}

/** A google.rpc.Status error body, as OTLP/HTTP returns with every failure status. */
export function encodeStatus(grpcCode: number, message: string, encoding: Encoding): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code: grpcCode, message }));
  const type = otlpTypes().Status;
  return Buffer.from(type.encode(type.fromObject({ code: grpcCode, message })).finish());
}
