/**
 * The reference decode path: a decoded OTLP request tree (OTLP/JSON, or
 * protobufjs's decoding of protobuf) read through a LeafCodec and written as span
 * rows in JSONCompactEachRow text, validated span by span (span-rules.ts).
 *
 * A structural error (a list where an object belongs, an unreadable value) makes
 * the whole request malformed: it throws MalformedRequest and nothing is stored.
 *
 * Rows are written as text while walking the request rather than built as objects
 * and serialized afterwards: measured, the object detour cost more than decoding.
 */
import { quoteLongIntegers } from './json-int64';
import { jsonLeaves, protobufLeaves, roundedJsonIntegers, type LeafCodec } from './leaves';
import { AttributeCap, attributeString, attributesJson } from './values';
import { UNDATED_LIMITS, type DecodeLimits } from './limits';
import { MalformedRequest } from './malformed';
import { otlpTypes } from './proto';
import { judgeSpan, RequestTally, UNKNOWN_SERVICE, validSpanId, validTraceId, type NormalizedRequest, type SpanFacts } from './span-rules';
import { SPAN_KINDS, STATUS_CODES } from '../../storage/columns';

const SPAN_KIND_NAMES = SPAN_KINDS.map((k) => `SPAN_KIND_${k.toUpperCase()}`);
const STATUS_CODE_NAMES = STATUS_CODES.map((c) => `STATUS_CODE_${c.toUpperCase()}`);

/** An OTLP/JSON body to span rows. Throws MalformedRequest. */
export function normalizeJson(body: Buffer, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
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

export interface DecodedRequest {
  tree: unknown;
  leaves: LeafCodec;
}

/**
 * A request body as a decoded tree, for normalizeRequest: protobuf through
 * protobufjs, which the protobuf fast path is tested against (and the benchmark
 * measures as a baseline).
 */
export function decodeRequest(body: Buffer, encoding: 'protobuf' | 'json'): DecodedRequest {
  return encoding === 'protobuf' ? decodeProtobuf(body) : { tree: parseJsonObject(body.toString('utf8')), leaves: jsonLeaves };
}

function decodeProtobuf(body: Buffer): DecodedRequest {
  try {
    return { tree: otlpTypes().ExportTraceServiceRequest.decode(body), leaves: protobufLeaves };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MalformedRequest(`body is not a valid ExportTraceServiceRequest protobuf: ${reason}`, { cause: err });
  }
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
  const tally = new RequestTally(new AttributeCap(limits.maxAttributes));
  const reading: SpanReading = { leaves, limits, tally };

  listOf(root['resourceSpans'], 'resourceSpans').forEach((rsValue, r) => {
    const rsPath = `resourceSpans[${r}]`;
    const rs = nodeOrEmpty(rsValue, rsPath);
    const resource = nodeOrEmpty(rs['resource'], `${rsPath}.resource`);
    const resourceAttrs = resource['attributes'];
    const attrsPath = `${rsPath}.resource.attributes`;
    const serviceName = attributeString(resourceAttrs, 'service.name', leaves, attrsPath, tally.cap.max) || UNKNOWN_SERVICE;
    const resourceAttributes = attributesJson(resourceAttrs, leaves, attrsPath, tally.cap);

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
        text += spanRow(nodeOrEmpty(spanValue, spanPath), context, reading, spanPath);
      });
    });
  });
  return tally.result(Buffer.from(text));
}

/** What every span of one request is read with and counted in. */
interface SpanReading {
  leaves: LeafCodec;
  limits: DecodeLimits;
  tally: RequestTally;
}

/**
 * One span as one JSONCompactEachRow line, in SPAN_COLUMNS order, or '' when it is
 * rejected. Every field is read either way, so a structurally malformed span makes
 * its request malformed even when its ids are also wrong.
 */
function spanRow(span: Node, context: ScopeContext, reading: SpanReading, where: string): string {
  const { leaves, tally } = reading;
  const cap = tally.cap;
  const mark = cap.mark();
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

  const facts: SpanFacts = { traceId, spanId, parentSpanId, start, end, lastEvent: events.last, linksValid: links.valid };
  const rejected = judgeSpan(facts, reading.limits);
  if (rejected !== undefined) {
    tally.refused(rejected, where, mark);
    return '';
  }
  tally.stored(facts);
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
