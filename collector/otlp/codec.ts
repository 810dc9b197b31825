/**
 * The two OTLP encodings at the byte boundary: request bodies to decoded trees
 * (read by normalize.ts through the matching LeafCodec) and responses back to
 * bytes in the request's encoding.
 */
import { jsonLeaves, protobufLeaves, type LeafCodec } from './leaves';
import { MalformedRequest } from './malformed';
import { normalizeRequest, type NormalizedRequest } from './normalize';
import { otlpTypes } from './proto';
import { transcodeProtobuf } from './transcode';

export type Encoding = 'protobuf' | 'json';

export interface DecodedRequest {
  tree: unknown;
  leaves: LeafCodec;
}

/** A request body to span rows: the one entry point of this stage. Throws MalformedRequest. */
export function normalizeBody(body: Buffer, encoding: Encoding): NormalizedRequest {
  if (encoding === 'protobuf') return transcodeProtobuf(body);
  const { tree, leaves } = decodeJson(body);
  return normalizeRequest(tree, leaves);
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
  let tree: unknown;
  try {
    tree = JSON.parse(body.toString('utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MalformedRequest(`body is not valid JSON: ${reason}`, { cause: err });
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new MalformedRequest('body must be a JSON object (an ExportTraceServiceRequest)');
  }
  return { tree, leaves: jsonLeaves };
}

/** What an OTLP response carries besides success itself. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/**
 * An ExportTraceServiceResponse. partial_success is left out when nothing was
 * rejected, as the specification asks of a fully successful export.
 */
export function encodeResponse(partial: PartialSuccess | undefined, encoding: Encoding): Buffer {
  const body = partial && partial.rejectedSpans > 0 ? { partialSuccess: partial } : {};
  if (encoding === 'json') {
    const json = partial && partial.rejectedSpans > 0
      ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } }
      : {};
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
