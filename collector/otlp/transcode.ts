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
 * Rare shapes (array and map values, duplicate attribute keys) are decoded by
 * protobufjs and stringified by values.ts, so that logic exists once.
 */
import { isUtf8 } from 'node:buffer';
import { MalformedRequest } from './malformed';
import { otlpTypes } from './proto';
import { protobufLeaves } from './leaves';
import { anyValueText, attributesJson, doubleText } from './values';
import { SPAN_KINDS, STATUS_CODES } from '../store/columns';
import { recordRejection, type NormalizedRequest, type RejectReason, type Rejections } from './normalize';

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

const UNKNOWN_SERVICE = Buffer.from('"unknown_service"');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

/** A byte range [start, end) of the request; start < 0 means absent. */
interface Range {
  start: number;
  end: number;
}
const ABSENT: Range = { start: -1, end: -1 };

/** A cursor over the request's bytes. */
class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  fail(what: string): never {
    throw new MalformedRequest(`body is not a valid ExportTraceServiceRequest protobuf: ${what} (at byte ${this.pos})`);
  }

  /** A varint of up to 32 significant bits: tags, lengths, enums. */
  uint32(end: number): number {
    const [lo] = this.varint64(end);
    return lo;
  }

  /** A 64-bit varint as its low and high 32-bit halves. */
  varint64(end: number): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= end) this.fail('truncated varint');
      if (shift > 63) this.fail('varint longer than 10 bytes');
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
  }

  fixed64(end: number): [number, number] {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const halves: [number, number] = [this.buf.readUInt32LE(this.pos), this.buf.readUInt32LE(this.pos + 4)];
    this.pos += 8;
    return halves;
  }

  /** A length-delimited payload's range; pos moves past it. */
  delimited(end: number): Range {
    const length = this.uint32(end);
    const range = { start: this.pos, end: this.pos + length };
    if (range.end > end) this.fail('a length runs past the end of its message');
    this.pos = range.end;
    return range;
  }

  skip(wireType: number, end: number): void {
    if (wireType === VARINT) this.varint64(end);
    else if (wireType === LEN) this.delimited(end);
    else if (wireType === FIXED64 || wireType === FIXED32) {
      this.pos += wireType === FIXED64 ? 8 : 4;
      if (this.pos > end) this.fail('truncated fixed-size field');
    } else this.fail(`unsupported wire type ${wireType}`);
  }

  /** Calls visit(field, wireType) for each field of the message in [pos, end). */
  fields(end: number, visit: (field: number, wireType: number) => boolean): void {
    while (this.pos < end) {
      const tag = this.uint32(end);
      if (!visit(tag >>> 3, tag & 7)) this.skip(tag & 7, end);
    }
  }
}

/** Row bytes, growing as needed. */
class Output {
  buf = Buffer.allocUnsafe(256 * 1024);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Short ASCII text; a byte loop beats Buffer.write at these sizes. */
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  utf8(s: string): void {
    this.ensure(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(src: Buffer, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    // Buffer.copy has a fixed cost that dominates for the short strings of spans.
    if (n > 64) {
      this.pos += src.copy(this.buf, this.pos, start, end);
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) buf[pos++] = src[i]!;
    this.pos = pos;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * A protobuf string as a JSON literal, byte for byte what JSON.stringify writes for
 * the decoded string: '"', '\' and control characters escaped, other UTF-8 copied.
 * Invalid UTF-8 is refused, as protobufjs refuses it on the other path.
 */
function writeString(out: Output, r: Reader, range: Range): void {
  if (range.start < 0) {
    out.ascii('""');
    return;
  }
  const src = r.buf;
  const n = range.end - range.start;
  out.ensure(n + 2);
  const buf = out.buf;
  let pos = out.pos;
  buf[pos++] = QUOTE;
  // Copy while scanning; fall back at the first byte that needs escaping or UTF-8 checks.
  let i = range.start;
  for (; i < range.end; i++) {
    const b = src[i]!;
    if (b < 0x20 || b === QUOTE || b === BACKSLASH || b >= 0x80) break;
    buf[pos++] = b;
  }
  out.pos = pos;
  if (i < range.end) {
    if (!isUtf8(src.subarray(range.start, range.end))) r.fail('a string is not valid UTF-8');
    for (; i < range.end; i++) {
      const b = src[i]!;
      if (b === QUOTE || b === BACKSLASH) {
        out.byte(BACKSLASH);
        out.byte(b);
      } else if (b < 0x20) out.ascii(SHORT_ESCAPES[b] ?? `\\u00${b.toString(16).padStart(2, '0')}`);
      else out.byte(b);
    }
  }
  out.byte(QUOTE);
}

function isZero(buf: Buffer, range: Range): boolean {
  for (let i = range.start; i < range.end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** An id of `size` bytes, as lowercase hex; undefined when absent, of another size or all zero. */
function validId(buf: Buffer, range: Range, size: number): string | undefined {
  if (range.start < 0 || range.end - range.start !== size || isZero(buf, range)) return undefined;
  return buf.toString('hex', range.start, range.end);
}

function int64Text(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * 2 ** 32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** One AnyValue (the bytes in `value`) as a JSON string literal of its storage text. */
function writeAnyValue(out: Output, r: Reader, value: Range, where: string): void {
  let member = 0;
  let payload = ABSENT;
  let scalar: [number, number] = [0, 0];
  r.pos = value.start;
  r.fields(value.end, (field, wire) => {
    if ((field === 1 || field === 5 || field === 6 || field === 7) && wire === LEN) payload = r.delimited(value.end);
    else if ((field === 2 || field === 3) && wire === VARINT) scalar = r.varint64(value.end);
    else if (field === 4 && wire === FIXED64) scalar = r.fixed64(value.end);
    else return false;
    member = field;
    return true;
  });
  switch (member) {
    case 0:
      out.ascii('""');
      return;
    case 1:
      writeString(out, r, payload);
      return;
    case 2:
      out.ascii(scalar[0] !== 0 || scalar[1] !== 0 ? '"true"' : '"false"');
      return;
    case 3:
      out.ascii(`"${int64Text(scalar[0], scalar[1])}"`);
      return;
    case 4: {
      const bytes = Buffer.allocUnsafe(8);
      bytes.writeUInt32LE(scalar[0], 0);
      bytes.writeUInt32LE(scalar[1], 4);
      out.ascii(`"${doubleText(bytes.readDoubleLE(0))}"`);
      return;
    }
    case 7:
      out.ascii(`"${r.buf.toString('base64', payload.start, payload.end)}"`);
      return;
    default:
      out.utf8(JSON.stringify(anyValueText(decodeSlowly('AnyValue', r, value), protobufLeaves, where)));
  }
}

/** protobufjs for the rare shapes; its errors become this request's error. */
function decodeSlowly(type: 'AnyValue' | 'KeyValue', r: Reader, range: Range): unknown {
  try {
    return otlpTypes().root.lookupType(`opentelemetry.proto.common.v1.${type}`).decode(r.buf.subarray(range.start, range.end));
  } catch (err) {
    r.fail(`a ${type} cannot be decoded (${err instanceof Error ? err.message : String(err)})`);
  }
}

function sameBytes(buf: Buffer, a: Range, b: Range): boolean {
  const n = a.end - a.start;
  if (n !== b.end - b.start) return false;
  for (let i = 0; i < n; i++) if (buf[a.start + i] !== buf[b.start + i]) return false;
  return true;
}

/** A repeated KeyValue field (the ranges of its entries) as a JSON object for a Map column. */
function writeAttributes(out: Output, r: Reader, entries: Range[], where: string): void {
  const start = out.pos;
  const keys: Range[] = [];
  out.byte(0x7b);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    let key = ABSENT;
    let value = ABSENT;
    r.pos = entry.start;
    r.fields(entry.end, (field, wire) => {
      if (wire !== LEN || (field !== 1 && field !== 2)) return false;
      if (field === 1) key = r.delimited(entry.end);
      else value = r.delimited(entry.end);
      return true;
    });
    if (keys.some((k) => sameBytes(r.buf, k, key))) {
      // A duplicate key (rare): values.ts rebuilds the map keeping the last value, as pcommon.Map does.
      out.pos = start;
      const list = entries.map((e) => decodeSlowly('KeyValue', r, e));
      out.utf8(attributesJson(list, protobufLeaves, where));
      return;
    }
    keys.push(key);
    if (i > 0) out.byte(COMMA);
    writeString(out, r, key);
    out.byte(0x3a);
    if (value.start < 0) out.ascii('""');
    else writeAnyValue(out, r, value, `${where}[${i}].value`);
  }
  out.byte(0x7d);
}

/** The ranges of each occurrence of a repeated message field. */
function collect(list: Range[], r: Reader, end: number): true {
  list.push(r.delimited(end));
  return true;
}

/** ServiceName, ResourceAttributes: once per ResourceSpans. */
function resourcePart(r: Reader, resource: Range, where: string): Buffer {
  const attributes: Range[] = [];
  if (resource.start >= 0) {
    r.pos = resource.start;
    r.fields(resource.end, (field, wire) => field === 1 && wire === LEN && collect(attributes, r, resource.end));
  }
  const out = new Output();
  writeAttributes(out, r, attributes, `${where}.resource.attributes`);
  const map = out.result();
  // The map already holds the last service.name as text; read it back once per resource.
  const name = (JSON.parse(map.toString('utf8')) as Record<string, string>)['service.name'];
  const head = name ? Buffer.from(JSON.stringify(name)) : UNKNOWN_SERVICE;
  return Buffer.concat([head, Buffer.from(','), map, Buffer.from(',')]);
}

/** ServiceName, ResourceAttributes, ScopeName, ScopeVersion, and the comma after them. */
function scopePart(r: Reader, resource: Buffer, scope: Range): Buffer {
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
  const out = new Output();
  out.bytes(resource);
  writeString(out, r, name);
  out.byte(COMMA);
  writeString(out, r, version);
  out.byte(COMMA);
  return Buffer.from(out.result());
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
        case 1: f.traceId = r.delimited(span.end); return true;
        case 2: f.spanId = r.delimited(span.end); return true;
        case 3: f.traceState = r.delimited(span.end); return true;
        case 4: f.parentSpanId = r.delimited(span.end); return true;
        case 5: f.name = r.delimited(span.end); return true;
        case 9: return collect(f.attributes, r, span.end);
        case 11: return collect(f.events, r, span.end);
        case 13: return collect(f.links, r, span.end);
        case 15: f.status = r.delimited(span.end); return true;
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

/** Writes one span's row, or returns why it is rejected (and writes nothing). */
function writeSpan(out: Output, r: Reader, span: Range, shared: Buffer, where: string): RejectReason | undefined {
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
  out.bytes(shared);
  writeAttributes(out, r, f.attributes, `${where}.attributes`);
  writeStatusAndDuration(out, r, f.status, end - start);
  const eventsValid = writeEvents(out, r, f.events, `${where}.events`);
  const linksValid = writeLinks(out, r, f.links, `${where}.links`);
  out.ascii(']\n');

  let rejected: RejectReason | undefined;
  if (traceId === undefined) rejected = 'invalid_trace_id';
  else if (spanId === undefined) rejected = 'invalid_span_id';
  else if (parentSize !== 0 && parentSize !== 8) rejected = 'invalid_parent_span_id';
  else if (start === 0n || f.start[1] > 0x7fffffff || f.end[1] > 0x7fffffff || !eventsValid) rejected = 'invalid_timestamp';
  else if (end < start) rejected = 'end_before_start';
  else if (!linksValid) rejected = 'invalid_link';
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

/** Events.Timestamp, Events.Name, Events.Attributes; false when an event time is out of range. */
function writeEvents(out: Output, r: Reader, events: Range[], where: string): boolean {
  if (events.length === 0) {
    out.ascii('[],[],[],');
    return true;
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
  out.ascii(`[${parsed.map((e) => nanos(e.time).toString()).join(',')}],[`);
  parsed.forEach((e, i) => {
    if (i > 0) out.byte(COMMA);
    writeString(out, r, e.name);
  });
  out.ascii('],[');
  parsed.forEach((e, i) => {
    if (i > 0) out.byte(COMMA);
    writeAttributes(out, r, e.attributes, `${where}[${i}].attributes`);
  });
  out.ascii('],');
  return parsed.every((e) => e.time[1] <= 0x7fffffff);
}

/** Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes; false when a link id is invalid. */
function writeLinks(out: Output, r: Reader, links: Range[], where: string): boolean {
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
        case 1: traceId = r.delimited(link.end); return true;
        case 2: spanId = r.delimited(link.end); return true;
        case 3: traceState = r.delimited(link.end); return true;
        case 4: return collect(attributes, r, link.end);
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
    writeAttributes(out, r, l.attributes, `${where}[${i}].attributes`);
  });
  out.byte(0x5d);
  return parsed.every((l) => l.traceId !== undefined && l.spanId !== undefined);
}

/** An ExportTraceServiceRequest in protobuf to span rows. Throws MalformedRequest. */
export function transcodeProtobuf(body: Buffer): NormalizedRequest {
  const r = new Reader(body);
  const out = new Output();
  const rejections: Rejections = {};
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
    const resourceRow = resourcePart(r, resource, rsPath);
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
      const shared = scopePart(r, resourceRow, scope);
      spanRanges.forEach((span, i) => {
        const where = `${rsPath}.scopeSpans[${si}].spans[${i}]`;
        const reason = writeSpan(out, r, span, shared, where);
        if (reason === undefined) spans++;
        else {
          rejected++;
          recordRejection(rejections, reason, where);
        }
      });
    });
  });
  return { rows: { data: out.result(), spans }, rejected, rejections };
}
