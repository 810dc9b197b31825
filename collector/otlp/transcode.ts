/**
 * OTLP protobuf straight to span rows: the wire bytes of an ExportTraceServiceRequest
 * are read once and the JSONCompactEachRow row bytes are written as they are read,
 * with no decoded message objects and, for ASCII strings, no JS strings either.
 *
 * Why not decode with protobufjs and walk the tree as the JSON path does: measured
 * under load on SDK-made requests, building and collecting those objects took
 * most of the collector's own CPU. This module must write exactly the bytes
 * normalizeRequest writes for the same spans; a test holds the two to that.
 *
 * Attribute lists are written by transcode-attributes.ts. Work is linear in the
 * body, and the parts written once per resource or scope allocate little: a body
 * of 65,536 empty ResourceSpans (256 KiB) took 2.7 s before, 44 ms now.
 */
import { SPAN_KINDS, STATUS_CODES } from '../../storage/columns';
import { UNDATED_LIMITS, type DecodeLimits } from './limits';
import { droppedAttributes, recordRejection, spanVerdict, type NormalizedRequest, type RejectReason, type Rejections } from './normalize';
import { writeAttributes } from './transcode-attributes';
import { AttributeCap } from './values';
import { ABSENT, checkString, collect, COMMA, FIXED64, LEN, Output, Reader, VARINT, writeString, type Range } from './wire';

const UNKNOWN_SERVICE = Buffer.from('"unknown_service"');
const SERVICE_NAME_KEY = Buffer.from('"service.name"');
const COMMA_BYTES = Buffer.from(',');
/** ServiceName and ResourceAttributes of a resource without attributes. */
const NO_RESOURCE = Buffer.concat([UNKNOWN_SERVICE, Buffer.from(',{},')]);

function isZero(buf: Buffer, range: Range): boolean {
  for (let i = range.start; i < range.end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** An id of `size` bytes, as lowercase hex; undefined when absent, of another size or all zero. */
function validId(buf: Buffer, range: Range, size: number): string | undefined {
  if (range.start < 0 || range.end - range.start !== size || isZero(buf, range)) return undefined;
  return buf.toString('hex', range.start, range.end);
}

/** ServiceName, ResourceAttributes: once per ResourceSpans. */
function resourcePart(r: Reader, resource: Range, where: string, cap: AttributeCap): Buffer {
  const attributes: Range[] = [];
  if (resource.start >= 0) {
    r.pos = resource.start;
    r.fields(resource.end, (field, wire) => field === 1 && wire === LEN && collect(attributes, r, resource.end));
  }
  if (attributes.length === 0) return NO_RESOURCE;
  const out = new Output(256);
  writeAttributes(out, r, attributes, `${where}.resource.attributes`, cap);
  const map = out.result();
  // The map already holds the last service.name as text; read it back once per resource.
  const name = map.includes(SERVICE_NAME_KEY) ? (JSON.parse(map.toString('utf8')) as Record<string, string>)['service.name'] : undefined;
  const head = name ? Buffer.from(JSON.stringify(name)) : UNKNOWN_SERVICE;
  return Buffer.concat([head, COMMA_BYTES, map, COMMA_BYTES]);
}

/** An InstrumentationScope's name and version. */
function readScope(r: Reader, scope: Range): { name: Range; version: Range } {
  let name = ABSENT;
  let version = ABSENT;
  if (scope.start >= 0) {
    r.pos = scope.start;
    r.fields(scope.end, (field, wire) => {
      if (wire !== LEN || (field !== 1 && field !== 2)) return false;
      if (field === 1) name = r.delimited(scope.end);
      else version = r.delimited(scope.end);
      return true;
    });
  }
  return { name, version };
}

/** ServiceName, ResourceAttributes, ScopeName, ScopeVersion, and the comma after them. */
function scopePart(r: Reader, resource: Buffer, { name, version }: { name: Range; version: Range }): Buffer {
  const out = new Output(resource.length + 64);
  out.bytes(resource);
  writeString(out, r, name);
  out.byte(COMMA);
  writeString(out, r, version);
  out.byte(COMMA);
  return out.result();
}

/** The fields of one span, as ranges and numbers, before any is written. */
interface SpanFields {
  traceId: Range;
  spanId: Range;
  traceState: Range;
  parentSpanId: Range;
  name: Range;
  kind: number;
  start: [number, number];
  end: [number, number];
  attributes: Range[];
  events: Range[];
  links: Range[];
  status: Range;
}

function readSpan(r: Reader, span: Range): SpanFields {
  const f: SpanFields = {
    traceId: ABSENT,
    spanId: ABSENT,
    traceState: ABSENT,
    parentSpanId: ABSENT,
    name: ABSENT,
    kind: 0,
    start: [0, 0],
    end: [0, 0],
    attributes: [],
    events: [],
    links: [],
    status: ABSENT,
  };
  r.pos = span.start;
  r.fields(span.end, (field, wire) => {
    if (wire === LEN) {
      switch (field) {
        case 1:
          f.traceId = r.delimited(span.end);
          return true;
        case 2:
          f.spanId = r.delimited(span.end);
          return true;
        case 3:
          f.traceState = r.delimited(span.end);
          return true;
        case 4:
          f.parentSpanId = r.delimited(span.end);
          return true;
        case 5:
          f.name = r.delimited(span.end);
          return true;
        case 9:
          return collect(f.attributes, r, span.end);
        case 11:
          return collect(f.events, r, span.end);
        case 13:
          return collect(f.links, r, span.end);
        case 15:
          f.status = r.delimited(span.end);
          return true;
      }
    } else if (wire === FIXED64 && (field === 7 || field === 8)) {
      if (field === 7) f.start = r.fixed64(span.end);
      else f.end = r.fixed64(span.end);
      return true;
    } else if (wire === VARINT && field === 6) {
      f.kind = r.uint32(span.end);
      return true;
    }
    return false;
  });
  return f;
}

function nanos([lo, hi]: [number, number]): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** What the spans of one ScopeSpans are written with. */
interface SpanContext {
  /** The row bytes from ServiceName to ScopeVersion, the same for each span. */
  shared: Buffer;
  cap: AttributeCap;
  limits: DecodeLimits;
}

/** Writes one span's row, or returns why it is rejected (and writes nothing). */
function writeSpan(out: Output, r: Reader, span: Range, context: SpanContext, where: string): RejectReason | undefined {
  const { cap } = context;
  const f = readSpan(r, span);
  const traceId = validId(r.buf, f.traceId, 16);
  const spanId = validId(r.buf, f.spanId, 8);
  const parentSize = f.parentSpanId.start < 0 ? 0 : f.parentSpanId.end - f.parentSpanId.start;
  const start = nanos(f.start);
  const end = nanos(f.end);
  const rowStart = out.pos;
  // Everything is written before ids are judged, so that a malformed span anywhere
  // makes the request malformed, as on the JSON path.
  out.ascii(`[${start},"${traceId}","${spanId}","${parentSize === 0 ? '' : r.buf.toString('hex', f.parentSpanId.start, f.parentSpanId.end)}",`);
  writeString(out, r, f.traceState);
  out.byte(COMMA);
  writeString(out, r, f.name);
  out.ascii(`,"${SPAN_KINDS[f.kind] ?? 'Unspecified'}",`);
  out.bytes(context.shared);
  writeAttributes(out, r, f.attributes, `${where}.attributes`, cap);
  writeStatusAndDuration(out, r, f.status, end - start);
  const lastEvent = writeEvents(out, r, f.events, `${where}.events`, cap);
  const linksValid = writeLinks(out, r, f.links, `${where}.links`, cap);
  out.ascii(']\n');

  const rejected = spanVerdict({
    traceIdValid: traceId !== undefined,
    spanIdValid: spanId !== undefined,
    parentValid: parentSize === 0 || parentSize === 8,
    start,
    end,
    lastEvent,
    linksValid,
    limits: context.limits,
  });
  if (rejected !== undefined) out.pos = rowStart;
  return rejected;
}

/** Duration, StatusCode, StatusMessage. */
function writeStatusAndDuration(out: Output, r: Reader, status: Range, duration: bigint): void {
  let code = 0;
  let message = ABSENT;
  if (status.start >= 0) {
    r.pos = status.start;
    r.fields(status.end, (field, wire) => {
      if (field === 3 && wire === VARINT) code = r.uint32(status.end);
      else if (field === 2 && wire === LEN) message = r.delimited(status.end);
      else return false;
      return true;
    });
  }
  out.ascii(`,${duration},"${STATUS_CODES[code] ?? 'Unset'}",`);
  writeString(out, r, message);
  out.byte(COMMA);
}

/** Events.Timestamp, Events.Name, Events.Attributes; returns the latest event time (0n without events). */
function writeEvents(out: Output, r: Reader, events: Range[], where: string, cap: AttributeCap): bigint {
  if (events.length === 0) {
    out.ascii('[],[],[],');
    return 0n;
  }
  const parsed = events.map((event) => {
    let time: [number, number] = [0, 0];
    let name = ABSENT;
    const attributes: Range[] = [];
    r.pos = event.start;
    r.fields(event.end, (field, wire) => {
      if (field === 1 && wire === FIXED64) time = r.fixed64(event.end);
      else if (field === 2 && wire === LEN) name = r.delimited(event.end);
      else if (field === 3 && wire === LEN) return collect(attributes, r, event.end);
      else return false;
      return true;
    });
    return { time, name, attributes };
  });
  const times = parsed.map((e) => nanos(e.time));
  out.ascii(`[${times.join(',')}],[`);
  parsed.forEach((e, i) => {
    if (i > 0) out.byte(COMMA);
    writeString(out, r, e.name);
  });
  out.ascii('],[');
  parsed.forEach((e, i) => {
    if (i > 0) out.byte(COMMA);
    writeAttributes(out, r, e.attributes, `${where}[${i}].attributes`, cap);
  });
  out.ascii('],');
  return times.reduce((last, t) => (t > last ? t : last), 0n);
}

/** Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes; false when a link id is invalid. */
function writeLinks(out: Output, r: Reader, links: Range[], where: string, cap: AttributeCap): boolean {
  if (links.length === 0) {
    out.ascii('[],[],[],[]');
    return true;
  }
  const parsed = links.map((link) => {
    let traceId = ABSENT;
    let spanId = ABSENT;
    let traceState = ABSENT;
    const attributes: Range[] = [];
    r.pos = link.start;
    r.fields(link.end, (field, wire) => {
      if (wire !== LEN) return false;
      switch (field) {
        case 1:
          traceId = r.delimited(link.end);
          return true;
        case 2:
          spanId = r.delimited(link.end);
          return true;
        case 3:
          traceState = r.delimited(link.end);
          return true;
        case 4:
          return collect(attributes, r, link.end);
      }
      return false;
    });
    return { traceId: validId(r.buf, traceId, 16), spanId: validId(r.buf, spanId, 8), traceState, attributes };
  });
  out.ascii(`[${parsed.map((l) => `"${l.traceId}"`).join(',')}],[${parsed.map((l) => `"${l.spanId}"`).join(',')}],[`);
  parsed.forEach((l, i) => {
    if (i > 0) out.byte(COMMA);
    writeString(out, r, l.traceState);
  });
  out.ascii('],[');
  parsed.forEach((l, i) => {
    if (i > 0) out.byte(COMMA);
    writeAttributes(out, r, l.attributes, `${where}[${i}].attributes`, cap);
  });
  out.byte(0x5d);
  return parsed.every((l) => l.traceId !== undefined && l.spanId !== undefined);
}

/** An ExportTraceServiceRequest in protobuf to span rows. Throws MalformedRequest. */
export function transcodeProtobuf(body: Buffer, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  const r = new Reader(body);
  const out = new Output();
  const rejections: Rejections = {};
  const cap = new AttributeCap(limits.maxAttributes);
  let spans = 0;
  let rejected = 0;

  const resourceSpans: Range[] = [];
  r.fields(body.length, (field, wire) => field === 1 && wire === LEN && collect(resourceSpans, r, body.length));
  resourceSpans.forEach((rs, ri) => {
    const rsPath = `resourceSpans[${ri}]`;
    let resource = ABSENT;
    const scopeSpans: Range[] = [];
    r.pos = rs.start;
    r.fields(rs.end, (field, wire) => {
      if (wire !== LEN) return false;
      if (field === 1) resource = r.delimited(rs.end);
      else if (field === 2) return collect(scopeSpans, r, rs.end);
      else return false;
      return true;
    });
    const resourceRow = resourcePart(r, resource, rsPath, cap);
    scopeSpans.forEach((ss, si) => {
      let scope = ABSENT;
      const spanRanges: Range[] = [];
      r.pos = ss.start;
      r.fields(ss.end, (field, wire) => {
        if (wire !== LEN) return false;
        if (field === 1) scope = r.delimited(ss.end);
        else if (field === 2) return collect(spanRanges, r, ss.end);
        else return false;
        return true;
      });
      const scopeFields = readScope(r, scope);
      if (spanRanges.length === 0) {
        // Nothing to write, but the same request must still be refused on both paths.
        checkString(r, scopeFields.name);
        checkString(r, scopeFields.version);
        return;
      }
      const context: SpanContext = { shared: scopePart(r, resourceRow, scopeFields), cap, limits };
      spanRanges.forEach((span, i) => {
        const where = `${rsPath}.scopeSpans[${si}].spans[${i}]`;
        const mark = cap.mark();
        const reason = writeSpan(out, r, span, context, where);
        if (reason === undefined) spans++;
        else {
          cap.reset(mark);
          rejected++;
          recordRejection(rejections, reason, where);
        }
      });
    });
  });
  return { rows: { data: out.result(), spans }, rejected, rejections, droppedAttributes: droppedAttributes(cap) };
}
