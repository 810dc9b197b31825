/**
 * The protobuf fast path: the wire bytes of an ExportTraceServiceRequest are read
 * once and each span is written into the Native column buffers of its day's
 * insert block (storage/span-block.ts) as it is read, with no decoded message
 * objects, no row text and, for strings, no JS strings either: a string's bytes
 * are checked as UTF-8 and copied.
 *
 * Why not decode with protobufjs and walk the tree as the JSON path does: measured
 * under load on SDK-made requests, building and collecting those objects took
 * most of the collector's own CPU. This module must store exactly the values
 * normalize.ts stores for the same spans; an integration test holds the two to
 * that, column by column (tests/integration/native-equivalence.test.ts).
 *
 * Each message is read through its field map below (field numbers in fields.ts);
 * attribute lists are written by transcode-attributes.ts. Work is linear in the
 * body, and the parts written once per resource or scope allocate little: a body
 * of 65,536 empty ResourceSpans (256 KiB) took 2.7 s before, 44 ms now.
 */
import { SPAN_KINDS, STATUS_CODES } from '../../storage/columns';
import { encoded, type ColumnBuffer } from '../../storage/native';
import { DayBlocks, EMPTY_MAP, MapColumn, SpanBlock, type EncodedMap } from '../../storage/span-block';
import * as F from './fields';
import { UNDATED_LIMITS, type DecodeLimits } from './limits';
import { judgeSpan, RequestTally, UNKNOWN_SERVICE, type NormalizedRequest, type SpanFacts } from './span-rules';
import { writeAttributes, writeString } from './transcode-attributes';
import { AttributeCap } from './values';
import { checkUtf8 } from './wire/utf8';
import { ABSENT, FIXED64, fieldMap, LEN, Reader, VARINT, type Range } from './wire/reader';

/** The fields of each message that rows are made of, as ranges of the request and numbers. */
interface RequestFields {
  resourceSpans: Range[];
}
interface ResourceSpansFields {
  resource: Range;
  scopeSpans: Range[];
}
interface ResourceFields {
  attributes: Range[];
}
interface ScopeSpansFields {
  scope: Range;
  spans: Range[];
}
interface ScopeFields {
  name: Range;
  version: Range;
}
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
interface StatusFields {
  message: Range;
  code: number;
}
interface EventFields {
  time: [number, number];
  name: Range;
  attributes: Range[];
}
interface LinkFields {
  traceId: Range;
  spanId: Range;
  traceState: Range;
  attributes: Range[];
}

const REQUEST = fieldMap<RequestFields>({
  [F.ExportTraceServiceRequest.RESOURCE_SPANS]: [LEN, (r, end, m) => m.resourceSpans.push(r.delimited(end))],
});
const RESOURCE_SPANS = fieldMap<ResourceSpansFields>({
  [F.ResourceSpans.RESOURCE]: [LEN, (r, end, m) => (m.resource = r.delimited(end))],
  [F.ResourceSpans.SCOPE_SPANS]: [LEN, (r, end, m) => m.scopeSpans.push(r.delimited(end))],
});
const RESOURCE = fieldMap<ResourceFields>({
  [F.Resource.ATTRIBUTES]: [LEN, (r, end, m) => m.attributes.push(r.delimited(end))],
});
const SCOPE_SPANS = fieldMap<ScopeSpansFields>({
  [F.ScopeSpans.SCOPE]: [LEN, (r, end, m) => (m.scope = r.delimited(end))],
  [F.ScopeSpans.SPANS]: [LEN, (r, end, m) => m.spans.push(r.delimited(end))],
});
const SCOPE = fieldMap<ScopeFields>({
  [F.InstrumentationScope.NAME]: [LEN, (r, end, m) => (m.name = r.delimited(end))],
  [F.InstrumentationScope.VERSION]: [LEN, (r, end, m) => (m.version = r.delimited(end))],
});
const SPAN = fieldMap<SpanFields>({
  [F.Span.TRACE_ID]: [LEN, (r, end, m) => (m.traceId = r.delimited(end))],
  [F.Span.SPAN_ID]: [LEN, (r, end, m) => (m.spanId = r.delimited(end))],
  [F.Span.TRACE_STATE]: [LEN, (r, end, m) => (m.traceState = r.delimited(end))],
  [F.Span.PARENT_SPAN_ID]: [LEN, (r, end, m) => (m.parentSpanId = r.delimited(end))],
  [F.Span.NAME]: [LEN, (r, end, m) => (m.name = r.delimited(end))],
  [F.Span.KIND]: [VARINT, (r, end, m) => (m.kind = r.uint32(end))],
  [F.Span.START_TIME_UNIX_NANO]: [FIXED64, (r, end, m) => (m.start = r.fixed64(end))],
  [F.Span.END_TIME_UNIX_NANO]: [FIXED64, (r, end, m) => (m.end = r.fixed64(end))],
  [F.Span.ATTRIBUTES]: [LEN, (r, end, m) => m.attributes.push(r.delimited(end))],
  [F.Span.EVENTS]: [LEN, (r, end, m) => m.events.push(r.delimited(end))],
  [F.Span.LINKS]: [LEN, (r, end, m) => m.links.push(r.delimited(end))],
  [F.Span.STATUS]: [LEN, (r, end, m) => (m.status = r.delimited(end))],
});
const STATUS = fieldMap<StatusFields>({
  [F.Status.MESSAGE]: [LEN, (r, end, m) => (m.message = r.delimited(end))],
  [F.Status.CODE]: [VARINT, (r, end, m) => (m.code = r.uint32(end))],
});
const EVENT = fieldMap<EventFields>({
  [F.SpanEvent.TIME_UNIX_NANO]: [FIXED64, (r, end, m) => (m.time = r.fixed64(end))],
  [F.SpanEvent.NAME]: [LEN, (r, end, m) => (m.name = r.delimited(end))],
  [F.SpanEvent.ATTRIBUTES]: [LEN, (r, end, m) => m.attributes.push(r.delimited(end))],
});
const LINK = fieldMap<LinkFields>({
  [F.SpanLink.TRACE_ID]: [LEN, (r, end, m) => (m.traceId = r.delimited(end))],
  [F.SpanLink.SPAN_ID]: [LEN, (r, end, m) => (m.spanId = r.delimited(end))],
  [F.SpanLink.TRACE_STATE]: [LEN, (r, end, m) => (m.traceState = r.delimited(end))],
  [F.SpanLink.ATTRIBUTES]: [LEN, (r, end, m) => m.attributes.push(r.delimited(end))],
});

/** An id as lowercase hex, '' when absent: as the probe names it. */
function idHex(r: Reader, range: Range): string {
  return range.start < 0 ? '' : r.buf.toString('hex', range.start, range.end);
}

/** A parent span id judged as validParentSpanId judges its hex: absent, empty or 8 bytes. */
function validParentBytes(range: Range): boolean {
  return range.start < 0 || range.end - range.start === 0 || range.end - range.start === 8;
}

/** An id as a String value of lowercase hex, '' when absent. */
function writeId(out: ColumnBuffer, r: Reader, range: Range): void {
  if (range.start < 0) out.varUInt(0);
  else out.hex(r.buf, range.start, range.end);
}

/** An id judged as validTraceId/validSpanId judge its hex, from its bytes: `size` bytes, not all zero. */
function validIdBytes(r: Reader, range: Range, size: number): boolean {
  if (range.start < 0 || range.end - range.start !== size) return false;
  for (let i = range.start; i < range.end; i++) if (r.buf[i] !== 0) return true;
  return false;
}

function nanos([lo, hi]: [number, number]): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A value's String bytes (length and text), to copy into each row that carries it. */
const textBytes = (s: string): Buffer => encoded((out) => out.text(s));
const UNKNOWN_SERVICE_BYTES = textBytes(UNKNOWN_SERVICE);
const EMPTY_STRING = textBytes('');
const KIND_BYTES = SPAN_KINDS.map(textBytes);
const UNSPECIFIED_KIND = textBytes('Unspecified');
const STATUS_BYTES = STATUS_CODES.map(textBytes);
const UNSET_STATUS = textBytes('Unset');
const SERVICE_NAME_KEY = Buffer.from('service.name');

/** ServiceName and ResourceAttributes, encoded once per ResourceSpans. */
interface ResourcePart {
  serviceName: Buffer;
  attributes: EncodedMap;
}

const NO_RESOURCE: ResourcePart = { serviceName: UNKNOWN_SERVICE_BYTES, attributes: EMPTY_MAP };

/** ServiceName, ResourceAttributes: once per ResourceSpans, written through `scratch` (shared by the request's resources). */
function resourcePart(r: Reader, resource: Range, where: string, cap: AttributeCap, scratch: MapColumn): ResourcePart {
  const attributes: Range[] = [];
  if (resource.start >= 0) r.message(resource, RESOURCE, { attributes });
  if (attributes.length === 0) return NO_RESOURCE;
  scratch.clear();
  writeAttributes(scratch, r, attributes, `${where}.resource.attributes`, cap);
  const map = scratch.encoded();
  return { serviceName: serviceNameOf(map) ?? UNKNOWN_SERVICE_BYTES, attributes: map };
}

/** Reads an unsigned LEB128 at `pos` of `buf`: [value, position after it]. */
function readVarUInt(buf: Buffer, pos: number): [number, number] {
  let n = 0;
  for (let shift = 1; ; shift *= 128) {
    const b = buf[pos++]!;
    n += (b & 0x7f) * shift;
    if (b < 0x80) return [n, pos];
  }
}

/** The String bytes of the service.name entry of a deduplicated map, undefined when it has none or it is ''. */
function serviceNameOf(map: EncodedMap): Buffer | undefined {
  let keyPos = 0;
  let valuePos = 0;
  for (let i = 0; i < map.count; i++) {
    const [keyLength, keyStart] = readVarUInt(map.keys, keyPos);
    const [valueLength, valueStart] = readVarUInt(map.values, valuePos);
    const value = map.values.subarray(valuePos, valueStart + valueLength);
    keyPos = keyStart + keyLength;
    valuePos = valueStart + valueLength;
    if (keyLength === SERVICE_NAME_KEY.length && SERVICE_NAME_KEY.equals(map.keys.subarray(keyStart, keyPos))) return valueLength === 0 ? undefined : value;
  }
  return undefined;
}

/** An InstrumentationScope's name and version. */
function readScope(r: Reader, scope: Range): ScopeFields {
  const fields: ScopeFields = { name: ABSENT, version: ABSENT };
  return scope.start < 0 ? fields : r.message(scope, SCOPE, fields);
}

function readSpan(r: Reader, span: Range): SpanFields {
  return r.message<SpanFields>(span, SPAN, {
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
  });
}

/** What the spans of one ScopeSpans are written with. */
interface SpanContext {
  resource: ResourcePart;
  scopeName: Buffer;
  scopeVersion: Buffer;
  days: DayBlocks;
  /** Where a span bound to be rejected is written, so that it opens no day block (see blockFor). */
  rejects: SpanBlock;
  tally: RequestTally;
  limits: DecodeLimits;
  /** The request's probe span so far (RequestTally.stored), whose ids are made hex once, at the end. */
  probe: { span: SpanFields | undefined };
}

/**
 * The block a span is written into: its day's, unless its ids and times already
 * reject it, whatever its events and links hold. A span can start on any day, and
 * each day's block costs some kilobytes before a row is in it: without this, a
 * body of spans bound for rejection, each on its own day, would allocate a block
 * each.
 */
function blockFor(facts: SpanFacts, context: SpanContext): SpanBlock {
  return judgeSpan(facts, context.limits) === undefined ? context.days.blockFor(facts.start) : context.rejects;
}

/** Writes one span's row, or, when it is rejected, takes back what it wrote; either way counts it. */
function writeSpan(r: Reader, span: Range, context: SpanContext, where: string): void {
  const { tally } = context;
  const cap = tally.cap;
  const mark = cap.mark();
  const f = readSpan(r, span);
  const start = nanos(f.start);
  const facts: SpanFacts = {
    traceIdValid: validIdBytes(r, f.traceId, 16),
    spanIdValid: validIdBytes(r, f.spanId, 8),
    parentSpanIdValid: validParentBytes(f.parentSpanId),
    start,
    end: nanos(f.end),
    lastEvent: 0n,
    linksValid: true,
  };
  const b = blockFor(facts, context);
  b.mark();
  // Everything is written before the span is judged, so that a malformed span
  // anywhere makes the request malformed, as on the JSON path.
  b.timestamp.int64(f.start[0], f.start[1]);
  writeId(b.traceId, r, f.traceId);
  writeId(b.spanId, r, f.spanId);
  writeId(b.parentSpanId, r, f.parentSpanId);
  writeString(b.traceState, r, f.traceState);
  writeString(b.spanName, r, f.name);
  b.spanKind.raw(KIND_BYTES[f.kind] ?? UNSPECIFIED_KIND);
  b.serviceName.raw(context.resource.serviceName);
  b.resourceAttributes.repeat(context.resource.attributes);
  b.scopeName.raw(context.scopeName);
  b.scopeVersion.raw(context.scopeVersion);
  writeAttributes(b.spanAttributes, r, f.attributes, `${where}.attributes`, cap);
  writeDuration(b.duration, f.start, f.end);
  writeStatus(b, r, f.status);
  facts.lastEvent = writeEvents(b, r, f.events, `${where}.events`, cap);
  facts.linksValid = writeLinks(b, r, f.links, `${where}.links`, cap);
  b.endRow();

  const rejected = judgeSpan(facts, context.limits);
  if (rejected === undefined) {
    if (tally.stored(start)) context.probe.span = f;
  } else {
    b.rollback();
    tally.refused(rejected, where, mark);
  }
}

/**
 * Duration: end - start in nanoseconds, from their halves. A stored span has
 * start <= end < 2^63 (judgeSpan), so this is the exact difference the JSON path
 * writes; what it writes for a rejected span is taken back.
 */
function writeDuration(out: ColumnBuffer, [startLo, startHi]: [number, number], [endLo, endHi]: [number, number]): void {
  const borrow = endLo < startLo ? 1 : 0;
  out.int64(endLo - startLo + borrow * 0x1_0000_0000, endHi - startHi - borrow);
}

/** StatusCode, StatusMessage. */
function writeStatus(b: SpanBlock, r: Reader, status: Range): void {
  const fields: StatusFields = { message: ABSENT, code: 0 };
  const { code, message } = status.start < 0 ? fields : r.message(status, STATUS, fields);
  b.statusCode.raw(STATUS_BYTES[code] ?? UNSET_STATUS);
  writeString(b.statusMessage, r, message);
}

/** Events.Timestamp, Events.Name, Events.Attributes; returns the latest event time (0n without events). */
function writeEvents(b: SpanBlock, r: Reader, events: Range[], where: string, cap: AttributeCap): bigint {
  let last = 0n;
  for (let i = 0; i < events.length; i++) {
    const e = r.message<EventFields>(events[i]!, EVENT, { time: [0, 0], name: ABSENT, attributes: [] });
    const time = nanos(e.time);
    if (time > last) last = time;
    b.eventTimestamp.int64(e.time[0], e.time[1]);
    writeString(b.eventName, r, e.name);
    writeAttributes(b.eventAttributes, r, e.attributes, `${where}[${i}].attributes`, cap);
    b.events.elements++;
  }
  return last;
}

/** Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes; false when a link id is invalid. */
function writeLinks(b: SpanBlock, r: Reader, links: Range[], where: string, cap: AttributeCap): boolean {
  let valid = true;
  for (let i = 0; i < links.length; i++) {
    const l = r.message<LinkFields>(links[i]!, LINK, { traceId: ABSENT, spanId: ABSENT, traceState: ABSENT, attributes: [] });
    if (!validIdBytes(r, l.traceId, 16) || !validIdBytes(r, l.spanId, 8)) valid = false;
    writeId(b.linkTraceId, r, l.traceId);
    writeId(b.linkSpanId, r, l.spanId);
    writeString(b.linkTraceState, r, l.traceState);
    writeAttributes(b.linkAttributes, r, l.attributes, `${where}[${i}].attributes`, cap);
    b.links.elements++;
  }
  return valid;
}

/** A scope's name or version as String bytes, read once per ScopeSpans. */
function scopeString(r: Reader, range: Range): Buffer {
  if (range.start < 0) return EMPTY_STRING;
  checkUtf8(r, range);
  return encoded((out) => out.string(r.buf, range.start, range.end));
}

/** An ExportTraceServiceRequest in protobuf to span rows. Throws MalformedRequest. */
export function transcodeProtobuf(body: Buffer, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  const r = new Reader(body);
  const days = new DayBlocks();
  const tally = new RequestTally(new AttributeCap(limits.maxAttributes));
  let rejects: SpanBlock | undefined;
  let scratch: MapColumn | undefined;
  const probe: SpanContext['probe'] = { span: undefined };

  const { resourceSpans } = r.message<RequestFields>({ start: 0, end: body.length }, REQUEST, { resourceSpans: [] });
  resourceSpans.forEach((rs, ri) => {
    const rsPath = `resourceSpans[${ri}]`;
    const { resource, scopeSpans } = r.message<ResourceSpansFields>(rs, RESOURCE_SPANS, { resource: ABSENT, scopeSpans: [] });
    const resourceRow = resourcePart(r, resource, rsPath, tally.cap, (scratch ??= new MapColumn()));
    scopeSpans.forEach((ss, si) => {
      const { scope, spans } = r.message<ScopeSpansFields>(ss, SCOPE_SPANS, { scope: ABSENT, spans: [] });
      const scopeFields = readScope(r, scope);
      if (spans.length === 0) {
        // Nothing to write, but the same request must still be refused on both paths.
        checkUtf8(r, scopeFields.name);
        checkUtf8(r, scopeFields.version);
        return;
      }
      const context: SpanContext = {
        resource: resourceRow,
        scopeName: scopeString(r, scopeFields.name),
        scopeVersion: scopeString(r, scopeFields.version),
        days,
        rejects: (rejects ??= SpanBlock.take()),
        tally,
        limits,
        probe,
      };
      spans.forEach((span, i) => writeSpan(r, span, context, `${rsPath}.scopeSpans[${si}].spans[${i}]`));
    });
  });
  if (probe.span !== undefined) tally.probeIds(idHex(r, probe.span.traceId), idHex(r, probe.span.spanId));
  rejects?.release();
  return tally.result(days.finish());
}
