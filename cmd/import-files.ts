/**
 * The files `hindsight import` reads, as the OTLP requests it sends: OTLP as the
 * OpenTelemetry Collector's file exporter and the SDK write it (one JSON request, JSON
 * lines, one protobuf request, or protobuf requests each preceded by its length, 4 bytes
 * big-endian), and Jaeger JSON (jaeger-file.ts). Each request knows its spans, so that
 * spans already stored can be left out of it before it is sent.
 */
import * as fs from 'node:fs';
import type * as protobuf from 'protobufjs';
import { otlpTypes } from '../collector/otlp/proto';
import { jaegerToOtlp, jaegerTraces } from './jaeger-file';

/** What identifies a copy of a span: ids and times (nanoseconds since the epoch). */
export interface SpanKey {
  traceId: string;
  spanId: string;
  startNs: bigint;
  endNs: bigint;
}

export interface ImportMessage {
  contentType: 'application/json' | 'application/x-protobuf';
  /** Where it came from, for messages: a file's name, or its format too. */
  format: 'OTLP JSON' | 'OTLP protobuf' | 'Jaeger JSON';
  spans: SpanKey[];
  /** Its times are whole microseconds (Jaeger JSON): compare stored spans at that precision. */
  microseconds: boolean;
  body: Buffer;
  /** The same request less the spans `drop` picks (a resource or scope left empty goes too). */
  without(drop: (span: SpanKey) => boolean): ImportMessage;
}

/** The resourceSpans → scopeSpans → spans shape both encodings share (decoded protobuf, OTLP/JSON). */
interface RequestShape<S> {
  resourceSpans?: { scopeSpans?: { spans?: S[] }[] }[] | null;
}

function spansIn<S>(request: RequestShape<S>): S[] {
  return (request.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
}

/** The request less the spans `drop` picks, as a new object; the original is left alone. */
function filtered<S, R extends RequestShape<S>>(request: R, drop: (span: S) => boolean): R {
  const resourceSpans = (request.resourceSpans ?? [])
    .map((r) => ({ ...r, scopeSpans: (r.scopeSpans ?? []).map((s) => ({ ...s, spans: (s.spans ?? []).filter((span) => !drop(span)) })).filter((s) => s.spans.length > 0) }))
    .filter((r) => r.scopeSpans.length > 0);
  return { ...request, resourceSpans };
}

interface JsonSpan {
  traceId?: unknown;
  spanId?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
}

const nanos = (value: unknown): bigint => {
  const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value === 'string' ? value : '';
  return /^\d+$/.test(text) ? BigInt(text) : -1n;
};

function jsonKey(span: JsonSpan): SpanKey {
  return { traceId: String(span.traceId ?? '').toLowerCase(), spanId: String(span.spanId ?? '').toLowerCase(), startNs: nanos(span.startTimeUnixNano), endNs: nanos(span.endTimeUnixNano) };
}

function jsonMessage(request: RequestShape<JsonSpan>, body: Buffer, format: 'OTLP JSON' | 'Jaeger JSON'): ImportMessage {
  const spans = spansIn(request);
  const keys = spans.map(jsonKey);
  return {
    contentType: 'application/json',
    format,
    spans: keys,
    microseconds: format === 'Jaeger JSON',
    body,
    without(drop) {
      const dropped = new Set(spans.filter((_span, i) => drop(keys[i]!)));
      const rest = filtered<JsonSpan, RequestShape<JsonSpan>>(request, (span) => dropped.has(span));
      return jsonMessage(rest, Buffer.from(JSON.stringify(rest)), format);
    },
  };
}

interface ProtoSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  startTimeUnixNano?: { toString(): string } | number;
  endTimeUnixNano?: { toString(): string } | number;
}

function protobufMessage(bytes: Buffer): ImportMessage {
  const type = otlpTypes().ExportTraceServiceRequest;
  const decoded = type.decode(bytes) as protobuf.Message & RequestShape<ProtoSpan>;
  return protoMessage(type, decoded, bytes);
}

function protoMessage(type: protobuf.Type, request: protobuf.Message & RequestShape<ProtoSpan>, body: Buffer): ImportMessage {
  const spans = spansIn(request);
  const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
  const keys = spans.map((s) => ({ traceId: hex(s.traceId), spanId: hex(s.spanId), startNs: nanos(String(s.startTimeUnixNano ?? '')), endNs: nanos(String(s.endTimeUnixNano ?? '')) }));
  return {
    contentType: 'application/x-protobuf',
    format: 'OTLP protobuf',
    spans: keys,
    microseconds: false,
    body,
    without(drop) {
      const dropped = new Set(spans.filter((_span, i) => drop(keys[i]!)));
      const rest = type.fromObject(filtered<ProtoSpan, RequestShape<ProtoSpan>>(request, (span) => dropped.has(span))) as protobuf.Message & RequestShape<ProtoSpan>;
      return protoMessage(type, rest, Buffer.from(type.encode(rest).finish()));
    },
  };
}

/** One JSON document: OTLP (resourceSpans) or Jaeger; anything else is refused, naming both. */
function jsonDocument(text: string, document: unknown): ImportMessage {
  if (typeof document === 'object' && document !== null && Array.isArray((document as RequestShape<JsonSpan>).resourceSpans)) {
    return jsonMessage(document as RequestShape<JsonSpan>, Buffer.from(text), 'OTLP JSON');
  }
  const traces = jaegerTraces(document);
  if (traces !== undefined) {
    const request = jaegerToOtlp(traces);
    return jsonMessage(request, Buffer.from(JSON.stringify(request)), 'Jaeger JSON');
  }
  throw new Error('neither OTLP JSON (an object with resourceSpans) nor Jaeger JSON (traces with spans, as `hindsight export --format jaeger` writes)');
}

export function readImportFile(path: string): ImportMessage[] {
  const data = fs.readFileSync(path);
  // By extension, else by the first byte: a protobuf request starts with 0x0a, JSON with '{' or '['.
  const json = /\.(json|jsonl|ndjson)$/i.test(path) || (!/\.(pb|binpb|bin|proto)$/i.test(path) && (data[0] === 0x7b || data[0] === 0x5b));
  if (json) {
    const whole = data.toString('utf8');
    let document: unknown;
    try {
      document = JSON.parse(whole);
    } catch {
      // JSON lines: one OTLP request per line, as the Collector's file exporter writes.
      return whole
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line, i) => {
          try {
            return jsonDocument(line, JSON.parse(line));
          } catch (err) {
            throw new Error(`line ${i + 1}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
          }
        });
    }
    return [jsonDocument(whole, document)];
  }
  const framed: ImportMessage[] = [];
  for (let at = 0; at + 4 <= data.length;) {
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) {
      framed.length = 0;
      break;
    }
    try {
      framed.push(protobufMessage(data.subarray(at + 4, at + 4 + length)));
    } catch {
      framed.length = 0;
      break;
    }
    at += 4 + length;
    if (at === data.length) return framed;
  }
  return [protobufMessage(data)];
}
