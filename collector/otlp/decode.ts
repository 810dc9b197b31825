/**
 * The one entry of collector/otlp: a request body and its encoding to span rows.
 * Protobuf takes the fast path (transcode.ts: wire bytes straight to row bytes);
 * OTLP/JSON takes the reference path (normalize.ts: a decoded tree walked to row
 * text). Both judge spans by the same rules (span-rules.ts) and must write the same
 * rows for the same spans; tests hold them to that. Large bodies reach this on the
 * decode thread (decode-pool.ts).
 */
import { UNDATED_LIMITS, type DecodeLimits } from './limits';
import { normalizeJson } from './normalize';
import type { NormalizedRequest } from './span-rules';
import { transcodeProtobuf } from './transcode';

export type Encoding = 'protobuf' | 'json';

/**
 * A request body to span rows, with the request's rejections and its probe span.
 * Throws MalformedRequest. Without limits, spans of any date the store can keep
 * (LAST_STORABLE_NS) are kept.
 */
export function normalizeBody(body: Buffer, encoding: Encoding, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  return encoding === 'protobuf' ? transcodeProtobuf(body, limits) : normalizeJson(body, limits);
}
