/**
 * OTLP trace requests (either encoding, read through a LeafCodec) to span rows in
 * JSONCompactEachRow text, validated span by span.
 *
 * A structural error (a list where an object belongs, an unreadable value) makes
 * the whole request malformed: it throws MalformedRequest and nothing is stored.
 * A well-formed span with invalid content (ids, times) is rejected alone and
 * counted, so the rest of its request is still stored (OTLP partial success).
 *
 * Rows are written as text while walking the request rather than built as objects
 * and serialized afterwards: measured, the object detour cost more than decoding.
 */
import type { LeafCodec } from './leaves';
import { AttributeCap, attributeString, attributesJson } from './values';
import { LAST_STORABLE_NS, UNDATED_LIMITS, type DecodeLimits } from './limits';
import { MalformedRequest } from './malformed';
import { SPAN_KINDS, STATUS_CODES, type SpanRows } from '../../storage/columns';

export const REJECT_REASONS = ['invalid_trace_id', 'invalid_span_id', 'invalid_parent_span_id', 'invalid_link', 'invalid_timestamp', 'end_before_start', 'too_old', 'too_far_in_future'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const REASON_TEXT: Record<RejectReason, string> = {
  invalid_trace_id: 'trace id is not 16 bytes or is all zero',
  invalid_span_id: 'span id is not 8 bytes or is all zero',
  invalid_parent_span_id: 'parent span id is neither empty nor 8 bytes',
  invalid_link: 'a link has an invalid trace or span id',
  invalid_timestamp: 'start time is missing or a time is after 2106-02-07T06:28:15Z, the last one stored',
  end_before_start: 'end time is before start time',
  too_old: 'start time is older than the retention period',
  too_far_in_future: 'start time is later than the future bound (--max-future-seconds)',
};

export interface Rejection {
  count: number;
  /** Path of the first span rejected for this reason (or the first list cut short). */
  first: string;
}

export type Rejections = Partial<Record<RejectReason, Rejection>>;

export interface NormalizedRequest {
  rows: SpanRows;
  rejected: number;
  rejections: Rejections;
  /** Attributes past the cap in stored spans and their resources: dropped, the spans kept. */
  droppedAttributes: Rejection | undefined;
}

export function droppedAttributes(cap: AttributeCap): Rejection | undefined {
  return cap.dropped > 0 && cap.first !== undefined ? { count: cap.dropped, first: cap.first } : undefined;
}

/**
 * Why a span whose fields all read is not stored, or undefined to store it; the
 * one place both decoders judge a span, so they cannot disagree.
 */
export function spanVerdict(s: {
  traceIdValid: boolean;
  spanIdValid: boolean;
  parentValid: boolean;
  start: bigint;
  end: bigint;
  /** The latest event time, 0n without events. */
  lastEvent: bigint;
  linksValid: boolean;
  limits: DecodeLimits;
}): RejectReason | undefined {
  if (!s.traceIdValid) return 'invalid_trace_id';
  if (!s.spanIdValid) return 'invalid_span_id';
  if (!s.parentValid) return 'invalid_parent_span_id';
  if (s.start === 0n || s.start > LAST_STORABLE_NS || s.end > LAST_STORABLE_NS || s.lastEvent > LAST_STORABLE_NS) return 'invalid_timestamp';
  if (s.end < s.start) return 'end_before_start';
  if (s.start < s.limits.earliestStartNs) return 'too_old';
  if (s.start > s.limits.latestStartNs) return 'too_far_in_future';
  if (!s.linksValid) return 'invalid_link';
  return undefined;
}

export function recordRejection(rejections: Rejections, reason: RejectReason, where: string): void {
  const seen = rejections[reason];
  if (seen) seen.count++;
  else rejections[reason] = { count: 1, first: where };
}

const SPAN_KIND_NAMES = SPAN_KINDS.map((k) => `SPAN_KIND_${k.toUpperCase()}`);
const STATUS_CODE_NAMES = STATUS_CODES.map((c) => `STATUS_CODE_${c.toUpperCase()}`);

const UNKNOWN_SERVICE = 'unknown_service';

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodeOrEmpty(v: unknown, where: string): Node {
  if (v == null) return {};
  if (!isNode(v)) throw new MalformedRequest(`${where}: expected an object`);
  return v;
}

function listOf(v: unknown, where: string): unknown[] {
  if (v == null) return [];
  if (!Array.isArray(v)) throw new MalformedRequest(`${where}: expected an array`);
  return v;
}

function read<T>(value: T | undefined, where: string, expected: string): T {
  if (value === undefined) throw new MalformedRequest(`${where}: expected ${expected}`);
  return value;
}

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

function validTraceId(id: string | undefined): id is string {
  return id !== undefined && id.length === 32 && id !== ZERO_TRACE_ID;
}

function validSpanId(id: string | undefined): id is string {
  return id !== undefined && id.length === 16 && id !== ZERO_SPAN_ID;
}

/** The resource- and scope-level part of every row of one ScopeSpans, computed once. */
interface ScopeContext {
  serviceName: string;
  resourceAttributes: string;
  scopeName: string;
  scopeVersion: string;
}

/**
 * A decoded request tree (OTLP/JSON, or protobufjs's decoding of protobuf) to span
 * rows. The protobuf path normally goes through transcode.ts instead; this one
 * stays the reference both are tested against.
 */
export function normalizeRequest(request: unknown, leaves: LeafCodec, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  const root = nodeOrEmpty(request, 'request');
  let text = '';
  let spans = 0;
  let rejected = 0;
  const rejections: Rejections = {};
  const cap = new AttributeCap(limits.maxAttributes);
  const reading: SpanReading = { leaves, limits, cap };

  listOf(root['resourceSpans'], 'resourceSpans').forEach((rsValue, r) => {
    const rsPath = `resourceSpans[${r}]`;
    const rs = nodeOrEmpty(rsValue, rsPath);
    const resource = nodeOrEmpty(rs['resource'], `${rsPath}.resource`);
    const resourceAttrs = resource['attributes'];
    const attrsPath = `${rsPath}.resource.attributes`;
    const serviceName = attributeString(resourceAttrs, 'service.name', leaves, attrsPath, cap.max) || UNKNOWN_SERVICE;
    const resourceAttributes = attributesJson(resourceAttrs, leaves, attrsPath, cap);

    listOf(rs['scopeSpans'], `${rsPath}.scopeSpans`).forEach((ssValue, s) => {
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      const ss = nodeOrEmpty(ssValue, ssPath);
      const scope = nodeOrEmpty(ss['scope'], `${ssPath}.scope`);
      const context: ScopeContext = {
        serviceName: JSON.stringify(serviceName),
        resourceAttributes,
        scopeName: JSON.stringify(read(leaves.str(scope['name']), `${ssPath}.scope.name`, 'a string')),
        scopeVersion: JSON.stringify(read(leaves.str(scope['version']), `${ssPath}.scope.version`, 'a string')),
      };
      listOf(ss['spans'], `${ssPath}.spans`).forEach((spanValue, i) => {
        const spanPath = `${ssPath}.spans[${i}]`;
        const mark = cap.mark();
        const row = spanRow(nodeOrEmpty(spanValue, spanPath), context, reading, spanPath);
        if (typeof row === 'string') {
          text += row;
          spans++;
          return;
        }
        cap.reset(mark);
        rejected++;
        recordRejection(rejections, row.rejected, spanPath);
      });
    });
  });
  return { rows: { data: Buffer.from(text), spans }, rejected, rejections, droppedAttributes: droppedAttributes(cap) };
}

/** What every span of one request is read with. */
interface SpanReading {
  leaves: LeafCodec;
  limits: DecodeLimits;
  cap: AttributeCap;
}

/**
 * One span as one JSONCompactEachRow line, in SPAN_COLUMNS order, or the reason it
 * is rejected. Every field is read either way, so a structurally malformed span
 * makes its request malformed even when its ids are also wrong.
 */
function spanRow(span: Node, context: ScopeContext, reading: SpanReading, where: string): string | { rejected: RejectReason } {
  const { leaves, cap } = reading;
  const traceId = leaves.id(span['traceId']);
  const spanId = leaves.id(span['spanId']);
  const parentSpanId = leaves.id(span['parentSpanId']);
  const start = read(leaves.time(span['startTimeUnixNano']), `${where}.startTimeUnixNano`, 'a 64-bit unsigned integer');
  const end = read(leaves.time(span['endTimeUnixNano']), `${where}.endTimeUnixNano`, 'a 64-bit unsigned integer');
  const traceState = read(leaves.str(span['traceState']), `${where}.traceState`, 'a string');
  const name = read(leaves.str(span['name']), `${where}.name`, 'a string');
  const kind = read(leaves.enumNumber(span['kind'], SPAN_KIND_NAMES), `${where}.kind`, 'a SpanKind');
  const status = nodeOrEmpty(span['status'], `${where}.status`);
  const code = read(leaves.enumNumber(status['code'], STATUS_CODE_NAMES), `${where}.status.code`, 'a StatusCode');
  const message = read(leaves.str(status['message']), `${where}.status.message`, 'a string');
  const attributes = attributesJson(span['attributes'], leaves, `${where}.attributes`, cap);
  const events = eventColumns(span['events'], leaves, `${where}.events`, cap);
  const links = linkColumns(span['links'], leaves, `${where}.links`, cap);

  const rejected = spanVerdict({
    traceIdValid: validTraceId(traceId),
    spanIdValid: validSpanId(spanId),
    parentValid: parentSpanId !== undefined && (parentSpanId === '' || parentSpanId.length === 16),
    start,
    end,
    lastEvent: events.last,
    linksValid: links.valid,
    limits: reading.limits,
  });
  if (rejected !== undefined) return { rejected };

  return (
    '[' +
    start.toString() +
    `,"${traceId}","${spanId}","${parentSpanId}",` +
    JSON.stringify(traceState) +
    ',' +
    JSON.stringify(name) +
    `,"${SPAN_KINDS[kind] ?? 'Unspecified'}",` +
    context.serviceName +
    ',' +
    context.resourceAttributes +
    ',' +
    context.scopeName +
    ',' +
    context.scopeVersion +
    ',' +
    attributes +
    ',' +
    (end - start).toString() +
    `,"${STATUS_CODES[code] ?? 'Unset'}",` +
    JSON.stringify(message) +
    ',' +
    events.text +
    ',' +
    links.text +
    ']\n'
  );
}

/** Events.Timestamp, Events.Name, Events.Attributes, and the latest event time (0n without events). */
function eventColumns(value: unknown, leaves: LeafCodec, where: string, cap: AttributeCap): { text: string; last: bigint } {
  const events = listOf(value, where);
  if (events.length === 0) return { text: '[],[],[]', last: 0n };
  const times: string[] = [];
  const names: string[] = [];
  const attributes: string[] = [];
  let last = 0n;
  events.forEach((eventValue, i) => {
    const at = `${where}[${i}]`;
    const event = nodeOrEmpty(eventValue, at);
    const time = read(leaves.time(event['timeUnixNano']), `${at}.timeUnixNano`, 'a 64-bit unsigned integer');
    if (time > last) last = time;
    times.push(time.toString());
    names.push(JSON.stringify(read(leaves.str(event['name']), `${at}.name`, 'a string')));
    attributes.push(attributesJson(event['attributes'], leaves, `${at}.attributes`, cap));
  });
  return { text: `[${times.join(',')}],[${names.join(',')}],[${attributes.join(',')}]`, last };
}

/** Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes, and whether every link id is valid. */
function linkColumns(value: unknown, leaves: LeafCodec, where: string, cap: AttributeCap): { text: string; valid: boolean } {
  const links = listOf(value, where);
  if (links.length === 0) return { text: '[],[],[],[]', valid: true };
  const traceIds: string[] = [];
  const spanIds: string[] = [];
  const states: string[] = [];
  const attributes: string[] = [];
  let valid = true;
  links.forEach((linkValue, i) => {
    const at = `${where}[${i}]`;
    const link = nodeOrEmpty(linkValue, at);
    const traceId = leaves.id(link['traceId']);
    const spanId = leaves.id(link['spanId']);
    if (!validTraceId(traceId) || !validSpanId(spanId)) valid = false;
    traceIds.push(`"${traceId}"`);
    spanIds.push(`"${spanId}"`);
    states.push(JSON.stringify(read(leaves.str(link['traceState']), `${at}.traceState`, 'a string')));
    attributes.push(attributesJson(link['attributes'], leaves, `${at}.attributes`, cap));
  });
  return { text: `[${traceIds.join(',')}],[${spanIds.join(',')}],[${states.join(',')}],[${attributes.join(',')}]`, valid };
}

/**
 * The partial_success error message: what was rejected, why, and where the first
 * one was; then the attributes dropped by the cap. Dropped attributes do not make a
 * span rejected (rejected_spans counts spans not stored), so on their own they are
 * the warning the specification allows with rejected_spans = 0.
 */
export function partialSuccessMessage(result: NormalizedRequest, maxAttributes: number): string {
  const parts = REJECT_REASONS.flatMap((reason) => {
    const r = result.rejections[reason];
    return r ? [`${r.count} rejected: ${REASON_TEXT[reason]} (first at ${r.first})`] : [];
  });
  const dropped = result.droppedAttributes;
  if (dropped) parts.push(`${dropped.count} attributes dropped: more than ${maxAttributes} in one list, the first ${maxAttributes} kept (first at ${dropped.first})`);
  return parts.join('; ');
}
