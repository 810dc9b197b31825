/**
 * The two OTLP encodings at the byte boundary: request bodies to decoded trees
 * (read by normalize.ts through the matching LeafCodec) and responses back to
 * bytes in the request's encoding.
 */
import { quoteLongIntegers } from './json-int64';
import { jsonLeaves, protobufLeaves, roundedJsonIntegers, type LeafCodec } from './leaves';
import { UNDATED_LIMITS, type DecodeLimits } from './limits';
import { MalformedRequest } from './malformed';
import { normalizeRequest, type NormalizedRequest } from './normalize';
import { otlpTypes } from './proto';
import { transcodeProtobuf } from './transcode';

export type Encoding = 'protobuf' | 'json';

export interface DecodedRequest {
  tree: unknown;
  leaves: LeafCodec;
}

/**
 * A request body to span rows: the one entry point of this stage. Throws
 * MalformedRequest. Without limits, spans of any date up to 2106 are kept.
 */
export function normalizeBody(body: Buffer, encoding: Encoding, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  if (encoding === 'protobuf') return transcodeProtobuf(body, limits);
  const text = body.toString('utf8');
  const before = roundedJsonIntegers();
  try {
    const result = normalizeRequest(parseJsonObject(text), jsonLeaves, limits);
    if (roundedJsonIntegers() === before) return result;
  } catch (err) {
    // A rounded number can itself make the request look malformed (2^63 - 1 becomes 2^63).
    if (roundedJsonIntegers() === before) throw err;
  }
  // Rare: a time or int sent as a bare number beyond 2^53. Read again, exactly.
  return normalizeRequest(parseJsonObject(quoteLongIntegers(text)), jsonLeaves, limits);
}

/** A request body as a decoded tree, for normalizeRequest; tests and the benchmark's baseline use it. */
export function decodeRequest(body: Buffer, encoding: Encoding): DecodedRequest {
  return encoding === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
}

function decodeProtobuf(body: Buffer): DecodedRequest {
  try {
    return { tree: otlpTypes().ExportTraceServiceRequest.decode(body), leaves: protobufLeaves };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MalformedRequest(`body is not a valid ExportTraceServiceRequest protobuf: ${reason}`, { cause: err });
  }
}

function decodeJson(body: Buffer): DecodedRequest {
  return { tree: parseJsonObject(body.toString('utf8')), leaves: jsonLeaves };
}

function parseJsonObject(text: string): object {
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MalformedRequest(`body is not valid JSON: ${reason}`, { cause: err });
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new MalformedRequest('body must be a JSON object (an ExportTraceServiceRequest)');
  }
  return tree;
}

/** What an OTLP response carries besides success itself. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
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
